//! Memory checks shared by `cargo xtask stress --load/--soak` (long) and the test kit's
//! `tests/stress.rs` (small sizes). Bytes are counted by [`crate::alloc`], which the binary running
//! the checks installs as its global allocator, for the current thread only (boa_gc's heap is per
//! thread), so each check runs on a fresh thread.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

use boa_engine::{Context, JsObject, JsValue, Source};

use crate::alloc::{live, peak, reset_peak};
use crate::panic_message;

fn eval(context: &mut Context, code: &str) -> JsValue {
    context
        .eval(Source::from_bytes(code.as_bytes()))
        .unwrap_or_else(|e| panic!("script threw: {e}\n{code}"))
}

fn number(context: &mut Context, code: &str) -> f64 {
    eval(context, code).as_number().expect("a number")
}

/// The cleanup of the checks: collect and run cleanup jobs until a collection finds nothing more.
pub fn cleanup(context: &mut Context) {
    loop {
        boa_gc::force_collect();
        let jobs = boa_finalization::run_cleanup_jobs(context);
        if jobs == 0 && !boa_finalization::has_pending_cleanup(context) {
            break;
        }
    }
    boa_gc::force_collect();
}

/// Runs `f` on a fresh thread (a fresh boa_gc heap and a fresh allocation count), a panic turned
/// into its message.
pub fn on_fresh_thread_caught<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .map_err(|payload| panic_message(payload.as_ref()))
}

/// A count as a float, for the printed ratios.
#[expect(
    clippy::cast_precision_loss,
    reason = "counts here stay far below 2^52"
)]
fn float(n: i64) -> f64 {
    n as f64
}

/// A JS counter (a small non-negative integer) as a count.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the script's counters are non-negative integers below 2^53"
)]
fn whole(n: f64) -> u64 {
    n as u64
}

fn per(bytes: i64, n: usize) -> f64 {
    float(bytes) / float(i64::try_from(n).unwrap_or(i64::MAX))
}

fn mib(bytes: i64) -> f64 {
    float(bytes) / (1024.0 * 1024.0)
}

/// `part` as a percentage of `whole`.
#[must_use]
pub fn percent(part: i64, whole: i64) -> f64 {
    float(part) * 100.0 / float(whole)
}

// ---------------------------------------------------------------------------------------------
// Load: every target alive at once

/// What one load run measured (bytes, this thread).
#[derive(Debug)]
pub struct LoadReport {
    /// Registrations of the measured round.
    pub registrations: usize,
    /// Registries they were spread over.
    pub registries: usize,
    /// Before the first (warm-up) round: the registries exist and have never held a cell.
    pub cold: i64,
    /// Before any target of the measured round exists, after the warm-up round.
    pub baseline: i64,
    /// With every target alive and registered.
    pub registered: i64,
    /// The same targets alive, before registering: `registered - targets_only` is the crate's cost.
    pub targets_only: i64,
    /// Highest live count during the measured round.
    pub peak: i64,
    /// After every target was dropped, every callback delivered, and a collection.
    pub after_cleanup: i64,
    /// After the registries were dropped too, and a collection.
    pub after_registries_dropped: i64,
    /// Callbacks of the measured round.
    pub delivered: u64,
    /// Wall time.
    pub seconds: f64,
}

impl LoadReport {
    /// Prints the figures.
    pub fn print(&self) {
        let delta = self.after_cleanup - self.baseline;
        println!(
            "load: {} registrations over {} registries in {:.2} s, {} callbacks delivered\n  \
             baseline {:.2} MiB, peak {:.2} MiB, with all registered {:.2} MiB (the crate's share {:.2} MiB = {:.0} B/registration)\n  \
             after cleanup {:.2} MiB ({:+} B = {:+.3}% of baseline), after dropping the registries {:.2} MiB ({:+} B)\n  \
             before the warm-up round (registries new) {:.2} MiB: registries that once held cells keep {:+} B ({:.1} B per peak registration)",
            self.registrations,
            self.registries,
            self.seconds,
            self.delivered,
            mib(self.baseline),
            mib(self.peak),
            mib(self.registered),
            mib(self.registered - self.targets_only),
            per(self.registered - self.targets_only, self.registrations),
            mib(self.after_cleanup),
            delta,
            percent(delta, self.baseline),
            mib(self.after_registries_dropped),
            self.after_registries_dropped - self.baseline,
            mib(self.cold),
            self.baseline - self.cold,
            per(self.baseline - self.cold, self.registrations),
        );
    }

    /// The failures: memory not back within 1% of the baseline after cleanup, or grown after the
    /// registries were dropped.
    #[must_use]
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let delta = self.after_cleanup - self.baseline;
        if delta.abs() * 100 > self.baseline {
            problems.push(format!(
                "load: memory after cleanup is {delta:+} B ({:+.2}%) away from the baseline {} B",
                percent(delta, self.baseline),
                self.baseline
            ));
        }
        let delta = self.after_registries_dropped - self.baseline;
        if delta * 100 > self.baseline {
            problems.push(format!(
                "load: memory after dropping the registries grew by {delta} B"
            ));
        }
        problems
    }
}

/// `registrations` registrations over `registries` registries, all targets alive at once, then all
/// dropped and cleaned; checks that every callback arrived exactly once with its held value.
#[must_use]
pub fn load(registrations: usize, registries: usize) -> LoadReport {
    let started = Instant::now();
    let mut context = crate::context(true);
    eval(
        &mut context,
        &format!(
            r"
            globalThis.N = {registrations};
            globalThis.seen = new Uint8Array(N);
            globalThis.bad = 0;
            globalThis.R = [];
            for (let r = 0; r < {registries}; r++)
                R.push(new FinalizationRegistry(v => {{ if (seen[v]++ !== 0) bad++; }}));
            globalThis.T = null;
            "
        ),
    );
    // A first round of the same size, so that boa_gc's and the engine's own tables have reached
    // their working size: the measured round then shows what the crate keeps, not warm-up.
    let round = |context: &mut Context, measure: bool| -> (i64, i64, i64) {
        eval(
            context,
            "T = new Array(N); for (let i = 0; i < N; i++) T[i] = {}; seen.fill(0);",
        );
        boa_gc::force_collect();
        let targets_only = live();
        eval(
            context,
            "for (let i = 0; i < N; i++) R[i % R.length].register(T[i], i, T[i]);",
        );
        boa_gc::force_collect();
        let registered = live();
        eval(context, "T = null;");
        cleanup(context);
        assert_eq!(number(context, "bad") as u64, 0, "a callback arrived twice");
        let missing = number(
            context,
            "(() => { let m = 0; for (let i = 0; i < N; i++) if (seen[i] !== 1) m++; return m; })()",
        );
        assert_eq!(
            missing as u64, 0,
            "callbacks missing (measured round: {measure})"
        );
        // The checks' own scripts are garbage too.
        cleanup(context);
        (targets_only, registered, live())
    };
    boa_gc::force_collect();
    let cold = live();
    round(&mut context, false);
    boa_gc::force_collect();
    let baseline = live();
    reset_peak();
    let (targets_only, registered, after_cleanup) = round(&mut context, true);
    let peak = peak();
    let stats = boa_finalization::stats(&context);
    assert_eq!(stats.live_cells + stats.awaiting_cleanup, 0, "{stats:?}");
    assert_eq!(stats.registries, registries);
    assert_eq!(stats.callbacks_delivered, 2 * registrations as u64);
    eval(&mut context, "R = null;");
    cleanup(&mut context);
    assert_eq!(boa_finalization::stats(&context).registries, 0);
    let after_registries_dropped = live();
    LoadReport {
        registrations,
        registries,
        cold,
        baseline,
        registered,
        targets_only,
        peak,
        after_cleanup,
        after_registries_dropped,
        delivered: stats.callbacks_delivered / 2,
        seconds: started.elapsed().as_secs_f64(),
    }
}

// ---------------------------------------------------------------------------------------------
// Soak: a long-lived host, registrations that come and go

/// Soak rounds run before the baseline is taken.
pub const WARM_UP_ROUNDS: u64 = 5;

/// What one soak run measured (bytes, this thread).
#[derive(Debug, Default)]
pub struct SoakReport {
    /// What it registered.
    pub mix: Option<Mix>,
    /// Rounds after the warm-up rounds ([`WARM_UP_ROUNDS`]).
    pub rounds: usize,
    /// JS registrations (all rounds, warm-up included).
    pub registrations: u64,
    /// Of which with a fresh symbol as unregister token.
    pub symbol_tokens: u64,
    /// `unregister` calls that removed a cell.
    pub unregistered: u64,
    /// Native finalizers registered ([`boa_finalization::on_collected`]).
    pub native: u64,
    /// Of which cancelled ([`boa_finalization::NativeRegistration::cancel`]) while their object
    /// lived on.
    pub native_cancelled: u64,
    /// JS callbacks delivered.
    pub delivered: u64,
    /// Native finalizers run.
    pub native_run: u64,
    /// The highest level after a warm-up round's cleanup.
    pub baseline: i64,
    /// Highest live count after the warm-up rounds.
    pub peak: i64,
    /// After the last round and its cleanup.
    pub after_cleanup: i64,
    /// The count after each round's cleanup (to show a trend when it fails).
    pub per_round: Vec<i64>,
    /// Wall time.
    pub seconds: f64,
    /// What failed: counts, `stats()` after cleanup, memory not back within 1% of the baseline.
    pub problems: Vec<String>,
}

impl SoakReport {
    /// Prints the figures.
    pub fn print(&self) {
        let delta = self.after_cleanup - self.baseline;
        println!(
            "soak ({}): {} JS registrations ({} with fresh symbol tokens, {} unregistered) and {} native \
             finalizers ({} cancelled on a long-lived object) in {} rounds + {WARM_UP_ROUNDS} warm-up, {:.2} s; {} \
             callbacks and {} native finalizers run\n  \
             baseline {:.2} MiB, peak {:.2} MiB, after cleanup {:.2} MiB ({delta:+} B = {:+.3}% of baseline)",
            self.mix.map_or("?", Mix::name),
            self.registrations,
            self.symbol_tokens,
            self.unregistered,
            self.native,
            self.native_cancelled,
            self.rounds,
            self.seconds,
            self.delivered,
            self.native_run,
            mib(self.baseline),
            mib(self.peak),
            mib(self.after_cleanup),
            percent(delta, self.baseline),
        );
    }
}

fn abbreviate(values: &[i64]) -> String {
    let shown: Vec<String> = if values.len() <= 8 {
        values.iter().map(|v| format!("{v:+}")).collect()
    } else {
        let mut shown: Vec<String> = values[..4].iter().map(|v| format!("{v:+}")).collect();
        shown.push("...".into());
        shown.extend(values[values.len() - 3..].iter().map(|v| format!("{v:+}")));
        shown
    };
    shown.join(", ")
}

/// The soak's script: registries that each keep one live cell (the long-lived host state) and
/// rounds of short-lived targets with every kind of token, some unregistered again.
const SOAK_SETUP: &str = r"
globalThis.C = { registered: 0, symbolTokens: 0, unregistered: 0, delivered: 0 };
globalThis.keep = { keep: true };
globalThis.R = [];
for (let r = 0; r < REGISTRIES; r++) {
    const fr = new FinalizationRegistry(v => { C.delivered++; });
    fr.register(keep, 'keep', keep);     // one cell that lives as long as the host
    R.push(fr);
}
globalThis.round = function (base, n, cases) {
    for (let i = 0; i < n; i++) {
        const fr = R[i % R.length], held = base + i;
        switch (cases[i % cases.length]) {
            case 0: fr.register({}, held); break;
            case 1: { const t = {}; fr.register(t, held, t); break; }
            case 2: fr.register({}, held, {}); break;
            case 3: fr.register({}, held, Symbol('t' + held)); C.symbolTokens++; break;
            case 4: { const s = Symbol(); fr.register({}, held, s); fr.register({}, held, s);
                      C.registered++; C.symbolTokens += 2; C.unregistered += fr.unregister(s) ? 2 : 0;
                      break; }
            case 5: { const s = Symbol(); fr.register({}, held, s); C.symbolTokens++; break; }
        }
        C.registered++;
    }
};
";

/// What a soak registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mix {
    /// JS registrations with no token, object tokens and fresh symbol tokens (some unregistered),
    /// and, for a quarter, native finalizers.
    Everything,
    /// Only JS registrations without a token or with object tokens: the control, which shows the
    /// measurement itself comes back to the baseline.
    ObjectTokens,
    /// Only JS registrations with fresh symbol tokens (some unregistered).
    SymbolTokens,
    /// Only native finalizers: on objects that die, and cancelled on one long-lived object.
    NativeCancels,
}

impl Mix {
    /// Its name in reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Mix::Everything => "everything",
            Mix::ObjectTokens => "object tokens",
            Mix::SymbolTokens => "symbol tokens",
            Mix::NativeCancels => "native cancels",
        }
    }
}

/// A long run: `total` registrations (JS ones with object and fresh-symbol tokens, some unregistered,
/// plus native finalizers, half of them cancelled on one long-lived object), in rounds of `per_round`
/// on registries that keep a live cell throughout, each round cleaned up; memory after the last
/// cleanup must be back within 1% of the level after the warm-up round.
#[must_use]
pub fn soak(total: u64, per_round: usize, registries: usize, mix: Mix) -> SoakReport {
    let started = Instant::now();
    let mut context = crate::context(true);
    eval(
        &mut context,
        &SOAK_SETUP.replace("REGISTRIES", &registries.to_string()),
    );
    let long_lived = JsObject::with_null_proto();
    let ran = Rc::new(Cell::new(0u64));
    let mut report = SoakReport {
        mix: Some(mix),
        ..SoakReport::default()
    };
    // A quarter of each round is native: half on fresh objects that die, half on `long_lived`,
    // cancelled at once (a handle closed before its object goes away).
    let (native_per_round, cases) = match mix {
        Mix::Everything => (per_round / 4, "[0, 1, 2, 3, 4, 5]"),
        Mix::ObjectTokens => (0, "[0, 1, 2]"),
        Mix::SymbolTokens => (0, "[3, 4, 5]"),
        Mix::NativeCancels => (per_round, "[]"),
    };
    let js_per_round = per_round - native_per_round;
    let round = |context: &mut Context, report: &mut SoakReport, k: u64| {
        let base = k * js_per_round as u64;
        eval(context, &format!("round({base}, {js_per_round}, {cases})"));
        for i in 0..native_per_round {
            let ran = Rc::clone(&ran);
            let count = move |_: &mut Context| ran.set(ran.get() + 1);
            if i % 2 == 0 {
                let object = JsObject::with_null_proto();
                let _pending =
                    boa_finalization::on_collected(&object, count, context).expect("on_collected");
            } else {
                let registration = boa_finalization::on_collected(&long_lived, count, context)
                    .expect("on_collected");
                if !registration.cancel(context) {
                    report
                        .problems
                        .push("cancel of a pending native finalizer returned false".into());
                }
                report.native_cancelled += 1;
            }
            report.native += 1;
        }
        cleanup(context);
    };
    let rounds = total.div_ceil(per_round as u64).max(1);
    // Allocated before the baseline: the figures' own vector must not show as growth.
    report.per_round = Vec::with_capacity(usize::try_from(rounds).expect("rounds fit in memory"));
    // The baseline is the highest level over the warm-up rounds: tables that keep the capacity of
    // their peak (boa_gc's weak maps, hashed with a per-run seed) settle at a level that moves by a
    // few KiB from run to run; anything a round leaves behind still adds up over the measured rounds.
    let mut baseline = i64::MIN;
    for k in 0..WARM_UP_ROUNDS {
        round(&mut context, &mut report, k);
        baseline = baseline.max(live());
    }
    reset_peak();
    for k in WARM_UP_ROUNDS..WARM_UP_ROUNDS + rounds {
        round(&mut context, &mut report, k);
        report.per_round.push(live());
    }
    report.rounds = usize::try_from(rounds).expect("rounds fit in memory");
    report.peak = peak();
    report.after_cleanup = live();
    report.baseline = baseline;
    let count = |context: &mut Context, name: &str| whole(number(context, &format!("C.{name}")));
    report.registrations = count(&mut context, "registered");
    report.symbol_tokens = count(&mut context, "symbolTokens");
    report.unregistered = count(&mut context, "unregistered");
    report.delivered = count(&mut context, "delivered");
    report.native_run = ran.get();
    let expected_native = report.native - report.native_cancelled;
    if report.native_run != expected_native {
        report.problems.push(format!(
            "{} native finalizers ran, expected {expected_native}",
            report.native_run
        ));
    }
    if report.delivered != report.registrations - report.unregistered {
        report.problems.push(format!(
            "{} callbacks delivered, expected {}",
            report.delivered,
            report.registrations - report.unregistered
        ));
    }
    // What is left: the `keep` cell of each registry, and nothing pending.
    let stats = boa_finalization::stats(&context);
    if (
        stats.live_cells,
        stats.awaiting_cleanup,
        stats.native_pending,
    ) != (registries, 0, 0)
    {
        report.problems.push(format!(
            "after cleanup, stats() shows {} live cells (expected {registries}: one per \
             registry), {} awaiting cleanup and {} native finalizers pending (expected 0): {stats:?}",
            stats.live_cells, stats.awaiting_cleanup, stats.native_pending
        ));
    }
    // Growth is what a long-running host cannot afford; ending below the warm-up's highest level
    // (tables that happened to settle smaller) is not a leak.
    let delta = report.after_cleanup - report.baseline;
    if delta * 100 > report.baseline {
        let per_round: Vec<i64> = report
            .per_round
            .iter()
            .map(|bytes| bytes - report.baseline)
            .collect();
        report.problems.push(format!(
            "memory after cleanup is {delta:+} B ({:+.2}%) above the baseline {} B \
             (over {} registrations and native finalizers); after each round: {} B",
            percent(delta, report.baseline),
            report.baseline,
            report.registrations + report.native,
            abbreviate(&per_round)
        ));
    }
    for problem in &mut report.problems {
        *problem = format!("soak ({}): {problem}", mix.name());
    }
    drop(long_lived);
    report.seconds = started.elapsed().as_secs_f64();
    report
}
