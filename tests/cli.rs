//! The `finreg` shell as users run it: arguments, exit status, errors.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn finreg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_finreg"))
        .args(args)
        .output()
        .expect("finreg runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
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
fn a_missing_file_is_a_one_line_error() {
    let output = finreg(&["/no/such/file.js"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.starts_with("finreg: cannot read /no/such/file.js"),
        "{message}"
    );
}

#[test]
fn a_dash_reads_the_script_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_finreg"))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"console.log('from stdin')")
        .unwrap();
    let output = child.wait_with_output().unwrap();
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
