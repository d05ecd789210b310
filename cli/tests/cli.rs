//! The `finreg` shell as users run it: arguments, exit status, errors, modules, the prompt.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{stderr, stdout, with_stdin};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn finreg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_finreg"))
        .args(args)
        .output()
        .expect("finreg runs")
}

#[test]
fn eval_runs_code_and_the_job_loop() {
    let output = finreg(&[
        "--expose-gc",
        "-e",
        "const r = new FinalizationRegistry(v => console.log('cleaned', v)); (() => r.register({}, 7))(); gc(); console.log('script done')",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "script done\ncleaned 7\n");
}

#[test]
fn gc_is_only_defined_with_expose_gc() {
    let output = finreg(&["-e", "console.log(typeof gc)"]);
    assert_eq!(stdout(&output), "undefined\n");
}

#[test]
fn a_throwing_script_exits_1_with_the_error_on_stderr() {
    let output = finreg(&["-e", "throw new TypeError('bad input')"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("Uncaught TypeError: bad input"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_throwing_cleanup_callback_is_reported_does_not_stop_the_run_and_exits_1() {
    let output = finreg(&[
        "--expose-gc",
        "-e",
        "const r = new FinalizationRegistry(v => { throw new Error('cb ' + v) }); (() => r.register({}, 1))(); gc(); setTimeout(() => console.log('still running'), 0)",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("Uncaught (in FinalizationRegistry cleanup callback, realm 1) Error: cb 1"),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "still running\n");
}

/// Runs finreg with `args` and both stdout and stderr on one pipe whose reader takes the first line
/// and closes it (`finreg ARGS 2>&1 | head -1`); returns that line and finreg's exit status.
fn first_line_then_closed_pipe(args: &[&str]) -> (String, Option<i32>) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    let mut child = Command::new(env!("CARGO_BIN_EXE_finreg"))
        .args(args)
        .stdout(writer.try_clone().expect("pipe"))
        .stderr(writer)
        .spawn()
        .expect("finreg runs");
    let mut line = String::new();
    let mut reader = std::io::BufReader::new(reader);
    std::io::BufRead::read_line(&mut reader, &mut line).expect("a first line");
    drop(reader);
    (line, child.wait().expect("finreg exits").code())
}

#[test]
fn a_closed_pipe_ends_the_output_not_the_run() {
    // Far more than a pipe buffer holds, so finreg writes on after the reader has gone.
    let (line, status) = first_line_then_closed_pipe(&[
        "--expose-gc",
        "-e",
        "const r = new FinalizationRegistry(v => { throw new Error('cb ' + v) }); \
         (() => { for (let i = 0; i < 5000; i++) r.register({}, i); })(); gc();",
    ]);
    assert!(
        line.starts_with("Uncaught (in FinalizationRegistry"),
        "{line}"
    );
    assert_eq!(status, Some(1), "reported callback errors, no panic (101)");
    let (line, status) =
        first_line_then_closed_pipe(&["-e", "for (let i = 0; i < 100000; i++) console.log(i)"]);
    assert_eq!((line.as_str(), status), ("0\n", Some(0)));
}

#[test]
fn a_deeply_nested_thrown_object_is_described_not_a_panic() {
    let deep = "let o = {}; for (let i = 0; i < 16384; i++) o = { o };";
    let output = finreg(&["-e", &format!("{deep} throw o")]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output), "Uncaught { o: { o: [Object] } }\n");
    let output = finreg(&[
        "--expose-gc",
        "-e",
        &format!(
            "const r = new FinalizationRegistry(() => {{ {deep} throw o; }}); \
             (() => r.register({{}}, 1))(); gc();"
        ),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // The library's default reporter names a thrown object briefly (no keys listed).
    assert!(
        stderr(&output).ends_with("realm 1) [Object]\n"),
        "{}",
        stderr(&output)
    );
}

/// Boa 0.22 recurses natively, with no limit, through nested values in `String(array)`,
/// `Array.prototype.flat` and `JSON.stringify`: on the main thread's stack a nesting of 1e5 aborted
/// the process. The shell's own stack lets them finish (node throws a RangeError here instead).
#[test]
fn native_recursion_through_deep_values_finishes_instead_of_aborting() {
    let deep = "let b = []; let d = b; for (let i = 0; i < 100000; i++) { d.push([]); d = d[0]; } \
                let a = {}; let c = a; for (let i = 0; i < 3000; i++) { c.x = {}; c = c.x; }";
    let output = finreg(&[
        "-e",
        &format!(
            "{deep} console.log(String(b).length, [b].flat(Infinity).length, JSON.stringify(a).length)"
        ),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "0 0 18002\n");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(finreg(&["--no-such-flag"]).status.code(), Some(2));
    assert_eq!(finreg(&[]).status.code(), Some(2));
    assert_eq!(
        finreg(&["--registry", "other", "-e", "1"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_missing_file_is_a_one_line_error_and_exits_2() {
    let output = finreg(&["/no/such/file.js"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.starts_with("finreg: cannot read /no/such/file.js"),
        "{message}"
    );
}

#[test]
fn a_dash_reads_the_script_from_stdin() {
    let output = with_stdin(
        Command::new(env!("CARGO_BIN_EXE_finreg")).arg("-"),
        b"console.log('from stdin')",
    );
    assert_eq!(stdout(&output), "from stdin\n");
}

#[test]
fn the_builtin_registry_is_available_for_comparison() {
    let output = finreg(&[
        "--registry",
        "builtin",
        "-e",
        "try { new FinalizationRegistry(() => {}).register(Symbol('s'), 1); console.log('accepted') } catch { console.log('rejected') }",
    ]);
    assert_eq!(stdout(&output), "rejected\n");
    let output = finreg(&[
        "-e",
        "new FinalizationRegistry(() => {}).register(Symbol('s'), 1); console.log('accepted')",
    ]);
    assert_eq!(stdout(&output), "accepted\n");
}

#[test]
fn stats_are_printed_at_exit() {
    let output = finreg(&[
        "--stats",
        "--expose-gc",
        "-e",
        "globalThis.r = new FinalizationRegistry(() => {}); (() => r.register({}, 1))(); gc();",
    ]);
    let stats = stderr(&output);
    assert!(stats.contains("callbacks_delivered: 1"), "{stats}");
    assert!(stats.contains("registries: 1"), "{stats}");
}

#[test]
fn shell_functions_drain_jobs_and_clear_kept_objects() {
    let output = finreg(&[
        "--expose-gc",
        "--shell-functions",
        "-e",
        "const log = []; const r = new FinalizationRegistry(v => log.push(v)); (() => r.register({}, 'a'))(); gc(); drainJobQueue(); console.log(log.join()); const w = (() => new WeakRef({}))(); clearKeptObjects(); gc(); console.log(String(w.deref()))",
    ]);
    assert_eq!(stdout(&output), "a\nundefined\n");
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("finreg-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, code: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, code).unwrap();
    path
}

/// Runs finreg from `cwd` (not the scripts' directory: imports must resolve from the importing
/// file, not from where the shell was started).
fn finreg_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_finreg"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("finreg runs")
}

#[test]
fn a_module_imports_relative_files_awaits_at_top_level_and_knows_its_url() {
    let dir = scratch("modules");
    write(
        &dir,
        "app/lib/util.mjs",
        "import { base } from '../config.mjs';\nexport const add = (n) => base + n;",
    );
    write(&dir, "app/config.mjs", "export const base = 40;");
    let main = write(
        &dir,
        "app/main.mjs",
        "import { add } from './lib/util.mjs';
         const fr = new FinalizationRegistry(v => console.log('cleaned', v));
         (() => fr.register({}, 'target'))();
         gc();
         console.log('sum', add(2));
         await new Promise(resolve => setTimeout(resolve, 1));
         console.log('after await');
         const { base } = await import('./config.mjs');
         console.log('dynamic', base, import.meta.url.startsWith('file://'), import.meta.url.endsWith('/app/main.mjs'));
         console.log('this is', typeof this);",
    );
    let output = finreg_in(Path::new("/"), &["--expose-gc", main.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "sum 42\ncleaned target\nafter await\ndynamic 40 true true\nthis is undefined\n"
    );
}

#[test]
fn module_flag_loads_any_file_as_a_module_and_the_builtin_registry_still_works() {
    let dir = scratch("module-flag");
    write(&dir, "dep.js", "export default 'dep';");
    write(
        &dir,
        "main.js",
        "import dep from './dep.js'; await null; console.log(dep, typeof FinalizationRegistry);",
    );
    let as_script = finreg_in(&dir, &["main.js"]);
    assert_eq!(
        as_script.status.code(),
        Some(1),
        "an import is not a script"
    );
    let output = finreg_in(&dir, &["--module", "main.js"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "dep function\n");
    let output = finreg_in(&dir, &["-m", "--registry", "builtin", "main.js"]);
    assert_eq!(stdout(&output), "dep function\n");
}

#[test]
fn a_module_runs_the_job_loop_cleanup_and_stats_like_a_script() {
    let dir = scratch("module-stats");
    write(
        &dir,
        "main.mjs",
        "globalThis.r = new FinalizationRegistry(v => console.log('cleaned', v));
         (() => r.register({}, 1))(); gc();
         setTimeout(() => console.log('timer'), 0);
         console.log('module done');",
    );
    let output = finreg_in(&dir, &["--stats", "--expose-gc", "main.mjs"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "module done\ncleaned 1\ntimer\n");
    assert!(
        stderr(&output).contains("callbacks_delivered: 1"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_module_that_throws_or_rejects_exits_1_with_the_error() {
    let dir = scratch("module-reject");
    write(&dir, "sync.mjs", "throw new RangeError('at once');");
    write(
        &dir,
        "async.mjs",
        "await new Promise(resolve => setTimeout(resolve, 1));\nthrow new TypeError('after await');",
    );
    write(
        &dir,
        "rejects.mjs",
        "await Promise.reject(new Error('rejected'));",
    );
    write(
        &dir,
        "imports-missing.mjs",
        "import { x } from './no-such-file.mjs';",
    );
    for (file, expected) in [
        ("sync.mjs", "Uncaught RangeError: at once"),
        ("async.mjs", "Uncaught TypeError: after await"),
        ("rejects.mjs", "Uncaught Error: rejected"),
        (
            "imports-missing.mjs",
            "cannot find module './no-such-file.mjs' imported from",
        ),
    ] {
        let output = finreg_in(&dir, &[file]);
        assert_eq!(output.status.code(), Some(1), "{file}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(expected),
            "{file}: {}",
            stderr(&output)
        );
        assert!(
            !stderr(&output).contains("(native)"),
            "{file}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn syntax_errors_start_with_file_line_and_column() {
    let dir = scratch("syntax");
    write(&dir, "bad.js", "let a = 1;\nlet b = ;\n");
    write(&dir, "bad.mjs", "export const a = 1;\n\n  let = ;\n");
    write(&dir, "imports-bad.mjs", "import { a } from './bad.mjs';\n");
    write(
        &dir,
        "import-in-script.js",
        "import { a } from './bad.mjs';\n",
    );
    for (args, expected) in [
        (vec!["bad.js"], "bad.js:2:9: SyntaxError: "),
        (vec!["bad.mjs"], "bad.mjs:3:"),
        // An imported file is named relative to the working directory.
        (vec!["imports-bad.mjs"], "bad.mjs:3:"),
        (vec!["import-in-script.js"], "import-in-script.js:1:"),
        (vec!["-e", "1 +* 2"], "<eval>:1:"),
    ] {
        let output = finreg_in(&dir, &args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {message}");
        assert!(message.starts_with(expected), "{args:?}: {message}");
        assert!(message.contains("SyntaxError"), "{args:?}: {message}");
        assert!(!message.contains("(native)"), "{args:?}: {message}");
        assert!(!message.contains(" at line "), "{args:?}: {message}");
    }
}

#[test]
fn a_script_from_stdin_can_be_a_module() {
    let dir = scratch("stdin-module");
    write(&dir, "dep.mjs", "export const x = 'from dep';");
    let output = with_stdin(
        Command::new(env!("CARGO_BIN_EXE_finreg"))
            .current_dir(&dir)
            .args(["--module", "-"]),
        b"import { x } from './dep.mjs'; await null; console.log(x, import.meta.url);",
    );
    assert_eq!(stdout(&output), "from dep undefined\n");
}

/// `-i` opens the prompt on a pipe: entries are read line by line, each value is printed, and an
/// entry's cleanup callbacks run before the next entry.
#[test]
fn the_prompt_prints_values_and_runs_each_entrys_jobs_before_the_next() {
    let output = with_stdin(
        Command::new(env!("CARGO_BIN_EXE_finreg")).args(["--expose-gc", "-i"]),
        b"const fr = new FinalizationRegistry(v => console.log('cleaned', v))\n\
          fr.register({}, 'x'); gc()\n\
          Promise.resolve(1).then(v => console.log('then', v)); 'entry'\n\
          function f() {\n  return 7\n}\n\
          f()\n\
          let broken = ;\n\
          throw new Error('at the prompt')\n\
          .exit\n\
          console.log('not reached')\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "undefined\nundefined\ncleaned x\n'entry'\nthen 1\nundefined\n7\n"
    );
    let errors = stderr(&output);
    assert!(
        errors.starts_with("<prompt>:1:14: SyntaxError: "),
        "{errors}"
    );
    assert!(errors.contains("Uncaught Error: at the prompt"), "{errors}");
}

#[test]
fn end_of_input_leaves_the_prompt() {
    let output = with_stdin(
        Command::new(env!("CARGO_BIN_EXE_finreg")).args([
            "-i",
            "-e",
            "globalThis.seen = 'from eval'",
        ]),
        b"seen\n",
    );
    assert!(output.status.success());
    assert_eq!(stdout(&output), "'from eval'\n");
}

/// Output of a child on a pseudo-terminal, read on a thread so that waits can time out.
struct Terminal {
    input: std::process::ChildStdin,
    chunks: mpsc::Receiver<Vec<u8>>,
    seen: String,
    child: std::process::Child,
}

impl Terminal {
    /// Reads until `text` appears after what earlier waits consumed; returns what came before it.
    fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(at) = self.seen.find(text) {
                let before = self.seen[..at].to_owned();
                self.seen.drain(..at + text.len());
                return before;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.seen.push_str(&strip_escapes(&chunk)),
                Err(error) => panic!("no {text:?} on the terminal ({error}); got {:?}", self.seen),
            }
        }
    }

    fn type_line(&mut self, line: &str) {
        self.input.write_all(line.as_bytes()).unwrap();
        self.input.write_all(b"\r").unwrap();
        self.input.flush().unwrap();
    }
}

impl Drop for Terminal {
    /// A failed wait must not leave the shell running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Terminal output without control sequences and carriage returns.
fn strip_escapes(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // CSI: ESC [ parameters final-byte.
                if chars.next_if_eq(&'[').is_some() {
                    for c in chars.by_ref() {
                        if c.is_ascii_alphabetic() || c == '~' {
                            break;
                        }
                    }
                }
            }
            '\r' => {}
            c => plain.push(c),
        }
    }
    plain
}

/// The prompt on a real pseudo-terminal (util-linux `script` provides it), as a user gets it:
/// with no file and a terminal on stdin, finreg prompts, echoes, continues unfinished entries and
/// prints an entry's cleanup output before the next prompt.
#[test]
fn with_a_terminal_and_no_file_finreg_opens_the_prompt() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` command to make a pseudo-terminal");
        return;
    }
    let command = format!("'{}' --expose-gc", env!("CARGO_BIN_EXE_finreg"));
    let mut child = Command::new("script")
        .args(["-q", "-f", "-e", "-c", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (send, chunks) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(read @ 1..) = stdout.read(&mut buffer) {
            if send.send(buffer[..read].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut terminal = Terminal {
        input: child.stdin.take().unwrap(),
        chunks,
        seen: String::new(),
        child,
    };
    // The terminal discards what is typed before the prompt is ready: wait for each prompt.
    terminal.wait_for(".exit or Ctrl-D to leave.");
    terminal.wait_for("\n> ");
    // No `>` in what is typed: the echo would look like a prompt.
    terminal.type_line(
        "const fr = new FinalizationRegistry(function (v) { console.log('cleaned', v) })",
    );
    terminal.wait_for("\n> ");
    terminal.type_line("fr.register({}, 'x'); gc()");
    let shown = terminal.wait_for("\n> ");
    assert!(shown.ends_with("undefined\ncleaned x"), "{shown:?}");
    terminal.type_line("function f() {");
    terminal.wait_for("\n... ");
    terminal.type_line("return 6 * 7 }");
    terminal.wait_for("\n> ");
    terminal.type_line("f()");
    let shown = terminal.wait_for("\n> ");
    assert!(shown.ends_with("f()\n42"), "{shown:?}");
    terminal.type_line(".exit");
    let status = terminal.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn finreg_exits_1_when_a_cleanup_callback_threw() {
    let finreg = env!("CARGO_BIN_EXE_finreg");
    let throwing = Command::new(finreg)
        .args([
            "--expose-gc",
            "-e",
            "globalThis.fr = new FinalizationRegistry(v => { throw new Error('cb ' + v); }); fr.register({}, 7); gc();",
        ])
        .output()
        .expect("finreg");
    assert_eq!(throwing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&throwing.stderr);
    assert!(
        stderr.contains("Uncaught") && stderr.contains("cb 7"),
        "{stderr}"
    );
    let fine = Command::new(finreg)
        .args([
            "--expose-gc",
            "-e",
            "globalThis.fr = new FinalizationRegistry(v => console.log('cb ' + v)); fr.register({}, 7); gc();",
        ])
        .output()
        .expect("finreg");
    assert_eq!(fine.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&fine.stdout).trim(), "cb 7");
}

/// An unhandled-rejection case: the code, what it prints on stdout, its exit status, and the first
/// line finreg prints on stderr and what node's stderr contains (both empty when nothing is
/// reported).
struct RejectionCase {
    code: &'static str,
    stdout: &'static str,
    status: i32,
    finreg_reports: &'static str,
    node_reports: &'static str,
}

/// The cases of node 20's default mode (`--unhandled-rejections=throw`), as observed with
/// `node --expose-gc -e CODE`: a rejection still unhandled when its task's microtasks have run ends
/// the run (later timers do not run) with status 1; one handled within its task is not reported.
const REJECTION_CASES: [RejectionCase; 6] = [
    RejectionCase {
        code: "Promise.reject(new Error('x')); setTimeout(() => console.log('later'), 0)",
        stdout: "",
        status: 1,
        finreg_reports: "Uncaught (in promise) Error: x",
        node_reports: "Error: x",
    },
    RejectionCase {
        code: "const p = Promise.reject(new Error('x')); \
               Promise.resolve().then(() => p.catch(e => console.log('caught', e.message)))",
        stdout: "caught x\n",
        status: 0,
        finreg_reports: "",
        node_reports: "",
    },
    RejectionCase {
        code: "async function f() { throw new Error('boom') } f(); \
               setTimeout(() => console.log('later'), 0)",
        stdout: "",
        status: 1,
        finreg_reports: "Uncaught (in promise) Error: boom",
        node_reports: "Error: boom",
    },
    RejectionCase {
        code: "const r = new FinalizationRegistry(async v => { throw new Error('cb ' + v) }); \
               (() => r.register({}, 'h'))(); gc(); setTimeout(() => console.log('after'), 100)",
        stdout: "",
        status: 1,
        finreg_reports: "Uncaught (in promise) Error: cb h",
        node_reports: "Error: cb h",
    },
    // The run ends at the task that left it unhandled: the timer due with it, and the cleanup
    // that the next timer makes due, never run.
    RejectionCase {
        code: "setTimeout(() => { Promise.reject(new Error('in timer')) }, 0); \
               setTimeout(() => console.log('second timer'), 0); \
               const r = new FinalizationRegistry(v => console.log('cleaned', v)); \
               setTimeout(() => { (() => r.register({}, 'x'))(); gc(); }, 0)",
        stdout: "",
        status: 1,
        finreg_reports: "Uncaught (in promise) Error: in timer",
        node_reports: "Error: in timer",
    },
    // Handled, but only in a later task: too late, as in node.
    RejectionCase {
        code: "const p = Promise.reject(1); setTimeout(() => p.catch(() => {}), 0)",
        stdout: "",
        status: 1,
        finreg_reports: "Uncaught (in promise) 1",
        node_reports: "\"1\"",
    },
];

#[test]
fn unhandled_rejections_end_the_run_as_in_node() {
    for case in &REJECTION_CASES {
        let output = finreg(&["--expose-gc", "-e", case.code]);
        let shown = (stdout(&output), output.status.code());
        assert_eq!(
            shown,
            (case.stdout.to_owned(), Some(case.status)),
            "{}",
            case.code
        );
        let first_line = stderr(&output).lines().next().unwrap_or("").to_owned();
        if case.finreg_reports.is_empty() {
            assert_eq!(first_line, "", "{}", case.code);
        } else {
            assert!(
                first_line.starts_with(case.finreg_reports),
                "{}: {first_line}",
                case.code
            );
        }
        // node, when it is on PATH, shows the same (the assertions above are what it did).
        let Ok(node) = Command::new("node")
            .args(["--expose-gc", "-e", case.code])
            .output()
        else {
            continue;
        };
        let node_shown = (stdout(&node), node.status.code());
        assert_eq!(
            node_shown,
            (case.stdout.to_owned(), Some(case.status)),
            "node: {}",
            case.code
        );
        if case.node_reports.is_empty() {
            assert_eq!(stderr(&node), "", "node: {}", case.code);
        } else {
            assert!(
                stderr(&node).contains(case.node_reports),
                "node: {}",
                case.code
            );
        }
    }
}

#[test]
fn at_the_prompt_an_unhandled_rejection_is_reported_and_the_prompt_goes_on() {
    let output = with_stdin(
        Command::new(env!("CARGO_BIN_EXE_finreg")).arg("-i"),
        b"Promise.reject(new Error('r')); 1\nconst p = Promise.reject(2); p.catch(() => {}); 3\n",
    );
    assert_eq!(stdout(&output), "1\n3\n");
    let reports: Vec<String> = stderr(&output)
        .lines()
        .filter(|line| line.starts_with("Uncaught"))
        .map(str::to_owned)
        .collect();
    assert_eq!(reports.len(), 1, "{}", stderr(&output));
    assert!(reports[0].starts_with("Uncaught (in promise) Error: r"));
    assert!(output.status.success());
}

#[test]
fn a_rejected_module_is_reported_once_as_its_error() {
    let dir = std::env::temp_dir().join(format!("finreg-tla-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let module = dir.join("tla.mjs");
    std::fs::write(&module, "await Promise.reject(new Error('tla'));\n").unwrap();
    let output = finreg(&[module.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.starts_with("Uncaught Error: tla"), "{err}");
    assert_eq!(err.matches("Uncaught").count(), 1, "{err}");
}

/// The directory the `--help` examples are written for: the workspace root (they name
/// `cli/examples/`).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|manifest| manifest.contains("[workspace]"))
        })
        .expect("workspace root")
        .to_path_buf()
}

#[cfg(unix)]
#[test]
fn every_example_in_help_runs_and_prints_something() {
    let help = stdout(&finreg(&["--help"]));
    let (_, examples) = help
        .split_once("Examples, from a clone of the repository:\n")
        .expect("an Examples section");
    let examples: Vec<&str> = examples
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    assert!(examples.len() >= 5, "{help}");
    let binaries = Path::new(env!("CARGO_BIN_EXE_finreg")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(binaries.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    for example in examples {
        // The example with nothing to run opens the prompt at a terminal; standard input is a
        // pipe here, which `-i` stands for.
        let opens_prompt = example
            .split_whitespace()
            .all(|word| word == "finreg" || word.starts_with("--"));
        let command = if opens_prompt {
            format!("{example} -i")
        } else {
            example.to_owned()
        };
        let output = with_stdin(
            Command::new("sh")
                .args(["-c", &command])
                .current_dir(workspace_root())
                .env("PATH", &path),
            b"console.log('typed at the prompt')\n",
        );
        assert!(output.status.success(), "{example}: {}", stderr(&output));
        assert!(
            !stdout(&output).trim().is_empty(),
            "{example} printed nothing"
        );
    }
}

#[test]
fn an_entry_unfinished_at_the_end_of_piped_input_is_a_syntax_error() {
    let output = with_stdin(
        Command::new(env!("CARGO_BIN_EXE_finreg")).arg("-i"),
        b"console.log('ran')\nfunction f() {\n",
    );
    assert_eq!(stdout(&output), "ran\nundefined\n");
    assert_eq!(
        stderr(&output),
        "<prompt>:2:1: SyntaxError: unexpected end of input\n"
    );
    // As a syntax error in a file or in --eval code.
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_first_script_with_20000_short_lived_targets_prints_no_diagnostic() {
    let output = finreg(&[
        "--expose-gc",
        "-e",
        "let n = 0; const r = new FinalizationRegistry(() => n++); \
         for (let i = 0; i < 20000; i++) r.register({}, i); \
         setTimeout(() => { gc(); setTimeout(() => console.log(n), 0); }, 0);",
    ]);
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "20000\n");
    assert!(output.status.success());
}

/// A script that drops registered targets and never calls `gc()`: every callback comes under
/// `--gc-stress` (within the two tasks after the one that dropped the target), none without.
const DROPS_WITHOUT_GC: &str = "
    const fr = new FinalizationRegistry(v => console.log('closed', v));
    fr.register({}, 'a');
    let b = {};
    fr.register(b, 'b');
    setTimeout(() => { b = null; console.log('dropped b'); });
";

#[test]
fn gc_stress_delivers_without_gc_calls() {
    for level in ["--gc-stress", "--gc-stress=task", "--gc-stress=job"] {
        let output = finreg(&[level, "-e", DROPS_WITHOUT_GC]);
        assert!(output.status.success(), "{level}: {}", stderr(&output));
        assert_eq!(
            stdout(&output),
            "dropped b\nclosed a\nclosed b\n",
            "{level}"
        );
    }
    let output = finreg(&["-e", DROPS_WITHOUT_GC]);
    assert_eq!(stdout(&output), "dropped b\n");
}

#[test]
fn gc_stress_takes_a_level_only_after_an_equals_sign() {
    // `--gc-stress FILE` runs FILE at the default level; an unknown level is a usage error.
    let output = finreg(&["--gc-stress", "-e", "console.log(1)"]);
    assert_eq!(stdout(&output), "1\n");
    let output = finreg(&["--gc-stress=often", "-e", "1"]);
    assert_eq!(output.status.code(), Some(2));
    let output = finreg(&["--gc-stress", "--registry", "builtin", "-e", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--gc-stress"),
        "{}",
        stderr(&output)
    );
}
