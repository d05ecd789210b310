//! `cargo xtask stress`: the long modes of the reliability checks.
//!
//! - model check (default): `--seeds N` random programs from `--start S` on, checked against the
//!   reference model; every 8th group also runs two programs interleaved in two `Context`s of one
//!   thread; programs run on `--jobs` threads at once (a `Context` per thread). A failing seed is
//!   shrunk and written as a script `finreg --expose-gc` replays. With `--gc-stress task|job`, the
//!   job loop forces a full collection at every checkpoint or before every job, and the harness
//!   one before every turn without the loop: a collection at every step.
//! - `--fuzz N`: N random calls of the constructor, `register` and `unregister` (and of the weak family) with arbitrary
//!   values and `this`; every outcome must be the spec's (normal result or TypeError), no panic.
//! - `--load N`: N registrations over `--registries` registries, all alive at once, then dropped and
//!   cleaned up; every callback must arrive once, and the memory must come back within 1%.
//! - `--soak N`: a long-lived host: N registrations and native finalizers in rounds, on registries
//!   that keep a live cell, with fresh symbol tokens, `unregister` and `on_collected` + `cancel` on
//!   one long-lived object; after cleanup (collect + cleanup jobs until quiet) the memory must be
//!   back within 1% of the level after the first round.
//!
//! Memory is counted by the test kit's counting allocator (this binary's global allocator), for the
//! thread that runs the check. `cargo xtask stress --seeds 0 --fuzz 0 --soak 0 --load 1000000`
//! runs only the load test, and so on.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

pub(crate) mod fuzz;
pub(crate) mod load;

use crate::gc_stress::{self, StressLevel};
use boa_finalization_testkit::modelcheck::{
    self, FailKind, GenConfig, Program, Totals, generate, harness, shrink,
};

/// Arguments of `cargo xtask stress`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Number of random programs (seeds) to check against the model.
    #[arg(long, default_value_t = 2000)]
    seeds: u64,
    /// First seed (default: derived from the clock, printed so a run can be repeated).
    #[arg(long)]
    start: Option<u64>,
    /// Run only this seed, printing its script and log on failure.
    #[arg(long)]
    seed: Option<u64>,
    /// With --seed: print the program as a `finreg --expose-gc` script instead of checking it.
    #[arg(long, requires = "seed")]
    script: bool,
    /// Steps per program (each: up to --acts actions, then a job-loop turn).
    #[arg(long, default_value_t = 16)]
    steps: usize,
    /// Maximum actions per step.
    #[arg(long, default_value_t = 10)]
    acts: usize,
    /// Programs without hostile changes to globals (then the extension is installed before any
    /// script code, as before).
    #[arg(long)]
    no_hostile: bool,
    /// Programs without native finalizers (`on_collected`, `cancel`).
    #[arg(long)]
    no_native: bool,
    /// Worker threads (each runs its own Contexts).
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Number of fuzz executions (API calls with arbitrary arguments and `this`).
    #[arg(long, default_value_t = 200_000)]
    fuzz: u64,
    /// Registrations for the load test (0: skip it).
    #[arg(long, default_value_t = 0)]
    load: u64,
    /// Registries for the load test and the soak.
    #[arg(long, default_value_t = 100)]
    registries: usize,
    /// Registrations and native finalizers for the soak (0: skip it).
    #[arg(long, default_value_t = 1_000_000)]
    soak: u64,
    /// Registrations and native finalizers per soak round (each round ends with a cleanup).
    #[arg(long, default_value_t = 20_000)]
    soak_round: usize,
    /// Check Boa 0.22's built-in FinalizationRegistry instead of this crate's (it is expected to
    /// fail: this shows what the checker catches).
    #[arg(long)]
    against_builtin: bool,
    /// Where reproduction scripts of failing seeds go.
    #[arg(long, default_value = "target/stress")]
    out: PathBuf,
    /// Shrinking budget (programs tried per failing seed).
    #[arg(long, default_value_t = 3000)]
    shrink_budget: usize,
    /// Model-check with collections forced by the job loop: at every checkpoint (`task`) or before
    /// every job (`job`), and at every step.
    #[arg(long, value_enum, value_name = "LEVEL")]
    gc_stress: Option<StressLevel>,
}

/// Runs the command.
pub(crate) fn run(args: Args) -> ExitCode {
    let mut ok = true;
    let config = GenConfig {
        steps: args.steps,
        acts_per_step: args.acts,
        hostile: !args.no_hostile,
        native: !args.no_native,
        ..GenConfig::default()
    };
    if let (Some(seed), true) = (args.seed, args.script) {
        let program = generate(seed, &config);
        let none = modelcheck::Failure {
            kind: FailKind::Harness,
            message: "none: the unshrunk program of this seed".into(),
            step: program.steps.len() - 1,
            replay_check: None,
        };
        print!("{}", shrink::replay_script(&program, &none));
        return ExitCode::SUCCESS;
    }
    if let Some(seed) = args.seed {
        return if check_seeds(seed, 1, &config, 1, &args) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    if args.against_builtin {
        return against_builtin(args.start.unwrap_or(0), args.seeds.min(500), &config);
    }
    // Panics are caught and reported as failures (with their message); the default hook would
    // print a backtrace for each.
    std::panic::set_hook(Box::new(|_| {}));
    if args.seeds > 0 {
        let start = args.start.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() % 1_000_000 * 1000)
        });
        ok &= check_seeds(start, args.seeds, &config, args.jobs.max(1), &args);
    }
    if args.fuzz > 0 {
        let seed = args.start.unwrap_or(0);
        ok &= fuzz::run(seed, args.fuzz, args.jobs.max(1));
    }
    if args.load > 0 {
        ok &= load::load(args.load, args.registries);
    }
    if args.soak > 0 {
        ok &= load::soak(args.soak, args.soak_round.max(1), args.registries);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Checks seeds `start..start + count` on `jobs` threads; prints totals and, for each failing seed,
/// a shrunk reproduction script. True when nothing failed.
fn check_seeds(start: u64, count: u64, config: &GenConfig, jobs: usize, args: &Args) -> bool {
    let stress = gc_stress::setting(args.gc_stress);
    println!(
        "model check: seeds {start}..{} ({count} programs of {} steps x up to {} actions), {jobs} threads{}",
        start + count,
        config.steps + 3,
        config.acts_per_step,
        args.gc_stress.map_or(String::new(), |level| format!(
            ", --gc-stress {}",
            level.name()
        ))
    );
    let began = Instant::now();
    // Each seed's run still gets a thread of its own (`run_isolated`: a fresh boa_gc heap, a panic
    // caught as a failure); rayon only hands the seeds out, in order.
    let (totals, failing) = pool(jobs).install(|| {
        (0..count)
            .into_par_iter()
            .map(|i| {
                let seed = start + i;
                // Every 8th seed also runs next to another program, in two Contexts of one thread.
                let programs: Vec<Program> = if i % 8 == 7 {
                    vec![generate(seed, config), generate(seed ^ (1 << 63), config)]
                } else {
                    vec![generate(seed, config)]
                };
                let outcomes = harness::run_isolated_with(programs.clone(), stress);
                let mut totals = Totals::default();
                let mut failing = Vec::new();
                for (program, outcome) in programs.into_iter().zip(outcomes) {
                    totals.add(&program, &outcome);
                    if let Some(failure) = outcome.failure {
                        failing.push((program, failure));
                    }
                }
                (totals, failing)
            })
            .reduce(
                || (Totals::default(), Vec::new()),
                |(mut totals, mut failing), (more, failed)| {
                    totals.merge(&more);
                    failing.extend(failed);
                    (totals, failing)
                },
            )
    });
    let c = totals.counts;
    println!(
        "model check: {} programs, {} actions, {} events replayed, {} callbacks checked, {} \
         deliveries required after gc()+turn, {} register/unregister outcomes ({} TypeErrors), {} \
         reported errors, {} native finalizers checked, {} hostile changes to globals, {} weak-family \
         operations; {} failing programs ({:.1} s)",
        totals.programs,
        totals.actions,
        c.events,
        c.callbacks,
        c.required,
        c.outcomes,
        c.type_errors,
        c.reports,
        c.natives,
        c.hostile,
        c.weak,
        totals.failures,
        began.elapsed().as_secs_f64()
    );
    let _ = std::fs::create_dir_all(&args.out);
    // The first failing seed of each kind is shrunk into a script; the others are listed (a defect
    // usually fails many seeds the same way, and shrinking each would take long).
    let mut by_kind = std::collections::BTreeMap::<String, Vec<u64>>::new();
    for (program, failure) in &failing {
        let seeds = by_kind.entry(format!("{:?}", failure.kind)).or_default();
        if seeds.is_empty() {
            report_failure(program, failure, args);
        }
        seeds.push(program.seed);
    }
    for (kind, seeds) in &by_kind {
        let shown: Vec<String> = seeds.iter().take(12).map(u64::to_string).collect();
        println!(
            "{kind}: {} failing seeds: {}{}",
            seeds.len(),
            shown.join(" "),
            if seeds.len() > shown.len() {
                " ..."
            } else {
                ""
            }
        );
    }
    failing.is_empty()
}

/// A rayon pool of `jobs` threads (the generators and the harness are light: the programs run on
/// threads of their own).
pub(crate) fn pool(jobs: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .expect("thread pool")
}

fn report_failure(program: &Program, failure: &modelcheck::Failure, args: &Args) {
    println!("FAILED seed {}: {failure}", program.seed);
    let stress = gc_stress::setting(args.gc_stress);
    let rerun = |candidate: &Program| {
        harness::run_isolated_with(vec![candidate.clone()], stress)
            .pop()
            .and_then(|outcome| outcome.failure)
    };
    // A failure seen only next to another program cannot be shrunk alone; keep the original.
    let (shrunk, shrunk_failure) = match rerun(program) {
        Some(f) if f.kind == failure.kind => shrink::shrink(program, f, args.shrink_budget, rerun),
        _ => {
            println!("  (does not fail when run alone; not shrunk)");
            (program.clone(), failure.clone())
        }
    };
    let path = args.out.join(format!("seed-{}.js", program.seed));
    let script = shrink::replay_script(&shrunk, &shrunk_failure);
    match std::fs::write(&path, &script) {
        Ok(()) => println!(
            "  shrunk from {} to {} actions: {shrunk_failure}\n  reproduce: cargo run --bin finreg -- --expose-gc{} {}\n  rerun:     cargo xtask stress --seed {}{}",
            modelcheck::size(program),
            modelcheck::size(&shrunk),
            args.gc_stress.map_or(String::new(), |level| format!(
                " --gc-stress={}",
                level.name()
            )),
            path.display(),
            program.seed,
            args.gc_stress.map_or(String::new(), |level| format!(
                " --gc-stress {}",
                level.name()
            )),
        ),
        Err(error) => println!("  cannot write {}: {error}", path.display()),
    }
    if shrunk_failure.kind == FailKind::Panic {
        println!("  (a panic: finreg shows it as exit status 101)");
    }
}

/// Runs seeds against Boa's built-in registry and counts the failures by kind.
fn against_builtin(start: u64, count: u64, config: &GenConfig) -> ExitCode {
    let mut kinds = std::collections::BTreeMap::<String, u64>::new();
    let mut examples = std::collections::BTreeMap::<String, String>::new();
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for seed in start..start + count {
        let program = generate(seed, config);
        let outcome = std::thread::spawn(move || harness::run_with(&program, true))
            .join()
            .map_or_else(
                |_| Some("Panic".to_string()),
                |o| {
                    o.failure.map(|f| {
                        let kind = format!("{:?}", f.kind);
                        examples
                            .entry(kind.clone())
                            .or_insert_with(|| f.to_string());
                        kind
                    })
                },
            );
        *kinds
            .entry(outcome.unwrap_or_else(|| "passed".into()))
            .or_default() += 1;
    }
    std::panic::set_hook(quiet);
    println!(
        "Boa 0.22 built-in registry, seeds {start}..{}: {kinds:?}",
        start + count
    );
    for (kind, example) in examples {
        println!("  e.g. {kind}: {example}");
    }
    ExitCode::SUCCESS
}
