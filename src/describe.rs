//! Describing a thrown value for a report, whatever the value is: bounded in depth and length, read
//! from the objects' own storage (no getter, no proxy trap, no script code), and never a panic.
//!
//! Boa's own `Display` for values recurses without bound through nested objects: an object nested
//! 16,384 deep makes it panic ("Formatting argument out of range"), and a deeper one overflows the
//! stack. So Boa's text is used only for the values whose display cannot recurse (native errors,
//! primitives, `Error` objects with primitive `name` and `message`, functions); every other object
//! is described here, as node's inspector does, to a depth of two.

use std::fmt::Write;

use boa_engine::{
    builtins::{error::Error, promise::PromiseState, proxy::Proxy},
    js_string,
    object::builtins::JsPromise,
    property::{DescriptorKind, PropertyKey},
    Context, JsError, JsObject, JsValue,
};

/// Nested objects deeper than this are shown as `[Object]` or `[Array]`.
const MAX_DEPTH: usize = 2;
/// Properties or elements shown per object; the rest are counted.
const MAX_ENTRIES: usize = 20;
/// The most characters a description holds (a longer one is cut, ending in `...`).
const MAX_CHARS: usize = 4_000;

/// A description of `error` for a one-line report: what Boa displays (with its backtrace) when that
/// cannot run away, else a bounded description of the thrown object. Never panics and never runs
/// script code, whatever was thrown.
///
/// ```
/// use boa_engine::{Context, Source};
///
/// let mut context = Context::default();
/// let error = context
///     .eval(Source::from_bytes("let o = {}; for (let i = 0; i < 20000; i++) o = { o }; throw o"))
///     .unwrap_err();
/// let line = boa_finalization::describe_error(&error, &mut context);
/// assert_eq!(line, "{ o: { o: [Object] } }");
/// ```
#[must_use]
pub fn describe_error(error: &JsError, context: &mut Context) -> String {
    match error.as_opaque().and_then(JsValue::as_object) {
        Some(object) if !displays_without_recursion(&object) => {
            let mut out = String::new();
            describe_object(&object, 0, &mut out, context);
            bounded(out)
        }
        _ => bounded(error.to_string()),
    }
}

/// Whether Boa's display of `object` reads no nested object: an `Error` whose `name` and `message`
/// are primitives, or a function (shown by its name).
fn displays_without_recursion(object: &JsObject) -> bool {
    if object.is::<Error>() {
        let primitive = |key: &str| {
            lookup(object, &js_string!(key).into()).is_none_or(|value| !value.is_object())
        };
        return primitive("name") && primitive("message");
    }
    object.is_callable() && !object.is::<Proxy>()
}

/// The data value of `key` on `object` or its prototypes, read from their storage.
fn lookup(object: &JsObject, key: &PropertyKey) -> Option<JsValue> {
    let mut current = Some(object.clone());
    while let Some(object) = current {
        if let Some(property) = object.borrow().properties().get(key) {
            return property.value().cloned();
        }
        current = object.prototype();
    }
    None
}

fn describe_value(value: &JsValue, depth: usize, out: &mut String, context: &mut Context) {
    match value.as_object() {
        Some(object) => describe_object(&object, depth, out, context),
        None => {
            let _ = write!(out, "{}", value.display());
        }
    }
}

fn describe_object(object: &JsObject, depth: usize, out: &mut String, context: &mut Context) {
    if out.len() > MAX_CHARS {
        return;
    }
    let is_array = object.is_array();
    if object.is::<Proxy>() {
        // Its keys and values are the handler's to tell, and the handler is script code.
        out.push_str("[Proxy]");
    } else if displays_without_recursion(object) {
        let _ = write!(out, "{}", JsValue::from(object.clone()).display());
    } else if object.is::<Error>() {
        // `name: message`, either of them an object (else Boa's display took it above).
        for (index, key) in ["name", "message"].into_iter().enumerate() {
            if index == 1 {
                out.push_str(": ");
            }
            match lookup(object, &js_string!(key).into()) {
                Some(value) => describe_value(&value, depth + 1, out, context),
                None => out.push_str(if index == 0 { "Error" } else { "" }),
            }
        }
    } else if let Ok(promise) = JsPromise::from_object(object.clone()) {
        let state = match promise.state() {
            PromiseState::Pending => "<pending>",
            PromiseState::Fulfilled(_) => "<fulfilled>",
            PromiseState::Rejected(_) => "<rejected>",
        };
        let _ = write!(out, "Promise {{ {state} }}");
    } else if depth >= MAX_DEPTH {
        out.push_str(if is_array { "[Array]" } else { "[Object]" });
    } else {
        describe_entries(object, is_array, depth, out, context);
    }
}

/// `{ key: value, ... }` or `[ value, ... ]` from the object's own storage.
fn describe_entries(
    object: &JsObject,
    is_array: bool,
    depth: usize,
    out: &mut String,
    context: &mut Context,
) {
    // Not a proxy, so [[OwnPropertyKeys]] runs no script code.
    let keys = object.own_property_keys(context).unwrap_or_default();
    let (open, close) = if is_array { ("[", "]") } else { ("{", "}") };
    out.push_str(open);
    let mut shown = 0;
    for key in &keys {
        if is_array && matches!(key, PropertyKey::String(name) if name == &js_string!("length")) {
            continue;
        }
        let Some(property) = object.borrow().properties().get(key) else {
            continue;
        };
        if shown == MAX_ENTRIES || out.len() > MAX_CHARS {
            let _ = write!(out, " ... {} more", keys.len() - shown);
            break;
        }
        out.push_str(if shown == 0 { " " } else { ", " });
        shown += 1;
        if !(is_array && matches!(key, PropertyKey::Index(_))) {
            let _ = write!(out, "{key}: ");
        }
        match property.kind() {
            DescriptorKind::Data {
                value: Some(value), ..
            } => describe_value(value, depth + 1, out, context),
            DescriptorKind::Accessor { .. } => out.push_str("[Getter/Setter]"),
            _ => out.push_str("undefined"),
        }
    }
    out.push_str(if shown == 0 { close } else { " " });
    if shown > 0 {
        out.push_str(close);
    }
}

/// `text` cut to [`MAX_CHARS`] at a character boundary.
fn bounded(mut text: String) -> String {
    if text.len() > MAX_CHARS {
        let mut end = MAX_CHARS;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use boa_engine::Source;

    fn describe(code: &str) -> String {
        let mut context = Context::default();
        let error = context.eval(Source::from_bytes(code)).unwrap_err();
        describe_error(&error, &mut context)
    }

    #[test]
    fn errors_and_primitives_read_as_boa_shows_them() {
        assert!(describe("throw new TypeError('boom')").starts_with("TypeError: boom"));
        assert!(describe("throw 'text'").starts_with("\"text\""));
        assert!(describe("throw 42").starts_with("42"));
    }

    #[test]
    fn objects_are_described_to_a_depth_of_two() {
        assert_eq!(
            describe("throw { a: 1, b: [1, { c: { d: 1 } }], get g() { throw 1 } }"),
            "{ a: 1, b: [ 1, [Object] ], g: [Getter/Setter] }"
        );
        assert_eq!(describe("throw []"), "[]");
    }

    #[test]
    fn deep_and_wide_values_stay_bounded_and_run_no_script() {
        let deep_message = describe(
            "let o = {}; for (let i = 0; i < 100000; i++) o = { o }; \
             const e = new Error(); e.message = o; throw e",
        );
        assert!(deep_message.contains("[Object]"), "{deep_message}");
        let wide = describe("throw Object.fromEntries([...Array(1000).keys()].map(i => ['k' + i, 'x'.repeat(100)]))");
        assert!(
            wide.len() <= MAX_CHARS + 3 && wide.contains("more"),
            "{}",
            wide.len()
        );
        assert_eq!(
            describe("globalThis.called = 0; throw new Proxy({}, { ownKeys() { called++; return []; } })"),
            "[Proxy]"
        );
    }
}
