//! The interactive prompt: one entry, one task.
//!
//! Each entry is evaluated as a classic script in the shell's realm, its value is printed, and then
//! the job loop runs to the end, so the entry's promise jobs, its timers and the cleanup callbacks
//! it made due (`fr.register({}, 'x'); gc()`) all print before the next prompt. An entry that
//! stops mid-construct (an open brace, a trailing comma) continues on the next line.

use std::io::{IsTerminal, Write};
use std::path::Path;

use boa_engine::Context;
use rustyline::{DefaultEditor, error::ReadlineError};

use crate::diagnostic::{Goal, diagnose};
use crate::inspect::describe_value;
use crate::rejections::{OnUnhandled, Rejections};
use crate::{Failure, describe, run_script};

/// The prompt for a new entry.
const PROMPT: &str = "> ";
/// The file name of prompt entries, in messages and backtraces.
const PROMPT_NAME: &str = "<prompt>";
/// The prompt for the next line of an unfinished entry.
const CONTINUATION: &str = "... ";

/// What the prompt does after a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Ask for a new entry.
    Next,
    /// The entry is unfinished: ask for its next line.
    More,
    /// Leave the prompt.
    Exit,
}

/// The entry being typed, possibly over several lines.
#[derive(Debug, Default)]
pub(crate) struct Session {
    pending: String,
}

impl Session {
    /// A prompt session in `context`: from now on an unhandled rejection is reported at the end
    /// of its entry and the prompt goes on, as in node's REPL.
    pub(crate) fn new(context: &Context) -> Self {
        if let Some(rejections) = Rejections::of(context) {
            rejections.set_on_unhandled(OnUnhandled::Report);
        }
        Self::default()
    }

    /// The prompt to show for the next line.
    pub(crate) fn prompt(&self) -> &'static str {
        if self.pending.is_empty() {
            PROMPT
        } else {
            CONTINUATION
        }
    }

    /// Drops an unfinished entry (Ctrl-C).
    pub(crate) fn abandon(&mut self) {
        self.pending.clear();
    }

    /// The end of input: an entry left unfinished never ran, and it is a syntax error, as the
    /// same text in a file is (`<prompt>:2:1: SyntaxError: unexpected end of input`, status 1).
    pub(crate) fn end_of_input(&mut self) -> Result<(), Failure> {
        let entry = std::mem::take(&mut self.pending);
        if entry.is_empty() {
            return Ok(());
        }
        let message = match diagnose(&entry, Goal::Script) {
            Some(diagnostic) => diagnostic.display(PROMPT_NAME).to_string(),
            None => format!("{PROMPT_NAME}: SyntaxError: unexpected end of input"),
        };
        Err(Failure::Uncaught(message))
    }

    /// Takes one line: runs the entry once it is complete, writing its value to `out` and its
    /// errors to `err`. Console output and cleanup callbacks go wherever the runtime prints.
    pub(crate) fn feed(
        &mut self,
        line: &str,
        context: &mut Context,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Step {
        if self.pending.is_empty() {
            match line.trim() {
                ".exit" => return Step::Exit,
                ".help" => {
                    let _ = writeln!(
                        out,
                        ".exit    leave (so does end of input, Ctrl-D)\n.help    this list\nCtrl-C   drop the entry being typed"
                    );
                    return Step::Next;
                }
                "" => return Step::Next,
                _ => {}
            }
        }
        self.pending.push_str(line);
        self.pending.push('\n');
        if diagnose(&self.pending, Goal::Script).is_some_and(|found| found.incomplete) {
            return Step::More;
        }
        let entry = std::mem::take(&mut self.pending);
        // Writes to the terminal can only fail when it is gone; the next read then ends the prompt.
        match run_script(&entry, Path::new(PROMPT_NAME), context) {
            Ok(value) => {
                let _ = writeln!(out, "{}", describe_value(&value, context));
            }
            Err(
                Failure::Uncaught(message)
                | Failure::Io(message)
                | Failure::UnsettledAwait(message),
            ) => {
                let _ = writeln!(err, "{message}");
            }
        }
        let _ = out.flush();
        // The entry's task is over: its promise jobs, cleanup jobs and timers run now.
        if let Err(error) = context.run_jobs() {
            let _ = writeln!(err, "{}", describe(&error, context));
        }
        if let Some(rejections) = Rejections::of(context) {
            rejections.checkpoint(context);
            for report in rejections.take_reports() {
                let _ = writeln!(err, "{report}");
            }
        }
        Step::Next
    }
}

/// Reads entries from standard input with line editing and history until `.exit` or end of input.
pub(crate) fn run(context: &mut Context) -> Result<(), Failure> {
    let mut editor = DefaultEditor::new()
        .map_err(|error| Failure::Io(format!("finreg: cannot open the prompt: {error}")))?;
    if std::io::stdin().is_terminal() {
        crate::output::output_line(&format!(
            "finreg {} (Boa 0.22). .help for help, .exit or Ctrl-D to leave.",
            env!("CARGO_PKG_VERSION")
        ));
    }
    let mut session = Session::new(context);
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    loop {
        match editor.readline(session.prompt()) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    // History is an editing aid; a full history is not a reason to stop.
                    let _ = editor.add_history_entry(line.as_str());
                }
                if session.feed(&line, context, &mut out, &mut err) == Step::Exit {
                    return Ok(());
                }
            }
            Err(ReadlineError::Interrupted) => session.abandon(),
            Err(ReadlineError::Eof) => return session.end_of_input(),
            Err(error) => {
                return Err(Failure::Io(format!(
                    "finreg: cannot read the prompt: {error}"
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use clap::Parser;

    use super::*;
    use crate::loader::FileLoader;

    /// The shell's context with `--expose-gc`, as `finreg --expose-gc` builds it.
    fn shell() -> Context {
        let cli = crate::Cli::parse_from(["finreg", "--expose-gc"]);
        let loader = Rc::new(FileLoader::new(std::env::current_dir().unwrap()));
        crate::build_context(&cli, loader).unwrap()
    }

    /// Feeds one line; returns the step, what went to stdout and what went to stderr.
    fn feed(session: &mut Session, context: &mut Context, line: &str) -> (Step, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let step = session.feed(line, context, &mut out, &mut err);
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
        (step, text(out), text(err))
    }

    #[test]
    fn each_entry_prints_its_value() {
        let mut context = shell();
        let mut session = Session::new(&context);
        let values: Vec<_> = ["1 + 2", "'text'", "let a = 5", "a * 2", "undefined"]
            .into_iter()
            .map(|line| feed(&mut session, &mut context, line).1)
            .collect();
        assert_eq!(
            values,
            ["3\n", "'text'\n", "undefined\n", "10\n", "undefined\n"]
        );
    }

    #[test]
    fn cleanup_made_due_by_an_entry_runs_before_the_next_entry() {
        let mut context = shell();
        let mut session = Session::new(&context);
        feed(
            &mut session,
            &mut context,
            "globalThis.log = []; globalThis.fr = new FinalizationRegistry(v => log.push(v))",
        );
        feed(
            &mut session,
            &mut context,
            "fr.register({}, 'x'); gc(); log.length",
        );
        // Evaluated before any job of its own could run: only the previous entry's task has ended.
        let (_, out, _) = feed(&mut session, &mut context, "log.join()");
        assert_eq!(out, "'x'\n");
    }

    #[test]
    fn promise_jobs_of_an_entry_run_before_the_next_entry() {
        let mut context = shell();
        let mut session = Session::new(&context);
        feed(
            &mut session,
            &mut context,
            "globalThis.order = []; Promise.resolve().then(() => order.push('job'))",
        );
        let (_, out, _) = feed(
            &mut session,
            &mut context,
            "order.push('next'); order.join()",
        );
        assert_eq!(out, "'job,next'\n");
    }

    #[test]
    fn an_unfinished_entry_continues_on_the_next_line() {
        let mut context = shell();
        let mut session = Session::new(&context);
        assert_eq!(session.prompt(), PROMPT);
        let (step, out, _) = feed(&mut session, &mut context, "function f(a,");
        assert_eq!((step, out.as_str()), (Step::More, ""));
        assert_eq!(session.prompt(), CONTINUATION);
        // `.exit` inside an entry is code, not a command: here it ends a parameter list badly.
        assert_eq!(feed(&mut session, &mut context, "b) {").0, Step::More);
        assert_eq!(
            feed(&mut session, &mut context, "return a + b }").0,
            Step::Next
        );
        assert_eq!(session.prompt(), PROMPT);
        assert_eq!(feed(&mut session, &mut context, "f(2, 3)").1, "5\n");
    }

    #[test]
    fn errors_are_reported_and_the_prompt_goes_on() {
        let mut context = shell();
        let mut session = Session::new(&context);
        let (step, out, err) = feed(&mut session, &mut context, "let x = ;");
        assert_eq!((step, out.as_str()), (Step::Next, ""));
        assert!(err.starts_with("<prompt>:1:9: SyntaxError: "), "{err}");
        let (_, _, err) = feed(&mut session, &mut context, "null.p");
        assert!(err.starts_with("Uncaught TypeError"), "{err}");
        assert_eq!(
            feed(&mut session, &mut context, "'still here'").1,
            "'still here'\n"
        );
    }

    #[test]
    fn an_entry_unfinished_at_the_end_of_input_is_a_syntax_error() {
        let mut context = shell();
        let mut session = Session::new(&context);
        assert_eq!(feed(&mut session, &mut context, "1 + 1").1, "2\n");
        assert!(session.end_of_input().is_ok(), "nothing pending");
        assert_eq!(
            feed(&mut session, &mut context, "function f() {").0,
            Step::More
        );
        match session.end_of_input() {
            Err(Failure::Uncaught(message)) => assert_eq!(
                message,
                "<prompt>:2:1: SyntaxError: unexpected end of input"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn exit_leaves_and_an_abandoned_entry_is_dropped() {
        let mut context = shell();
        let mut session = Session::new(&context);
        assert_eq!(feed(&mut session, &mut context, "[1,").0, Step::More);
        session.abandon();
        assert_eq!(feed(&mut session, &mut context, "  .exit  ").0, Step::Exit);
        assert!(
            feed(&mut session, &mut context, ".help")
                .1
                .contains(".exit")
        );
    }
}
