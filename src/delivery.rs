//! Whether a context's cleanup jobs will ever run: decided at install time, from the context's job
//! executor and the embedder's [`InstallOptions`], so that a set-up that can never deliver a cleanup
//! callback fails at once instead of staying silent.

use boa_engine::{Context, JsNativeError, JsResult};

use crate::executor::CleanupExecutor;
use crate::options::InstallOptions;
use crate::state::ContextState;

/// How the cleanup jobs of a context are run (see [`delivery`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// The context's job executor is a [`CleanupExecutor`]: cleanup runs in a task of its own after
    /// each task's microtasks.
    CleanupExecutor,
    /// The embedder declared its own loop ([`InstallOptions::own_event_loop`]), which calls
    /// [`crate::run_cleanup_jobs`] at its checkpoints, and the job executor is not a
    /// [`CleanupExecutor`] (which takes precedence when there is one).
    OwnEventLoop,
    /// Neither: no cleanup callback and no native finalizer will ever run (only [`crate::shutdown`]
    /// runs native finalizers). [`crate::install`] refuses such a context.
    Never,
}

impl Delivery {
    /// Whether cleanup callbacks will be delivered.
    #[must_use]
    pub fn delivers(self) -> bool {
        self != Self::Never
    }
}

/// How the cleanup jobs of `context` will run, if at all: through its [`CleanupExecutor`], through
/// the embedder's own loop (declared with [`InstallOptions::own_event_loop`] by any install into
/// the context), or never.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::{context::ContextBuilder, Context};
/// use boa_finalization::{CleanupExecutor, Delivery, InstallOptions};
///
/// let context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// assert_eq!(boa_finalization::delivery(&context), Delivery::CleanupExecutor);
///
/// let mut plain = Context::default(); // Boa's SimpleJobExecutor
/// assert_eq!(boa_finalization::delivery(&plain), Delivery::Never);
/// boa_finalization::install_with(&mut plain, &InstallOptions::new().own_event_loop()).unwrap();
/// assert_eq!(boa_finalization::delivery(&plain), Delivery::OwnEventLoop);
/// ```
#[must_use]
pub fn delivery(context: &Context) -> Delivery {
    let own_event_loop =
        ContextState::existing(context).is_some_and(|state| state.own_event_loop());
    delivery_with(context, own_event_loop)
}

fn delivery_with(context: &Context, own_event_loop: bool) -> Delivery {
    if context.downcast_job_executor::<CleanupExecutor>().is_some() {
        Delivery::CleanupExecutor
    } else if own_event_loop {
        Delivery::OwnEventLoop
    } else {
        Delivery::Never
    }
}

/// The message of the error that [`crate::install`] returns for a context that would never deliver.
pub(crate) const NEVER_DELIVERED: &str = "boa_finalization: this context's job executor is not a \
    CleanupExecutor, so no cleanup callback would ever run. Build the context with \
    `ContextBuilder::new().job_executor(Rc::new(CleanupExecutor::default()))` (or \
    `CleanupExecutor::new(your_executor)`), or, if your own event loop calls \
    `boa_finalization::run_cleanup_jobs` at its checkpoints, install with \
    `install_with(context, &InstallOptions::new().own_event_loop())`";

/// Fails with a `TypeError` naming both fixes when a context installed with `options` would never
/// run its cleanup jobs.
pub(crate) fn require_delivery(context: &Context, options: &InstallOptions) -> JsResult<()> {
    if delivery_with(context, options.own_event_loop).delivers() {
        Ok(())
    } else {
        Err(JsNativeError::typ().with_message(NEVER_DELIVERED).into())
    }
}
