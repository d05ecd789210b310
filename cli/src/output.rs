//! Writing to standard output and standard error the way a program in a pipeline must, and as
//! node's console does: a write that fails, whatever the reason (a closed pipe as in
//! `finreg app.js | head -1`, a full device as `> /dev/full`, any other I/O error), loses its
//! text and nothing else. It never throws into the script and leaves the exit status to what the
//! code did. A standard stream that was closed when the shell started is open on `/dev/null`
//! (Rust's runtime opens it, as node does), so its output goes nowhere.

use std::fmt::Write as _;
use std::io::Write;
use std::rc::Rc;

use boa_engine::{Context, JsResult};
use boa_gc::{Finalize, Trace};
use boa_runtime::{ConsoleState, Logger};

use crate::console::NextLine;

/// Writes `line` and a newline to standard error; a closed or failing stderr loses the line.
pub(crate) fn error_line(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Writes `line` and a newline to standard output; a closed or failing stdout loses the line.
pub(crate) fn output_line(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// The console's output, where node writes it: `console.log`, `info`, `debug` to stdout;
/// `console.error`, `warn` and `trace` (`Trace: ...` and the frames) to stderr; indented by
/// `console.group`. A failed write is not an error thrown into the script, and the shell's console
/// may change the runtime's next `log` or `info` line (a `timeLog`'s data, a group's label).
#[derive(Debug, Trace, Finalize)]
pub(crate) struct PipeLogger {
    #[unsafe_ignore_trace]
    next_line: NextLine,
}

impl PipeLogger {
    /// A logger that changes its next `log` or `info` line as `next_line` says, if it says.
    pub(crate) fn new(next_line: &NextLine) -> Self {
        Self {
            next_line: Rc::clone(next_line),
        }
    }

    /// Writes a `log` or `info` line to stdout, changed as the shell's console asked.
    fn write_edited(&self, msg: String, state: &ConsoleState) {
        let edit = self.next_line.borrow_mut().take();
        match edit {
            Some(edit) => {
                if let Some(line) = edit.apply(msg) {
                    Self::write(std::io::stdout(), &line, state);
                }
            }
            None => Self::write(std::io::stdout(), &msg, state),
        }
    }

    /// Writes `msg`, each of its lines indented by the open `console.group`s (as node does); a
    /// failed write loses the text, as node's console swallows its stream's errors.
    fn write(mut stream: impl Write, msg: &str, state: &ConsoleState) {
        let indent = " ".repeat(state.indent());
        let mut text = String::with_capacity(msg.len() + indent.len() + 1);
        for line in msg.split('\n') {
            text.push_str(&indent);
            text.push_str(line);
            text.push('\n');
        }
        let _ = stream.write_all(text.as_bytes());
    }
}

impl Logger for PipeLogger {
    fn log(&self, msg: String, state: &ConsoleState, _: &mut Context) -> JsResult<()> {
        self.write_edited(msg, state);
        Ok(())
    }

    fn info(&self, msg: String, state: &ConsoleState, _: &mut Context) -> JsResult<()> {
        self.write_edited(msg, state);
        Ok(())
    }

    fn warn(&self, msg: String, state: &ConsoleState, _: &mut Context) -> JsResult<()> {
        Self::write(std::io::stderr(), &msg, state);
        Ok(())
    }

    fn trace(&self, msg: String, state: &ConsoleState, context: &mut Context) -> JsResult<()> {
        let mut text = if msg.is_empty() {
            String::from("Trace")
        } else {
            format!("Trace: {msg}")
        };
        for frame in context.stack_trace() {
            let name = frame.code_block().name().to_std_string_escaped();
            let _ = write!(text, "\n    at {name}");
        }
        Self::write(std::io::stderr(), &text, state);
        Ok(())
    }

    fn error(&self, msg: String, state: &ConsoleState, _: &mut Context) -> JsResult<()> {
        Self::write(std::io::stderr(), &msg, state);
        Ok(())
    }
}
