//! What `finreg` prints for values, at the prompt and through `console`: node's inspector, bounded.
//! The cases are compared with node 20 when `node` is on PATH (and checked against what node
//! printed when it is not).

use std::fmt::Write as _;
use std::io::Write;
use std::process::{Command, Output, Stdio};

mod common;
use common::{stderr, stdout, with_stdin};

/// An object nested 100,000 deep (`a.x.x.x...`) and an array nested as deep (`b[0][0]...`): Boa's
/// own display recursed through them and overflowed the stack, aborting finreg.
const DEEP: &str = "let a = {}; let c = a; for (let i = 0; i < 100000; i++) { c.x = {}; c = c.x; } \
                    let b = []; let d = b; for (let i = 0; i < 100000; i++) { d.push([]); d = d[0]; }";
const DEEP_OBJECT: &str = "{ x: { x: { x: [Object] } } }";
const DEEP_ARRAY: &str = "[ [ [ [Array] ] ] ]";

/// Runs finreg with `args` and `input` on its standard input.
fn finreg(args: &[&str], input: &[u8]) -> Output {
    with_stdin(Command::new(env!("CARGO_BIN_EXE_finreg")).args(args), input)
}

#[test]
fn the_prompt_echoes_a_deeply_nested_value_as_node_does() {
    let output = finreg(&["-i"], format!("{DEEP}\na\nb\n").as_bytes());
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = stdout(&output);
    let values: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(values, [DEEP_OBJECT, DEEP_ARRAY]);
}

#[test]
fn every_console_method_that_formats_prints_a_deeply_nested_value_as_node_does() {
    let calls = "console.log(a); console.log(b); console.info(a); console.debug(b); console.warn(a); \
                 console.dir(a); console.dirxml(b); console.log('%o %O %s', a, b, a); \
                 console.group(a); console.groupEnd(); console.time('t'); console.timeLog('t', a); \
                 console.error(a); console.assert(false, a); console.assert(false, '%O', b); \
                 console.trace(b);";
    let output = finreg(&["-e", &format!("{DEEP} {calls}")], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = stdout(&output);
    let stdout: Vec<&str> = stdout.lines().collect();
    // `%o` describes four levels deep, as node does; `%s` none (node: depth 0).
    let format_line = "{\n  x: {\n    x: { x: { x: { x: [Object] } } }\n  }\n} [ [ [ [Array] ] ] ] { x: [Object] }";
    let expected_stdout: Vec<&str> = [DEEP_OBJECT, DEEP_ARRAY, DEEP_OBJECT, DEEP_ARRAY]
        .into_iter()
        .chain([DEEP_OBJECT, DEEP_ARRAY])
        .chain(format_line.lines())
        .chain([DEEP_OBJECT])
        .collect();
    assert_eq!(stdout[..expected_stdout.len()], expected_stdout[..]);
    let time_log = stdout[expected_stdout.len()];
    assert!(
        time_log.starts_with("t: ") && time_log.ends_with(&format!(" ms {DEEP_OBJECT}")),
        "{time_log}"
    );
    assert_eq!(stdout.len(), expected_stdout.len() + 1);
    // As in node, warn, error, assert and trace go to stderr.
    let stderr = stderr(&output);
    let stderr: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        stderr,
        [
            DEEP_OBJECT,
            DEEP_OBJECT,
            "Assertion failed: [object Object]",
            &format!("Assertion failed: {DEEP_ARRAY}"),
            &format!("Trace: {DEEP_ARRAY}"),
            "    at <main>",
        ]
    );
}

#[test]
fn console_table_describes_deeply_nested_cells_and_calls_no_getter() {
    let calls = "console.table([{ a }, { get g() { throw new Error('getter ran') } }]); \
                 console.table(new Map([['k', b]])); console.table(5, a)";
    let output = finreg(&["-e", &format!("{DEEP} {calls}")], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = stdout(&output);
    // Cells are described one level deep, as node's table does.
    assert!(stdout.contains("{ x: [Object] }"), "{stdout}");
    assert!(
        stdout.contains("[ [Array] ]") && stdout.contains("'k'"),
        "{stdout}"
    );
    assert!(stdout.ends_with(&format!("5 {DEEP_OBJECT}\n")), "{stdout}");
}

#[test]
fn groups_label_and_indent_every_line_as_node_does() {
    let code = "console.group('g'); console.log('a\\nb'); console.log({ o: 1 }); console.group(); \
                console.log('c'); console.groupEnd(); console.groupEnd(); console.log('end')";
    let expected = "g\n  a\n  b\n  { o: 1 }\n    c\nend\n";
    assert_eq!(stdout(&finreg(&["-e", code], b"")), expected);
    if let Ok(node) = Command::new("node").args(["-e", code]).output() {
        assert_eq!(stdout(&node), expected, "node");
    }
}

/// Whether node prints what finreg prints for a case, and if not, why not.
#[derive(Clone, Copy, Debug)]
enum Node {
    Same,
    /// The same but for the frames of error stacks, which are each engine's own (node's: its own
    /// frames too, absolute paths, ten at most; Boa's: `<main>`, the path as given, its columns).
    Frames,
    /// node prints something else; the reason.
    Differs(&'static str),
}

/// A value (`code`, an expression, or arguments), what `console.log` prints for it in finreg
/// (`{line}` stands for the line of the script it is on), and how node compares.
struct Case {
    code: &'static str,
    finreg: &'static str,
    node: Node,
}

const CASES: &[Case] = &[
    Case {
        code: "[new Error('boom')]",
        finreg: "[\n  Error: boom\n      at <main> (<stdin>:{line}:14)\n]",
        node: Node::Frames,
    },
    Case {
        code: "(() => { const a = {}; let c = a; for (let i = 0; i < 1000; i++) { c.x = {}; c = c.x; } return a; })()",
        finreg: "{ x: { x: { x: [Object] } } }",
        node: Node::Same,
    },
    Case {
        code: "[[[[1]]], { a: { b: {} } }, [{ a: { b: 1 } }]]",
        finreg: "[ [ [ [Array] ] ], { a: { b: {} } }, [ { a: [Object] } ] ]",
        node: Node::Same,
    },
    Case {
        code: "(() => { const o = { name: 'o' }; o.self = o; return o; })()",
        finreg: "<ref *1> { name: 'o', self: [Circular *1] }",
        node: Node::Same,
    },
    Case {
        code: "(() => { const a = { n: 1 }; const b = { a }; a.b = b; return [a, b]; })()",
        finreg: "[\n  <ref *1> { n: 1, b: { a: [Circular *1] } },\n  <ref *2> { a: <ref *1> { n: 1, b: [Circular *2] } }\n]",
        node: Node::Same,
    },
    Case {
        code: "(() => { const m = new Map(); m.set(m, m); return m; })()",
        finreg: "<ref *1> Map(1) { [Circular *1] => [Circular *1] }",
        node: Node::Same,
    },
    Case {
        code: "[...Array(7).keys()]",
        finreg: "[\n  0, 1, 2, 3,\n  4, 5, 6\n]",
        node: Node::Same,
    },
    Case {
        code: "['a', 'bb', 'ccc', 'dddd', 'e', 'f', 'g', 'h']",
        finreg: "[\n  'a',   'bb',\n  'ccc', 'dddd',\n  'e',   'f',\n  'g',   'h'\n]",
        node: Node::Same,
    },
    Case {
        code: "[...Array(103).keys()].slice(95).concat([...Array(98)].map(() => 1))",
        finreg: "[\n  95, 96, 97, 98, 99, 100, 101, 102, 1, 1, 1, 1,\n   1,  1,  1,  1,  1,   1,   1,   1, 1, 1, 1, 1,\n   1,  1,  1,  1,  1,   1,   1,   1, 1, 1, 1, 1,\n   1,  1,  1,  1,  1,   1,   1,   1, 1, 1, 1, 1,\n   1,  1,  1,  1,  1,   1,   1,   1, 1, 1, 1, 1,\n   1,  1,  1,  1,  1,   1,   1,   1, 1, 1, 1, 1,\n   1,  1,  1,  1,  1,   1,   1,   1, 1, 1, 1, 1,\n   1,  1,  1,  1,  1,   1,   1,   1, 1, 1, 1, 1,\n   1,  1,  1,  1,\n  ... 6 more items\n]",
        node: Node::Same,
    },
    Case {
        code: "[1, , 3, , , 6]",
        finreg: "[ 1, <1 empty item>, 3, <2 empty items>, 6 ]",
        node: Node::Same,
    },
    Case {
        code: "[new Array(1e6), Object.assign([1, 2], { extra: 'e' })]",
        finreg: "[ [ <1000000 empty items> ], [ 1, 2, extra: 'e' ] ]",
        node: Node::Same,
    },
    Case {
        code: "new Map([['a', 1], [{ k: 1 }, [1, 2]]])",
        finreg: "Map(2) { 'a' => 1, { k: 1 } => [ 1, 2 ] }",
        node: Node::Same,
    },
    Case {
        code: "[new Set([1, 'two', { three: 3 }]), new Map(), new Set(), new WeakMap()]",
        finreg: "[\n  Set(3) { 1, 'two', { three: 3 } },\n  Map(0) {},\n  Set(0) {},\n  WeakMap { <items unknown> }\n]",
        node: Node::Same,
    },
    Case {
        code: "[function f() {}, () => {}, async function g() {}, function* h() {}, class A {}, class B extends Array {}]",
        finreg: "[\n  [Function: f],\n  [Function (anonymous)],\n  [AsyncFunction: g],\n  [GeneratorFunction: h],\n  [class A],\n  [class B extends Array]\n]",
        node: Node::Same,
    },
    Case {
        code: "[Object.assign(function named() {}, { prop: 1 }), Math.max, function f() {}.bind(null)]",
        finreg: "[ [Function: named] { prop: 1 }, [Function: max], [Function: bound f] ]",
        node: Node::Same,
    },
    Case {
        code: "(() => { class Point { constructor() { this.x = 1; this.y = 2; } } class Empty {} class List extends Array {} return [new Point(), new Empty(), List.from([1, 2]), new List()]; })()",
        finreg: "[ Point { x: 1, y: 2 }, Empty {}, List(2) [ 1, 2 ], List(0) [] ]",
        node: Node::Same,
    },
    Case {
        code: "[Symbol('s'), Symbol(), Symbol.iterator, { [Symbol('k')]: 1 }]",
        finreg: "[ Symbol(s), Symbol(), Symbol(Symbol.iterator), { [Symbol(k)]: 1 } ]",
        node: Node::Same,
    },
    Case {
        code: "({ s: 'text', q: \"it's\", both: `'\"`, nl: 'a\\nb', key_1: 1, 'a-b': 2, 3: 4 })",
        finreg: "{\n  '3': 4,\n  s: 'text',\n  q: \"it's\",\n  both: `'\"`,\n  nl: 'a\\nb',\n  key_1: 1,\n  'a-b': 2\n}",
        node: Node::Same,
    },
    Case {
        code: "({ text: 'line one\\nline two\\nline three is longer than the rest of them, by far, and then some' })",
        finreg: "{\n  text: 'line one\\n' +\n    'line two\\n' +\n    'line three is longer than the rest of them, by far, and then some'\n}",
        node: Node::Same,
    },
    Case {
        code: "[{ s: 'x'.repeat(10005) }].map(o => ({ cut: o.s })).length",
        finreg: "1",
        node: Node::Same,
    },
    Case {
        code: "({ get g() { throw new Error('getter ran'); }, set s(v) {}, get gs() { return 1; }, set gs(v) {} })",
        finreg: "{ g: [Getter], s: [Setter], gs: [Getter/Setter] }",
        node: Node::Same,
    },
    Case {
        code: "[Object.assign(Object.create(null), { a: 1 }), Object.create(null)]",
        finreg: "[ [Object: null prototype] { a: 1 }, [Object: null prototype] {} ]",
        node: Node::Same,
    },
    Case {
        code: "[undefined, null, true, -0, 0, 1.5, 1e21, NaN, -Infinity, 10n]",
        finreg: "[\n  undefined, null,\n  true,      -0,\n  0,         1.5,\n  1e+21,     NaN,\n  -Infinity, 10n\n]",
        node: Node::Same,
    },
    Case {
        code: "[new Number(1), new String('s'), new Boolean(false), Object(2n)]",
        finreg: "[ [Number: 1], [String: 's'], [Boolean: false], [BigInt: 2n] ]",
        node: Node::Same,
    },
    Case {
        code: "[Promise.resolve(5), new Promise(() => {}), new Date(0), /a+b/gi, new Uint8Array([1, 2, 3])]",
        finreg: "[\n  Promise { 5 },\n  Promise { <pending> },\n  1970-01-01T00:00:00.000Z,\n  /a+b/gi,\n  Uint8Array(3) [ 1, 2, 3 ]\n]",
        node: Node::Same,
    },
    Case {
        code: "({ a: { b: { c: 'x'.repeat(70) } }, d: [{ e: 1, f: 'y'.repeat(40) }] })",
        finreg: "{\n  a: {\n    b: {\n      c: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n    }\n  },\n  d: [ { e: 1, f: 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy' } ]\n}",
        node: Node::Same,
    },
    Case {
        code: "[Math, JSON]",
        finreg: "[ Object [Math] {}, Object [JSON] {} ]",
        node: Node::Same,
    },
    Case {
        code: "new Proxy({ a: 1 }, { get() { throw new Error('trap ran'); }, ownKeys() { throw new Error('trap ran'); } })",
        finreg: "[Proxy]",
        node: Node::Differs(
            "node shows the proxy's target ({ a: 1 }) without running traps; Boa 0.22 has no public way to reach a proxy's target",
        ),
    },
    Case {
        code: "(() => { class Foo { get [Symbol.toStringTag]() { return 'Bar'; } } return new Foo(); })()",
        finreg: "Foo {}",
        node: Node::Differs(
            "node calls the Symbol.toStringTag getter (Foo [Bar] {}); finreg calls no getter",
        ),
    },
    Case {
        code: "(function () { return arguments; })(1, 2)",
        finreg: "{ '0': 1, '1': 2 }",
        node: Node::Differs(
            "node marks an arguments object ([Arguments]); Boa 0.22 does not expose which objects are",
        ),
    },
    Case {
        code: "'%j %j %j %j', { a: [1, 'x'], u: undefined }, (() => { const o = {}; o.self = o; return o; })(), undefined, { toJSON() { return 'tj'; } }",
        finreg: "{\"a\":[1,\"x\"]} [Circular] undefined \"tj\"",
        node: Node::Same,
    },
    Case {
        code: "'%s|%s|%s|%s|%s', { toString: null }, { toString: 5, a: 1 }, { toString() { return 'own'; } }, { [Symbol.toPrimitive]() { return 'P'; } }, new (class Point { constructor() { this.x = 1; } })()",
        finreg: "{ toString: null }|{ toString: 5, a: 1 }|own|P|Point { x: 1 }",
        node: Node::Same,
    },
    Case {
        code: "['\\ud83d', 'a\\ud83d\\ude00', '\\udc00x', 'tab\\there', '\\x7f\\x9f\\x01\\x0b']",
        finreg: "[ '\\ud83d', 'a😀', '\\udc00x', 'tab\\there', '\\x7F\\x9F\\x01\\x0B' ]",
        node: Node::Same,
    },
    Case {
        code: "({ '\\ud83d': 1, [Symbol('x\\ty')]: 2, [Symbol(\"it's\\n\")]: 3, [Symbol('\\udc00')]: 4 })",
        finreg: "{\n  '\\ud83d': 1,\n  [Symbol(x\\ty)]: 2,\n  [Symbol(it\\'s\\n)]: 3,\n  [Symbol(\\udc00)]: 4\n}",
        node: Node::Same,
    },
    Case {
        code: "[Symbol('a\\nb'), Symbol('\\ud83d'), Symbol(\"it's\")]",
        finreg: "[\n  Symbol(a\nb),\n  Symbol(�),\n  Symbol(it's)\n]",
        node: Node::Same,
    },
    Case {
        code: "'%s and %s', '\\ud83d', Symbol('q\\nr')",
        finreg: "� and Symbol(q\nr)",
        node: Node::Same,
    },
    Case {
        code: "[new ArrayBuffer(4), new ArrayBuffer(0), new Uint8Array([255, 16, 1]).buffer]",
        finreg: "[\n  ArrayBuffer { [Uint8Contents]: <00 00 00 00>, byteLength: 4 },\n  ArrayBuffer { [Uint8Contents]: <>, byteLength: 0 },\n  ArrayBuffer { [Uint8Contents]: <ff 10 01>, byteLength: 3 }\n]",
        node: Node::Same,
    },
    Case {
        code: "new DataView(new ArrayBuffer(3), 1)",
        finreg: "DataView {\n  byteLength: 2,\n  byteOffset: 1,\n  buffer: ArrayBuffer { [Uint8Contents]: <00 00 00>, byteLength: 3 }\n}",
        node: Node::Same,
    },
    Case {
        code: "Object.assign(new ArrayBuffer(200), { extra: 'e' })",
        finreg: "ArrayBuffer {\n  [Uint8Contents]: <00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ... 100 more bytes>,\n  byteLength: 200,\n  extra: 'e'\n}",
        node: Node::Same,
    },
    Case {
        code: "({ a: { b: { c: new ArrayBuffer(2), d: new DataView(new ArrayBuffer(1)) } } })",
        finreg: "{ a: { b: { c: [ArrayBuffer], d: [DataView] } } }",
        node: Node::Same,
    },
    Case {
        code: "{ e: new Error('boom', { cause: new TypeError('why') }) }",
        finreg: "{\n  e: Error: boom\n      at <main> (<stdin>:{line}:18) {\n    [cause]: TypeError: why\n        at <main> (<stdin>:{line}:45)\n  }\n}",
        node: Node::Frames,
    },
    Case {
        code: "new AggregateError([new Error('x'), 1], 'agg')",
        finreg: "AggregateError: agg\n    at <main> (<stdin>:{line}:13) {\n  [errors]: [\n    Error: x\n        at <main> (<stdin>:{line}:33),\n    1\n  ]\n}",
        node: Node::Frames,
    },
    Case {
        code: "(() => { class MyError extends Error {} class Foo extends Error {} return [new MyError('m'), new Foo('f')]; })()",
        finreg: "[\n  MyError: m\n      at MyError (<stdin>:?:?)\n      at <main> (<stdin>:{line}:88)\n      at <main> (<stdin>:{line}:123),\n  Foo [Error]: f\n      at Foo (<stdin>:?:?)\n      at <main> (<stdin>:{line}:106)\n      at <main> (<stdin>:{line}:123)\n]",
        node: Node::Frames,
    },
    Case {
        code: "(() => { const e = new RangeError('with props'); e.code = 'E1'; const s = new Error('no stack'); s.stack = undefined; const c = new Error('custom'); c.stack = 'custom stack'; return [e, s, c]; })()",
        finreg: "[\n  RangeError: with props\n      at <main> (<stdin>:{line}:32)\n      at <main> (<stdin>:{line}:208) {\n    code: 'E1'\n  },\n  [Error: no stack],\n  [custom stack]\n]",
        node: Node::Frames,
    },
    Case {
        code: "[Object.setPrototypeOf(new Error('np'), null), new Error(''), Object.assign(new Error('m'), { name: '' })]",
        finreg: "[\n  [Error: null prototype]: np\n      at <main> (<stdin>:{line}:36),\n  Error\n      at <main> (<stdin>:{line}:60),\n  m\n      at <main> (<stdin>:{line}:89)\n]",
        node: Node::Frames,
    },
    Case {
        code: "(() => { function k(n) { if (n) return k(n - 1); const c = new Error('c'); return new Error('o', { cause: c }); } return k(5); })()",
        finreg: "Error: o\n    at k (<stdin>:{line}:95)\n    at k (<stdin>:{line}:53)\n    ... 5 lines matching cause stack trace ...\n    at <main> (<stdin>:{line}:142) {\n  [cause]: Error: c\n      at k (<stdin>:{line}:72)\n      at k (<stdin>:{line}:53)\n      at k (<stdin>:{line}:53)\n      at k (<stdin>:{line}:53)\n      at k (<stdin>:{line}:53)\n      at k (<stdin>:{line}:53)\n      at <main> (<stdin>:{line}:135)\n      at <main> (<stdin>:{line}:142)\n}",
        node: Node::Frames,
    },
    Case {
        code: "{ a: { b: { c: new Error('deep', { cause: 1 }), d: new Error('deep, no keys') } } }",
        finreg: "{\n  a: {\n    b: {\n      c: [Error],\n      d: Error: deep, no keys\n          at <main> (<stdin>:{line}:64)\n    }\n  }\n}",
        node: Node::Frames,
    },
    Case {
        code: "new Uint8Array(1e6)",
        finreg: "Uint8Array(1000000) [\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0,\n  ... 999900 more items\n]",
        node: Node::Same,
    },
    Case {
        code: "(() => { const a = []; a.length = 2 ** 32 - 1; a[5] = 'five'; a[2 ** 32 - 2] = 'last'; return a; })()",
        finreg: "[ <5 empty items>, 'five', <4294967288 empty items>, 'last' ]",
        node: Node::Same,
    },
    Case {
        code: "new Map(Array.from({ length: 1000 }, (_, i) => [i, { i }]))",
        finreg: "Map(1000) {\n  0 => { i: 0 },\n  1 => { i: 1 },\n  2 => { i: 2 },\n  3 => { i: 3 },\n  4 => { i: 4 },\n  5 => { i: 5 },\n  6 => { i: 6 },\n  7 => { i: 7 },\n  8 => { i: 8 },\n  9 => { i: 9 },\n  10 => { i: 10 },\n  11 => { i: 11 },\n  12 => { i: 12 },\n  13 => { i: 13 },\n  14 => { i: 14 },\n  15 => { i: 15 },\n  16 => { i: 16 },\n  17 => { i: 17 },\n  18 => { i: 18 },\n  19 => { i: 19 },\n  20 => { i: 20 },\n  21 => { i: 21 },\n  22 => { i: 22 },\n  23 => { i: 23 },\n  24 => { i: 24 },\n  25 => { i: 25 },\n  26 => { i: 26 },\n  27 => { i: 27 },\n  28 => { i: 28 },\n  29 => { i: 29 },\n  30 => { i: 30 },\n  31 => { i: 31 },\n  32 => { i: 32 },\n  33 => { i: 33 },\n  34 => { i: 34 },\n  35 => { i: 35 },\n  36 => { i: 36 },\n  37 => { i: 37 },\n  38 => { i: 38 },\n  39 => { i: 39 },\n  40 => { i: 40 },\n  41 => { i: 41 },\n  42 => { i: 42 },\n  43 => { i: 43 },\n  44 => { i: 44 },\n  45 => { i: 45 },\n  46 => { i: 46 },\n  47 => { i: 47 },\n  48 => { i: 48 },\n  49 => { i: 49 },\n  50 => { i: 50 },\n  51 => { i: 51 },\n  52 => { i: 52 },\n  53 => { i: 53 },\n  54 => { i: 54 },\n  55 => { i: 55 },\n  56 => { i: 56 },\n  57 => { i: 57 },\n  58 => { i: 58 },\n  59 => { i: 59 },\n  60 => { i: 60 },\n  61 => { i: 61 },\n  62 => { i: 62 },\n  63 => { i: 63 },\n  64 => { i: 64 },\n  65 => { i: 65 },\n  66 => { i: 66 },\n  67 => { i: 67 },\n  68 => { i: 68 },\n  69 => { i: 69 },\n  70 => { i: 70 },\n  71 => { i: 71 },\n  72 => { i: 72 },\n  73 => { i: 73 },\n  74 => { i: 74 },\n  75 => { i: 75 },\n  76 => { i: 76 },\n  77 => { i: 77 },\n  78 => { i: 78 },\n  79 => { i: 79 },\n  80 => { i: 80 },\n  81 => { i: 81 },\n  82 => { i: 82 },\n  83 => { i: 83 },\n  84 => { i: 84 },\n  85 => { i: 85 },\n  86 => { i: 86 },\n  87 => { i: 87 },\n  88 => { i: 88 },\n  89 => { i: 89 },\n  90 => { i: 90 },\n  91 => { i: 91 },\n  92 => { i: 92 },\n  93 => { i: 93 },\n  94 => { i: 94 },\n  95 => { i: 95 },\n  96 => { i: 96 },\n  97 => { i: 97 },\n  98 => { i: 98 },\n  99 => { i: 99 },\n  ... 900 more items\n}",
        node: Node::Same,
    },
    Case {
        code: "new Set(Array.from({ length: 150 }, (_, i) => i))",
        finreg: "Set(150) {\n  0,\n  1,\n  2,\n  3,\n  4,\n  5,\n  6,\n  7,\n  8,\n  9,\n  10,\n  11,\n  12,\n  13,\n  14,\n  15,\n  16,\n  17,\n  18,\n  19,\n  20,\n  21,\n  22,\n  23,\n  24,\n  25,\n  26,\n  27,\n  28,\n  29,\n  30,\n  31,\n  32,\n  33,\n  34,\n  35,\n  36,\n  37,\n  38,\n  39,\n  40,\n  41,\n  42,\n  43,\n  44,\n  45,\n  46,\n  47,\n  48,\n  49,\n  50,\n  51,\n  52,\n  53,\n  54,\n  55,\n  56,\n  57,\n  58,\n  59,\n  60,\n  61,\n  62,\n  63,\n  64,\n  65,\n  66,\n  67,\n  68,\n  69,\n  70,\n  71,\n  72,\n  73,\n  74,\n  75,\n  76,\n  77,\n  78,\n  79,\n  80,\n  81,\n  82,\n  83,\n  84,\n  85,\n  86,\n  87,\n  88,\n  89,\n  90,\n  91,\n  92,\n  93,\n  94,\n  95,\n  96,\n  97,\n  98,\n  99,\n  ... 50 more items\n}",
        node: Node::Same,
    },
];

/// The marker printed between cases.
const SEPARATOR: &str = "-- next case --";

/// One script that prints every case with `console.log`, each followed by [`SEPARATOR`].
fn corpus_script() -> String {
    let mut script = String::new();
    for case in CASES {
        let _ = writeln!(
            script,
            "console.log({});\nconsole.log('{SEPARATOR}');",
            case.code
        );
    }
    script
}

/// What `case` prints in finreg, its `{line}` (the line of the script it is on) filled in.
fn expected(index: usize, case: &Case) -> String {
    case.finreg.replace("{line}", &(2 * index + 1).to_string())
}

/// `text` with the frames of each stack folded into one line `at …` (an error's stack is each
/// engine's own below its first line).
fn frames_folded(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut in_frames = false;
    for line in text.split('\n') {
        let content = line.trim_start();
        let frame = content.starts_with("at ")
            || (content.starts_with("... ") && content.contains("lines matching cause"));
        if !frame {
            lines.push(line.to_owned());
            in_frames = false;
            continue;
        }
        let ending = [" {", ","].into_iter().find(|end| line.ends_with(end));
        let folded = format!(
            "{}at …{}",
            &line[..line.len() - content.len()],
            ending.unwrap_or_default()
        );
        if in_frames {
            lines.pop();
        }
        lines.push(folded);
        in_frames = true;
    }
    lines.join("\n")
}

/// What each case printed, in order.
fn printed(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .split(&format!("{SEPARATOR}\n"))
        .map(|case| case.strip_suffix('\n').unwrap_or(case).to_owned())
        .collect()
}

#[test]
fn values_are_printed_as_node_prints_them() {
    let script = corpus_script();
    let output = finreg(&["-"], script.as_bytes());
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = printed(&output.stdout);
    let wrong: Vec<String> = CASES
        .iter()
        .enumerate()
        .zip(&shown)
        .filter(|((index, case), shown)| **shown != expected(*index, case))
        .map(|((index, case), shown)| {
            format!(
                "{}\n  expected: {:?}\n  printed:  {shown:?}",
                case.code,
                expected(index, case)
            )
        })
        .collect();
    assert!(wrong.is_empty(), "finreg:\n{}", wrong.join("\n"));
    // node, when it is on PATH, prints the same, except where the case says why not.
    let Ok(node) = Command::new("node")
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        return;
    };
    let mut node = node;
    node.stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write stdin");
    let node = node.wait_with_output().expect("node exits");
    assert!(node.status.success(), "{}", stderr(&node));
    let disagreements: Vec<String> = CASES
        .iter()
        .enumerate()
        .zip(printed(&node.stdout))
        .filter_map(|((index, case), node_shown)| {
            let ours = expected(index, case);
            match case.node {
                Node::Same if node_shown != ours => Some(format!(
                    "{}\n  finreg: {ours:?}\n  node:   {node_shown:?}",
                    case.code
                )),
                Node::Frames if frames_folded(&node_shown) != frames_folded(&ours) => {
                    Some(format!(
                        "{}\n  finreg (frames folded): {:?}\n  node (frames folded):   {:?}",
                        case.code,
                        frames_folded(&ours),
                        frames_folded(&node_shown)
                    ))
                }
                Node::Differs(why) if node_shown == ours => {
                    Some(format!("{}\n  node now agrees ({why})", case.code))
                }
                _ => None,
            }
        })
        .collect();
    assert!(
        disagreements.is_empty(),
        "node:\n{}",
        disagreements.join("\n")
    );
}
