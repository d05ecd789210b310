//! Observability: counters kept by the context's state and the [`Stats`] snapshot embedders read.

use boa_engine::{Context, JsObject};

use crate::registry::{Registry, RegistryData};
use crate::state::ContextState;

/// A snapshot of the extension's activity in one context (see [`stats`]).
///
/// Figures about registries and callbacks count scripts' `FinalizationRegistry` objects only; native
/// finalizers ([`crate::on_collected`]) have their own `native_*` figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Scripts' registries still alive.
    pub registries: usize,
    /// Cells of live registries whose target is not known to be dead.
    pub live_cells: usize,
    /// Cells of live registries whose target died and whose callback has not run yet.
    pub awaiting_cleanup: usize,
    /// Cleanup jobs run so far (for registries and native finalizers).
    pub cleanup_jobs: u64,
    /// Checkpoints so far: times a job loop looked for cleanup work ([`crate::CleanupExecutor`] or
    /// [`crate::run_cleanup_jobs`]). Zero while `awaiting_cleanup` grows means nothing will ever be
    /// delivered: the context has neither.
    pub checkpoints: u64,
    /// Cleanup callbacks called so far (including the ones that threw).
    pub callbacks_delivered: u64,
    /// Cleanup callbacks that threw, each reported to the error reporter.
    pub callback_errors: u64,
    /// Errors thrown by other jobs run by [`crate::CleanupExecutor`] (timers, promise jobs).
    pub job_errors: u64,
    /// Native finalizers not yet run nor cancelled (their object alive, or collected and awaiting
    /// cleanup).
    pub native_pending: usize,
    /// Of `native_pending`, those whose object was collected and that wait for a checkpoint.
    pub native_awaiting_cleanup: usize,
    /// Native finalizers that have run.
    pub native_run: u64,
    /// Symbol keys of live `WeakMap`s and symbol values of live `WeakSet`s (with the crate's weak
    /// family). Boa 0.22 cannot collect a symbol, so these entries are held by their map or set and
    /// go with it, or with `delete`: this is the one figure that can grow while a map lives, for a
    /// script that keeps adding fresh symbols to a long-lived map. Object keys are Boa's own
    /// entries and are not counted.
    pub weak_symbol_entries: usize,
}

/// The numbers of one `FinalizationRegistry` (see [`registry_stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegistryStats {
    /// Cells whose target is not known to be dead.
    pub live_cells: usize,
    /// Cells whose target died and whose callback has not run yet.
    pub awaiting_cleanup: usize,
    /// Callbacks made so far.
    pub callbacks_delivered: u64,
    /// Callbacks that threw.
    pub callback_errors: u64,
}

impl RegistryStats {
    fn of(registry: &Registry) -> Self {
        let (live_cells, awaiting_cleanup) = registry.cell_counts();
        let (callbacks_delivered, callback_errors) = registry.callback_counts();
        Self {
            live_cells,
            awaiting_cleanup,
            callbacks_delivered,
            callback_errors,
        }
    }
}

/// The activity of the extension in `context`; all zero if it was never installed there.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::{context::ContextBuilder, Source};
/// use boa_finalization::CleanupExecutor;
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// boa_finalization::install(&mut context).unwrap();
/// context
///     .eval(Source::from_bytes("globalThis.r = new FinalizationRegistry(() => {}); r.register({}, 1);"))
///     .unwrap();
/// let stats = boa_finalization::stats(&context);
/// assert_eq!((stats.registries, stats.live_cells), (1, 1));
/// ```
#[must_use]
pub fn stats(context: &Context) -> Stats {
    let Some(context_state) = ContextState::existing(context) else {
        return Stats::default();
    };
    let mut stats = Stats::default();
    for registry in context_state.live_registries() {
        let figures = RegistryStats::of(&registry);
        if registry.is_internal() {
            stats.native_pending += figures.live_cells + figures.awaiting_cleanup;
            stats.native_awaiting_cleanup += figures.awaiting_cleanup;
        } else {
            stats.registries += 1;
            stats.live_cells += figures.live_cells;
            stats.awaiting_cleanup += figures.awaiting_cleanup;
        }
    }
    let totals = context_state.totals();
    stats.cleanup_jobs = totals.cleanup_jobs;
    stats.checkpoints = totals.checkpoints;
    stats.callbacks_delivered = totals.callbacks_delivered;
    stats.callback_errors = totals.callback_errors;
    stats.job_errors = totals.job_errors;
    stats.native_run = totals.native_run;
    stats.weak_symbol_entries = totals.weak_symbol_entries;
    stats
}

/// The numbers of `registry`, or `None` if it is not a registry of this crate.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::{context::ContextBuilder, Source};
/// use boa_finalization::CleanupExecutor;
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
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
        .map(|data| RegistryStats::of(data.registry()))
}
