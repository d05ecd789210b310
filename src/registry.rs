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
use crate::notify::{Inbox, Note, NoteGroup};

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
    /// target or token object -> its [`Note`]; weak in its keys, so it keeps neither alive. New
    /// notes go here.
    notes: NotesMap,
    /// An earlier notes map that still has live notes, frozen: looked up, never added to. It goes
    /// when its last note fires (see [`renew_notes`]).
    retired: Option<NotesMap>,
    #[unsafe_ignore_trace]
    pub(crate) inbox: Rc<Inbox>,
    /// Whether the crate made this registry for itself (native finalizers), not a script.
    pub(crate) internal: bool,
    /// The registry object. The spec's cleanup job closes over its registry, so a callback that
    /// drops the last reference to it cannot get it collected before the job ends; a job holds the
    /// state, and through this the object. (A cycle with the object's native data: the collector
    /// frees both once neither is reachable, so the host's weak handle still sees the registry die.)
    object: Option<JsObject>,
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
        let notes = NotesMap::new(&inbox, context);
        Gc::new(GcRefCell::new(Self {
            realm,
            callback: Gc::new(callback),
            cells: CellStore::default(),
            notes,
            retired: None,
            inbox,
            internal,
            object: None,
            delivered: 0,
            errors: 0,
        }))
    }

    /// Links the state to the object that owns it (see [`RegistryState::object`]).
    pub(crate) fn set_object(&mut self, object: JsObject) {
        self.object = Some(object);
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

/// One notes map and the counts of its notes.
#[derive(Trace, Finalize)]
struct NotesMap {
    map: JsWeakMap,
    #[unsafe_ignore_trace]
    group: Rc<NoteGroup>,
}

impl NotesMap {
    fn new(inbox: &Rc<Inbox>, context: &mut Context) -> Self {
        Self {
            map: JsWeakMap::new(context),
            group: NoteGroup::new(Rc::clone(inbox)),
        }
    }
}

/// How many notes a map must have made before it is worth retiring (a retired map and its fresh
/// successor are two maps where there was one).
const NOTES_BEFORE_RETIRING: usize = 16;

/// A map is retired (frozen, a new one takes the new notes) when at most one in this many of the
/// notes it made is still live.
const RETIRE_WHEN_ONE_LIVE_IN: usize = 4;

/// Gives the registry a fresh notes map when its current one holds (almost) only dead entries.
///
/// boa_gc's weak maps never shrink, and a map with steady churn keeps growing: a dead entry is erased
/// only at a collection, as a hashbrown tombstone that still uses up the table's growth budget, and
/// when that budget runs out with more than half the capacity in entries (live ones and dead ones not
/// yet cleared) the table doubles. So a map's table ratchets up, by chance, towards four times the
/// most entries it held between two collections, and never gives memory back. A map whose notes have
/// all fired is therefore replaced by an empty one (dropping it finalizes nothing). One that keeps a
/// few live notes (a registry with a long-lived cell) cannot be dropped, since that would fire them,
/// so it is retired: kept, frozen, and only looked up, until its last note fires; new notes go to a
/// fresh map, which the churn then empties again and again. At most one map is retired at a time,
/// so a registry has at most two. A cleanup job follows at least one collected target and usually
/// makes a JS call per cell, so one small allocation per job for the fresh map costs little, and
/// after cleanup a churned registry is back to an empty table.
///
/// No borrow is held while the new map is allocated (that may collect).
fn renew_notes(state: &SharedState, context: &mut Context) {
    let retire = {
        let mut state = state.borrow_mut();
        if state.retired.as_ref().is_some_and(|r| r.group.live() == 0) {
            state.retired = None;
        }
        let group = &state.notes.group;
        if group.made() == 0 {
            return;
        }
        if group.live() == 0 {
            false
        } else if state.retired.is_none()
            && group.made() >= NOTES_BEFORE_RETIRING
            && group.live() * RETIRE_WHEN_ONE_LIVE_IN <= group.made()
        {
            true
        } else {
            return;
        }
    };
    let inbox = Rc::clone(&state.borrow().inbox);
    let fresh = NotesMap::new(&inbox, context);
    let mut state = state.borrow_mut();
    let old = std::mem::replace(&mut state.notes, fresh);
    if retire {
        // Notes only fire, so the old map's count can have dropped to 0 during the allocation: then
        // it goes at the next renewal.
        state.retired = Some(old);
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
    let (notes, retired) = {
        let state = state.borrow();
        (
            state.notes.map.clone(),
            state.retired.as_ref().map(|r| r.map.clone()),
        )
    };
    if let Some(note) = notes.get(object, context)?.as_object() {
        return Ok(Some(note));
    }
    match retired {
        Some(retired) => Ok(retired.get(object, context)?.as_object()),
        None => Ok(None),
    }
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
    let (group, notes) = {
        let state = state.borrow();
        (Rc::clone(&state.notes.group), state.notes.map.clone())
    };
    let note =
        ObjectInitializer::with_native_data(Note::new(group, Link::one(role, id)), context).build();
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
    let callback = {
        let mut state = state.borrow_mut();
        let dead = state.inbox.take_dead_cells();
        state.cells.targets_died(dead);
        state.callback.clone()
    };
    renew_notes(state, context);
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
