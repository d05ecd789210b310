//! Describing JavaScript values as node's inspector (`util.inspect`) does, whatever the value is:
//! bounded in depth and length, read from the objects' own storage (no getter, no proxy trap, no
//! script code), cycles marked, and never a panic.
//!
//! Boa's own `Display` for values recurses without bound through nested objects: an object nested
//! 16,384 deep makes it panic ("Formatting argument out of range"), and a deeper one overflows the
//! stack. So Boa's text is used here only for the values whose display cannot recurse (primitives,
//! functions, dates, regular expressions, errors with primitive `name` and `message`); every
//! object is walked here, to a fixed depth.

mod error;
mod inspector;
mod layout;
mod naming;
mod storage;
mod text;

use boa_engine::{Context, JsError, JsValue};

pub(crate) use error::capture_stack_getter;
use inspector::{Inspector, Limits};
pub(crate) use naming::constructor_name;
use storage::displays_without_recursion;

/// node's defaults: depth 2, 100 elements, 10,000 code units per string, 80 columns; node has no
/// bound on the whole text, this one stops at 32 Mi characters (node prints an object of a
/// million short properties in 19 MB).
const INSPECT: Limits = Limits {
    depth: 2,
    elements: 100,
    properties: usize::MAX,
    string: 10_000,
    width: Some(80),
    chars: 32 << 20,
};

/// A one-line report of a thrown value.
const REPORT: Limits = Limits {
    depth: 1,
    elements: 20,
    properties: 20,
    string: 1_000,
    width: None,
    chars: 4_000,
};

/// `value` described as node's `util.inspect(value)` describes it with its default options
/// (nested objects to a depth of two, 100 elements per array, `Map` or `Set`, lines broken at 80
/// columns), so a shell can print it: strings are quoted, accessors are shown as `[Getter]` and
/// not called, a proxy is shown as `[Proxy]` without running its handler, a cycle as
/// `[Circular *1]`. Never runs script code and never panics, however deep, wide or cyclic the
/// value is; the text is bounded (about 32 million characters at most), and so is its cost: only
/// what is shown is read (the first elements of an array, a `Map` or a typed array, the first
/// code units of a string).
#[must_use]
pub(crate) fn describe_value(value: &JsValue, context: &mut Context) -> String {
    Inspector::new(INSPECT, context).describe(value)
}

/// The deepest `depth` [`describe_value_to_depth`] goes to.
const MAX_DESCRIBE_DEPTH: usize = 16;

/// `value` described as [`describe_value`] does, but nested objects to `depth` levels (at most
/// [`MAX_DESCRIBE_DEPTH`]) instead of two: node's `util.inspect(value, { depth })`. A console's
/// `%s` shows objects to depth 0, `%o` to depth 4.
#[must_use]
pub(crate) fn describe_value_to_depth(
    value: &JsValue,
    depth: usize,
    context: &mut Context,
) -> String {
    let limits = Limits {
        depth: depth.min(MAX_DESCRIBE_DEPTH),
        ..INSPECT
    };
    Inspector::new(limits, context).describe(value)
}

/// A description of `error` for a one-line report: what Boa displays (with its backtrace) when that
/// cannot run away, else a bounded description of the thrown object, as [`describe_value`] gives
/// it but on one line and one level less deep. Never panics and never runs script code, whatever
/// was thrown.
#[must_use]
pub(crate) fn describe_error(error: &JsError, context: &mut Context) -> String {
    match error.as_opaque().and_then(JsValue::as_object) {
        Some(object) if !displays_without_recursion(&object) => bounded(
            Inspector::new(REPORT, context).describe(&object.into()),
            REPORT.chars,
        ),
        _ => bounded(error.to_string(), REPORT.chars),
    }
}

/// `text` cut to `max` bytes at a character boundary, ending in `...` when cut.
fn bounded(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
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

    fn inspect(code: &str) -> String {
        let mut context = Context::default();
        let value = context.eval(Source::from_bytes(code)).unwrap();
        describe_value(&value, &mut context)
    }

    #[test]
    fn errors_and_primitives_read_as_boa_shows_them() {
        assert!(describe("throw new TypeError('boom')").starts_with("TypeError: boom"));
        assert!(describe("throw 'text'").starts_with("\"text\""));
        assert!(describe("throw 42").starts_with("42"));
    }

    #[test]
    fn thrown_objects_are_described_on_one_line_to_a_depth_of_one() {
        assert_eq!(
            describe("throw { a: 1, b: [1, { c: { d: 1 } }], get g() { throw 1 } }"),
            "{ a: 1, b: [ 1, [Object] ], g: [Getter] }"
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
        let wide = describe(
            "throw Object.fromEntries([...Array(1000).keys()].map(i => ['k' + i, 'x'.repeat(100)]))",
        );
        assert!(
            wide.len() <= REPORT.chars + 3 && wide.contains("more"),
            "{}",
            wide.len()
        );
        assert_eq!(
            describe(
                "globalThis.called = 0; throw new Proxy({}, { ownKeys() { called++; return []; } })"
            ),
            "[Proxy]"
        );
        // The budget, scaled down: a value seen twice is left out once it is used up.
        let mut context = Context::default();
        let code =
            "const o = {}; for (let i = 0; i < 300; i++) o['k' + i] = 'x'.repeat(100); [o, o]";
        let value = context.eval(Source::from_bytes(code)).unwrap();
        let limits = Limits {
            chars: 40_000,
            ..INSPECT
        };
        let huge = Inspector::new(limits, &mut context).describe(&value);
        assert!(huge.ends_with("... 1 more item\n]"), "{}", huge.len());
        assert!(huge.len() < 2 * INSPECT.chars, "{}", huge.len());
    }

    #[test]
    fn values_read_as_node_shows_them() {
        for (code, expected) in [
            (
                "({ a: 1, 'b-c': 's', [Symbol('k')]: null })",
                "{ a: 1, 'b-c': 's', [Symbol(k)]: null }",
            ),
            ("[[[[1]]]]", "[ [ [ [Array] ] ] ]"),
            ("({ a: { b: { c: {} } } })", "{ a: { b: { c: {} } } }"),
            ("const o = {}; o.o = o; o", "<ref *1> { o: [Circular *1] }"),
            ("[1, , , 2]", "[ 1, <2 empty items>, 2 ]"),
            ("new Map([['a', 1]])", "Map(1) { 'a' => 1 }"),
            ("new Set([1, 'x'])", "Set(2) { 1, 'x' }"),
            ("Object.create(null)", "[Object: null prototype] {}"),
            (
                "class A {}; class B extends A { constructor() { super(); this.x = 1 } }; [new B(), B]",
                "[ B { x: 1 }, [class B extends A] ]",
            ),
            (
                "[function f() {}, async () => {}, function* g() {}]",
                "[ [Function: f], [AsyncFunction (anonymous)], [GeneratorFunction: g] ]",
            ),
            (
                "({ get a() { throw 1 }, set b(v) {} })",
                "{ a: [Getter], b: [Setter] }",
            ),
            ("-0", "-0"),
            (
                "[new Number(3), new String('s'), Object(1n)]",
                "[ [Number: 3], [String: 's'], [BigInt: 1n] ]",
            ),
            ("Promise.resolve({ a: 1 })", "Promise { { a: 1 } }"),
            ("new Proxy({ a: 1 }, { get() { throw 1 } })", "[Proxy]"),
        ] {
            assert_eq!(inspect(code), expected, "{code}");
        }
    }

    #[test]
    fn many_elements_are_counted_and_laid_out_in_columns() {
        assert_eq!(inspect("[...Array(101).keys()]").lines().last(), Some("]"));
        assert!(inspect("[...Array(101).keys()]").contains("... 1 more item\n"));
    }
}
