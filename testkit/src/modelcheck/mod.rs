//! The model check shared by `cargo xtask stress` and the test kit's `tests/model.rs`: program
//! generator, reference model, harness, shrinker.

pub mod harness;
pub mod model;
pub mod program;
pub mod rng;
pub mod shrink;

pub use harness::Outcome;
pub use model::{Counts, FailKind, Failure};
pub use program::{GenConfig, Program, generate, size};

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
        self.merge(&Totals {
            programs: 1,
            actions: size(program) as u64,
            counts: outcome.counts,
            failures: u64::from(outcome.failure.is_some()),
        });
    }

    /// Adds another set of totals.
    pub fn merge(&mut self, other: &Totals) {
        self.programs += other.programs;
        self.actions += other.actions;
        self.failures += other.failures;
        let (c, o) = (&mut self.counts, &other.counts);
        c.events += o.events;
        c.callbacks += o.callbacks;
        c.required += o.required;
        c.outcomes += o.outcomes;
        c.type_errors += o.type_errors;
        c.reports += o.reports;
        c.natives += o.natives;
        c.hostile += o.hostile;
        c.weak += o.weak;
    }
}
