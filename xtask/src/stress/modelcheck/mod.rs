//! The model check shared by `cargo xtask stress` and the crate's `tests/model.rs` (which includes
//! this directory with `#[path]`): program generator, reference model, harness, shrinker.
//!
//! Only `boa_engine`, `boa_gc` and `boa_finalization` are used here, so the root package's tests
//! can compile these files without the xtask's dependencies.

pub mod harness;
pub mod model;
pub mod program;
pub mod rng;
pub mod shrink;

pub use harness::Outcome;
pub use model::{Counts, FailKind, Failure};
pub use program::{generate, size, GenConfig, Program};

/// Totals over many programs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Totals {
    /// Programs run.
    pub programs: u64,
    /// Actions in them (callback and promise-job actions included, whether or not they ran).
    pub actions: u64,
    /// Everything the model checked.
    pub counts: Counts,
    /// Programs that failed.
    pub failures: u64,
}

impl Totals {
    /// Adds one program's outcome.
    pub fn add(&mut self, program: &Program, outcome: &Outcome) {
        self.programs += 1;
        self.actions += size(program) as u64;
        let c = &mut self.counts;
        c.events += outcome.counts.events;
        c.callbacks += outcome.counts.callbacks;
        c.required += outcome.counts.required;
        c.outcomes += outcome.counts.outcomes;
        c.type_errors += outcome.counts.type_errors;
        c.reports += outcome.counts.reports;
        if outcome.failure.is_some() {
            self.failures += 1;
        }
    }
}
