//! Source text as node reads it: the bytes of a file (or of standard input) decoded as the WHATWG
//! Encoding Standard's "UTF-8 decode" does. A leading byte order mark is dropped, and each maximal
//! subpart of an ill-formed sequence becomes one U+FFFD, so a stray byte, even in a comment, never
//! stops a run (node runs such a file; reading it as strict UTF-8 would refuse it).

use std::io::Read;
use std::path::Path;

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a whole file, or standard input for `-`, as source text.
pub(crate) fn read(path: &Path) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(path)?;
    }
    Ok(decode(&bytes))
}

/// UTF-8 decode: without its BOM, with one U+FFFD per maximal ill-formed subpart (the
/// replacement `String::from_utf8_lossy` makes, which is the Encoding Standard's).
pub(crate) fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_maximal_ill_formed_subpart_is_one_replacement_character() {
        // A lone continuation byte, a truncated 3-byte and 4-byte sequence, an overlong
        // encoding (two subparts: C0 is never valid), a surrogate (three), a byte never valid.
        let cases: [(&[u8], &str); 6] = [
            (b"a\x80b", "a\u{FFFD}b"),
            (b"a\xE2\x82b", "a\u{FFFD}b"),
            (b"a\xF0\x9F\x98b", "a\u{FFFD}b"),
            (b"\xC0\xAF", "\u{FFFD}\u{FFFD}"),
            (b"\xED\xA0\x80", "\u{FFFD}\u{FFFD}\u{FFFD}"),
            (b"\xFF", "\u{FFFD}"),
        ];
        for (bytes, text) in cases {
            assert_eq!(decode(bytes), text, "{bytes:?}");
        }
    }

    #[test]
    fn a_leading_byte_order_mark_is_dropped_and_only_that_one() {
        assert_eq!(decode(b"\xEF\xBB\xBFx"), "x");
        assert_eq!(decode(b"x\xEF\xBB\xBF"), "x\u{FEFF}");
    }
}
