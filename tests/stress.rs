//! Stress and resources: many registrations, all delivered, memory back where it started (counted by
//! this binary's global allocator, per thread); registries and contexts dying with cells pending;
//! contexts sharing a thread or running on several; re-entrant callbacks.
//!
//! The default run uses small sizes. `cargo xtask stress --load 1000000` runs the ignored test
//! `load_from_env` in release mode with `STRESS_REGISTRATIONS=1000000 STRESS_REGISTRIES=100`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

mod common;

use boa_engine::Context;
use common::{context, eval, take_log, turn};

// ---------------------------------------------------------------------------------------------
// Counting allocator: live bytes and peak, per thread (boa_gc's heap is per thread, so a thread's
// count is the memory of its contexts, whatever the other tests do meanwhile).

struct Counting;

#[global_allocator]
static GLOBAL: Counting = Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // Const-initialized, destructor-free thread-locals: no allocation, usable in the allocator.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded unchanged to `System`; the counters do not touch the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        new
    }
}

fn live() -> isize {
    LIVE.with(Cell::get)
}

fn peak() -> isize {
    PEAK.with(Cell::get)
}

fn reset_peak() {
    let now = live();
    PEAK.with(|peak| peak.set(now));
}

// ---------------------------------------------------------------------------------------------
// Harness

fn number(context: &mut Context, code: &str) -> f64 {
    eval(context, code).as_number().expect("a number")
}

/// Runs `f` on a fresh thread (a fresh boa_gc heap and fresh allocation counters).
fn on_fresh_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

// ---------------------------------------------------------------------------------------------
// Load

/// What one load run measured (bytes, per thread).
#[derive(Debug)]
struct LoadReport {
    registrations: usize,
    registries: usize,
    /// Before the first (warm-up) round: the registries exist and have never held a cell.
    cold: isize,
    /// Before any target of the measured round exists, after the warm-up round (registries and the result array made, collected).
    baseline: isize,
    /// With every target alive and registered.
    registered: isize,
    /// The same targets alive, before registering: `registered - targets_only` is the crate's cost.
    targets_only: isize,
    /// Highest live count during the run.
    peak: isize,
    /// After every target was dropped, every callback delivered, and a collection.
    after_cleanup: isize,
    /// After the registries were dropped too, and a collection.
    after_registries_dropped: isize,
    delivered: u64,
    seconds: f64,
}

impl LoadReport {
    fn print(&self) {
        let mib = |b: isize| b as f64 / (1024.0 * 1024.0);
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
            (self.registered - self.targets_only) as f64 / self.registrations as f64,
            mib(self.after_cleanup),
            delta,
            delta as f64 * 100.0 / self.baseline as f64,
            mib(self.after_registries_dropped),
            self.after_registries_dropped - self.baseline,
            mib(self.cold),
            self.baseline - self.cold,
            (self.baseline - self.cold) as f64 / self.registrations as f64,
        );
    }
}

/// `registrations` registrations over `registries` registries, all targets alive at once, then all
/// dropped and cleaned; checks that every callback arrived exactly once with its held value.
fn load(registrations: usize, registries: usize) -> LoadReport {
    let started = std::time::Instant::now();
    let mut context = context();
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
    let round = |context: &mut Context, measure: bool| -> (isize, isize, isize) {
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
        boa_gc::force_collect();
        turn(context);
        assert_eq!(number(context, "bad"), 0.0, "a callback arrived twice");
        let missing = number(
            context,
            "(() => { let m = 0; for (let i = 0; i < N; i++) if (seen[i] !== 1) m++; return m; })()",
        );
        assert_eq!(
            missing, 0.0,
            "callbacks missing (measured round: {measure})"
        );
        boa_gc::force_collect();
        turn(context);
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
    boa_gc::force_collect();
    turn(&mut context);
    boa_gc::force_collect();
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

fn assert_back_within_one_percent(report: &LoadReport) {
    let delta = (report.after_cleanup - report.baseline).abs();
    assert!(
        delta * 100 <= report.baseline,
        "memory after cleanup is {delta} B away from the baseline {}: {report:?}",
        report.baseline
    );
    let delta = report.after_registries_dropped - report.baseline;
    assert!(
        delta * 100 <= report.baseline,
        "memory after dropping the registries grew by {delta} B: {report:?}"
    );
}

#[test]
fn many_registrations_all_delivered_and_memory_returns() {
    let report = on_fresh_thread(|| load(20_000, 20));
    report.print();
    assert_back_within_one_percent(&report);
}

/// The long version: `STRESS_REGISTRATIONS` (default 1e6) over `STRESS_REGISTRIES` (default 100).
/// Run by `cargo xtask stress --load N` (release mode).
#[test]
#[ignore = "long; run by `cargo xtask stress --load N`"]
fn load_from_env() {
    let var = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let registrations = var("STRESS_REGISTRATIONS", 1_000_000);
    let registries = var("STRESS_REGISTRIES", 100);
    let report = on_fresh_thread(move || load(registrations, registries));
    report.print();
    assert_back_within_one_percent(&report);
}

// ---------------------------------------------------------------------------------------------
// Registries and contexts that die with cells pending

/// Runs `scenario` `rounds` times on one thread and returns the live bytes after each round.
fn rounds(rounds: usize, scenario: impl Fn() + Send + 'static) -> Vec<isize> {
    on_fresh_thread(move || {
        (0..rounds)
            .map(|_| {
                scenario();
                boa_gc::force_collect();
                boa_gc::force_collect();
                live()
            })
            .collect()
    })
}

/// Memory after the warm-up rounds must not grow from round to round (measured: exactly 0 B when
/// nothing leaks; a leak of even a few bytes per cell would show as thousands here).
fn assert_no_growth(after: &[isize], what: &str) {
    let settled = &after[2..];
    let growth = settled.last().expect("rounds") - settled[0];
    assert!(
        growth <= 64,
        "{what}: memory grew by {growth} B over {} rounds: {after:?}",
        settled.len() - 1
    );
}

#[test]
fn a_registry_that_dies_with_cells_pending_is_freed_with_its_notification_state() {
    let after = rounds(6, || {
        let mut context = context();
        eval(
            &mut context,
            r"
            globalThis.fr = new FinalizationRegistry(v => log(v));
            globalThis.keep = [];
            (() => {
                for (let i = 0; i < 500; i++) {
                    fr.register({}, i);            // dies at once
                    const t = {}; keep.push(t);    // alive until the registry is gone
                    fr.register(t, 'k' + i, t);
                }
            })();
            gc();                                   // 500 cells awaiting cleanup
            fr = null;                              // the registry dies before its cleanup job
            gc();
            keep = null;                            // then the other targets die
            gc();
            ",
        );
        turn(&mut context);
        assert!(
            take_log(&mut context).is_empty(),
            "a dead registry called back"
        );
        let stats = boa_finalization::stats(&context);
        assert_eq!(stats.registries, 0, "{stats:?}");
        assert_eq!(stats.callbacks_delivered, 0);
    });
    assert_no_growth(&after, "dead registries");
}

#[test]
fn a_context_dropped_with_pending_cells_neither_crashes_nor_leaks() {
    let after = rounds(6, || {
        let mut context = context();
        eval(
            &mut context,
            r"
            globalThis.fr = new FinalizationRegistry(v => log(v));
            globalThis.alive = [];
            (() => {
                for (let i = 0; i < 500; i++) {
                    fr.register({}, i);
                    const t = {}; alive.push(t); fr.register(t, 'alive', t);
                }
            })();
            gc();
            ",
        );
        // Dropped with 500 cells awaiting cleanup, 500 live ones and their notes in the heap.
        drop(context);
        boa_gc::force_collect();
    });
    assert_no_growth(&after, "dropped contexts");
}

/// The smallest case of the leak above: one registry, no cell. Each round leaks 160 B (the
/// registry's `Inbox` and the context's `CleanupQueue` keep each other alive once the registry's
/// finalizer has queued the inbox after the context was dropped), plus 72 B per further registry and
/// 8 B per cell awaiting cleanup.
#[test]
fn a_context_dropped_with_a_live_registry_frees_its_cleanup_state() {
    let after = rounds(6, || {
        let mut context = context();
        eval(
            &mut context,
            "globalThis.fr = new FinalizationRegistry(v => log(v));",
        );
        drop(context);
    });
    assert_no_growth(&after, "a context dropped with one registry");
}

#[test]
fn a_context_dropped_while_another_context_collects() {
    on_fresh_thread(|| {
        let mut survivor = context();
        eval(
            &mut survivor,
            "globalThis.fr = new FinalizationRegistry(v => log(v)); (() => fr.register({}, 'mine'))();",
        );
        for _ in 0..3 {
            let mut doomed = context();
            eval(
                &mut doomed,
                "globalThis.fr = new FinalizationRegistry(v => log(v)); (() => { for (let i = 0; i < 100; i++) fr.register({}, i); })();",
            );
            drop(doomed);
            // The dropped context's notes fire inside the survivor's collection.
            eval(&mut survivor, "gc();");
            turn(&mut survivor);
        }
        assert_eq!(take_log(&mut survivor), ["mine"]);
    });
}

#[test]
fn two_contexts_on_one_thread_never_see_each_others_callbacks() {
    on_fresh_thread(|| {
        let mut a = context();
        let mut b = context();
        for (context, name) in [(&mut a, "a"), (&mut b, "b")] {
            eval(
                context,
                &format!(
                    "globalThis.fr = new FinalizationRegistry(v => log(v)); (() => {{ for (let i = 0; i < 50; i++) fr.register({{}}, '{name}' + i); }})();"
                ),
            );
        }
        // One collection, run from `a`, finds the dead targets of both.
        eval(&mut a, "gc();");
        turn(&mut a);
        let log_a = take_log(&mut a);
        assert_eq!(log_a.len(), 50);
        assert!(log_a.iter().all(|v| v.starts_with('a')), "{log_a:?}");
        assert!(take_log(&mut b).is_empty());
        turn(&mut b);
        let log_b = take_log(&mut b);
        assert_eq!(log_b.len(), 50);
        assert!(log_b.iter().all(|v| v.starts_with('b')), "{log_b:?}");
    });
}

#[test]
fn a_context_per_thread_on_several_threads_at_once() {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let mut context = context();
                for round in 0..5 {
                    eval(
                        &mut context,
                        &format!(
                            "globalThis.fr = new FinalizationRegistry(v => log(v)); (() => {{ for (let i = 0; i < 400; i++) fr.register({{}}, 't{t}r{round}i' + i); }})(); gc();"
                        ),
                    );
                    turn(&mut context);
                    let log = take_log(&mut context);
                    assert_eq!(log.len(), 400, "thread {t} round {round}");
                    assert!(log.iter().all(|v| v.starts_with(&format!("t{t}r{round}i"))));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("thread");
    }
}

// ---------------------------------------------------------------------------------------------
// Re-entrancy

#[test]
fn gc_inside_a_callback() {
    let mut context = context();
    eval(
        &mut context,
        r"
        globalThis.fr = new FinalizationRegistry(v => {
            log(v);
            if (v === 'first') { second = null; gc(); }
        });
        globalThis.second = {};
        fr.register(second, 'second');
        (() => fr.register({}, 'first'))();
        gc();
        ",
    );
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["first", "second"]);
}

#[test]
fn a_callback_that_unregisters_its_own_remaining_cells() {
    let mut context = context();
    eval(
        &mut context,
        r"
        globalThis.token = {};
        globalThis.fr = new FinalizationRegistry(v => log(v + ' ' + fr.unregister(token)));
        (() => { for (let i = 0; i < 10; i++) fr.register({}, i, token); })();
        gc();
        ",
    );
    turn(&mut context);
    let log = take_log(&mut context);
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(log[0].ends_with(" true"), "{log:?}");
    let stats = boa_finalization::stats(&context);
    assert_eq!(stats.live_cells + stats.awaiting_cleanup, 0, "{stats:?}");
    eval(&mut context, "gc();");
    turn(&mut context);
    assert!(take_log(&mut context).is_empty());
}

#[test]
fn a_callback_that_registers_into_the_registry_being_cleaned() {
    let mut context = context();
    eval(
        &mut context,
        r"
        globalThis.kept = {};
        globalThis.fr = new FinalizationRegistry(v => {
            log(v);
            if (v < 100) {
                fr.register({}, v + 1);       // dies at once
                fr.register(kept, 'kept');    // stays alive
                gc();
            }
        });
        (() => fr.register({}, 0))();
        gc();
        ",
    );
    turn(&mut context);
    let log = take_log(&mut context);
    let expected: Vec<String> = (0..=100).map(|i| i.to_string()).collect();
    assert_eq!(log, expected);
    let stats = boa_finalization::stats(&context);
    assert_eq!(stats.live_cells, 100, "{stats:?}");
}

#[test]
fn a_registry_collected_during_its_own_cleanup() {
    on_fresh_thread(|| {
        let mut context = context();
        eval(
            &mut context,
            r"
            globalThis.calls = 0;
            globalThis.fr = new FinalizationRegistry(v => {
                log(v);
                fr = null;   // the registry is now unreachable from the script
                gc();
                gc();
            });
            (() => { for (let i = 0; i < 20; i++) fr.register({}, i); })();
            gc();
            ",
        );
        turn(&mut context);
        let log = take_log(&mut context);
        // The spec lets the remaining callbacks be skipped or made; each at most once.
        assert!(!log.is_empty() && log.len() <= 20, "{log:?}");
        let mut unique = log.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), log.len(), "{log:?}");
        eval(&mut context, "gc();");
        turn(&mut context);
        assert!(take_log(&mut context).is_empty());
        assert_eq!(boa_finalization::stats(&context).registries, 0);
    });
}

/// The strict reading of "memory returns to where it started": compared with registries that never
/// held a cell. boa_gc's weak map keeps its peak table capacity after its entries die (~14.7 B per
/// entry); a registry replaces its notes map once every note in it has fired, which gives it back.
#[test]
fn memory_returns_to_the_level_of_registries_that_never_held_cells() {
    let report = on_fresh_thread(|| load(20_000, 20));
    report.print();
    let delta = (report.after_cleanup - report.cold).abs();
    assert!(
        delta * 100 <= report.cold,
        "after cleanup {delta} B above registries that never held a cell: {report:?}"
    );
}
