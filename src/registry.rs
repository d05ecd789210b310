//! A registry's internal slots as GC-allocated state, and the CleanupFinalizationRegistry job.
//!
//! The JS registry object holds the only strong pointer to its [`RegistryState`]; the host keeps a
//! [`boa_gc::WeakGc`] to it. So pending cleanup work never keeps a registry alive, and a cleanup job
//! needs nothing but this state: realm, callback, cells and the notes map all live here.

use std::rc::Rc;

use boa_engine::{
    job::JobCallback,
    object::{builtins::JsWeakMap, ObjectInitializer},
    realm::Realm,
    Context, JsError, JsNativeError, JsObject, JsResult, JsValue,
};
use boa_gc::{Finalize, Gc, GcRefCell, Trace};

use crate::cells::{CellId, CellStore, Link, Role};
use crate::notify::{Inbox, Note};

/// A registry's state, shared by its JS object (strongly) and the host (weakly).
pub(crate) type SharedState = Gc<GcRefCell<RegistryState>>;

/// `[[Realm]]`, `[[CleanupCallback]]` and `[[Cells]]` of one registry, plus its GC notification.
#[derive(Trace, Finalize)]
pub(crate) struct RegistryState {
    /// `[[Realm]]`: where the cleanup job runs and where its errors are reported.
    pub(crate) realm: Realm,
    /// `[[CleanupCallback]]`, from HostMakeJobCallback. In its own `Gc` so that a job can hold it
    /// while the callback runs without a borrow of this state (the callback may register).
    callback: Gc<JobCallback>,
    /// `[[Cells]]`: the held values, kept alive while their cells exist.
    pub(crate) cells: CellStore<JsValue>,
    /// target or token object -> its [`Note`]; weak in its keys, so it keeps neither alive.
    notes: JsWeakMap,
    #[unsafe_ignore_trace]
    pub(crate) inbox: Rc<Inbox>,
    /// Whether the crate made this registry for itself (native finalizers), not a script.
    pub(crate) internal: bool,
    /// Callbacks made so far, and how many of them threw (for [`crate::registry_stats`]).
    delivered: u64,
    errors: u64,
}

impl RegistryState {
    /// New state for a registry of `realm` whose callback is `callback`, reporting to `inbox`.
    pub(crate) fn new(
        realm: Realm,
        callback: JobCallback,
        inbox: Rc<Inbox>,
        internal: bool,
        context: &mut Context,
    ) -> SharedState {
        let notes = JsWeakMap::new(context);
        Gc::new(GcRefCell::new(Self {
            realm,
            callback: Gc::new(callback),
            cells: CellStore::default(),
            notes,
            inbox,
            internal,
            delivered: 0,
            errors: 0,
        }))
    }

    /// This registry's numbers.
    pub(crate) fn stats(&self) -> RegistryStats {
        let awaiting_cleanup = self.cells.pending_len() + self.inbox.count_dead_cells(&self.cells);
        RegistryStats {
            live_cells: self.cells.len().saturating_sub(awaiting_cleanup),
            awaiting_cleanup,
            callbacks_delivered: self.delivered,
            callback_errors: self.errors,
        }
    }
}

/// The error for a registration beyond what one registry can index (2^29 cells, or objects with
/// several cells).
pub(crate) fn too_many_cells() -> JsError {
    JsNativeError::range()
        .with_message(
            "FinalizationRegistry.prototype.register: this registry holds the most cells it can",
        )
        .into()
}

/// The numbers of one `FinalizationRegistry` (see [`crate::registry_stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistryStats {
    /// Cells whose target is not known to be dead.
    pub live_cells: usize,
    /// Cells whose target died and whose callback has not run yet.
    pub awaiting_cleanup: usize,
    /// Callbacks made so far.
    pub callbacks_delivered: u64,
    /// Callbacks that threw.
    pub callback_errors: u64,
}

/// The note of `object` in the registry's notes map, if the registry has seen the object before.
fn note_of(
    state: &SharedState,
    object: &JsObject,
    context: &mut Context,
) -> JsResult<Option<JsObject>> {
    let notes = state.borrow().notes.clone();
    Ok(notes.get(object, context)?.as_object())
}

/// Records that `object` plays `role` in the cell `id`: in its note's link if it has a note, else in
/// a new note made with that link (one object and one weak-map entry, the floor of this design).
///
/// No borrow of the state is held while the map runs or the note is allocated (either may collect).
pub(crate) fn attach(
    state: &SharedState,
    object: &JsObject,
    id: CellId,
    role: Role,
    context: &mut Context,
) -> JsResult<()> {
    if let Some(note) = note_of(state, object, context)? {
        let note = note.downcast_ref::<Note>().expect("notes hold Note data");
        let mut state = state.borrow_mut();
        let Some(link) = state.cells.link(note.cells.get(), id, role) else {
            state.cells.remove(id);
            return Err(too_many_cells());
        };
        note.cells.set(link);
        return Ok(());
    }
    let (inbox, notes) = {
        let state = state.borrow();
        (Rc::clone(&state.inbox), state.notes.clone())
    };
    let note =
        ObjectInitializer::with_native_data(Note::new(inbox, Link::one(role, id)), context).build();
    notes.set(object, note.into(), context)?;
    Ok(())
}

/// Removes the cells whose unregister token is `token`; true if there were any.
pub(crate) fn unregister_object(
    state: &SharedState,
    token: &JsObject,
    context: &mut Context,
) -> JsResult<bool> {
    let Some(note) = note_of(state, token, context)? else {
        return Ok(false);
    };
    let note = note.downcast_ref::<Note>().expect("notes hold Note data");
    let (token_cells, rest) = note.cells.get().take_token();
    note.cells.set(rest);
    Ok(state.borrow_mut().cells.remove_all(token_cells))
}

/// Removes the cells whose unregister token is the symbol with this hash; true if there were any.
pub(crate) fn unregister_symbol(state: &SharedState, symbol: u64) -> bool {
    let mut state = state.borrow_mut();
    let links = state.cells.take_symbol_token(symbol);
    state.cells.remove_all(links)
}

/// CleanupFinalizationRegistry ( finalizationRegistry ), as run by a host cleanup job.
///
/// Returns the number of callbacks made and the completion. On an abrupt completion the cells not
/// yet delivered stay in `[[Cells]]`; the caller reports the error and schedules another job.
pub(crate) fn cleanup_finalization_registry(
    state: &SharedState,
    context: &mut Context,
) -> (usize, JsResult<()>) {
    // 1. Assert: finalizationRegistry has [[Cells]] and [[CleanupCallback]] internal slots.
    // 2. Let callback be finalizationRegistry.[[CleanupCallback]].
    let (callback, reset_notes) = {
        let mut state = state.borrow_mut();
        let dead = state.inbox.take_dead_cells();
        state.cells.targets_died(dead);
        (state.callback.clone(), state.inbox.take_notes_map_reset())
    };
    if reset_notes {
        // Every note fired, so no live object is a key of the old map; boa_gc's weak maps keep
        // their peak capacity, so an empty one gives that memory back.
        let empty = JsWeakMap::new(context);
        state.borrow_mut().notes = empty;
    }
    let hooks = context.host_hooks();
    let mut delivered = 0;
    // 3. While finalizationRegistry.[[Cells]] contains a Record cell such that
    //    cell.[[WeakRefTarget]] is empty, an implementation may perform the following steps:
    loop {
        // a. Choose any such cell.
        // b. Remove cell from finalizationRegistry.[[Cells]].
        let held = state.borrow_mut().cells.next_pending();
        let Some(held) = held else { break };
        // c. Perform ? HostCallJobCallback(callback, undefined, « cell.[[HeldValue]] »).
        delivered += 1;
        let result = hooks.call_job_callback(&callback, &JsValue::undefined(), &[held], context);
        {
            let mut state = state.borrow_mut();
            state.delivered += 1;
            state.errors += u64::from(result.is_err());
        }
        if let Err(error) = result {
            return (delivered, Err(error));
        }
    }
    // 4. Return unused.
    (delivered, Ok(()))
}
