//! GC notification: how a collected target becomes a record in plain Rust state.
//!
//! boa_gc gives outside crates no weak pointer to a `JsObject`, but it does finalize the values of a
//! `WeakMap` whose keys die. Each registry therefore owns a `WeakMap` from every object it sees (a
//! target or a token) to a small [`Note`] object. When the object dies, its note is finalized *inside
//! the collector*: the finalizer may not allocate or touch the `Context`, so it only moves the ids of
//! the dead target's cells into the registry's [`Inbox`] and puts the inbox on the context's
//! [`CleanupQueue`]. Everything JS-visible happens later, in a cleanup job.
//!
//! Notes are never deleted from or replaced in the map (that would finalize them early); a note for an
//! object that no longer has cells simply waits for the object to die. When the registry itself dies,
//! its map dies and every note fires: the queue entry then finds the registry gone and drops it.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use boa_engine::JsData;
use boa_gc::{Finalize, Trace};

use crate::cells::{CellId, CellList};

/// Identifies a registry inside one context's host state.
pub(crate) type RegistryId = u64;

/// The registries of one context that have work for a cleanup job, in the order they became dirty.
/// Holds no GC pointer, so it may be touched (and dropped) from inside a collection.
#[derive(Debug, Default)]
pub(crate) struct CleanupQueue {
    dirty: RefCell<VecDeque<Rc<Inbox>>>,
}

impl CleanupQueue {
    /// The next registry that needs a cleanup job, if any.
    pub(crate) fn pop(&self) -> Option<Rc<Inbox>> {
        let inbox = self.dirty.borrow_mut().pop_front()?;
        inbox.queued.set(false);
        Some(inbox)
    }

    /// Whether any registry waits for a cleanup job.
    pub(crate) fn is_empty(&self) -> bool {
        self.dirty.borrow().is_empty()
    }

    fn push(&self, inbox: Rc<Inbox>) {
        if !inbox.queued.replace(true) {
            self.dirty.borrow_mut().push_back(inbox);
        }
    }
}

/// What the collector told one registry: the cells whose targets died since its last cleanup job.
#[derive(Debug)]
pub(crate) struct Inbox {
    registry: RegistryId,
    dead_cells: RefCell<Vec<CellId>>,
    registry_died: Cell<bool>,
    queued: Cell<bool>,
    queue: Rc<CleanupQueue>,
}

impl Inbox {
    /// A new, empty inbox for `registry`, reporting to `queue`.
    pub(crate) fn new(registry: RegistryId, queue: Rc<CleanupQueue>) -> Rc<Self> {
        Rc::new(Self {
            registry,
            dead_cells: RefCell::default(),
            registry_died: Cell::new(false),
            queued: Cell::new(false),
            queue,
        })
    }

    /// The registry this inbox belongs to.
    pub(crate) fn registry(&self) -> RegistryId {
        self.registry
    }

    /// Whether the collector has finalized the registry itself.
    pub(crate) fn registry_died(&self) -> bool {
        self.registry_died.get()
    }

    /// The number of cell ids recorded since the last cleanup job (some may have been unregistered).
    pub(crate) fn dead_len(&self) -> usize {
        self.dead_cells.borrow().len()
    }

    /// Takes the cells whose targets died since the last call.
    pub(crate) fn take_dead_cells(&self) -> Vec<CellId> {
        std::mem::take(&mut self.dead_cells.borrow_mut())
    }

    /// Asks for another cleanup job (used when a callback threw with cells left to deliver).
    pub(crate) fn requeue(self: &Rc<Self>) {
        self.queue.push(Rc::clone(self));
    }

    /// Called from a finalizer: records that the registry died, so its host entry can be released.
    pub(crate) fn notify_registry_died(self: &Rc<Self>) {
        self.registry_died.set(true);
        self.requeue();
    }

    /// Called from a finalizer: records that a target with these cells died.
    fn notify_target_died(self: &Rc<Self>, cells: Vec<CellId>) {
        if cells.is_empty() || self.registry_died.get() {
            return;
        }
        self.dead_cells.borrow_mut().extend(cells);
        self.requeue();
    }
}

/// Native data of the notification object a registry keeps for one object (a target, a token or both).
///
/// It traces nothing (`unsafe_empty_trace` also keeps the derive from adding a `Drop` that would run
/// the finalizer outside a collection).
#[derive(Debug, Trace, JsData)]
#[boa_gc(unsafe_empty_trace)]
pub(crate) struct Note {
    inbox: Rc<Inbox>,
    /// The cells that have this object as their target.
    pub(crate) target_cells: RefCell<CellList>,
    /// The cells that have this object as their unregister token.
    pub(crate) token_cells: RefCell<CellList>,
}

impl Note {
    /// A note with no cells yet, reporting to `inbox`.
    pub(crate) fn new(inbox: Rc<Inbox>) -> Self {
        Self {
            inbox,
            target_cells: RefCell::default(),
            token_cells: RefCell::default(),
        }
    }
}

impl Finalize for Note {
    /// Runs inside the collector when the object dies (or the registry's map dies): no allocation of
    /// GC values, no `Context`; only plain Rust bookkeeping. A dead token needs nothing: its cells can
    /// no longer be unregistered, and their ids vanish with this note.
    fn finalize(&self) {
        let cells = self.target_cells.borrow_mut().take();
        self.inbox.notify_target_died(cells);
    }
}
