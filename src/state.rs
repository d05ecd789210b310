//! The crate's state in one `Context`: the one value it keeps in the context's data.
//!
//! [`ContextState`] owns everything the crate remembers about a context: the cleanup queue that GC
//! notifications fill, a weak handle to each live registry, the error reporter and counters,
//! whether an install declared its own event loop, the next realm number, the native finalizers,
//! the pristine intrinsics of the crate's private realm, and the weak family's side table of symbol
//! entries. It is made on first use and shared as an `Rc`, so that callers can hold it while they
//! use the `Context` mutably.
//!
//! Its fields are private to this file, and so is every borrow of them: each method takes what it
//! needs in a short borrow and gives it back before returning, so **no borrow is ever held across a
//! call into JS or an allocation** (a collection runs finalizers, and a callback may reenter).
//!
//! What belongs to one realm rather than to the context is in [`crate::realm`].

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Write;
use std::rc::Rc;

use boa_engine::{Context, JsError, JsObject, JsSymbol, object::builtins::JsWeakMap};

use crate::notify::{CleanupQueue, RegistryId};
use crate::registry::{Registry, WeakRegistry};
use crate::report::{ErrorOrigin, ErrorReporter};

/// A native finalizer's closure (see [`crate::on_collected`]).
pub(crate) type NativeFinalizer = Box<dyn FnOnce(&mut Context)>;

/// The crate's state in one context (see the module docs).
pub(crate) struct ContextState {
    queue: Rc<CleanupQueue>,
    /// registry id -> the registry's state, weakly: only the registry object holds it strongly.
    registries: RefCell<HashMap<RegistryId, WeakRegistry>>,
    next_registry_id: Cell<RegistryId>,
    /// The embedder's hook; `None` for the default (stderr).
    reporter: RefCell<Option<Rc<ErrorReporter>>>,
    counters: Counters,
    /// Whether an install declared [`crate::InstallOptions::own_event_loop`] (for [`crate::delivery`]).
    own_event_loop: Cell<bool>,
    /// The number the next installed realm gets: realms are numbered per context, from 1.
    next_realm_number: Cell<u32>,
    native: NativeFinalizers,
    /// Intrinsics of the crate's private realm, made on first use (see [`crate::symbols`]).
    pristine: OnceCell<Pristine>,
    /// The weak family's side table (see `weak::held_symbols`), made on first use.
    symbol_table: OnceCell<JsWeakMap>,
    /// Symbol entries of live `WeakMap`s and `WeakSet`s, kept by their entries objects.
    symbol_entries: Rc<Cell<usize>>,
}

/// Running totals of one context, updated by cleanup jobs.
#[derive(Debug, Default)]
struct Counters {
    cleanup_jobs: Cell<u64>,
    checkpoints: Cell<u64>,
    callbacks_delivered: Cell<u64>,
    callback_errors: Cell<u64>,
    job_errors: Cell<u64>,
}

/// What [`ContextState::counters`] reads: the running totals of one context.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Totals {
    pub(crate) cleanup_jobs: u64,
    pub(crate) checkpoints: u64,
    pub(crate) callbacks_delivered: u64,
    pub(crate) callback_errors: u64,
    pub(crate) job_errors: u64,
    pub(crate) native_run: u64,
    pub(crate) weak_symbol_entries: usize,
}

/// One counter of [`Counters`], to bump.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counter {
    CleanupJobs,
    Checkpoints,
    CallbacksDelivered,
    CallbackErrors,
    JobErrors,
}

/// The native finalizers of one context.
#[derive(Default)]
struct NativeFinalizers {
    /// The internal registry their objects are registered in, made on first use.
    registry: RefCell<Option<JsObject>>,
    /// By id, which is registration order: [`crate::shutdown`] runs them in that order.
    pending: RefCell<BTreeMap<u64, PendingFinalizer>>,
    next_id: Cell<u64>,
    run: Cell<u64>,
    /// Whether [`crate::shutdown`] was called (then a drop with finalizers pending is no mistake).
    shut_down: Cell<bool>,
}

/// A native finalizer waiting to run, with the unregister token of its cell.
struct PendingFinalizer {
    /// A fresh symbol no script can see: `cancel` and `shutdown` unregister the cell with it.
    token: JsSymbol,
    finalizer: NativeFinalizer,
}

/// Intrinsics of the crate's private realm, which no script can reach (see [`crate::symbols`]).
#[derive(Clone)]
pub(crate) struct Pristine {
    /// `Symbol.keyFor`, for KeyForSymbol.
    pub(crate) key_for: JsObject,
    /// Boa's own `WeakRef.prototype.deref`.
    pub(crate) weak_ref_deref: JsObject,
}

impl fmt::Debug for ContextState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextState")
            .field("registries", &self.registries.borrow().len())
            .field("native_pending", &self.native.pending.borrow().len())
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl ContextState {
    /// The state of `context`, made on first use.
    pub(crate) fn of(context: &mut Context) -> Rc<Self> {
        if let Some(state) = Self::existing(context) {
            return state;
        }
        let state = Rc::new(Self {
            queue: Rc::default(),
            registries: RefCell::default(),
            next_registry_id: Cell::new(0),
            reporter: RefCell::default(),
            counters: Counters::default(),
            own_event_loop: Cell::new(false),
            next_realm_number: Cell::new(1),
            native: NativeFinalizers::default(),
            pristine: OnceCell::new(),
            symbol_table: OnceCell::new(),
            symbol_entries: Rc::default(),
        });
        context.insert_data(Rc::clone(&state));
        state
    }

    /// The state of `context`, if the crate was ever used there.
    pub(crate) fn existing(context: &Context) -> Option<Rc<Self>> {
        context.get_data::<Rc<Self>>().cloned()
    }

    // --- Registries and the cleanup queue ---

    pub(crate) fn queue(&self) -> Rc<CleanupQueue> {
        Rc::clone(&self.queue)
    }

    /// Whether some registry waits for a cleanup job.
    pub(crate) fn has_pending_cleanup(&self) -> bool {
        !self.queue.is_empty()
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
    pub(crate) fn next_dirty_registry(&self) -> Option<Registry> {
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

    // --- Errors and counters ---

    pub(crate) fn set_reporter(&self, reporter: Rc<ErrorReporter>) {
        *self.reporter.borrow_mut() = Some(reporter);
    }

    /// Reports an error through the embedder's hook, or the default one.
    pub(crate) fn report(&self, error: &JsError, origin: &ErrorOrigin, context: &mut Context) {
        let reporter = self.reporter.borrow().clone();
        match reporter {
            Some(reporter) => reporter(error, origin, context),
            None => crate::report::report_to_stderr(error, origin, context),
        }
    }

    pub(crate) fn bump(&self, counter: Counter, by: usize) {
        let counters = &self.counters;
        let cell = match counter {
            Counter::CleanupJobs => &counters.cleanup_jobs,
            Counter::Checkpoints => &counters.checkpoints,
            Counter::CallbacksDelivered => &counters.callbacks_delivered,
            Counter::CallbackErrors => &counters.callback_errors,
            Counter::JobErrors => &counters.job_errors,
        };
        cell.set(cell.get() + by as u64);
    }

    /// The running totals, for [`crate::stats`].
    pub(crate) fn totals(&self) -> Totals {
        let counters = &self.counters;
        Totals {
            cleanup_jobs: counters.cleanup_jobs.get(),
            checkpoints: counters.checkpoints.get(),
            callbacks_delivered: counters.callbacks_delivered.get(),
            callback_errors: counters.callback_errors.get(),
            job_errors: counters.job_errors.get(),
            native_run: self.native.run.get(),
            weak_symbol_entries: self.symbol_entries.get(),
        }
    }

    // --- Installs and realms ---

    /// Records that an install declared its own event loop.
    pub(crate) fn declare_own_event_loop(&self) {
        self.own_event_loop.set(true);
    }

    /// Whether an install declared its own event loop.
    pub(crate) fn own_event_loop(&self) -> bool {
        self.own_event_loop.get()
    }

    /// The number of the next realm installed in this context.
    pub(crate) fn next_realm_number(&self) -> u32 {
        let number = self.next_realm_number.get();
        self.next_realm_number.set(number.saturating_add(1));
        number
    }

    // --- Native finalizers ---

    /// The internal registry of native finalizers, if it was made.
    pub(crate) fn native_registry(&self) -> Option<JsObject> {
        self.native.registry.borrow().clone()
    }

    pub(crate) fn set_native_registry(&self, registry: JsObject) {
        *self.native.registry.borrow_mut() = Some(registry);
    }

    /// A new native finalizer's id.
    pub(crate) fn next_native_id(&self) -> u64 {
        let id = self.native.next_id.get();
        self.native.next_id.set(id + 1);
        id
    }

    /// Keeps `finalizer` as native finalizer `id`, its cell registered with `token`.
    pub(crate) fn add_native(&self, id: u64, token: JsSymbol, finalizer: NativeFinalizer) {
        let pending = PendingFinalizer { token, finalizer };
        self.native.pending.borrow_mut().insert(id, pending);
    }

    /// Takes native finalizer `id` out with its cell's token; `None` if it ran or was cancelled.
    pub(crate) fn take_native(&self, id: u64) -> Option<(JsSymbol, NativeFinalizer)> {
        let pending = self.native.pending.borrow_mut().remove(&id)?;
        Some((pending.token, pending.finalizer))
    }

    /// The ids of the native finalizers waiting now, in registration order.
    pub(crate) fn pending_native_ids(&self) -> Vec<u64> {
        self.native.pending.borrow().keys().copied().collect()
    }

    /// Counts a native finalizer that is about to run.
    pub(crate) fn count_native_run(&self) {
        self.native.run.set(self.native.run.get() + 1);
    }

    /// Records that the host called [`crate::shutdown`].
    pub(crate) fn mark_shut_down(&self) {
        self.native.shut_down.set(true);
    }

    // --- The private realm and the weak family ---

    /// The private realm's intrinsics, if they were made.
    pub(crate) fn pristine(&self) -> Option<Pristine> {
        self.pristine.get().cloned()
    }

    /// Keeps the private realm's intrinsics (the first ones made win).
    pub(crate) fn set_pristine(&self, pristine: Pristine) -> Pristine {
        self.pristine.get_or_init(|| pristine).clone()
    }

    /// The weak family's side table, if it was made.
    pub(crate) fn symbol_table(&self) -> Option<JsWeakMap> {
        self.symbol_table.get().cloned()
    }

    /// Keeps the weak family's side table (the first one made wins).
    pub(crate) fn set_symbol_table(&self, table: JsWeakMap) -> JsWeakMap {
        self.symbol_table.get_or_init(|| table).clone()
    }

    /// The count of the weak family's symbol entries, shared with the entries objects that keep it.
    pub(crate) fn symbol_entries(&self) -> Rc<Cell<usize>> {
        Rc::clone(&self.symbol_entries)
    }
}

impl Drop for ContextState {
    /// A debug build says once, on stderr, that native finalizers are dropped unrun: the host forgot
    /// [`crate::shutdown`]. A release build stays silent (see [`crate::on_collected`]).
    fn drop(&mut self) {
        let unrun = self.native.pending.get_mut().len();
        if cfg!(debug_assertions) && unrun > 0 && !self.native.shut_down.get() {
            // A closed stderr loses the line, nothing else.
            let _ = writeln!(std::io::stderr(), "{}", unrun_message(unrun));
        }
    }
}

/// The line a debug build writes when a context is dropped with `unrun` native finalizers and no
/// [`crate::shutdown`].
fn unrun_message(unrun: usize) -> String {
    format!(
        "boa_finalization: a context was dropped with {unrun} native finalizer(s) that never ran; \
         call boa_finalization::shutdown before dropping it to run them (this line is printed by \
         debug builds only)"
    )
}
