//! Reporting errors that no script can catch: the host's "report an exception" hook, told where
//! each error came from.

use std::fmt;
use std::io::Write;
use std::rc::Rc;

use boa_engine::{realm::Realm, Context, JsData, JsError};
use boa_gc::{Finalize, Trace};

use crate::describe::describe_error;

/// The host's "report an exception" hook (see [`crate::set_error_reporter`]).
pub(crate) type ErrorReporter = dyn Fn(&JsError, &ErrorOrigin, &mut Context);

/// Where an error that no script caught came from.
#[derive(Debug, Clone)]
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

impl fmt::Display for ErrorOrigin {
    /// `FinalizationRegistry cleanup callback, realm 1`: what the default reporter puts in
    /// `Uncaught (in ...)`, as browsers write `Uncaught (in promise)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::CleanupCallback { .. } => "FinalizationRegistry cleanup callback",
            Self::Job { .. } => "job",
        };
        match realm_number(self.realm()) {
            Some(number) => write!(f, "{what}, realm {number}"),
            None => f.write_str(what),
        }
    }
}

/// The number the crate gave a realm when it installed the extension there: 1 for the first realm of
/// the thread's contexts, and so on. Reports use it to say which realm an error belongs to.
#[derive(Debug, Clone, Copy, Trace, Finalize, JsData)]
#[boa_gc(empty_trace)]
struct RealmNumber(u32);

thread_local! {
    static NEXT_REALM_NUMBER: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

/// Gives `realm` its number, once.
pub(crate) fn number_realm(realm: &Realm) {
    if realm.host_defined().get::<RealmNumber>().is_some() {
        return;
    }
    let number = NEXT_REALM_NUMBER.with(|next| next.replace(next.get() + 1));
    realm.host_defined_mut().insert(RealmNumber(number));
}

fn realm_number(realm: &Realm) -> Option<u32> {
    realm
        .host_defined()
        .get::<RealmNumber>()
        .map(|number| number.0)
}

/// The default error reporter: `Uncaught (in FinalizationRegistry cleanup callback, realm 1) Error:
/// boom` on stderr, the error as [`crate::describe_error`] gives it. A closed or failing stderr
/// loses the line, nothing else: a report must not stop the program.
pub(crate) fn report_to_stderr(error: &JsError, origin: &ErrorOrigin, context: &mut Context) {
    let line = format!("Uncaught (in {origin}) {}", describe_error(error, context));
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The default reporter, shared.
pub(crate) fn default_reporter() -> Rc<ErrorReporter> {
    Rc::new(report_to_stderr)
}
