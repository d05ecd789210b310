//! Reporting errors that no script can catch: the host's "report an exception" hook, told where
//! each error came from.

use std::fmt;
use std::io::Write;

use boa_engine::{Context, JsError, realm::Realm};

use crate::describe::describe_error;
use crate::realm;

/// The host's "report an exception" hook (see [`crate::set_error_reporter`]).
pub(crate) type ErrorReporter = dyn Fn(&JsError, &ErrorOrigin, &mut Context);

/// Where an error that no script caught came from.
///
/// Its `Debug` names a realm by its number (`CleanupCallback { realm: 1 }`), not by its contents.
#[derive(Clone)]
#[non_exhaustive]
pub enum ErrorOrigin {
    /// A `FinalizationRegistry` cleanup callback threw; `realm` is the registry's `[[Realm]]`.
    CleanupCallback {
        /// The registry's realm.
        realm: Realm,
    },
    /// A task or promise job run by [`crate::CleanupExecutor`] threw (a timer callback, a job with no
    /// handler); `realm` is the realm that was current when it ran.
    Job {
        /// The realm current when the job ran.
        realm: Realm,
    },
}

impl ErrorOrigin {
    /// The realm the error belongs to.
    #[must_use]
    pub fn realm(&self) -> &Realm {
        match self {
            Self::CleanupCallback { realm } | Self::Job { realm } => realm,
        }
    }
}

impl ErrorOrigin {
    fn kind(&self) -> &'static str {
        match self {
            Self::CleanupCallback { .. } => "CleanupCallback",
            Self::Job { .. } => "Job",
        }
    }
}

impl fmt::Debug for ErrorOrigin {
    /// `CleanupCallback { realm: 1 }`: a realm by its number (`?` for a realm the crate was not
    /// installed in), not its whole contents (Boa's `Realm` debug-prints every intrinsic).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut origin = f.debug_struct(self.kind());
        match realm::number(self.realm()) {
            Some(number) => origin.field("realm", &number),
            None => origin.field("realm", &format_args!("?")),
        };
        origin.finish()
    }
}

impl fmt::Display for ErrorOrigin {
    /// `FinalizationRegistry cleanup callback, realm 1`: what the default reporter puts in
    /// `Uncaught (in ...)`, as browsers write `Uncaught (in promise)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::CleanupCallback { .. } => "FinalizationRegistry cleanup callback",
            Self::Job { .. } => "job",
        };
        match realm::number(self.realm()) {
            Some(number) => write!(f, "{what}, realm {number}"),
            None => f.write_str(what),
        }
    }
}

/// The default error reporter: `Uncaught (in FinalizationRegistry cleanup callback, realm 1) Error:
/// boom` on stderr, the error as the crate's describer gives it (`describe.rs`). A closed or
/// failing stderr loses the line, nothing else: a report must not stop the program.
pub(crate) fn report_to_stderr(error: &JsError, origin: &ErrorOrigin, _context: &mut Context) {
    let line = format!("Uncaught (in {origin}) {}", describe_error(error));
    let _ = writeln!(std::io::stderr(), "{line}");
}
