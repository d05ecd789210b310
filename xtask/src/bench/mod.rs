//! `cargo xtask bench`: this crate's `FinalizationRegistry` against Boa 0.22's built-in one in the
//! same run, with the floors that bound what any registry can cost.
//!
//! Every workload runs several times, alternating the registries run by run (A B, B A, ...). Each
//! run is a fresh worker process (`xtask bench --worker JOB`, the same binary), so that it starts
//! with a fresh boa_gc heap (whose collection threshold only grows) and a fresh C heap, whatever ran
//! before it. The report gives medians, the median of the per-run ratios extension/builtin, the
//! scaling exponent between N points, bytes per registration (counted exactly by the bench binary's
//! global allocator) and a verdict per target.

mod report;
mod weak_family;
mod weak_floor;
mod workloads;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::gc_stress::StressLevel;
use report::{Report, Series};
use weak_family::{KeyKind, WeakOp, WeakRun};
use workloads::{CleanupRun, Impl, Job, MemCase, Memory, OneTarget, UnregisterRun};

/// Arguments of `cargo xtask bench`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Fewer runs per workload and a shorter cap on the builtin's quadratic runs (under two minutes).
    #[arg(long)]
    quick: bool,
    /// Also write every measurement (all runs) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write the report, with date and machine description, as Markdown to FILE
    /// (e.g. bench/RESULTS.md).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Runs per workload and registry (default: 3 with --quick, 5 otherwise).
    #[arg(long, value_name = "K")]
    runs: Option<usize>,
    /// Time limit in seconds for one run of the builtin's quadratic unregister workload
    /// (default: 12 with --quick, 30 otherwise; the builtin needs about 80 s for 1e5).
    #[arg(long, value_name = "SECONDS")]
    cap: Option<f64>,
    /// Run only these workloads (comma separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    only: Vec<Workload>,
    /// Internal: run one measurement in this process and print it as JSON.
    #[arg(long, hide = true, value_name = "JOB")]
    worker: Option<String>,
}

/// The workloads `--only` can pick.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Workload {
    Register,
    Unregister,
    Cleanup,
    Pool,
    OneTarget,
    Gc,
    Context,
    Collect,
    GcRegistry,
    Memory,
    /// WeakMap/WeakSet/WeakRef operations, extension against plain Boa.
    Weak,
    /// The cost per task of each GC-stress level (`CleanupExecutor::with_gc_stress`).
    GcStress,
}

/// A workload timed as a whole, one figure per run (the GC-heavy script and the overhead rows).
struct WholeRun {
    workload: Workload,
    /// The report's row.
    row: &'static str,
    /// What the job gets besides the registry: GC rounds, or contexts or collections per run.
    size: usize,
    imps: &'static [Impl],
    runs: usize,
    /// The progress line, from the number of runs and `size`.
    progress: fn(usize, usize) -> String,
    job: fn(Impl, usize) -> Job,
}

/// The overhead rows compare one registry in use against none at all.
const OVERHEAD_IMPS: &[Impl] = &[Impl::Extension, Impl::Builtin, Impl::NoRegistry];

/// The workloads timed as a whole. The GC-heavy runs and the overhead rows (one registry in use
/// against none at all) get more runs than elsewhere because their goals are within a few percent
/// on a shared machine; each overhead run is one worker process reporting the median of its own
/// repetitions, and runs alternate the three configurations.
fn whole_runs(quick: bool, runs: usize) -> [WholeRun; 4] {
    let (rounds, contexts, collections) = if quick { (20, 15, 51) } else { (40, 31, 101) };
    let runs = overhead_runs(runs);
    [
        WholeRun {
            workload: Workload::Gc,
            row: "gc-heavy, no registry",
            size: rounds,
            imps: &[Impl::Extension, Impl::Builtin],
            runs,
            progress: |runs, _| format!("GC-heavy script without registries ({runs} runs)"),
            job: Job::GcHeavy,
        },
        WholeRun {
            workload: Workload::Context,
            row: "context",
            size: contexts,
            imps: OVERHEAD_IMPS,
            runs,
            progress: |runs, count| {
                format!("context + one registry vs context + one WeakMap ({runs} runs of {count})")
            },
            job: Job::Context,
        },
        WholeRun {
            workload: Workload::Collect,
            row: "collect",
            size: collections,
            imps: OVERHEAD_IMPS,
            runs,
            progress: |runs, count| {
                format!("full collection, one live registry vs none ({runs} runs of {count})")
            },
            job: Job::Collect,
        },
        WholeRun {
            workload: Workload::GcRegistry,
            row: "gc-heavy, one registry",
            size: rounds,
            imps: OVERHEAD_IMPS,
            runs,
            progress: |runs, _| format!("GC-heavy script with one registry vs none ({runs} runs)"),
            job: Job::GcRegistry,
        },
    ]
}

/// Runs of the workloads whose goals are within a few percent: more than elsewhere.
fn overhead_runs(runs: usize) -> usize {
    runs * 2 + 1
}

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const POOL: usize = 10_000;
/// Cells on one target for the `one-target` rows (issue 17: unregister was O(cells of the object)).
pub(crate) const ONE_TARGET_SIZES: [usize; 3] = [20_000, 40_000, 80_000];

/// `cargo xtask` runs in the dev profile, where the library and the workloads are not optimised:
/// the bench runs again as a release build with the same arguments.
fn run_in_release() -> ExitCode {
    eprintln!(
        "xtask bench: measuring needs a release build; running `cargo run --release -p xtask`"
    );
    let status = std::process::Command::new(env!("CARGO"))
        .args(["run", "--release", "--package", "xtask", "--"])
        .args(std::env::args_os().skip(1))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("xtask bench: could not run cargo: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the command.
pub(crate) fn run(args: Args) -> ExitCode {
    if let Some(job) = &args.worker {
        let job: Job = match serde_json::from_str(job) {
            Ok(job) => job,
            Err(error) => {
                eprintln!("xtask bench: bad worker job {job}: {error}");
                return ExitCode::FAILURE;
            }
        };
        println!("{}", job.run_here());
        return ExitCode::SUCCESS;
    }
    if cfg!(debug_assertions) {
        return run_in_release();
    }
    let runs = args.runs.unwrap_or(if args.quick { 3 } else { 5 }).max(1);
    let cap = Duration::from_secs_f64(args.cap.unwrap_or(if args.quick { 12.0 } else { 30.0 }));
    let wants = |workload: Workload| args.only.is_empty() || args.only.contains(&workload);
    let started = Instant::now();
    let mut report = Report::new(runs, cap, args.quick);

    if wants(Workload::Register) {
        for n in SIZES {
            progress(&format!("register N={n}"));
            let imps = [
                Impl::Extension,
                Impl::Builtin,
                Impl::FloorWeakMap,
                Impl::FloorWeakRef,
                Impl::FloorAlloc,
            ];
            let runs = alternate(runs, &imps, |imp| Job::Register(imp, n).secs());
            for (imp, secs) in imps.iter().zip(runs) {
                report.add("register", n, *imp, Series::timed(secs, n));
            }
        }
    }
    if wants(Workload::Unregister) {
        for n in SIZES {
            progress(&format!("register with token + unregister N={n}"));
            let imps = [Impl::Extension, Impl::Builtin];
            let runs = alternate(runs, &imps, |imp| {
                Job::Unregister(imp, n, cap).run::<UnregisterRun>()
            });
            for (imp, runs) in imps.iter().zip(runs) {
                let register = runs.iter().map(|run| run.register.as_secs_f64()).collect();
                report.add("register+token", n, *imp, Series::timed(register, n));
                let unregister = runs
                    .iter()
                    .map(|run| run.unregister.as_secs_f64())
                    .collect();
                let done = runs.iter().map(|run| run.done).collect();
                report.add("unregister", n, *imp, Series::capped(unregister, done, n));
            }
        }
    }
    if wants(Workload::Cleanup) {
        for n in SIZES {
            progress(&format!("cleanup N={n}"));
            let imps = [Impl::Extension, Impl::Builtin, Impl::FloorWeakMap];
            let runs = alternate(runs, &imps, |imp| Job::Cleanup(imp, n).run::<CleanupRun>());
            for (imp, runs) in imps.iter().zip(runs) {
                let series = |secs: fn(&CleanupRun) -> Duration| {
                    runs.iter().map(|run| secs(run).as_secs_f64()).collect()
                };
                let delivered: Vec<usize> = runs.iter().map(|run| run.delivered).collect();
                report.add(
                    "cleanup",
                    n,
                    *imp,
                    Series::delivered(
                        series(|run| run.collect + run.deliver),
                        delivered.clone(),
                        n,
                    ),
                );
                report.add(
                    "cleanup: collection",
                    n,
                    *imp,
                    Series::delivered(series(|run| run.collect), delivered.clone(), n),
                );
                report.add(
                    "cleanup: delivery",
                    n,
                    *imp,
                    Series::delivered(series(|run| run.deliver), delivered, n),
                );
            }
        }
    }
    if wants(Workload::Pool) {
        progress(&format!(
            "pool {POOL} live + {POOL} unregister/register pairs"
        ));
        let imps = [Impl::Extension, Impl::Builtin];
        let runs = alternate(runs, &imps, |imp| Job::Pool(imp, POOL, POOL).secs());
        for (imp, secs) in imps.iter().zip(runs) {
            report.add("pool", POOL, *imp, Series::timed(secs, POOL));
        }
    }
    if wants(Workload::OneTarget) {
        for (pattern, workload) in [
            (OneTarget::UnregisterTarget, report::UNREGISTER_TARGET),
            (OneTarget::TokenChurn, report::TOKEN_CHURN),
        ] {
            for n in ONE_TARGET_SIZES {
                progress(&format!("{workload} N={n}"));
                let runs = alternate(runs, &[Impl::Extension], |imp| {
                    Job::OneTarget(imp, n, pattern).secs()
                });
                for secs in runs {
                    report.add(workload, n, Impl::Extension, Series::timed(secs, n));
                }
            }
        }
    }
    for whole in whole_runs(args.quick, runs) {
        if wants(whole.workload) {
            progress(&(whole.progress)(whole.runs, whole.size));
            let runs = alternate(whole.runs, whole.imps, |imp| {
                (whole.job)(imp, whole.size).secs()
            });
            for (imp, secs) in whole.imps.iter().zip(runs) {
                report.add(whole.row, whole.size, *imp, Series::timed(secs, 1));
            }
        }
    }
    if wants(Workload::Weak) {
        let n = 100_000;
        let overhead_runs = overhead_runs(runs);
        for op in WeakOp::ALL {
            progress(&format!(
                "weak family: {} N={n} ({overhead_runs} runs)",
                op.label()
            ));
            let runs: Vec<WeakRun> = (0..overhead_runs).map(|_| Job::Weak(op, n).run()).collect();
            let series = |secs: fn(&WeakRun) -> Duration| {
                Series::timed(runs.iter().map(|run| secs(run).as_secs_f64()).collect(), n)
            };
            let object = op.workload(KeyKind::Object);
            report.add(object, n, Impl::Extension, series(|run| run.extension));
            report.add(object, n, Impl::NoRegistry, series(|run| run.plain));
            report.add(object, n, Impl::FloorForward, series(|run| run.floor));
            // Plain Boa rejects symbol keys: the extension's symbol row stands beside its object row.
            let symbol = op.workload(KeyKind::Symbol);
            report.add(symbol, n, Impl::Extension, series(|run| run.symbols));
        }
        weak_instructions(&mut report);
    }
    if wants(Workload::GcStress) {
        gc_stress_rows(&mut report, runs);
    }
    if wants(Workload::Memory) {
        progress("memory");
        let n = 100_000;
        let cases = [
            (Impl::Extension, MemCase::Plain),
            (Impl::Builtin, MemCase::Plain),
            (Impl::FloorWeakMap, MemCase::Plain),
            (Impl::FloorWeakRef, MemCase::Plain),
            (Impl::FloorAlloc, MemCase::Plain),
            (Impl::Extension, MemCase::Token),
            (Impl::Builtin, MemCase::Token),
            (Impl::FloorWeakMap, MemCase::Token),
            (Impl::FloorAlloc, MemCase::Token),
            (Impl::Extension, MemCase::SelfToken),
            (Impl::Builtin, MemCase::SelfToken),
            (Impl::Extension, MemCase::Again),
            (Impl::Builtin, MemCase::Again),
        ];
        for (imp, case) in cases {
            let memory = Job::Memory(imp, case, n).run::<Memory>();
            report.add_memory(imp, case, n, memory);
        }
    }

    let elapsed = started.elapsed();
    progress(&format!("done in {:.1} s", elapsed.as_secs_f64()));
    let markdown = report.markdown(elapsed);
    println!("{markdown}");
    if let Some(path) = &args.markdown {
        let document = format!("{}\n{markdown}", report::environment(elapsed, args.quick));
        if let Err(error) = write_file(path, &document) {
            eprintln!("xtask bench: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report.json(elapsed)).expect("serializable");
        if let Err(error) = write_file(path, &json) {
            eprintln!("xtask bench: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Live objects for the GC-stress rows, and tasks per run.
const STRESS_LIVE: [usize; 2] = [1_000, 10_000];
const STRESS_TASKS: usize = 40;

/// The GC-stress rows: a task (a generic job and two promise jobs) with N live objects, without
/// stress and at each level, runs alternating the three.
fn gc_stress_rows(report: &mut Report, runs: usize) {
    let levels = [None, Some(StressLevel::Task), Some(StressLevel::Job)];
    for live in STRESS_LIVE {
        progress(&format!(
            "gc-stress: {STRESS_TASKS} tasks, {live} live objects, off/task/job ({runs} runs)"
        ));
        let runs = alternate(runs, &levels, |level| {
            Job::StressedTasks(level, live, STRESS_TASKS).secs()
        });
        for (level, secs) in levels.iter().zip(runs) {
            report.add(
                report::stress_workload(*level),
                live,
                Impl::Extension,
                Series::timed(secs, STRESS_TASKS),
            );
        }
    }
}

/// Keys per loop under callgrind (which runs the worker about 50 times slower).
const INSTRUCTION_KEYS: usize = 20_000;

/// The weak family's instruction counts, extension against plain Boa (skipped without valgrind).
fn weak_instructions(report: &mut Report) {
    for op in WeakOp::ALL {
        progress(&format!(
            "weak family: {} N={INSTRUCTION_KEYS}, instructions under callgrind",
            op.label()
        ));
        for imp in [Impl::Extension, Impl::FloorForward, Impl::NoRegistry] {
            let Some(per_op) = weak_family::instructions_per_op(imp, op, INSTRUCTION_KEYS) else {
                progress("valgrind not found or failed: no instruction counts");
                return;
            };
            report.add_instructions(op, imp, per_op);
        }
    }
}

fn write_file(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, contents)
}

fn progress(message: &str) {
    eprintln!("xtask bench: {message}");
}

/// Runs `measure` `runs` times for each implementation, alternating their order from one run to the
/// next; returns the results per implementation, in run order.
fn alternate<I: Copy, T>(runs: usize, imps: &[I], mut measure: impl FnMut(I) -> T) -> Vec<Vec<T>> {
    let mut results: Vec<Vec<T>> = imps.iter().map(|_| Vec::with_capacity(runs)).collect();
    for run in 0..runs {
        let mut order: Vec<usize> = (0..imps.len()).collect();
        if run % 2 == 1 {
            order.reverse();
        }
        for index in order {
            results[index].push(measure(imps[index]));
        }
    }
    results
}

/// The median of `values`: the middle one, or the mean of the two middle ones; NaN if there are
/// none. The one median of the bench (times, ratios, counts).
pub(crate) fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        f64::midpoint(sorted[mid - 1], sorted[mid])
    }
}
