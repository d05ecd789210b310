//! How an object names its cells: [`CellId`] (a slab index and a generation), the one-word
//! [`Link`] each target and token keeps in its notification object, the [`Spill`] entry of an object
//! with more cells than a link holds inline, and [`CellList`], the ids of one symbol token.
//!
//! A `Link` is one word: the common cases (an object that is the target of one cell, the token of
//! one cell, or both for the same cell) are stored inline and cost no allocation; an object with more
//! cells points to a [`Spill`] entry of the store that lists them, each with the object's role. Links
//! and lists may keep ids of cells that were removed meanwhile: the generation in each id tells them
//! apart, an inline id that went stale is simply overwritten, and [`CellList::push`] compacts a list
//! before it grows.

/// The identity of one cell: a slab index plus the generation of that slot when the cell was made.
/// Generations of live cells are odd; a slot's generation never wraps (see
/// [`CellStore::remove`](super::CellStore::remove)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CellId {
    pub(super) index: u32,
    pub(super) generation: u32,
}

/// Bits of a [`Link`] that say what it holds; the index sits above them, the generation in the high
/// half.
const TAG_BITS: u32 = 3;
const TAG_MASK: u64 = (1 << TAG_BITS) - 1;
/// Slab indices (and spill indices) must fit in the 29 bits a link leaves them.
pub(super) const MAX_INDEX: u32 = (1 << (32 - TAG_BITS)) - 1;

const EMPTY: u64 = 0;
const TARGET: u64 = 1;
const TOKEN: u64 = 2;
const BOTH: u64 = 3;
const SPILL: u64 = 4;

/// The role of one object in one cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The object is the cell's target.
    Target,
    /// The object is the cell's unregister token.
    Token,
    /// The object is the cell's target and its token.
    Both,
}

impl Role {
    fn tag(self) -> u64 {
        match self {
            Self::Target => TARGET,
            Self::Token => TOKEN,
            Self::Both => BOTH,
        }
    }
}

/// What one object (a target, a token or both) knows about its cells, in one word.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Link(u64);

/// A decoded [`Link`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Linked {
    Empty,
    One(Role, CellId),
    Spill(u32),
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.decode().fmt(f)
    }
}

impl Link {
    /// No cell.
    pub(crate) const EMPTY: Self = Self(EMPTY);

    /// One cell, in which the object plays `role`.
    pub(crate) fn one(role: Role, id: CellId) -> Self {
        Self(u64::from(id.generation) << 32 | u64::from(id.index) << TAG_BITS | role.tag())
    }

    /// A spill entry's link: its index, and in the high half the length of its target part.
    pub(super) fn spill(index: u32, targets: u32) -> Self {
        Self(u64::from(targets) << 32 | u64::from(index) << TAG_BITS | SPILL)
    }

    /// The length of the target part of this spill link's entry.
    pub(super) fn spill_targets(self) -> u32 {
        (self.0 >> 32) as u32
    }

    pub(super) fn decode(self) -> Linked {
        let index = (self.0 >> TAG_BITS) as u32 & MAX_INDEX;
        let generation = (self.0 >> 32) as u32;
        let id = CellId { index, generation };
        match self.0 & TAG_MASK {
            TARGET => Linked::One(Role::Target, id),
            TOKEN => Linked::One(Role::Token, id),
            BOTH => Linked::One(Role::Both, id),
            SPILL => Linked::Spill(index),
            _ => Linked::Empty,
        }
    }

    /// Whether the death of the object matters to the registry: it is the target of some cell, or it
    /// has a spill entry to release.
    pub(crate) fn reports_death(self) -> bool {
        matches!(self.0 & TAG_MASK, TARGET | BOTH | SPILL)
    }

    /// The token side of the link, for `unregister`: what
    /// [`CellStore::remove_all`](super::CellStore::remove_all) needs to remove
    /// the cells whose token is this object, and the link that remains.
    pub(crate) fn take_token(self) -> (Option<Link>, Link) {
        match self.decode() {
            Linked::One(Role::Token | Role::Both, _) => (Some(self), Self::EMPTY),
            Linked::Spill(_) => (Some(self), self),
            Linked::One(Role::Target, _) | Linked::Empty => (None, self),
        }
    }
}

/// The cell ids attached to one target or one token.
#[derive(Debug, Default)]
pub(crate) struct CellList(pub(super) Vec<CellId>);

impl CellList {
    /// Appends `id`, dropping ids of removed cells first whenever the list would otherwise grow
    /// (amortized O(1): after a compaction that leaves the list more than half full it grows anyway).
    pub(super) fn push(&mut self, id: CellId, live: impl Fn(CellId) -> bool) {
        if self.0.len() == self.0.capacity() && !self.0.is_empty() {
            self.0.retain(|id| live(*id));
            if self.0.len() * 2 > self.0.capacity() {
                self.0.reserve(self.0.len());
            }
        }
        self.0.push(id);
    }

    /// Takes every id out, leaving the list empty.
    pub(super) fn take(&mut self) -> Vec<CellId> {
        std::mem::take(&mut self.0)
    }
}

/// The cells of an object with more than a [`Link`] holds inline: one `Link::one(role, id)` each.
/// The cells the object is only the target of come first, the cells it is the token of
/// (`Role::Token` or `Role::Both`) after them, so that `unregister` takes the token part without
/// visiting the target part: O(cells of that token), however many cells target the object. The
/// length of the target part lives in the object's spill [`Link`] (its otherwise unused high half),
/// so an entry costs no more than its list.
#[derive(Debug, Default)]
pub(super) struct Spill(pub(super) Vec<Link>);

impl Spill {
    /// A spill entry holding exactly `links`, and the length of its target part.
    pub(super) fn of(links: [Link; 2]) -> (Self, u32) {
        let (mut spill, mut targets) = (Self(Vec::with_capacity(links.len())), 0);
        for link in links {
            spill.insert(link, &mut targets);
        }
        (spill, targets)
    }

    /// Appends `link`, dropping links to removed cells first whenever the list would otherwise grow
    /// (amortized O(1), as [`CellList::push`]); `targets` is the length of the target part.
    pub(super) fn push(&mut self, link: Link, targets: &mut u32, live: impl Fn(CellId) -> bool) {
        if self.0.len() == self.0.capacity() && !self.0.is_empty() {
            *targets = self.compact(live);
            if self.0.len() * 2 > self.0.capacity() {
                self.0.reserve(self.0.len());
            }
        }
        self.insert(link, targets);
    }

    /// Adds `link` to its part: a target-only link goes to the end of the target part (the token
    /// link it displaces moves to the end of the list, where order does not matter).
    fn insert(&mut self, link: Link, targets: &mut u32) {
        self.0.push(link);
        if matches!(link.decode(), Linked::One(Role::Target, _)) {
            let last = self.0.len() - 1;
            self.0.swap(*targets as usize, last);
            *targets += 1;
        }
    }

    /// Drops the links of removed cells, keeping each part in order; returns the target part's
    /// new length.
    fn compact(&mut self, live: impl Fn(CellId) -> bool) -> u32 {
        let mut targets = 0;
        self.0.retain(|link| match link.decode() {
            Linked::One(role, id) => {
                let keep = live(id);
                targets += u32::from(keep && role == Role::Target);
                keep
            }
            Linked::Spill(_) | Linked::Empty => false,
        });
        targets
    }

    /// Takes the token part out: the links after the first `targets`.
    pub(super) fn take_tokens(&mut self, targets: u32) -> Vec<Link> {
        let targets = (targets as usize).min(self.0.len());
        self.0.split_off(targets)
    }
}
