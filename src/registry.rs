//! A registry: its internal slots as GC-allocated state, the operations on them, the registry
//! object's native data, and the CleanupFinalizationRegistry job.
//!
//! The JS registry object holds the only strong pointer to its state ([`RegistryData`]); the host
//! keeps a [`WeakRegistry`]. So pending cleanup work never keeps a registry alive, and a cleanup job
//! needs nothing but this state: realm, callback, cells and the notes map all live here.
//!
//! The state's fields are private to this file, and so is every borrow of it: **no borrow is held
//! across an allocation (which may collect, and a collection runs finalizers) or a call into JS
//! (which may use the same registry)**. Each operation below takes what it needs in a short borrow,
//! drops it, then allocates or calls.

use std::rc::Rc;

use boa_engine::{
    Context, JsData, JsError, JsNativeError, JsObject, JsResult, JsValue,
    job::JobCallback,
    object::{ObjectInitializer, builtins::JsWeakMap},
    realm::Realm,
};
use boa_gc::{Finalize, Gc, GcRefCell, Trace, WeakGc};

use crate::cells::{CellId, CellStore, Link, Role};
use crate::events::event;
use crate::notify::{Inbox, Note, NoteGroup, RegistryId};
use crate::weak_key::WeakKey;

/// A registry's state, shared by its JS object (strongly) and cleanup jobs.
#[derive(Clone, Trace, Finalize)]
pub(crate) struct Registry(Gc<GcRefCell<RegistryState>>);

/// The host's handle on a registry: it sees the registry while the registry lives, and never keeps
/// it alive.
#[derive(Clone)]
pub(crate) struct WeakRegistry(WeakGc<GcRefCell<RegistryState>>);

impl WeakRegistry {
    /// The registry, if it is still alive.
    pub(crate) fn upgrade(&self) -> Option<Registry> {
        self.0.upgrade().map(Registry)
    }
}

/// `[[Realm]]`, `[[CleanupCallback]]` and `[[Cells]]` of one registry, plus its GC notification.
#[derive(Trace, Finalize)]
struct RegistryState {
    /// `[[Realm]]`: where the cleanup job runs and where its errors are reported.
    realm: Realm,
    /// `[[CleanupCallback]]`, from HostMakeJobCallback. In its own `Gc` so that a job can hold it
    /// while the callback runs without a borrow of this state (the callback may register).
    callback: Gc<JobCallback>,
    /// `[[Cells]]`: the held values, kept alive while their cells exist.
    cells: CellStore<JsValue>,
    /// target or token object -> its [`Note`]; weak in its keys, so it keeps neither alive. New
    /// notes go here.
    notes: NotesMap,
    /// An earlier notes map that still has live notes, frozen: looked up, never added to. It goes
    /// when its last note fires (see [`renew_notes`]).
    retired: Option<NotesMap>,
    /// What the collector's finalizers tell this registry.
    // Not traced: an `Rc` of plain Rust state that holds no GC pointer.
    #[unsafe_ignore_trace]
    inbox: Rc<Inbox>,
    /// Whether the crate made this registry for itself (native finalizers), not a script.
    internal: bool,
    /// The registry object. The spec's cleanup job closes over its registry, so a callback that
    /// drops the last reference to it cannot get it collected before the job ends; a job holds the
    /// state, and through this the object. (A cycle with the object's native data: the collector
    /// frees both once neither is reachable, so the host's weak handle still sees the registry die.)
    object: Option<JsObject>,
    /// Callbacks made so far, and how many of them threw (for [`crate::registry_stats`]).
    delivered: u64,
    errors: u64,
}

/// The native data of a `FinalizationRegistry` object: the only strong pointer to its state.
#[derive(Trace, JsData)]
pub(crate) struct RegistryData {
    registry: Registry,
}

impl RegistryData {
    /// The registry this object is.
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }
}

impl Finalize for RegistryData {
    /// The registry object is being collected: its state may outlive it for a moment (a cleanup job
    /// in progress holds it), but no callback of an unreachable registry may run after this.
    fn finalize(&self) {
        self.registry.0.borrow().inbox.notify_registry_died();
    }
}

impl std::fmt::Debug for RegistryData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FinalizationRegistry")
            .field("cells", &self.registry.0.borrow().cells.len())
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// A new registry object with an empty `[[Cells]]`: of `realm`, calling `callback`, told by
    /// `inbox` about collections, with `prototype` (none for the crate's own registries). The one
    /// place registry objects are made.
    pub(crate) fn new_object(
        realm: Realm,
        callback: JobCallback,
        inbox: Rc<Inbox>,
        prototype: Option<JsObject>,
        context: &mut Context,
    ) -> (JsObject, Registry) {
        let internal = prototype.is_none();
        let notes = NotesMap::new(&inbox, context);
        let registry = Registry(Gc::new(GcRefCell::new(RegistryState {
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
        })));
        let data = RegistryData {
            registry: registry.clone(),
        };
        let object = match prototype {
            Some(prototype) => {
                ObjectInitializer::with_native_data_and_proto(data, prototype, context).build()
            }
            None => JsObject::from_proto_and_data(None, data),
        };
        registry.0.borrow_mut().object = Some(object.clone());
        (object, registry)
    }

    /// The host's weak handle on this registry.
    pub(crate) fn downgrade(&self) -> WeakRegistry {
        WeakRegistry(WeakGc::new(&self.0))
    }

    /// The host's id of this registry.
    pub(crate) fn id(&self) -> RegistryId {
        self.0.borrow().inbox.registry()
    }

    /// `[[Realm]]`.
    pub(crate) fn realm(&self) -> Realm {
        self.0.borrow().realm.clone()
    }

    /// Whether the crate made this registry for itself (native finalizers), not a script.
    pub(crate) fn is_internal(&self) -> bool {
        self.0.borrow().internal
    }

    /// Cells whose target is not known to be dead, and cells whose target died and whose callback
    /// has not run yet.
    pub(crate) fn cell_counts(&self) -> (usize, usize) {
        let state = self.0.borrow();
        let awaiting_cleanup =
            state.cells.pending_len() + state.inbox.count_dead_cells(&state.cells);
        (
            state.cells.len().saturating_sub(awaiting_cleanup),
            awaiting_cleanup,
        )
    }

    /// Callbacks made so far, and how many of them threw.
    pub(crate) fn callback_counts(&self) -> (u64, u64) {
        let state = self.0.borrow();
        (state.delivered, state.errors)
    }

    /// Asks for another cleanup job if cells are left to deliver (after a callback threw).
    pub(crate) fn requeue_if_pending(&self) {
        let state = self.0.borrow();
        if state.cells.has_pending() {
            state.inbox.requeue();
        }
    }

    /// Appends the cell { target, `held_value`, token } to `[[Cells]]`: the held value goes into the
    /// slab first, then the target and the token learn the cell id (an allocation there may collect:
    /// the cell is already traced, and the caller roots the target).
    pub(crate) fn register(
        &self,
        target: &WeakKey,
        held_value: JsValue,
        token: Option<&WeakKey>,
        context: &mut Context,
    ) -> JsResult<()> {
        let inserted = self.0.borrow_mut().cells.insert(held_value);
        let id = inserted.map_err(|_| too_many_cells())?;
        let token_is_target = match (target, token) {
            (WeakKey::Object(target), Some(WeakKey::Object(token))) => {
                JsObject::equals(target, token)
            }
            _ => false,
        };
        match target {
            WeakKey::Object(target) => {
                let role = if token_is_target {
                    Role::Both
                } else {
                    Role::Target
                };
                self.attach(target, id, role, context)?;
            }
            // Boa 0.22 offers no weak reference to a symbol, so its death cannot be observed: the
            // cell stays until `unregister` removes it and its callback never runs. The registry
            // keeps only the cell id, not the symbol.
            WeakKey::Symbol(_) => {}
        }
        match token {
            Some(WeakKey::Object(token)) if !token_is_target => {
                self.attach(token, id, Role::Token, context)?;
            }
            Some(WeakKey::Symbol(symbol)) => self
                .0
                .borrow_mut()
                .cells
                .index_symbol_token(symbol.hash(), id),
            Some(WeakKey::Object(_)) | None => {}
        }
        event!(trace, registry = self.id(), "cell registered");
        Ok(())
    }

    /// Removes the cells whose unregister token is `token`, visiting only those; true if there were
    /// any.
    pub(crate) fn unregister(&self, token: &WeakKey, context: &mut Context) -> JsResult<bool> {
        match token {
            WeakKey::Object(token) => self.unregister_object(token, context),
            WeakKey::Symbol(symbol) => {
                let mut state = self.0.borrow_mut();
                let links = state.cells.take_symbol_token(symbol.hash());
                Ok(state.cells.remove_all(links))
            }
        }
    }
}

/// One notes map and the counts of its notes.
#[derive(Trace, Finalize)]
struct NotesMap {
    map: JsWeakMap,
    // Not traced: an `Rc` of counters (and the inbox) that holds no GC pointer.
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
fn renew_notes(registry: &Registry, context: &mut Context) {
    let state = &registry.0;
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
fn too_many_cells() -> JsError {
    JsNativeError::range()
        .with_message(
            "FinalizationRegistry.prototype.register: this registry holds the most cells it can",
        )
        .into()
}

impl Registry {
    /// The note of `object` in the registry's notes map, if the registry has seen the object before.
    fn note_of(&self, object: &JsObject, context: &mut Context) -> JsResult<Option<JsObject>> {
        let (notes, retired) = {
            let state = self.0.borrow();
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

    /// Records that `object` plays `role` in the cell `id`: in its note's link if it has a note, else
    /// in a new note made with that link (one object and one weak-map entry, the floor of this
    /// design).
    ///
    /// No borrow of the state is held while the map runs or the note is allocated (either may
    /// collect).
    fn attach(
        &self,
        object: &JsObject,
        id: CellId,
        role: Role,
        context: &mut Context,
    ) -> JsResult<()> {
        if let Some(note) = self.note_of(object, context)? {
            let note = note.downcast_ref::<Note>().expect("notes hold Note data");
            let mut state = self.0.borrow_mut();
            let Some(link) = state.cells.link(note.cells.get(), id, role) else {
                state.cells.remove(id);
                return Err(too_many_cells());
            };
            note.cells.set(link);
            return Ok(());
        }
        let (group, notes) = {
            let state = self.0.borrow();
            (Rc::clone(&state.notes.group), state.notes.map.clone())
        };
        let note =
            ObjectInitializer::with_native_data(Note::new(group, Link::one(role, id)), context)
                .build();
        notes.set(object, note.into(), context)?;
        Ok(())
    }

    /// Removes the cells whose unregister token is the object `token`; true if there were any.
    fn unregister_object(&self, token: &JsObject, context: &mut Context) -> JsResult<bool> {
        let Some(note) = self.note_of(token, context)? else {
            return Ok(false);
        };
        let note = note.downcast_ref::<Note>().expect("notes hold Note data");
        let (token_cells, rest) = note.cells.get().take_token();
        note.cells.set(rest);
        Ok(self.0.borrow_mut().cells.remove_all(token_cells))
    }

    /// Moves the cells whose targets the collector reported dead to the pending queue.
    fn take_dead_cells(&self) {
        let mut state = self.0.borrow_mut();
        let dead = state.inbox.take_dead_cells();
        state.cells.targets_died(dead);
    }

    /// CleanupFinalizationRegistry ( finalizationRegistry ), as run by a host cleanup job.
    ///
    /// Returns the number of callbacks made and the completion. On an abrupt completion the cells not
    /// yet delivered stay in `[[Cells]]`; the caller reports the error and schedules another job.
    pub(crate) fn cleanup(&self, context: &mut Context) -> (usize, JsResult<()>) {
        // 1. Assert: finalizationRegistry has [[Cells]] and [[CleanupCallback]] internal slots.
        // 2. Let callback be finalizationRegistry.[[CleanupCallback]].
        self.take_dead_cells();
        let callback = self.0.borrow().callback.clone();
        renew_notes(self, context);
        let hooks = context.host_hooks();
        let mut delivered = 0;
        // 3. While finalizationRegistry.[[Cells]] contains a Record cell such that
        //    cell.[[WeakRefTarget]] is empty, an implementation may perform the following steps:
        loop {
            // a. Choose any such cell.
            // b. Remove cell from finalizationRegistry.[[Cells]].
            let held = self.0.borrow_mut().cells.next_pending();
            let Some(held) = held else { break };
            // c. Perform ? HostCallJobCallback(callback, undefined, « cell.[[HeldValue]] »).
            delivered += 1;
            let result =
                hooks.call_job_callback(&callback, &JsValue::undefined(), &[held], context);
            {
                let mut state = self.0.borrow_mut();
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
}
