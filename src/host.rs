//! Cleanup jobs: HostEnqueueFinalizationRegistryCleanupJob's side of the host.
//!
//! The GC notifications fill the context's queue of dirty registries ([`ContextState`]), which
//! knows each live registry weakly (so that pending cleanup work never keeps a registry alive).
//! [`run_cleanup_jobs`] is the job checkpoint; [`crate::CleanupExecutor`] calls it between tasks.

use std::rc::Rc;

use boa_engine::{Context, JsError};

use crate::events::event;
use crate::report::ErrorOrigin;
use crate::state::{ContextState, Counter};

/// Runs one cleanup job for the next dirty registry; false when none is due.
///
/// This is HostEnqueueFinalizationRegistryCleanupJob's job: `Completion(CleanupFinalizationRegistry(fr))`,
/// with an abrupt completion reported to the host and the undelivered cells left for a later job.
pub(crate) fn run_next_cleanup_job(context: &mut Context) -> bool {
    let Some(state) = ContextState::existing(context) else {
        return false;
    };
    let Some(registry) = state.next_dirty_registry() else {
        // The checkpoint is over: no registry is dirty.
        state.bump(Counter::Checkpoints, 1);
        return false;
    };
    let (delivered, result) = registry.cleanup(context);
    if !registry.is_internal() {
        state.bump(Counter::CallbacksDelivered, delivered);
    }
    state.bump(Counter::CleanupJobs, 1);
    event!(
        debug,
        delivered,
        failed = result.is_err(),
        "cleanup job ran"
    );
    if let Err(error) = result {
        state.bump(Counter::CallbackErrors, 1);
        event!(warn, %error, "cleanup callback threw");
        let realm = registry.realm();
        state.report(&error, &ErrorOrigin::CleanupCallback { realm }, context);
        registry.requeue_if_pending();
    }
    true
}

/// Reports an error thrown by a task or a promise job run by [`crate::CleanupExecutor`].
pub(crate) fn report_job_error(error: &JsError, context: &mut Context) {
    let state = ContextState::of(context);
    state.bump(Counter::JobErrors, 1);
    let realm = context.realm().clone();
    state.report(error, &ErrorOrigin::Job { realm }, context);
}

/// The cleanup checkpoint for embedders that run their own job loop.
///
/// Call it between tasks, after the microtask (promise job) checkpoint: it performs ClearKeptObjects,
/// then runs a cleanup job for every registry that a collection made dirty, including registries made
/// dirty by collections during those jobs, clearing kept objects after each. Promise jobs that the
/// callbacks enqueue go to the context's executor as usual. Returns the number of cleanup jobs run.
///
/// ```
/// use boa_engine::{Context, Source};
///
/// let mut context = Context::default(); // with a loop of its own that calls run_cleanup_jobs
/// let own_loop = boa_finalization::InstallOptions::new().own_event_loop();
/// boa_finalization::install_with(&mut context, &own_loop).unwrap();
/// context
///     .eval(Source::from_bytes(
///         "globalThis.log = []; globalThis.fr = new FinalizationRegistry(v => log.push(v));
///          fr.register({}, 'gone');",
///     ))
///     .unwrap();
/// // ... the script's task is over: run its promise jobs, then the checkpoint.
/// boa_gc::force_collect();
/// assert_eq!(boa_finalization::run_cleanup_jobs(&mut context), 1);
/// ```
pub fn run_cleanup_jobs(context: &mut Context) -> usize {
    context.clear_kept_objects();
    let mut jobs = 0;
    while run_next_cleanup_job(context) {
        context.clear_kept_objects();
        jobs += 1;
    }
    jobs
}

/// Whether a collection has made some registry dirty since the last checkpoint: an embedder's loop
/// can use it to decide whether [`run_cleanup_jobs`] has work.
///
/// ```
/// use boa_engine::{Context, Source};
///
/// let mut context = Context::default(); // with a loop of its own that calls run_cleanup_jobs
/// let own_loop = boa_finalization::InstallOptions::new().own_event_loop();
/// boa_finalization::install_with(&mut context, &own_loop).unwrap();
/// context
///     .eval(Source::from_bytes("globalThis.r = new FinalizationRegistry(() => {}); r.register({}, 1);"))
///     .unwrap();
/// assert!(!boa_finalization::has_pending_cleanup(&context));
/// boa_gc::force_collect();
/// assert!(boa_finalization::has_pending_cleanup(&context));
/// ```
#[must_use]
pub fn has_pending_cleanup(context: &Context) -> bool {
    ContextState::existing(context).is_some_and(|state| state.has_pending_cleanup())
}

/// Sets the hook that receives the errors no script can catch: thrown by cleanup callbacks, and by
/// tasks and promise jobs that [`crate::CleanupExecutor`] runs. The [`ErrorOrigin`] says which, and
/// in which realm.
///
/// The default prints `Uncaught (in FinalizationRegistry cleanup callback, realm 1) Error: boom` to
/// stderr. The job loop goes on after an error; the cells not yet delivered are delivered by a later
/// cleanup job.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::context::ContextBuilder;
/// use boa_finalization::{CleanupExecutor, ErrorOrigin};
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// boa_finalization::install(&mut context).unwrap();
/// boa_finalization::set_error_reporter(&mut context, |error, origin, _context| {
///     if let ErrorOrigin::CleanupCallback { .. } = origin {
///         eprintln!("cleanup callback failed: {error}");
///     }
/// });
/// ```
pub fn set_error_reporter(
    context: &mut Context,
    reporter: impl Fn(&JsError, &ErrorOrigin, &mut Context) + 'static,
) {
    ContextState::of(context).set_reporter(Rc::new(reporter));
}
