//! Reporting errors that no script can catch: the host's "report an exception" hook.

use std::rc::Rc;

use boa_engine::{realm::Realm, Context, JsError};

/// The host's "report an exception" hook, called with the error and the realm of the registry (or
/// native finalizer) whose callback threw.
pub type ErrorReporter = dyn Fn(&JsError, &Realm, &mut Context);

/// The default error reporter: `Uncaught <error>` on stderr, as JS shells print it.
pub(crate) fn report_to_stderr(error: &JsError, _realm: &Realm, _context: &mut Context) {
    eprintln!("Uncaught {error}");
}

/// The default reporter, shared.
pub(crate) fn default_reporter() -> Rc<ErrorReporter> {
    Rc::new(report_to_stderr)
}
