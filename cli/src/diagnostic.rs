//! Where a syntax error is: `file:line:column` for the shell's messages.
//!
//! Boa turns a parse error into a `SyntaxError` whose message ends in "at line L, col C" and whose
//! printed form adds the engine's "(native)" call-site marker, which points nowhere useful. The
//! structured parser error has the position, so when the engine rejects a source the shell parses
//! it once more with Boa's public parser to get that error, and formats the message itself. The
//! second parse happens only on the error path.

use std::fmt;

use boa_engine::{
    Source,
    ast::{Position, scope::Scope},
    interner::Interner,
    parser::{Error, Parser, lexer},
};

/// Which grammar a source is parsed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Goal {
    /// A classic script (files other than `.mjs`, `--eval`, prompt entries).
    Script,
    /// An ES module (`.mjs` files, `--module`, imported files).
    Module,
}

/// A syntax error located in its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    /// 1-based line.
    pub(crate) line: u32,
    /// 1-based column.
    pub(crate) column: u32,
    /// The parser's message, without its own "at line L, col C" suffix.
    pub(crate) message: String,
    /// The source ended in the middle of a construct: the prompt reads another line instead of
    /// reporting an error.
    pub(crate) incomplete: bool,
}

impl Diagnostic {
    /// `file:line:column: SyntaxError: message`, the shape compilers and other shells use.
    pub(crate) fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        DisplayDiagnostic {
            diagnostic: self,
            file,
        }
    }
}

/// [`Diagnostic::display`]'s result: a diagnostic with the name of its file.
struct DisplayDiagnostic<'a> {
    diagnostic: &'a Diagnostic,
    file: &'a str,
}

impl fmt::Display for DisplayDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Diagnostic {
            line,
            column,
            message,
            ..
        } = self.diagnostic;
        write!(f, "{}:{line}:{column}: SyntaxError: {message}", self.file)
    }
}

/// Parses `code` with `goal` and returns its first syntax error, located; `None` when it parses,
/// or when the error carries no position (then the caller prints the engine's message).
pub(crate) fn diagnose(code: &str, goal: Goal) -> Option<Diagnostic> {
    let mut parser = Parser::new(Source::from_bytes(code));
    let scope = Scope::new_global();
    let mut interner = Interner::default();
    let error = match goal {
        Goal::Script => parser.parse_script(&scope, &mut interner).err()?,
        Goal::Module => parser.parse_module(&scope, &mut interner).err()?,
    };
    let at_end = |message: String, incomplete: bool| {
        let (line, column) = end_of(code);
        Some(Diagnostic {
            line,
            column,
            message,
            incomplete,
        })
    };
    let position = match &error {
        Error::Expected { span, .. } | Error::Unexpected { span, .. } => span.start(),
        Error::General { position, .. }
        | Error::Lex {
            err: lexer::Error::Syntax(_, position),
        } => *position,
        // The input stopped mid-construct: the error is at its end, and more lines may finish it.
        Error::AbruptEnd => return at_end("unexpected end of input".to_owned(), true),
        // The lexer reports an unterminated string or template as reading past the end. A
        // template may span lines; a string literal may not.
        Error::Lex {
            err: lexer::Error::IO(io),
        } if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            let message = io.to_string();
            let incomplete = message.contains("template");
            return at_end(message, incomplete);
        }
        _ => return None,
    };
    let shown = match &error {
        // Boa places a redeclaration at a script's top level at 1:1; the shell finds the
        // redeclaring identifier, as node shows it.
        Error::General { message, .. }
            if goal == Goal::Script && message.starts_with("lexical name declared") =>
        {
            crate::redeclaration::locate(code).unwrap_or(position)
        }
        _ => position,
    };
    Some(Diagnostic {
        line: shown.line_number(),
        column: shown.column_number(),
        incomplete: is_incomplete(&error),
        message: strip_position(error.to_string(), position),
    })
}

/// Besides `AbruptEnd` and an unterminated template, an unclosed comment is the one located
/// error that more input could complete.
fn is_incomplete(error: &Error) -> bool {
    matches!(
        error,
        Error::Lex { err: lexer::Error::Syntax(message, _) }
            if message.contains("unterminated") && message.contains("comment")
    )
}

/// Removes the parser's own " at line L, col C" from its message: the shell prints the position
/// first instead.
fn strip_position(message: String, position: Position) -> String {
    let suffix = format!(
        " at line {}, col {}",
        position.line_number(),
        position.column_number()
    );
    match message.strip_suffix(&suffix) {
        Some(stripped) => stripped.to_owned(),
        None => message,
    }
}

/// The 1-based line and column just past the last character of `code`.
fn end_of(code: &str) -> (u32, u32) {
    let line = code.split('\n').count();
    let last = code.rsplit('\n').next().unwrap_or_default();
    let column = last.chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unexpected_token_is_located() {
        let diagnostic = diagnose("let a = 1;\nlet b = ;\n", Goal::Script).unwrap();
        assert_eq!((diagnostic.line, diagnostic.column), (2, 9));
        assert!(!diagnostic.message.contains("at line"), "{diagnostic:?}");
        assert!(!diagnostic.incomplete);
    }

    #[test]
    fn import_is_a_syntax_error_in_a_script_only() {
        let code = "import { x } from './b.mjs';\n";
        assert!(diagnose(code, Goal::Script).is_some());
        assert_eq!(diagnose(code, Goal::Module), None);
    }

    #[test]
    fn truncated_input_is_incomplete() {
        for code in [
            "function f() {",
            "f(1,",
            "[1, 2",
            "`abc",
            "/* note",
            "if (x) {\n",
        ] {
            let diagnostic = diagnose(code, Goal::Script).unwrap();
            assert!(diagnostic.incomplete, "{code}: {diagnostic:?}");
        }
        let unterminated = diagnose("'abc", Goal::Script).unwrap();
        assert!(!unterminated.incomplete, "{unterminated:?}");
        assert_eq!((unterminated.line, unterminated.column), (1, 5));
    }

    #[test]
    fn the_display_puts_the_location_first() {
        let diagnostic = diagnose("1 +* 2", Goal::Script).unwrap();
        let shown = diagnostic.display("a.js").to_string();
        assert!(shown.starts_with("a.js:1:"), "{shown}");
        assert!(shown.contains(": SyntaxError: "), "{shown}");
    }
}
