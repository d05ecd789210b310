//! The generators' randomness: `rand_pcg`'s PCG (value-stable across platforms and releases, so a
//! seed names one program on every machine), with `rand`'s uniform, Bernoulli and weighted choices.

use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// A seeded generator with the three choices the generators make.
#[derive(Clone, Debug)]
pub struct Rng(Pcg64Mcg);

impl Rng {
    /// The generator for `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(Pcg64Mcg::seed_from_u64(seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.random()
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }

    /// A number in `0..n` (`0 < n <= 256`), for indices into small tables.
    pub fn below_u8(&mut self, n: usize) -> u8 {
        u8::try_from(self.below(n)).expect("tables of at most 256 entries")
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.0.random_ratio(percent, 100)
    }

    /// An index chosen with the given weights (not all zero).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        WeightedIndex::new(weights)
            .expect("the generators' weight tables are non-empty and not all zero")
            .sample(&mut self.0)
    }
}
