//! Running `finreg` as a child process and reading what it printed: shared by the shell's
//! integration tests.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `command` with `input` on a pipe to its stdin, then closes it (end of input for the shell),
/// and collects its stdout and stderr.
pub(crate) fn with_stdin(command: &mut Command, input: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("finreg runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("finreg exits")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
