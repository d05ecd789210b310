//! Writing to standard output and standard error the way a program in a pipeline must: a closed
//! pipe (`finreg app.js | head -1`) ends the output, never the program, and leaves the exit status
//! to what the code did.

use std::io::{ErrorKind, Write};
use std::rc::Rc;

use boa_engine::{Context, JsError, JsResult};
use boa_gc::{Finalize, Trace};
use boa_runtime::{ConsoleState, Logger};

use crate::console::TimeLogData;

/// Writes `line` and a newline to standard error; a closed or failing stderr loses the line.
pub(crate) fn error_line(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Writes `line` and a newline to standard output; a closed or failing stdout loses the line.
pub(crate) fn output_line(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// boa_runtime's console output (`console.log` and friends to stdout, `console.error` to stderr,
/// indented by `console.group`), except that a closed pipe is not an error thrown into the script,
/// and a `console.timeLog` line ends with its data as the shell's console formatted it.
#[derive(Debug, Trace, Finalize)]
pub(crate) struct PipeLogger {
    #[unsafe_ignore_trace]
    time_log_data: TimeLogData,
}

impl PipeLogger {
    /// A logger that ends the next `log` line with what `time_log_data` holds, if anything.
    pub(crate) fn new(time_log_data: &TimeLogData) -> Self {
        Self {
            time_log_data: Rc::clone(time_log_data),
        }
    }

    /// Writes `msg`, each of its lines indented by the open `console.group`s (as node does).
    fn write(mut stream: impl Write, msg: &str, state: &ConsoleState) -> JsResult<()> {
        let indent = " ".repeat(state.indent());
        let mut text = String::with_capacity(msg.len() + indent.len() + 1);
        for line in msg.split('\n') {
            text.push_str(&indent);
            text.push_str(line);
            text.push('\n');
        }
        match stream.write_all(text.as_bytes()) {
            Err(error) if error.kind() != ErrorKind::BrokenPipe => Err(JsError::from_rust(error)),
            _ => Ok(()),
        }
    }
}

impl Logger for PipeLogger {
    fn log(&self, msg: String, state: &ConsoleState, _: &mut Context) -> JsResult<()> {
        match self.time_log_data.borrow_mut().take() {
            Some(data) => Self::write(std::io::stdout(), &format!("{msg} {data}"), state),
            None => Self::write(std::io::stdout(), &msg, state),
        }
    }

    fn info(&self, msg: String, state: &ConsoleState, _: &mut Context) -> JsResult<()> {
        Self::write(std::io::stdout(), &msg, state)
    }

    fn warn(&self, msg: String, state: &ConsoleState, _: &mut Context) -> JsResult<()> {
        Self::write(std::io::stdout(), &msg, state)
    }

    fn error(&self, msg: String, state: &ConsoleState, _: &mut Context) -> JsResult<()> {
        Self::write(std::io::stderr(), &msg, state)
    }
}
