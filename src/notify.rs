//! GC notification: how a collected target becomes a record in plain Rust state.
//!
//! boa_gc gives outside crates no weak pointer to a `JsObject`, but it does finalize the values of a
//! `WeakMap` whose keys die. Each registry therefore owns a `WeakMap` from every object it sees (a
//! target or a token) to a small [`Note`] object. When the object dies, its note is finalized *inside
//! the collector*: the finalizer may not allocate or touch the `Context`, so it only records the
//! note's [`Link`] (which names the dead target's cells) in the registry's [`Inbox`] and puts the
//! inbox on the context's [`CleanupQueue`]. Everything JS-visible happens later, in a cleanup job.
//!
//! A note is as small as a notification object can be: a pointer to its map's [`NoteGroup`] (which
//! leads to the inbox) and one [`Link`] word, so one registration costs one weak-map entry, one
//! 16-byte note and one 16-byte slab slot.
//!
//! Notes are never deleted from or replaced in the map (that would finalize them early); a note for an
//! object that no longer has cells simply waits for the object to die. When the registry itself dies,
//! its maps die and every note fires: the queue entry then finds the registry gone and drops it. The
//! [`NoteGroup`] of each map counts its notes that have not fired, so the registry can drop or retire
//! a map whose entries are (almost) all dead (see `registry::renew_notes`).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use boa_engine::JsData;
use boa_gc::{Finalize, Trace};

use crate::cells::{CellStore, Link};
use crate::events::event;

/// Identifies a registry inside one context's state.
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
    /// The links of the notes whose objects died, resolved into cells by the cleanup job.
    dead_cells: RefCell<Vec<Link>>,
    registry_died: Cell<bool>,
    queued: Cell<bool>,
    /// Weak: the queue holds inboxes, so a strong pointer back would leak both once the context
    /// (the queue's owner) is gone.
    queue: Weak<CleanupQueue>,
}

impl Inbox {
    /// A new, empty inbox for `registry`, reporting to `queue`.
    pub(crate) fn new(registry: RegistryId, queue: &Rc<CleanupQueue>) -> Rc<Self> {
        Rc::new(Self {
            registry,
            dead_cells: RefCell::default(),
            registry_died: Cell::new(false),
            queued: Cell::new(false),
            queue: Rc::downgrade(queue),
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

    /// The number of cells of `cells` whose targets died since the last cleanup job.
    pub(crate) fn count_dead_cells<H>(&self, cells: &CellStore<H>) -> usize {
        cells.count_target_cells(&self.dead_cells.borrow())
    }

    /// Takes the links of the objects that died since the last call (for `CellStore::targets_died`).
    pub(crate) fn take_dead_cells(&self) -> Vec<Link> {
        std::mem::take(&mut self.dead_cells.borrow_mut())
    }

    /// Asks for another cleanup job (used when a callback threw with cells left to deliver).
    pub(crate) fn requeue(self: &Rc<Self>) {
        if let (false, Some(queue)) = (self.queued.get(), self.queue.upgrade()) {
            queue.push(Rc::clone(self));
        }
    }

    /// Called from a finalizer: records that the registry died, so its host entry can be released.
    pub(crate) fn notify_registry_died(self: &Rc<Self>) {
        self.registry_died.set(true);
        self.requeue();
    }

    /// Called from a finalizer: records that an object with this link died.
    fn notify_target_died(self: &Rc<Self>, link: Link) {
        if self.registry_died.get() {
            return;
        }
        self.dead_cells.borrow_mut().push(link);
        self.requeue();
    }
}

/// The notes of one notes map (see [`crate::registry`]): how many were made and how many have not
/// fired yet, so the registry knows when the map holds nothing but dead entries or few live ones.
#[derive(Debug)]
pub(crate) struct NoteGroup {
    inbox: Rc<Inbox>,
    /// Notes of this map that have not fired yet (every note fires exactly once).
    live: Cell<usize>,
    /// Notes made in this map.
    made: Cell<usize>,
}

impl NoteGroup {
    /// The group of a new, empty notes map of the registry that reports to `inbox`.
    pub(crate) fn new(inbox: Rc<Inbox>) -> Rc<Self> {
        Rc::new(Self {
            inbox,
            live: Cell::new(0),
            made: Cell::new(0),
        })
    }

    /// Notes of this map that have not fired yet.
    pub(crate) fn live(&self) -> usize {
        self.live.get()
    }

    /// Notes made in this map.
    pub(crate) fn made(&self) -> usize {
        self.made.get()
    }
}

/// Native data of the notification object a registry keeps for one object (a target, a token or both).
///
/// It traces nothing (`unsafe_empty_trace` also keeps the derive from adding a `Drop` that would run
/// the finalizer outside a collection).
#[derive(Debug, Trace, JsData)]
#[boa_gc(unsafe_empty_trace)]
pub(crate) struct Note {
    /// The note's map's group, which leads to the registry's inbox.
    group: Rc<NoteGroup>,
    /// The cells of this object, as their target and as their token, in one [`Link`] word. Touched
    /// only outside allocations and from the note's own finalizer.
    pub(crate) cells: Cell<Link>,
}

impl Note {
    /// A note of the map of `group` for an object whose cells are `link`.
    pub(crate) fn new(group: Rc<NoteGroup>, link: Link) -> Self {
        group.live.set(group.live.get() + 1);
        group.made.set(group.made.get() + 1);
        Self {
            group,
            cells: Cell::new(link),
        }
    }
}

impl Finalize for Note {
    /// Runs inside the collector when the object dies (or the registry's map dies): no allocation of
    /// GC values, no `Context`; only plain Rust bookkeeping. An object that was only a token needs
    /// nothing: its cells can no longer be unregistered, and their ids vanish with this note.
    fn finalize(&self) {
        let group = &self.group;
        group.live.set(group.live.get().saturating_sub(1));
        let link = self.cells.get();
        event!(trace, registry = group.inbox.registry, "collection noticed");
        if link.reports_death() {
            group.inbox.notify_target_died(link);
        }
    }
}
