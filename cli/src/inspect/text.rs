//! Strings and property keys written as node's inspector writes them: single quotes unless the
//! text holds one, control characters escaped, long strings cut.

use std::fmt::Write;

use boa_engine::{JsString, property::PropertyKey};

/// `text` quoted and escaped, cut after `max_units` UTF-16 code units (node counts the same
/// units), with what was cut told after the closing quote.
pub(super) fn quoted(text: &JsString, max_units: usize) -> String {
    let units: Vec<u16> = text.iter().take(max_units).collect();
    let mut out = quoted_units(&units);
    let cut = text.len().saturating_sub(units.len());
    if cut > 0 {
        let _ = write!(out, "... {cut} more character{}", plural(cut));
    }
    out
}

/// A property key as a property name in an object: identifiers as they are, symbols in brackets
/// (their description escaped as in a single-quoted string, unquoted), any other string quoted.
pub(super) fn key(key: &PropertyKey) -> String {
    match key {
        PropertyKey::String(name) => match name.to_std_string() {
            Ok(text) if is_identifier(&text) => text,
            _ => quoted_units(&name.iter().collect::<Vec<_>>()),
        },
        PropertyKey::Symbol(symbol) => {
            let units: Vec<u16> = symbol.descriptive_string().iter().collect();
            let mut out = String::from("[");
            escape_into(&mut out, &units, '\'');
            out.push(']');
            out
        }
        PropertyKey::Index(index) => format!("'{}'", index.get()),
    }
}

/// `"s"` when `count` asks for a plural.
pub(super) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// ASCII letters, digits and underscores, not starting with a digit: what node leaves unquoted.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|rest| rest.is_ascii_alphanumeric() || rest == '_')
}

/// The quote a string is written in: `'`, else `"` when the text holds a `'`, else a backtick
/// when it holds both (and no `${`), else `'` escaped.
fn quote_for(units: &[u16]) -> char {
    let holds = |c: char| units.contains(&(c as u16));
    if !holds('\'') {
        '\''
    } else if !holds('"') {
        '"'
    } else if !holds('`')
        && !units
            .windows(2)
            .any(|pair| pair == [u16::from(b'$'), u16::from(b'{')])
    {
        '`'
    } else {
        '\''
    }
}

fn quoted_units(units: &[u16]) -> String {
    let quote = quote_for(units);
    let mut out = String::with_capacity(units.len() + 2);
    out.push(quote);
    escape_into(&mut out, units, quote);
    out.push(quote);
    out
}

/// `units` escaped as node escapes a string in `quote`s: the quote and `\`, control characters
/// (`\n`, `\x01`, `\x9F`), and a lone surrogate as `\ud83d` (lowercase, as node writes it).
fn escape_into(out: &mut String, units: &[u16], quote: char) {
    for decoded in char::decode_utf16(units.iter().copied()) {
        match decoded {
            Ok(c) if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            Ok('\u{8}') => out.push_str("\\b"),
            Ok('\t') => out.push_str("\\t"),
            Ok('\n') => out.push_str("\\n"),
            Ok('\u{c}') => out.push_str("\\f"),
            Ok('\r') => out.push_str("\\r"),
            Ok(c) if c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c) => {
                let _ = write!(out, "\\x{:02X}", u32::from(c));
            }
            Ok(c) => out.push(c),
            Err(lone) => {
                let _ = write!(out, "\\u{:04x}", lone.unpaired_surrogate());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use boa_engine::js_string;

    #[test]
    fn strings_take_the_quote_they_do_not_hold() {
        assert_eq!(quoted(&js_string!("a"), 100), "'a'");
        assert_eq!(quoted(&js_string!("it's"), 100), "\"it's\"");
        assert_eq!(quoted(&js_string!("'\""), 100), "`'\"`");
        assert_eq!(quoted(&js_string!("'\"`"), 100), "'\\'\"`'");
        assert_eq!(
            quoted(&js_string!("a\nb\t\u{1}\\"), 100),
            "'a\\nb\\t\\x01\\\\'"
        );
        assert_eq!(
            quoted(&js_string!("abcdef"), 2),
            "'ab'... 4 more characters"
        );
    }

    #[test]
    fn keys_are_quoted_unless_identifiers() {
        assert_eq!(key(&js_string!("a_1").into()), "a_1");
        assert_eq!(key(&js_string!("a-b").into()), "'a-b'");
        assert_eq!(key(&PropertyKey::from(7)), "'7'");
        assert_eq!(key(&JsString::from(&[0xd83d_u16][..]).into()), "'\\ud83d'");
        let symbol = boa_engine::JsSymbol::new(Some(js_string!("it's\n"))).unwrap();
        assert_eq!(key(&symbol.into()), "[Symbol(it\\'s\\n)]");
    }
}
