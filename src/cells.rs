//! Cell storage and the unregister-token index of one registry.
//!
//! The spec's `[[Cells]]` list is split in two so that every operation costs what the issue asks:
//! a generational slab holds the held values (`register` O(1), removal O(1)), and small lists of
//! [`CellId`]s hang off each target and each token (in its notification object, or in
//! [`CellStore::symbol_tokens`] for symbols), so `unregister(token)` visits only that token's cells and
//! a cleanup run visits only the dead targets' cells. A list may keep ids of cells that were removed
//! meanwhile: the generation in each id tells them apart, and [`CellList::push`] compacts a list before
//! it grows, so stale ids never dominate.

use std::collections::{HashMap, VecDeque};

use boa_gc::{custom_trace, Finalize, Trace};

/// The identity of one cell: a slab index plus the generation of that slot when the cell was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CellId {
    index: u32,
    generation: u32,
}

/// The cell ids attached to one target or one token.
#[derive(Debug, Default)]
pub(crate) struct CellList(Vec<CellId>);

impl CellList {
    /// Appends `id`, dropping ids of removed cells first whenever the list would otherwise grow
    /// (amortized O(1): after a compaction that leaves the list more than half full it grows anyway).
    pub(crate) fn push<H>(&mut self, id: CellId, store: &CellStore<H>) {
        if self.0.len() == self.0.capacity() && !self.0.is_empty() {
            self.0.retain(|id| store.contains(*id));
            if self.0.len() * 2 > self.0.capacity() {
                self.0.reserve(self.0.len());
            }
        }
        self.0.push(id);
    }

    /// Takes every id out, leaving the list empty.
    pub(crate) fn take(&mut self) -> Vec<CellId> {
        std::mem::take(&mut self.0)
    }
}

/// One slot of the slab: the held value of a live cell, or nothing.
#[derive(Debug)]
struct Slot<H> {
    generation: u32,
    held: Option<H>,
}

/// The cells of one registry (the spec's `[[Cells]]`), keyed by [`CellId`].
#[derive(Debug)]
pub(crate) struct CellStore<H> {
    slots: Vec<Slot<H>>,
    free: Vec<u32>,
    /// Every generation handed out so far is below this, so ids into a released slab never match.
    generation_floor: u32,
    live: usize,
    /// Cells whose target died (`[[WeakRefTarget]]` is empty), oldest first, awaiting delivery.
    pending: VecDeque<CellId>,
    /// The token index for symbol tokens, keyed by the symbol's never-reused hash. Object tokens keep
    /// their lists in their notification object instead.
    symbol_tokens: HashMap<u64, CellList>,
}

impl<H> Default for CellStore<H> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            generation_floor: 0,
            live: 0,
            pending: VecDeque::new(),
            symbol_tokens: HashMap::new(),
        }
    }
}

impl<H> Finalize for CellStore<H> {}

// SAFETY: the only traced values are the held values of live cells, all of them visited here.
unsafe impl<H: Trace> Trace for CellStore<H> {
    custom_trace!(this, mark, {
        for slot in &this.slots {
            if let Some(held) = &slot.held {
                mark(held);
            }
        }
    });
}

impl<H> CellStore<H> {
    /// Stores a new cell with its held value (register, step 6 and 7).
    pub(crate) fn insert(&mut self, held: H) -> CellId {
        self.live += 1;
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            slot.held = Some(held);
            return CellId {
                index,
                generation: slot.generation,
            };
        }
        let index = u32::try_from(self.slots.len()).expect("more than 2^32 cells in one registry");
        let generation = self.generation_floor;
        self.slots.push(Slot {
            generation,
            held: Some(held),
        });
        CellId { index, generation }
    }

    /// Whether `id` names a cell that is still in `[[Cells]]`.
    pub(crate) fn contains(&self, id: CellId) -> bool {
        self.slots
            .get(id.index as usize)
            .is_some_and(|slot| slot.generation == id.generation && slot.held.is_some())
    }

    /// Removes the cell `id` and returns its held value, or `None` if it was already removed.
    pub(crate) fn remove(&mut self, id: CellId) -> Option<H> {
        let slot = self.slots.get_mut(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        let held = slot.held.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(id.index);
        self.live -= 1;
        if self.live == 0 {
            self.shrink();
        }
        Some(held)
    }

    /// Gives the memory of an empty slab back once everything was delivered or unregistered. Ids
    /// still held by lists stay invalid because new slots start above every generation used so far.
    fn shrink(&mut self) {
        if self.slots.len() > 64 {
            let next = self.slots.iter().map(|slot| slot.generation).max();
            self.generation_floor = next.unwrap_or(0).max(self.generation_floor);
            self.slots = Vec::new();
            self.free = Vec::new();
            self.pending = VecDeque::new();
        }
    }

    /// Removes every cell of `ids` that is still present; true if any was (unregister, step 5).
    pub(crate) fn remove_all(&mut self, ids: Vec<CellId>) -> bool {
        let mut removed = false;
        for id in ids {
            removed |= self.remove(id).is_some();
        }
        removed
    }

    /// Marks the targets of `ids` dead: their cells now await delivery.
    pub(crate) fn targets_died(&mut self, ids: Vec<CellId>) {
        self.pending.extend(ids);
    }

    /// Takes the next cell whose target died and returns its held value (cleanup, step 3.a and 3.b).
    pub(crate) fn next_pending(&mut self) -> Option<H> {
        while let Some(id) = self.pending.pop_front() {
            if let Some(held) = self.remove(id) {
                return Some(held);
            }
        }
        None
    }

    /// Whether some dead cell may still await delivery.
    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The number of cells whose target died and whose callback has not run yet.
    pub(crate) fn pending_len(&self) -> usize {
        self.pending.iter().filter(|id| self.contains(**id)).count()
    }

    /// The number of cells in `[[Cells]]`.
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// Attaches `id` to the symbol token `symbol`.
    pub(crate) fn index_symbol_token(&mut self, symbol: u64, id: CellId) {
        let mut list = self.symbol_tokens.remove(&symbol).unwrap_or_default();
        list.push(id, self);
        self.symbol_tokens.insert(symbol, list);
    }

    /// Detaches and returns every cell id indexed under the symbol token `symbol`.
    pub(crate) fn take_symbol_token(&mut self, symbol: u64) -> Vec<CellId> {
        self.symbol_tokens
            .remove(&symbol)
            .map(|mut list| list.take())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_ids_never_validate_again() {
        let mut store = CellStore::default();
        let a = store.insert("a");
        assert_eq!(store.remove(a), Some("a"));
        let b = store.insert("b");
        assert!(!store.contains(a));
        assert_eq!(store.remove(a), None);
        assert_eq!(store.remove(b), Some("b"));
    }

    #[test]
    fn ids_stay_invalid_after_the_slab_is_released() {
        let mut store = CellStore::default();
        let old: Vec<_> = (0..100).map(|i| store.insert(i)).collect();
        for id in &old {
            store.remove(*id);
        }
        let new: Vec<_> = (0..100).map(|i| store.insert(i)).collect();
        assert!(old.iter().all(|id| !store.contains(*id)));
        assert!(new.iter().all(|id| store.contains(*id)));
    }

    #[test]
    fn pending_cells_are_delivered_once_in_order_and_skip_removed_ones() {
        let mut store = CellStore::default();
        let ids: Vec<_> = (0..4).map(|i| store.insert(i)).collect();
        store.remove(ids[1]);
        store.targets_died(ids.clone());
        store.targets_died(vec![ids[0]]);
        let delivered: Vec<_> = std::iter::from_fn(|| store.next_pending()).collect();
        assert_eq!(delivered, vec![0, 2, 3]);
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn symbol_token_index_removes_exactly_its_cells() {
        let mut store = CellStore::default();
        let a = store.insert(1);
        let b = store.insert(2);
        let c = store.insert(3);
        store.index_symbol_token(7, a);
        store.index_symbol_token(7, c);
        store.index_symbol_token(8, b);
        let ids = store.take_symbol_token(7);
        assert!(store.remove_all(ids));
        let ids = store.take_symbol_token(7);
        assert!(!store.remove_all(ids));
        assert_eq!(store.len(), 1);
        assert!(store.contains(b));
    }

    #[test]
    fn lists_compact_instead_of_growing_with_stale_ids() {
        let mut store = CellStore::default();
        let mut list = CellList::default();
        let keep = store.insert(0);
        list.push(keep, &store);
        for i in 0..10_000 {
            let id = store.insert(i);
            list.push(id, &store);
            store.remove(id);
        }
        assert!(list.0.capacity() <= 8, "capacity {}", list.0.capacity());
        assert!(list.0.contains(&keep));
    }
}
