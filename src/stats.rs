//! Observability: counters kept by the host state and the [`Stats`] snapshot embedders read.

use std::cell::Cell;

use boa_engine::{Context, JsObject};

use crate::builtin::RegistryData;
use crate::host::HostState;

/// Running totals of one context, updated by cleanup jobs.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) cleanup_jobs: Cell<u64>,
    pub(crate) callbacks_delivered: Cell<u64>,
    pub(crate) callback_errors: Cell<u64>,
    pub(crate) job_errors: Cell<u64>,
}

impl Counters {
    pub(crate) fn bump(&self, counter: &Cell<u64>) {
        counter.set(counter.get() + 1);
    }

    pub(crate) fn add_delivered(&self, n: usize) {
        self.callbacks_delivered
            .set(self.callbacks_delivered.get() + n as u64);
    }
}

/// A snapshot of the extension's activity in one context (see [`stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Registries still alive (including the internal one behind native finalizers, once used).
    pub registries: usize,
    /// Cells of live registries whose target is not known to be dead.
    pub live_cells: usize,
    /// Cells of live registries whose target died and whose callback has not run yet.
    pub awaiting_cleanup: usize,
    /// Cleanup jobs run so far.
    pub cleanup_jobs: u64,
    /// Cleanup callbacks called so far (including the ones that threw).
    pub callbacks_delivered: u64,
    /// Cleanup callbacks that threw, each reported to the error reporter.
    pub callback_errors: u64,
    /// Errors thrown by other jobs run by [`crate::CleanupExecutor`] (timers, promise jobs).
    pub job_errors: u64,
    /// Native finalizers ([`crate::on_collected`]) still waiting for their object to be collected.
    pub native_pending: usize,
    /// Native finalizers that have run.
    pub native_run: u64,
}

/// The activity of the extension in `context`; all zero if it was never installed there.
///
/// ```
/// use boa_engine::{Context, Source};
///
/// let mut context = Context::default();
/// boa_finalization::install(&mut context).unwrap();
/// context
///     .eval(Source::from_bytes("globalThis.r = new FinalizationRegistry(() => {}); r.register({}, 1);"))
///     .unwrap();
/// let stats = boa_finalization::stats(&context);
/// assert_eq!(stats.registries, 1);
/// ```
#[must_use]
pub fn stats(context: &Context) -> Stats {
    let Some(host) = HostState::existing(context) else {
        return Stats::default();
    };
    let registries: Vec<RegistryStats> = host
        .tracked_registries()
        .iter()
        .filter_map(registry_stats)
        .collect();
    let (native_pending, native_run) = crate::native::native_counts(context);
    Stats {
        registries: registries.len(),
        live_cells: registries.iter().map(|r| r.live_cells).sum(),
        awaiting_cleanup: registries.iter().map(|r| r.awaiting_cleanup).sum(),
        cleanup_jobs: host.counters.cleanup_jobs.get(),
        callbacks_delivered: host.counters.callbacks_delivered.get(),
        callback_errors: host.counters.callback_errors.get(),
        job_errors: host.counters.job_errors.get(),
        native_pending,
        native_run,
    }
}

/// The numbers of one `FinalizationRegistry` (see [`registry_stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistryStats {
    /// Cells whose target is not known to be dead.
    pub live_cells: usize,
    /// Cells whose target died and whose callback has not run yet (an upper bound until the next
    /// cleanup job: some of them may have been unregistered since).
    pub awaiting_cleanup: usize,
    /// Callbacks made so far.
    pub callbacks_delivered: u64,
    /// Callbacks that threw.
    pub callback_errors: u64,
}

/// The numbers of `registry`, or `None` if it is not a registry of this crate.
///
/// ```
/// use boa_engine::{Context, Source};
///
/// let mut context = Context::default();
/// boa_finalization::install(&mut context).unwrap();
/// let registry = context
///     .eval(Source::from_bytes(
///         "const r = new FinalizationRegistry(() => {}); r.register(globalThis, 1); r",
///     ))
///     .unwrap();
/// let stats = boa_finalization::registry_stats(&registry.as_object().unwrap()).unwrap();
/// assert_eq!(stats.live_cells, 1);
/// ```
#[must_use]
pub fn registry_stats(registry: &JsObject) -> Option<RegistryStats> {
    registry
        .downcast_ref::<RegistryData>()
        .map(|data| data.stats())
}
