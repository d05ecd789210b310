//! A thrown value as one bounded line for the default error reporter (`report.rs`): an error's
//! name, message and location, anything else briefly. Read from storage (no getter, no proxy trap,
//! no script code), never a panic, and costing what it shows: strings are read only as far as
//! shown, no object's keys are listed, prototype chains are followed only so far.

use boa_engine::{
    JsError, JsObject, JsString, JsValue, JsVariant,
    builtins::{error::Error, proxy::Proxy},
    js_string,
    property::PropertyKey,
};

/// How much is shown (UTF-16 units of a name, message, string or symbol description; characters
/// of the line), how many objects of a prototype chain are read, the largest `BigInt` in digits.
const SHOWN_UNITS: usize = 1_000;
const MAX_LINE: usize = 4_000;
const MAX_PROTOTYPES: usize = 64;
const MAX_BIGINT_BITS: u64 = 256;

/// `error` as a line: `TypeError: boom (file.js:3:9)` and Boa's backtrace when `name` and `message`
/// are short primitives, else `name: message` (Boa writes the location only after the whole
/// message), or the thrown value briefly (`"text"`, `42`, `[Object]`, `[Function: f]`).
pub(crate) fn describe_error(error: &JsError) -> String {
    // An error the engine made in Rust (not opaque) is its kind and message, already text.
    let line = error
        .as_opaque()
        .map_or_else(|| error.to_string(), describe_thrown);
    cut_chars(line, MAX_LINE)
}

fn describe_thrown(value: &JsValue) -> String {
    let Some(object) = value.as_object().filter(|object| object.is::<Error>()) else {
        return brief(value);
    };
    let name = data_property(&object, "name");
    let message = data_property(&object, "message");
    if [&name, &message].into_iter().all(displays_briefly) {
        // Boa's text (`name: message (location)` and the backtrace) reads both from storage too.
        return JsError::from_opaque(value.clone()).to_string();
    }
    let part = |found: Result<Option<JsValue>, Unread>, default: &str| match found.ok().flatten() {
        Some(v) => v.as_string().map_or_else(|| brief(&v), |t| shown(&t)),
        None => default.to_owned(),
    };
    let (name, message) = (part(name, "Error"), part(message, ""));
    match (name.as_str(), message.as_str()) {
        (text, "") | ("", text) => text.to_owned(),
        _ => format!("{name}: {message}"),
    }
}

/// Whether Boa's display shows this `name` or `message` cheaply: none, or a short primitive.
fn displays_briefly(found: &Result<Option<JsValue>, Unread>) -> bool {
    let brief = |value: &JsValue| match value.variant() {
        JsVariant::String(text) => text.len() <= SHOWN_UNITS,
        JsVariant::Object(_) | JsVariant::Symbol(_) | JsVariant::BigInt(_) => false,
        _ => true,
    };
    found
        .as_ref()
        .is_ok_and(|value| value.as_ref().is_none_or(brief))
}

/// A prototype chain that could not be read to its end (a proxy, or over [`MAX_PROTOTYPES`]).
struct Unread;

/// The data value of `key` on `object` or its prototypes, read from storage (`None` when no object
/// of the chain has it, or it is an accessor).
fn data_property(object: &JsObject, key: &str) -> Result<Option<JsValue>, Unread> {
    let key = PropertyKey::from(JsString::from(key));
    let mut current = object.clone();
    for _ in 0..MAX_PROTOTYPES {
        if current.is::<Proxy>() {
            return Err(Unread);
        }
        if let Some(property) = current.borrow().properties().get(&key) {
            return Ok(property.value().cloned());
        }
        match current.prototype() {
            Some(parent) => current = parent,
            None => return Ok(None),
        }
    }
    Err(Unread)
}

/// Any value in a few words: strings quoted and cut, objects by kind and name (`[Array]`,
/// `[Foo]`, `[Function: f]`, `[Proxy]`), as node names objects past its depth limit.
fn brief(value: &JsValue) -> String {
    match value.variant() {
        JsVariant::String(text) => format!("\"{}\"", shown(&text)),
        JsVariant::Symbol(symbol) => {
            let description = symbol.description().map(|text| shown(&text));
            format!("Symbol({})", description.unwrap_or_default())
        }
        JsVariant::BigInt(big) if big.as_inner().bits() > MAX_BIGINT_BITS => {
            format!("[BigInt of {} bits]", big.as_inner().bits())
        }
        JsVariant::Object(object) => brief_object(&object),
        _ => value.display().to_string(),
    }
}

fn brief_object(object: &JsObject) -> String {
    if object.is::<Proxy>() {
        return "[Proxy]".to_owned();
    }
    let own_name = |object: &JsObject| {
        let name = object.borrow().properties().get(&js_string!("name").into());
        let name = name?.value()?.as_string()?;
        (!name.is_empty()).then(|| shown(&name))
    };
    if object.is_callable() {
        let name = own_name(object).map_or(" (anonymous)".to_owned(), |name| format!(": {name}"));
        return format!("[Function{name}]");
    }
    let constructor = data_property(object, "constructor").ok().flatten();
    match constructor.and_then(|value| own_name(&value.as_object()?)) {
        Some(name) => format!("[{name}]"),
        None if object.prototype().is_none() => "[Object: null prototype]".to_owned(),
        None => "[Object]".to_owned(),
    }
}

/// The first [`SHOWN_UNITS`] code units of `text` on one line: line breaks and other control
/// characters escaped, a lone surrogate as U+FFFD, `...` when cut.
fn shown(text: &JsString) -> String {
    let mut out = String::new();
    for c in char::decode_utf16(text.iter().take(SHOWN_UNITS)) {
        match c.unwrap_or(char::REPLACEMENT_CHARACTER) {
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    if text.len() > SHOWN_UNITS {
        out.push_str("...");
    }
    out
}

/// `text` cut to `max` characters, ending in `...` when cut.
fn cut_chars(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use boa_engine::{Context, Source};

    /// What `code` throws, described, and whether it set `ran` (a getter or a trap).
    fn describe(code: &str) -> (String, bool) {
        let mut context = Context::default();
        let source = Source::from_bytes(code).with_path(std::path::Path::new("t.js"));
        let line = describe_error(&context.eval(source).unwrap_err());
        let ran = context.eval(Source::from_bytes("'ran' in this")).unwrap();
        (line, ran.to_boolean())
    }

    #[test]
    fn thrown_values_are_described_briefly_boundedly_and_run_no_script() {
        let at = |column: u8| format!(" (t.js:1:{column})\n    at <main> (t.js:1:{column})");
        let null = "TypeError: cannot convert 'null' or 'undefined' to object".to_owned() + &at(6);
        let getter = "const e = new Error('m'); \
                      Object.defineProperty(e, 'message', { get() { ran = 1 } }); throw e";
        let deep = "let o = {}; for (let i = 0; i < 1e5; i++) o = { o }; \
                    const e = new Error(); e.message = o; throw e";
        let chain = "let p = Error.prototype; for (let i = 0; i < 100; i++) p = Object.create(p); \
                     throw Object.setPrototypeOf(new Error('m'), p)";
        let boom = "TypeError: boom".to_owned() + &at(7);
        let no_message = "Error".to_owned() + &at(11);
        let long = format!("Error: {}...", "x".repeat(SHOWN_UNITS));
        for (code, line) in [
            ("throw new TypeError('boom')", boom.as_str()),
            ("null.x", &null),
            (
                "const e = RangeError('m'); e.name = {}; throw e",
                "[Object]: m",
            ),
            (getter, &no_message),
            (chain, "Error: m"),
            (deep, "Error: [Object]"),
            ("throw new Error('x'.repeat(1e7))", &long),
            ("throw 'a\\nb'", "\"a\\nb\""),
            ("throw 2n ** 300n", "[BigInt of 301 bits]"),
            ("throw Symbol('s')", "Symbol(s)"),
            ("throw new (class Foo {})()", "[Foo]"),
            ("throw Object.create(null)", "[Object: null prototype]"),
            ("throw function f() {}", "[Function: f]"),
            ("throw new Proxy({}, { get() { ran = 1 } })", "[Proxy]"),
        ] {
            assert_eq!(describe(code), (line.to_owned(), false), "{code}");
        }
    }
}
