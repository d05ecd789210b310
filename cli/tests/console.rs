//! What `finreg` prints for values, at the prompt and through `console`: node's inspector, bounded.
//! The cases are compared with node 20 when `node` is on PATH (and checked against what node
//! printed when it is not).

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
    let calls =
        "console.log(a); console.log(b); console.info(a); console.debug(b); console.warn(a); \
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
    /// node prints something else; the reason.
    Differs(&'static str),
}

/// A value (`code`, an expression), what `console.log` prints for it in finreg, and how node
/// compares.
struct Case {
    code: &'static str,
    finreg: &'static str,
    node: Node,
}

const CASES: &[Case] = &[
    // First, so that the position Boa shows is on line 1 of the script.
    Case {
        code: "[new Error('boom')]",
        finreg: "[ Error: boom (<stdin>:1:14) ]",
        node: Node::Differs("node prints the error's stack, with its own frames; finreg Boa's `name: message (position)`"),
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
        node: Node::Differs("node calls the Symbol.toStringTag getter (Foo [Bar] {}); finreg calls no getter"),
    },
    Case {
        code: "(function () { return arguments; })(1, 2)",
        finreg: "{ '0': 1, '1': 2 }",
        node: Node::Differs("node marks an arguments object ([Arguments]); Boa 0.22 does not expose which objects are"),
    },
];

/// The marker printed between cases.
const SEPARATOR: &str = "-- next case --";

/// One script that prints every case with `console.log`, each followed by [`SEPARATOR`].
fn corpus_script() -> String {
    CASES
        .iter()
        .map(|case| format!("console.log({});\nconsole.log('{SEPARATOR}');\n", case.code))
        .collect()
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
        .zip(&shown)
        .filter(|(case, shown)| *shown != case.finreg)
        .map(|(case, shown)| {
            format!(
                "{}\n  expected: {:?}\n  printed:  {shown:?}",
                case.code, case.finreg
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
        .zip(printed(&node.stdout))
        .filter_map(|(case, node_shown)| match case.node {
            Node::Same if node_shown != case.finreg => Some(format!(
                "{}\n  finreg: {:?}\n  node:   {node_shown:?}",
                case.code, case.finreg
            )),
            Node::Differs(why) if node_shown == case.finreg => {
                Some(format!("{}\n  node now agrees ({why})", case.code))
            }
            _ => None,
        })
        .collect();
    assert!(
        disagreements.is_empty(),
        "node:\n{}",
        disagreements.join("\n")
    );
}
