//! `--gc-stress task|job`, shared by `test262`, `differential` and `stress`: the level of
//! [`boa_finalization::GcStress`] the run puts on the crate's job loop.

use boa_finalization::GcStress;

/// A stress level on the command line (and in a bench job).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
pub(crate) enum StressLevel {
    /// A full collection at every microtask checkpoint.
    Task,
    /// A full collection before every job, and at every checkpoint.
    Job,
}

impl StressLevel {
    /// The name on the command line (`finreg --gc-stress=<name>`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Task => "task",
            Self::Job => "job",
        }
    }
}

/// The executor's setting for an optional level (none: [`GcStress::Off`]).
pub(crate) fn setting(level: Option<StressLevel>) -> GcStress {
    match level {
        None => GcStress::Off,
        Some(StressLevel::Task) => GcStress::Task,
        Some(StressLevel::Job) => GcStress::Job,
    }
}
