//! The shell as a process, as node 20 behaves: how it reads source bytes, what a failing standard
//! stream does, what `structuredClone` refuses, the exit status of an unsettled top-level await,
//! where a redeclaration is reported. Each case runs finreg and checks what it printed; when `node`
//! is on PATH it runs node on the same input and checks that node does the same.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{stderr, stdout, with_stdin};

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("finreg-process-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `program` (finreg or node) with `args` in `dir`, standard input empty.
fn run(program: &str, args: &[&str], dir: &Path) -> Output {
    with_stdin(Command::new(program).args(args).current_dir(dir), b"")
}

/// Runs finreg, and node when it is on PATH, with `args` in `dir`.
fn finreg_and_node(args: &[&str], dir: &Path) -> (Output, Option<Output>) {
    let finreg = run(env!("CARGO_BIN_EXE_finreg"), args, dir);
    let node = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .map(|_| run("node", args, dir));
    (finreg, node)
}

/// Runs a shell command line (for redirections) with finreg's directory first on PATH.
#[cfg(unix)]
fn sh(command: &str, dir: &Path) -> Output {
    let binaries = Path::new(env!("CARGO_BIN_EXE_finreg")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(binaries.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    with_stdin(
        Command::new("sh")
            .args(["-c", command])
            .current_dir(dir)
            .env("PATH", path),
        b"",
    )
}

#[test]
fn invalid_utf8_in_a_source_is_decoded_with_replacement_characters_as_node_does() {
    let dir = scratch("utf8");
    // A stray byte in a comment, and in strings: a lone continuation byte, a truncated 3-byte
    // and 4-byte sequence (one U+FFFD each), an overlong encoding (two).
    std::fs::write(
        dir.join("script.js"),
        b"// comment \xFF\nconsole.log('a\x80b\xE2\x82c\xF0\x9F\x98d\xC0\xAFe');\n",
    )
    .unwrap();
    std::fs::write(dir.join("dep.mjs"), b"export const text = 'dep\xFE';\n").unwrap();
    std::fs::write(
        dir.join("main.mjs"),
        b"\xEF\xBB\xBFimport { text } from './dep.mjs'; // \xC3\nconsole.log(text);\n",
    )
    .unwrap();
    for (file, expected) in [
        (
            "script.js",
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}\u{FFFD}e\n",
        ),
        ("main.mjs", "dep\u{FFFD}\n"),
    ] {
        let (finreg, node) = finreg_and_node(&[file], &dir);
        assert_eq!(
            (stdout(&finreg).as_str(), finreg.status.code()),
            (expected, Some(0)),
            "{file}: {}",
            stderr(&finreg)
        );
        if let Some(node) = node {
            assert_eq!(
                (stdout(&node).as_str(), node.status.code()),
                (expected, Some(0)),
                "node {file}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn invalid_utf8_in_eval_code_and_on_stdin_runs_too() {
    use std::os::unix::ffi::OsStrExt;
    let code = std::ffi::OsStr::from_bytes(b"console.log('x\xFFy')");
    let output = with_stdin(
        Command::new(env!("CARGO_BIN_EXE_finreg"))
            .arg("-e")
            .arg(code),
        b"",
    );
    assert_eq!(stdout(&output), "x\u{FFFD}y\n", "{}", stderr(&output));
    let output = with_stdin(
        Command::new(env!("CARGO_BIN_EXE_finreg")).arg("-"),
        b"console.log('x\xFFy')",
    );
    assert_eq!(stdout(&output), "x\u{FFFD}y\n", "{}", stderr(&output));
}

/// A stream that fails (a full device, a closed descriptor, a closed pipe) loses what is written
/// to it and nothing else: the script goes on, the other stream still prints, and the exit status
/// is the script's. node: the same for each.
#[cfg(unix)]
#[test]
fn a_failing_stdout_or_stderr_never_throws_into_the_script() {
    let dir = scratch("streams");
    let code = "for (let i = 0; i < 3; i++) { console.log(\"out\", i); console.error(\"err\", i); } \
                console.error(\"reached the end\")";
    let quoted = format!("'{code}'");
    for (redirect, expected_stderr, expected_stdout) in [
        ("> /dev/full", "err 0\nerr 1\nerr 2\nreached the end\n", ""),
        ("2> /dev/full", "", "out 0\nout 1\nout 2\n"),
        (">&-", "err 0\nerr 1\nerr 2\nreached the end\n", ""),
        ("2>&-", "", "out 0\nout 1\nout 2\n"),
    ] {
        let finreg = sh(&format!("finreg -e {quoted} {redirect}"), &dir);
        assert_eq!(
            (
                stdout(&finreg).as_str(),
                stderr(&finreg).as_str(),
                finreg.status.code()
            ),
            (expected_stdout, expected_stderr, Some(0)),
            "finreg {redirect}"
        );
        if Command::new("node").arg("--version").output().is_ok() {
            let node = sh(&format!("node -e {quoted} {redirect}"), &dir);
            assert_eq!(
                (
                    stdout(&node).as_str(),
                    stderr(&node).as_str(),
                    node.status.code()
                ),
                (expected_stdout, expected_stderr, Some(0)),
                "node {redirect}"
            );
        }
    }
    // An error still ends the run with status 1 when stderr cannot take its report.
    let finreg = sh("finreg -e 'throw new Error(1)' 2> /dev/full", &dir);
    assert_eq!(finreg.status.code(), Some(1));
}

/// What each weak-family object and registry gives `structuredClone`: node's `DataCloneError`.
const CLONE_CASES: &str = "
for (const make of [
  () => new WeakRef({}),
  () => new WeakMap(),
  () => new WeakSet(),
  () => new FinalizationRegistry(() => {}),
  () => ({ nested: [new Map([[1, new WeakSet()]])] }),
  () => Promise.resolve(),
  () => new Proxy({}, {}),
  () => Symbol('s'),
  () => (x) => x,
]) {
  try {
    structuredClone(make());
    console.log('cloned');
  } catch (error) {
    console.log(error.name, error.code, error.message);
  }
}
console.log(JSON.stringify(structuredClone({ a: [1, new Map([[2, 'b']])], d: new Date(0) }),
  (key, value) => value instanceof Map ? [...value] : value));
";

const CLONE_EXPECTED: &str = "DataCloneError 25 #<WeakRef> could not be cloned.
DataCloneError 25 #<WeakMap> could not be cloned.
DataCloneError 25 #<WeakSet> could not be cloned.
DataCloneError 25 #<FinalizationRegistry> could not be cloned.
DataCloneError 25 #<WeakSet> could not be cloned.
DataCloneError 25 #<Promise> could not be cloned.
DataCloneError 25 #<Object> could not be cloned.
DataCloneError 25 Symbol(s) could not be cloned.
DataCloneError 25 (x) => x could not be cloned.
{\"a\":[1,[[2,\"b\"]]],\"d\":\"1970-01-01T00:00:00.000Z\"}
";

#[test]
fn structured_clone_refuses_the_weak_family_and_registries_as_node_does() {
    let dir = scratch("clone");
    std::fs::write(dir.join("clone.js"), CLONE_CASES).unwrap();
    for registry in ["extension", "builtin"] {
        let output = run(
            env!("CARGO_BIN_EXE_finreg"),
            &["--registry", registry, "clone.js"],
            &dir,
        );
        assert_eq!(stdout(&output), CLONE_EXPECTED, "{}", stderr(&output));
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let (_, node) = finreg_and_node(&["clone.js"], &dir);
    if let Some(node) = node {
        assert_eq!(stdout(&node), CLONE_EXPECTED, "node");
    }
}

#[test]
fn structured_clone_reads_no_global_that_a_script_can_change() {
    let code = "const clone = structuredClone; \
                globalThis.structuredClone = () => 'replaced'; \
                Function.prototype.toString = () => 'changed'; \
                try { clone(() => 1) } catch (e) { console.log(e.message) } \
                try { clone(new WeakMap()) } catch (e) { console.log(e.message) } \
                console.log(clone([1, 2]).length)";
    let (finreg, node) = finreg_and_node(&["-e", code], Path::new("."));
    let expected = "() => 1 could not be cloned.\n#<WeakMap> could not be cloned.\n2\n";
    assert_eq!(stdout(&finreg), expected, "{}", stderr(&finreg));
    if let Some(node) = node {
        assert_eq!(stdout(&node), expected, "node");
    }
}

#[test]
fn an_unsettled_top_level_await_exits_13_with_nodes_warning() {
    let dir = scratch("tla");
    std::fs::write(
        dir.join("stalls.mjs"),
        "console.log('before');\n  await new Promise(() => {});\nconsole.log('never');\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("imports.mjs"),
        "import './stalls.mjs';\nconsole.log('never');\n",
    )
    .unwrap();
    let url = format!(
        "file://{}",
        dir.canonicalize().unwrap().join("stalls.mjs").display()
    );
    let imports_url = url.replace("stalls.mjs", "imports.mjs");
    for (file, warning) in [
        (
            "stalls.mjs",
            format!(
                "Warning: Detected unsettled top-level await at {url}:2\n  await new Promise(() => {{}});\n  ^\n\n"
            ),
        ),
        // The stalled await is in the imported module: where, the shell cannot tell for certain.
        (
            "imports.mjs",
            format!("Warning: Detected unsettled top-level await at {imports_url}\n"),
        ),
    ] {
        let (finreg, node) = finreg_and_node(&[file], &dir);
        assert_eq!(
            (
                stdout(&finreg).as_str(),
                finreg.status.code(),
                stderr(&finreg)
            ),
            ("before\n", Some(13), warning),
            "{file}"
        );
        if let Some(node) = node {
            // node 20 says nothing; later versions print the warning.
            assert_eq!(
                (stdout(&node).as_str(), node.status.code()),
                ("before\n", Some(13)),
                "node {file}"
            );
            let said = stderr(&node);
            assert!(
                said.is_empty()
                    || said.starts_with("Warning: Detected unsettled top-level await at"),
                "node {file}: {said}"
            );
        }
    }
}

/// `path:LINE` and the caret's column in node's report of a syntax error.
fn node_position(stderr: &str) -> Option<(u32, u32)> {
    let mut lines = stderr.lines();
    let line = lines.next()?.rsplit(':').next()?.parse().ok()?;
    let caret = lines.nth(1)?.find('^')?;
    Some((line, u32::try_from(caret).ok()? + 1))
}

/// The redeclaration cases: the file, its code, finreg's line and column, and whether node's
/// column is the same. node puts a function or class declaration's error at the declaration's
/// start, which Boa's syntax tree does not record (the shell shows its name, on the same line).
#[test]
fn a_redeclaration_is_reported_at_the_redeclaring_identifier_as_node_does() {
    let dir = scratch("redeclaration");
    for (file, code, position, same_column) in [
        (
            "let-let.js",
            "// one\nlet b = 1;\nlet a = 1; let a = 2;\n",
            (3, 16),
            true,
        ),
        (
            "var-pattern.js",
            "var x;\nconst { y, z: [x] } = {};\n",
            (2, 16),
            true,
        ),
        (
            "let-then-var.js",
            "let x;\nif (true) {\n  for (var x of []) {}\n}\n",
            (3, 12),
            true,
        ),
        (
            "function-class.js",
            "function f() {}\nclass f {}\n",
            (2, 7),
            false,
        ),
    ] {
        std::fs::write(dir.join(file), code).unwrap();
        let (finreg, node) = finreg_and_node(&[file], &dir);
        let expected = format!("{file}:{}:{}: SyntaxError: ", position.0, position.1);
        assert!(
            stderr(&finreg).starts_with(&expected),
            "{file}: {}",
            stderr(&finreg)
        );
        assert_eq!(finreg.status.code(), Some(1));
        if let Some(node) = node {
            let (line, column) = node_position(&stderr(&node)).expect("node's position");
            assert_eq!(line, position.0, "node {file}: {}", stderr(&node));
            if same_column {
                assert_eq!(column, position.1, "node {file}: {}", stderr(&node));
            }
            assert_eq!(node.status.code(), Some(1));
        }
    }
}
