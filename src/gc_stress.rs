//! [`GcStress`]: how often [`crate::CleanupExecutor`] forces a full collection, so that code whose
//! behaviour depends on when the collector runs is tested with collections at every moment a host
//! may collect, not only where a test calls `gc()`.

/// How often [`CleanupExecutor`](crate::CleanupExecutor) runs a full collection
/// ([`boa_gc::force_collect`]) on its own: the crate's counterpart of V8's `--gc-interval`,
/// SpiderMonkey's `gczeal` or JavaScriptCore's `--collectContinuously`.
///
/// A collection may come at any moment the spec allows, and code that uses `WeakRef` or
/// `FinalizationRegistry` has bugs that show only when one comes at the wrong moment: a cache that
/// derefs a `WeakRef` and forgets to keep the value, a resource closed while still in use, a test
/// that passes only because the collector never ran. Boa collects only past an allocation threshold,
/// so such code rarely meets a collection; a stress level makes collections frequent and
/// deterministic.
///
/// Every level keeps the spec's KeepDuringJob: a `WeakRef` target made or read (`new WeakRef`,
/// `deref`) during a task stays alive until that task's microtask checkpoint ends (ClearKeptObjects),
/// whatever collections come in between. What a stress level changes is only *when* unreachable
/// objects die: as early as the spec allows at the chosen granularity.
///
/// Off by default; [`GcStress::Off`] costs a comparison per job.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::{context::ContextBuilder, Source};
/// use boa_finalization::{CleanupExecutor, GcStress};
///
/// let executor = CleanupExecutor::default().with_gc_stress(GcStress::Task);
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(executor))
///     .build()
///     .unwrap();
/// boa_finalization::install(&mut context).unwrap();
/// context
///     .eval(Source::from_bytes(
///         "globalThis.seen = [];
///          const fr = new FinalizationRegistry(v => seen.push(v));
///          fr.register({}, 'dropped'); // no gc() anywhere
///          globalThis.ref = new WeakRef({});
///          (async () => {
///              await null;
///              seen.push(typeof ref.deref()); // this task's microtask: still kept
///          })();",
///     ))
///     .unwrap();
/// context.run_jobs().unwrap(); // the script's checkpoint collects, then cleanup runs
/// let seen = context.eval(Source::from_bytes("seen.join()")).unwrap();
/// assert_eq!(seen.as_string().unwrap().to_std_string_escaped(), "object,dropped");
/// // A later task: the target was collected at the end of the script's checkpoint.
/// let later = context.eval(Source::from_bytes("typeof ref.deref()")).unwrap();
/// assert_eq!(later.as_string().unwrap().to_std_string_escaped(), "undefined");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GcStress {
    /// No collection but boa_gc's own (past its allocation threshold) and the embedder's.
    #[default]
    Off,
    /// A full collection at every microtask checkpoint: after each task's promise jobs and
    /// ClearKeptObjects, before the executor looks for cleanup to run. An object unreachable at the
    /// end of a task is collected there, and its registries' cleanup runs in the cleanup task that
    /// follows (behind the tasks already due).
    Task,
    /// As [`GcStress::Task`], and a full collection before every job as well: each task (timer,
    /// interval, generic or async job), each promise job and each cleanup job.
    Job,
}

impl GcStress {
    /// The collection that ends a microtask checkpoint (after ClearKeptObjects).
    pub(crate) fn at_checkpoint(self) {
        if self != Self::Off {
            boa_gc::force_collect();
        }
    }

    /// The collection before a job starts.
    pub(crate) fn before_job(self) {
        if self == Self::Job {
            boa_gc::force_collect();
        }
    }
}
