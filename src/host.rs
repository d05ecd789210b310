//! Cleanup jobs and host hooks: the per-context state behind HostEnqueueFinalizationRegistryCleanupJob.
//!
//! Each `Context` that has the extension holds one [`HostState`]: the queue of dirty registries that
//! the GC notifications fill, a weak handle per live registry (so that pending cleanup work never
//! keeps a registry alive), the captured intrinsic `Symbol.keyFor`, the error reporter and counters.
//! [`run_cleanup_jobs`] is the job checkpoint; [`crate::CleanupExecutor`] calls it between tasks.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use boa_engine::{
    js_string, realm::Realm, Context, JsError, JsObject, JsResult, JsSymbol, JsValue,
};

use crate::builtin;
use crate::events::event;
use crate::notify::{CleanupQueue, RegistryId};
use crate::stats::Counters;

/// The host's "report an exception" hook, called with the error and the realm of the registry (or
/// native finalizer) whose callback threw.
pub type ErrorReporter = dyn Fn(&JsError, &Realm, &mut Context);

/// The per-context state of the extension.
pub(crate) struct HostState {
    queue: Rc<CleanupQueue>,
    /// registry id -> a `WeakRef` to the registry, made in [`WeakHandles`]' own context.
    registries: RefCell<HashMap<RegistryId, JsObject>>,
    weak_handles: RefCell<Option<WeakHandles>>,
    next_registry_id: Cell<RegistryId>,
    /// The intrinsic `Symbol.keyFor`, captured at install so scripts cannot change KeyForSymbol.
    key_for: JsObject,
    reporter: RefCell<Rc<ErrorReporter>>,
    pub(crate) counters: Counters,
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
    /// The state of `context`, created (capturing the intrinsics it needs) on first use.
    pub(crate) fn of(context: &mut Context) -> JsResult<Rc<Self>> {
        if let Some(state) = Self::existing(context) {
            return Ok(state);
        }
        let symbol = context.intrinsics().constructors().symbol().constructor();
        let key_for = symbol
            .get(js_string!("keyFor"), context)?
            .as_object()
            .expect("the intrinsic Symbol.keyFor exists");
        let state = Rc::new(Self {
            queue: Rc::default(),
            registries: RefCell::default(),
            weak_handles: RefCell::default(),
            next_registry_id: Cell::new(0),
            key_for,
            reporter: RefCell::new(Rc::new(report_to_stderr)),
            counters: Counters::default(),
        });
        context.insert_data(Rc::clone(&state));
        Ok(state)
    }

    /// The state of `context`, if the extension was ever installed into it.
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
    pub(crate) fn track_registry(&self, id: RegistryId, registry: &JsObject) -> JsResult<()> {
        let handle = self.weak_handles()?.downgrade(registry)?;
        self.registries.borrow_mut().insert(id, handle);
        Ok(())
    }

    /// KeyForSymbol ( sym ): the key of `symbol` in the global symbol registry, if it is there.
    pub(crate) fn key_for_symbol(
        &self,
        symbol: &JsSymbol,
        context: &mut Context,
    ) -> JsResult<Option<JsValue>> {
        let key = self
            .key_for
            .call(&JsValue::undefined(), &[symbol.clone().into()], context)?;
        Ok((!key.is_undefined()).then_some(key))
    }

    pub(crate) fn set_reporter(&self, reporter: Rc<ErrorReporter>) {
        *self.reporter.borrow_mut() = reporter;
    }

    /// Reports an error through the embedder's hook.
    pub(crate) fn report(&self, error: &JsError, realm: &Realm, context: &mut Context) {
        let reporter = Rc::clone(&self.reporter.borrow());
        reporter(error, realm, context);
    }

    /// The registries of this context that are still alive.
    pub(crate) fn tracked_registries(&self) -> Vec<JsObject> {
        let mut live = Vec::new();
        let handles: Vec<JsObject> = self.registries.borrow().values().cloned().collect();
        if let Some(weak) = self.weak_handles.borrow_mut().as_mut() {
            live.extend(handles.iter().filter_map(|handle| weak.upgrade(handle)));
        }
        live
    }

    fn weak_handles(&self) -> JsResult<std::cell::RefMut<'_, WeakHandles>> {
        let mut slot = self.weak_handles.borrow_mut();
        if slot.is_none() {
            *slot = Some(WeakHandles::new()?);
        }
        Ok(std::cell::RefMut::map(slot, |slot| {
            slot.as_mut().expect("just filled")
        }))
    }

    /// The next registry with cleanup work that is still alive. Entries of registries that died are
    /// released on the way: their callbacks are never made.
    fn next_dirty_registry(&self) -> Option<JsObject> {
        while let Some(inbox) = self.queue.pop() {
            let id = inbox.registry();
            let Some(handle) = self.registries.borrow().get(&id).cloned() else {
                continue;
            };
            let registry = if inbox.registry_died() {
                None
            } else {
                self.weak_handles
                    .borrow_mut()
                    .as_mut()
                    .and_then(|weak| weak.upgrade(&handle))
            };
            match registry {
                Some(registry) => return Some(registry),
                None => {
                    self.registries.borrow_mut().remove(&id);
                }
            }
        }
        None
    }
}

/// Weak references to registries without `WeakRef`'s kept-alive side effect.
///
/// `new WeakRef(x)` and `deref()` add `x` to the kept objects of the context that runs them, which
/// would keep a new registry alive until the end of the current task. Running them in a private
/// context, whose kept list is cleared right away, leaves the script's context untouched (boa_gc's heap
/// is shared by every context of the thread, so the handles work across them).
struct WeakHandles {
    context: Context,
    deref: JsObject,
}

impl WeakHandles {
    fn new() -> JsResult<Self> {
        let mut context = Context::default();
        let prototype = context.intrinsics().constructors().weak_ref().prototype();
        let deref = prototype
            .get(js_string!("deref"), &mut context)?
            .as_object()
            .expect("the intrinsic WeakRef.prototype.deref exists");
        Ok(Self { context, deref })
    }

    fn downgrade(&mut self, object: &JsObject) -> JsResult<JsObject> {
        let constructor = self
            .context
            .intrinsics()
            .constructors()
            .weak_ref()
            .constructor();
        let handle = constructor.construct(&[object.clone().into()], None, &mut self.context)?;
        self.context.clear_kept_objects();
        Ok(handle)
    }

    fn upgrade(&mut self, handle: &JsObject) -> Option<JsObject> {
        let target = self
            .deref
            .call(&handle.clone().into(), &[], &mut self.context)
            .ok()?
            .as_object();
        self.context.clear_kept_objects();
        target
    }
}

/// The default error reporter: `Uncaught <error>` on stderr, as JS shells print it.
fn report_to_stderr(error: &JsError, _realm: &Realm, _context: &mut Context) {
    eprintln!("Uncaught {error}");
}

/// Runs one cleanup job for the next dirty registry; false when none is due.
///
/// This is HostEnqueueFinalizationRegistryCleanupJob's job: `Completion(CleanupFinalizationRegistry(fr))`,
/// with an abrupt completion reported to the host and the undelivered cells left for a later job.
pub(crate) fn run_next_cleanup_job(context: &mut Context) -> bool {
    let Some(host) = HostState::existing(context) else {
        return false;
    };
    let Some(registry) = host.next_dirty_registry() else {
        return false;
    };
    let mut delivered = 0;
    let result = builtin::cleanup_finalization_registry(&registry, &mut delivered, context);
    host.counters.add_delivered(delivered);
    event!(
        debug,
        delivered,
        failed = result.is_err(),
        "cleanup job ran"
    );
    host.counters.bump(&host.counters.cleanup_jobs);
    if let Err(error) = result {
        let (realm, more) = builtin::realm_and_pending(&registry);
        host.counters.bump(&host.counters.callback_errors);
        event!(warn, %error, "cleanup callback threw");
        host.report(&error, &realm, context);
        if more {
            builtin::requeue(&registry);
        }
    }
    true
}

/// Reports an error thrown by a task or a promise job run by [`crate::CleanupExecutor`].
pub(crate) fn report_job_error(error: &JsError, context: &mut Context) {
    match HostState::of(context) {
        Ok(host) => {
            host.counters.bump(&host.counters.job_errors);
            let realm = context.realm().clone();
            host.report(error, &realm, context);
        }
        Err(_) => report_to_stderr(error, &context.realm().clone(), context),
    }
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
/// let mut context = Context::default();
/// boa_finalization::install(&mut context).unwrap();
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
/// let mut context = Context::default();
/// boa_finalization::install(&mut context).unwrap();
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

/// Sets the hook that receives errors thrown by cleanup callbacks (and native finalizers).
///
/// The default prints `Uncaught <error>` to stderr. The job loop goes on after an error; the cells not
/// yet delivered are delivered by a later cleanup job.
///
/// ```
/// use boa_engine::Context;
///
/// let mut context = Context::default();
/// boa_finalization::install(&mut context).unwrap();
/// boa_finalization::set_error_reporter(&mut context, |error, _realm, _context| {
///     eprintln!("cleanup callback failed: {error}");
/// })
/// .unwrap();
/// ```
pub fn set_error_reporter(
    context: &mut Context,
    reporter: impl Fn(&JsError, &Realm, &mut Context) + 'static,
) -> JsResult<()> {
    HostState::of(context)?.set_reporter(Rc::new(reporter));
    Ok(())
}
