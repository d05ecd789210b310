//! Cleanup jobs: the per-context state behind HostEnqueueFinalizationRegistryCleanupJob.
//!
//! Each `Context` that has the extension holds one [`HostState`]: the queue of dirty registries that
//! the GC notifications fill, a weak handle to each live registry's state (so that pending cleanup
//! work never keeps a registry alive), the error reporter and counters. [`run_cleanup_jobs`] is the
//! job checkpoint; [`crate::CleanupExecutor`] calls it between tasks.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use boa_engine::{Context, JsError};

use crate::events::event;
use crate::notify::{CleanupQueue, RegistryId};
use crate::options::InstallOptions;
use crate::registry::{Registry, WeakRegistry};
use crate::report::{default_reporter, ErrorOrigin, ErrorReporter};

/// The per-context state of the extension.
pub(crate) struct HostState {
    queue: Rc<CleanupQueue>,
    /// registry id -> the registry's state, weakly: only the registry object holds it strongly.
    registries: RefCell<HashMap<RegistryId, WeakRegistry>>,
    next_registry_id: Cell<RegistryId>,
    reporter: RefCell<Rc<ErrorReporter>>,
    pub(crate) counters: Counters,
    options: RefCell<InstallOptions>,
}

/// Running totals of one context, updated by cleanup jobs.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) cleanup_jobs: Cell<u64>,
    pub(crate) checkpoints: Cell<u64>,
    pub(crate) callbacks_delivered: Cell<u64>,
    pub(crate) callback_errors: Cell<u64>,
    pub(crate) job_errors: Cell<u64>,
}

impl Counters {
    fn bump(counter: &Cell<u64>, by: usize) {
        counter.set(counter.get() + by as u64);
    }
}

impl fmt::Debug for HostState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostState")
            .field("registries", &self.registries.borrow().len())
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl HostState {
    /// The state of `context`, created on first use.
    pub(crate) fn of(context: &mut Context) -> Rc<Self> {
        if let Some(state) = Self::existing(context) {
            return state;
        }
        let state = Rc::new(Self {
            queue: Rc::default(),
            registries: RefCell::default(),
            next_registry_id: Cell::new(0),
            reporter: RefCell::new(default_reporter()),
            counters: Counters::default(),
            options: RefCell::default(),
        });
        context.insert_data(Rc::clone(&state));
        state
    }

    /// The state of `context`, if the extension was ever used there.
    pub(crate) fn existing(context: &Context) -> Option<Rc<Self>> {
        context.get_data::<Rc<Self>>().cloned()
    }

    pub(crate) fn queue(&self) -> Rc<CleanupQueue> {
        Rc::clone(&self.queue)
    }

    pub(crate) fn next_registry_id(&self) -> RegistryId {
        let id = self.next_registry_id.get();
        self.next_registry_id.set(id + 1);
        id
    }

    /// Remembers a new registry weakly, so its cleanup jobs can find it while it lives.
    pub(crate) fn track_registry(&self, id: RegistryId, registry: WeakRegistry) {
        self.registries.borrow_mut().insert(id, registry);
    }

    pub(crate) fn set_options(&self, options: InstallOptions) {
        *self.options.borrow_mut() = options;
    }

    /// The options given last to [`crate::install_with`] (the defaults before).
    pub(crate) fn options(&self) -> InstallOptions {
        self.options.borrow().clone()
    }

    pub(crate) fn set_reporter(&self, reporter: Rc<ErrorReporter>) {
        *self.reporter.borrow_mut() = reporter;
    }

    /// Reports an error through the embedder's hook.
    pub(crate) fn report(&self, error: &JsError, origin: &ErrorOrigin, context: &mut Context) {
        let reporter = Rc::clone(&self.reporter.borrow());
        reporter(error, origin, context);
    }

    /// This context's registries that are still alive.
    pub(crate) fn live_registries(&self) -> Vec<Registry> {
        self.registries
            .borrow()
            .values()
            .filter_map(WeakRegistry::upgrade)
            .collect()
    }

    /// The next registry with cleanup work that is still alive. Entries of registries that died are
    /// released on the way: their callbacks are never made.
    fn next_dirty_registry(&self) -> Option<Registry> {
        while let Some(inbox) = self.queue.pop() {
            let id = inbox.registry();
            let state = if inbox.registry_died() {
                None
            } else {
                self.registries
                    .borrow()
                    .get(&id)
                    .and_then(WeakRegistry::upgrade)
            };
            match state {
                Some(state) => return Some(state),
                None => {
                    self.registries.borrow_mut().remove(&id);
                }
            }
        }
        None
    }
}

/// Runs one cleanup job for the next dirty registry; false when none is due.
///
/// This is HostEnqueueFinalizationRegistryCleanupJob's job: `Completion(CleanupFinalizationRegistry(fr))`,
/// with an abrupt completion reported to the host and the undelivered cells left for a later job.
pub(crate) fn run_next_cleanup_job(context: &mut Context) -> bool {
    let Some(host) = HostState::existing(context) else {
        return false;
    };
    let counters = &host.counters;
    let Some(registry) = host.next_dirty_registry() else {
        // The checkpoint is over: no registry is dirty.
        Counters::bump(&counters.checkpoints, 1);
        return false;
    };
    let (delivered, result) = registry.cleanup(context);
    if !registry.is_internal() {
        Counters::bump(&counters.callbacks_delivered, delivered);
    }
    Counters::bump(&counters.cleanup_jobs, 1);
    event!(
        debug,
        delivered,
        failed = result.is_err(),
        "cleanup job ran"
    );
    if let Err(error) = result {
        Counters::bump(&counters.callback_errors, 1);
        event!(warn, %error, "cleanup callback threw");
        let realm = registry.realm();
        host.report(&error, &ErrorOrigin::CleanupCallback { realm }, context);
        registry.requeue_if_pending();
    }
    true
}

/// Reports an error thrown by a task or a promise job run by [`crate::CleanupExecutor`].
pub(crate) fn report_job_error(error: &JsError, context: &mut Context) {
    let host = HostState::of(context);
    Counters::bump(&host.counters.job_errors, 1);
    let realm = context.realm().clone();
    host.report(error, &ErrorOrigin::Job { realm }, context);
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
pub fn has_pending_cleanup(context: &Context) -> bool {
    HostState::existing(context).is_some_and(|host| !host.queue.is_empty())
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
    HostState::of(context).set_reporter(Rc::new(reporter));
}
