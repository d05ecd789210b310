//! Cell storage and the unregister-token index of one registry.
//!
//! The spec's `[[Cells]]` list is split in two so that no operation costs more than it must:
//! a generational slab holds the held values (`register` O(1), removal O(1)), and each target and
//! each object token knows its own cells through a [`Link`] kept in its notification object (symbol
//! tokens through [`CellStore::symbol_tokens`]), so `unregister(token)` visits only that token's
//! cells and a cleanup run visits only the dead targets' cells.
//!
//! How an object's link names its cells is in [`link`].

use std::collections::{HashMap, VecDeque};

use boa_gc::{Finalize, Trace, custom_trace};

mod link;

pub(crate) use link::{CellId, Link, Role};
use link::{CellList, Linked, MAX_INDEX, Spill};

/// One slot of the slab: the held value of a live cell (odd generation), or `H::default()` and the
/// next free slot (even generation).
#[derive(Debug)]
struct Slot<H> {
    held: H,
    generation: u32,
    next_free: u32,
}

/// The end of the free list.
const NO_SLOT: u32 = u32::MAX;

/// A slot whose generation reached this is retired instead of reused, so generations never wrap and
/// an old id can never name a new cell.
const RETIRE_AT: u32 = u32::MAX - 1;

/// Gives a map's memory back once it is mostly empty: `HashMap` keeps the capacity of its peak, and
/// a registry that never empties would otherwise hold a burst's worth forever. Halving only below a
/// quarter keeps the cost amortized O(1) per removal.
fn shrink_if_sparse<K: Eq + std::hash::Hash, V>(map: &mut HashMap<K, V>) {
    if map.capacity() > 64 && map.len() * 4 < map.capacity() {
        map.shrink_to(map.len() * 2);
    }
}

fn slot_contains<H>(slots: &[Slot<H>], id: CellId) -> bool {
    slots
        .get(id.index as usize)
        .is_some_and(|slot| slot.generation == id.generation)
}

/// The cells of one registry (the spec's `[[Cells]]`), keyed by [`CellId`].
#[derive(Debug)]
pub(crate) struct CellStore<H> {
    slots: Vec<Slot<H>>,
    /// The first free slot; free slots are chained through [`Slot::next_free`].
    free: u32,
    /// Every generation handed out so far is below this, so ids into a released slab never match.
    generation_floor: u32,
    live: usize,
    /// Cells whose target died (`[[WeakRefTarget]]` is empty), oldest first, awaiting delivery: each
    /// a `Link::one(Role::Target | Role::Both, id)`, so an inbox's list can become this queue as is.
    pending: VecDeque<Link>,
    /// The id lists of objects with several cells, indexed by [`Link`]s; released when the object
    /// dies.
    spills: Vec<Spill>,
    free_spills: Vec<u32>,
    /// The token index for symbol tokens, keyed by the symbol's never-reused hash. Object tokens keep
    /// their cells in their notification object's [`Link`] instead.
    symbol_tokens: HashMap<u64, SymbolToken>,
    /// The symbol token of each live cell that has one, so that an entry of `symbol_tokens` goes
    /// with its last cell (symbols never die, so nothing else would ever release it).
    cell_symbols: HashMap<CellId, u64>,
    /// The most cells the slab may hold at once (the bits a [`Link`] leaves for an index).
    max_cells: u32,
}

/// The cells of one symbol token: their ids, and how many of them are still live.
#[derive(Debug, Default)]
struct SymbolToken {
    cells: CellList,
    live: usize,
}

impl<H> Default for CellStore<H> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free: NO_SLOT,
            generation_floor: 0,
            live: 0,
            pending: VecDeque::new(),
            spills: Vec::new(),
            free_spills: Vec::new(),
            symbol_tokens: HashMap::new(),
            cell_symbols: HashMap::new(),
            max_cells: MAX_INDEX + 1,
        }
    }
}

impl<H> Finalize for CellStore<H> {}

// SAFETY: the only traced values are the held values of live cells, all of them visited here.
unsafe impl<H: Trace> Trace for CellStore<H> {
    custom_trace!(this, mark, {
        for slot in &this.slots {
            if slot.generation & 1 == 1 {
                mark(&slot.held);
            }
        }
    });
}

impl<H: Default> CellStore<H> {
    /// Stores a new cell with its held value (register, step 6 and 7), or gives `held` back if the
    /// registry already holds as many cells as a [`CellId`] can name.
    pub(crate) fn insert(&mut self, held: H) -> Result<CellId, H> {
        if self.free != NO_SLOT {
            self.live += 1;
            let index = self.free;
            let slot = &mut self.slots[index as usize];
            self.free = slot.next_free;
            slot.generation += 1;
            slot.held = held;
            return Ok(CellId {
                index,
                generation: slot.generation,
            });
        }
        let Some(index) = u32::try_from(self.slots.len())
            .ok()
            .filter(|&index| index < self.max_cells)
        else {
            return Err(held);
        };
        self.live += 1;
        let generation = self.generation_floor + 1;
        self.slots.push(Slot {
            held,
            generation,
            next_free: NO_SLOT,
        });
        Ok(CellId { index, generation })
    }

    /// Whether `id` names a cell that is still in `[[Cells]]`.
    pub(crate) fn contains(&self, id: CellId) -> bool {
        slot_contains(&self.slots, id)
    }

    /// Removes the cell `id` and returns its held value, or `None` if it was already removed.
    pub(crate) fn remove(&mut self, id: CellId) -> Option<H> {
        let slot = self.slots.get_mut(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        let held = std::mem::take(&mut slot.held);
        slot.generation += 1;
        if slot.generation < RETIRE_AT {
            slot.next_free = self.free;
            self.free = id.index;
        }
        self.live -= 1;
        if !self.cell_symbols.is_empty() {
            self.release_symbol_token(id);
        }
        if self.live == 0 {
            self.shrink();
        }
        Some(held)
    }

    /// The cell `id` is gone: its symbol token's entry goes too if that was its last cell.
    fn release_symbol_token(&mut self, id: CellId) {
        let Some(symbol) = self.cell_symbols.remove(&id) else {
            return;
        };
        if let Some(token) = self.symbol_tokens.get_mut(&symbol) {
            token.live -= 1;
            if token.live == 0 {
                self.symbol_tokens.remove(&symbol);
            }
        }
        shrink_if_sparse(&mut self.cell_symbols);
        shrink_if_sparse(&mut self.symbol_tokens);
    }

    /// Gives the memory of an empty slab back once everything was delivered or unregistered. Ids
    /// still held by links and lists stay invalid because new slots start above every generation
    /// used so far (a slab whose generations climbed past half their range is kept instead, its
    /// slots retiring one by one).
    fn shrink(&mut self) {
        // The maps keep the capacity of their peak; with no cell left they hold nothing.
        self.symbol_tokens = HashMap::new();
        self.cell_symbols = HashMap::new();
        if self.slots.len() > 64 {
            let next = self.slots.iter().map(|slot| slot.generation).max();
            let next = next.unwrap_or(0).max(self.generation_floor);
            if next > u32::MAX / 2 {
                return;
            }
            self.generation_floor = next;
            self.slots = Vec::new();
            self.free = NO_SLOT;
            self.pending = VecDeque::new();
        }
    }

    /// The link of an object that was `link` and now also plays `role` in the new cell `id`, or
    /// `None` if the registry has as many objects with several cells as a link can name.
    pub(crate) fn link(&mut self, link: Link, id: CellId, role: Role) -> Option<Link> {
        let new = Link::one(role, id);
        let index = match link.decode() {
            Linked::Empty => return Some(new),
            Linked::One(_, old) if !self.contains(old) => return Some(new),
            Linked::One(..) => {
                let (spill, targets) = Spill::of([link, new]);
                return self
                    .new_spill(spill)
                    .map(|index| Link::spill(index, targets));
            }
            Linked::Spill(index) => index,
        };
        let slots = &self.slots;
        let mut targets = link.spill_targets();
        self.spills[index as usize].push(new, &mut targets, |id| slot_contains(slots, id));
        Some(Link::spill(index, targets))
    }

    /// A new spill entry's index for `spill`.
    fn new_spill(&mut self, spill: Spill) -> Option<u32> {
        if let Some(index) = self.free_spills.pop() {
            self.spills[index as usize] = spill;
            return Some(index);
        }
        let index = u32::try_from(self.spills.len())
            .ok()
            .filter(|&index| index < self.max_cells)?;
        self.spills.push(spill);
        Some(index)
    }

    /// Removes every cell whose token is named by `links` (from [`Link::take_token`] or
    /// [`CellStore::take_symbol_token`]); true if any was still present (unregister, step 5).
    pub(crate) fn remove_all(&mut self, links: impl IntoIterator<Item = Link>) -> bool {
        let mut removed = false;
        for link in links {
            match link.decode() {
                Linked::One(_, id) => removed |= self.remove(id).is_some(),
                Linked::Spill(index) => {
                    let spill = &mut self.spills[index as usize];
                    for link in spill.take_tokens(link.spill_targets()) {
                        if let Linked::One(_, id) = link.decode() {
                            removed |= self.remove(id).is_some();
                        }
                    }
                }
                Linked::Empty => {}
            }
        }
        removed
    }

    /// The objects of `links` died: the cells they were the target of now await delivery, and their
    /// spill entries are released.
    pub(crate) fn targets_died(&mut self, links: Vec<Link>) {
        let simple =
            |link: &Link| matches!(link.decode(), Linked::One(Role::Target | Role::Both, _));
        if self.pending.is_empty() && links.iter().all(simple) {
            // The common case: one cell per dead target; the list becomes the queue without a copy.
            self.pending = VecDeque::from(links);
            return;
        }
        for link in links {
            match link.decode() {
                Linked::One(Role::Target | Role::Both, _) => self.pending.push_back(link),
                Linked::Spill(index) => {
                    let spill = std::mem::take(&mut self.spills[index as usize]);
                    self.pending
                        .extend(spill.0.into_iter().filter(|link| simple(link)));
                    self.free_spills.push(index);
                }
                Linked::One(Role::Token, _) | Linked::Empty => {}
            }
        }
    }

    /// Takes the next cell whose target died and returns its held value (cleanup, step 3.a and 3.b).
    pub(crate) fn next_pending(&mut self) -> Option<H> {
        while let Some(link) = self.pending.pop_front() {
            if let Linked::One(_, id) = link.decode()
                && let Some(held) = self.remove(id)
            {
                return Some(held);
            }
        }
        None
    }

    /// Attaches the live cell `id` to the symbol token `symbol`.
    pub(crate) fn index_symbol_token(&mut self, symbol: u64, id: CellId) {
        let slots = &self.slots;
        let token = self.symbol_tokens.entry(symbol).or_default();
        token.cells.push(id, |id| slot_contains(slots, id));
        token.live += 1;
        self.cell_symbols.insert(id, symbol);
    }

    /// Detaches every cell indexed under the symbol token `symbol`, for [`CellStore::remove_all`].
    pub(crate) fn take_symbol_token(&mut self, symbol: u64) -> Vec<Link> {
        self.symbol_tokens
            .remove(&symbol)
            .map(|mut token| {
                token
                    .cells
                    .take()
                    .into_iter()
                    .map(|id| Link::one(Role::Token, id))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl<H> CellStore<H> {
    /// Whether some dead cell may still await delivery.
    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The number of cells whose target died and whose callback has not run yet.
    pub(crate) fn pending_len(&self) -> usize {
        self.pending
            .iter()
            .filter(|link| match link.decode() {
                Linked::One(_, id) => slot_contains(&self.slots, id),
                Linked::Spill(_) | Linked::Empty => false,
            })
            .count()
    }

    /// The number of live cells that `links` name as target (the cells of objects that died).
    pub(crate) fn count_target_cells(&self, links: &[Link]) -> usize {
        let live_target = |link: &Link| match link.decode() {
            Linked::One(Role::Target | Role::Both, id) => slot_contains(&self.slots, id),
            Linked::One(Role::Token, _) | Linked::Spill(_) | Linked::Empty => false,
        };
        links
            .iter()
            .map(|link| match link.decode() {
                Linked::Spill(index) => self.spills[index as usize]
                    .0
                    .iter()
                    .filter(|l| live_target(l))
                    .count(),
                _ => usize::from(live_target(link)),
            })
            .sum()
    }

    /// The number of cells in `[[Cells]]`.
    pub(crate) fn len(&self) -> usize {
        self.live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_token_entries_go_when_the_last_cell_does() {
        let mut store = CellStore::default();
        let id = store.insert(1).unwrap();
        store.index_symbol_token(9, id);
        store.remove(id);
        assert!(store.symbol_tokens.is_empty());
    }

    #[test]
    fn a_delivered_cell_releases_its_symbol_token_while_other_cells_live() {
        let mut store = CellStore::default();
        let keep = store.insert(0).unwrap();
        for round in 0..1000 {
            let id = store.insert(round).unwrap();
            store.index_symbol_token(round, id);
            store.targets_died(vec![Link::one(Role::Target, id)]);
            assert_eq!(store.next_pending(), Some(round));
        }
        assert!(store.contains(keep));
        assert!(store.symbol_tokens.is_empty() && store.cell_symbols.is_empty());
    }

    #[test]
    fn a_symbol_token_entry_stays_while_one_of_its_cells_lives() {
        let mut store = CellStore::default();
        let a = store.insert(1).unwrap();
        let b = store.insert(2).unwrap();
        store.index_symbol_token(5, a);
        store.index_symbol_token(5, b);
        store.remove(a);
        let links = store.take_symbol_token(5);
        assert!(
            store.remove_all(links),
            "b is still unregistered by its token"
        );
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn a_full_slab_refuses_new_cells_instead_of_panicking() {
        let mut store = CellStore {
            max_cells: 2,
            ..CellStore::default()
        };
        let a = store.insert(1).unwrap();
        store.insert(2).unwrap();
        assert_eq!(store.insert(3), Err(3));
        assert_eq!(store.len(), 2);
        store.remove(a);
        assert!(store.insert(4).is_ok(), "a freed slot is reused");
    }

    #[test]
    fn removed_ids_never_validate_again() {
        let mut store = CellStore::default();
        let a = store.insert("a").unwrap();
        assert_eq!(store.remove(a), Some("a"));
        let b = store.insert("b").unwrap();
        assert!(!store.contains(a));
        assert_eq!(store.remove(a), None);
        assert_eq!(store.remove(b), Some("b"));
    }

    #[test]
    fn ids_stay_invalid_after_the_slab_is_released() {
        let mut store = CellStore::default();
        let old: Vec<_> = (0..100).map(|i| store.insert(i).unwrap()).collect();
        for id in &old {
            store.remove(*id);
        }
        let new: Vec<_> = (0..100).map(|i| store.insert(i).unwrap()).collect();
        assert!(old.iter().all(|id| !store.contains(*id)));
        assert!(new.iter().all(|id| store.contains(*id)));
    }

    #[test]
    fn a_slot_retires_instead_of_wrapping_its_generation() {
        let mut store = CellStore::default();
        let keep = store.insert(0).unwrap();
        let first = store.insert(1).unwrap();
        store.slots[first.index as usize].generation = RETIRE_AT - 3;
        let old = CellId {
            index: first.index,
            generation: RETIRE_AT - 3,
        };
        assert_eq!(store.remove(old), Some(1));
        let next = store.insert(2).unwrap();
        assert_eq!(next.index, first.index);
        assert_eq!(next.generation, RETIRE_AT - 1);
        store.remove(next);
        let after = store.insert(3).unwrap();
        assert_ne!(after.index, first.index, "the slot retired");
        assert!(store.contains(keep) && !store.contains(old) && !store.contains(next));
    }

    #[test]
    fn pending_cells_are_delivered_once_in_order_and_skip_removed_ones() {
        let mut store = CellStore::default();
        let ids: Vec<_> = (0..4).map(|i| store.insert(i).unwrap()).collect();
        store.remove(ids[1]);
        store.targets_died(ids.iter().map(|&id| Link::one(Role::Target, id)).collect());
        store.targets_died(vec![Link::one(Role::Both, ids[0])]);
        let delivered: Vec<_> = std::iter::from_fn(|| store.next_pending()).collect();
        assert_eq!(delivered, vec![0, 2, 3]);
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn symbol_token_index_removes_exactly_its_cells() {
        let mut store = CellStore::default();
        let a = store.insert(1).unwrap();
        let b = store.insert(2).unwrap();
        let c = store.insert(3).unwrap();
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
    fn links_stay_inline_for_one_cell_and_spill_for_more() {
        let mut store = CellStore::default();
        let a = store.insert(1).unwrap();
        let link = store.link(Link::EMPTY, a, Role::Both).unwrap();
        assert_eq!(link.decode(), Linked::One(Role::Both, a));
        // A second registration of the same object spills, keeping both roles of `a`.
        let b = store.insert(2).unwrap();
        let link = store.link(link, b, Role::Target).unwrap();
        assert!(matches!(link.decode(), Linked::Spill(_)));
        // unregister(object) removes `a` only; the target side still has `b`.
        let (token, rest) = link.take_token();
        assert_eq!(rest, link);
        assert!(store.remove_all(token));
        assert!(!store.contains(a) && store.contains(b));
        store.targets_died(vec![rest]);
        assert_eq!(store.next_pending(), Some(2));
        assert_eq!(store.free_spills.len(), 1, "the spill entry was released");
    }

    #[test]
    fn unregister_visits_the_token_part_only() {
        // An object that is the target of many cells (some of them since removed) and the token of
        // one: unregister takes the token's cell and leaves the target part as it was, not even
        // looking at it, so it costs O(cells of that token) whatever the object is the target of.
        let mut store = CellStore::default();
        let first = store.insert(0).unwrap();
        let mut link = store.link(Link::EMPTY, first, Role::Target).unwrap();
        let targets: Vec<_> = (1..100)
            .map(|i| {
                let id = store.insert(i).unwrap();
                link = store.link(link, id, Role::Target).unwrap();
                id
            })
            .collect();
        let token = store.insert(100).unwrap();
        link = store.link(link, token, Role::Token).unwrap();
        for id in &targets[..50] {
            store.remove(*id);
        }
        let Linked::Spill(index) = link.decode() else {
            panic!("expected a spill, got {link:?}");
        };
        let before = store.spills[index as usize].0.len();
        for round in 0..3 {
            let (token_cells, rest) = link.take_token();
            assert_eq!(store.remove_all(token_cells), round == 0);
            link = rest;
        }
        assert_eq!(store.spills[index as usize].0.len(), before - 1);
        assert!(!store.contains(token) && store.contains(first));
        store.targets_died(vec![link]);
        let delivered: Vec<_> = std::iter::from_fn(|| store.next_pending()).collect();
        assert_eq!(
            delivered,
            [0].into_iter().chain(51..100).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_stale_inline_id_is_overwritten() {
        let mut store = CellStore::default();
        let a = store.insert(1).unwrap();
        let link = store.link(Link::EMPTY, a, Role::Target).unwrap();
        store.remove(a);
        let b = store.insert(2).unwrap();
        let link = store.link(link, b, Role::Target).unwrap();
        assert_eq!(link.decode(), Linked::One(Role::Target, b));
        assert!(store.spills.is_empty());
    }

    #[test]
    fn token_links_give_up_their_cells_once() {
        let mut store = CellStore::default();
        let a = store.insert(1).unwrap();
        let link = store.link(Link::EMPTY, a, Role::Token).unwrap();
        assert!(
            !link.reports_death(),
            "a token's death needs no cleanup job"
        );
        let (token, rest) = link.take_token();
        assert_eq!(rest, Link::EMPTY);
        assert!(store.remove_all(token));
        let (token, _) = Link::one(Role::Target, a).take_token();
        assert!(token.is_none());
    }

    #[test]
    fn a_dead_object_delivers_the_cells_it_was_the_target_of_only() {
        let mut store = CellStore::default();
        let (a, b, c) = (
            store.insert(1).unwrap(),
            store.insert(2).unwrap(),
            store.insert(3).unwrap(),
        );
        // The object is the target of `a`, the token of `b` and both for `c`.
        let link = store.link(Link::EMPTY, a, Role::Target).unwrap();
        let link = store.link(link, b, Role::Token).unwrap();
        let link = store.link(link, c, Role::Both).unwrap();
        let other = store.insert(4).unwrap();
        let single = store.link(Link::EMPTY, other, Role::Target).unwrap();
        store.targets_died(vec![single, link]);
        let delivered: Vec<_> = std::iter::from_fn(|| store.next_pending()).collect();
        assert_eq!(delivered, vec![4, 1, 3]);
        assert!(store.contains(b), "a token's cell waits for its own target");
    }

    #[test]
    fn a_spill_compacts_instead_of_growing_with_removed_cells() {
        let mut store = CellStore::default();
        let keep = store.insert(0).unwrap();
        let mut link = store.link(Link::EMPTY, keep, Role::Target).unwrap();
        for i in 1..10_000 {
            let id = store.insert(i).unwrap();
            link = store.link(link, id, Role::Both).unwrap();
            let (token, rest) = link.take_token();
            assert!(store.remove_all(token));
            link = rest;
        }
        let Linked::Spill(index) = link.decode() else {
            panic!("expected a spill, got {link:?}");
        };
        assert!(store.spills[index as usize].0.capacity() <= 8);
        store.targets_died(vec![link]);
        assert_eq!(store.next_pending(), Some(0));
        assert_eq!(store.next_pending(), None);
    }

    #[test]
    fn lists_compact_instead_of_growing_with_stale_ids() {
        let mut store = CellStore::default();
        let mut list = CellList::default();
        let keep = store.insert(0).unwrap();
        list.push(keep, |id| store.contains(id));
        for i in 0..10_000 {
            let id = store.insert(i).unwrap();
            list.push(id, |id| store.contains(id));
            store.remove(id);
        }
        assert!(list.0.capacity() <= 8, "capacity {}", list.0.capacity());
        assert!(list.0.contains(&keep));
    }
}
