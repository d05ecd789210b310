//! `cargo xtask test262`: runs the tc39/test262 tests that concern
//! `FinalizationRegistry` against `boa_finalization` (or, side by side,
//! against Boa's built-in registry) and checks the outcome against
//! `test262/expectations.toml`.
//!
//! Execution follows the suite's INTERPRETING.md: harness files, strict and
//! non-strict runs, modules, `negative` phases, async completion through
//! `print`, a `$262` host object, and a fresh `Context` per execution, each
//! on its own thread with a time limit.
//!
//! ```text
//! cargo xtask test262 [--suite DIR] [--registry extension|builtin] [PATTERN...]
//!                     [--json FILE] [--verbose] [--markdown-table] [--compare]
//!                     [--expectations FILE] [--timeout SECONDS] [--jobs N]
//!                     [--gc-stress task|job]
//! ```
//!
//! With `--gc-stress`, the extension's `CleanupExecutor` forces a full collection at every
//! checkpoint (`task`) or before every job (`job`); the outcomes must be the same as without.
//!
//! Exit status: 0 when every result matches the expectations file (and,
//! with `--compare`, both registries agree on every test), 1 on an
//! unexpected failure, an unexpected pass or an undeclared difference, 2 on
//! a setup error (no suite, unreadable expectations, no test selected).

mod compare;
mod execute;
mod expectations;
mod host;
mod metadata;
mod report;
mod selection;
mod suite;
mod verdict;

use std::{
    collections::BTreeSet,
    num::NonZeroUsize,
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
    thread,
    time::{Duration, Instant},
};

use rayon::prelude::*;

use test262_harness::{Description, Flag};

use crate::gc_stress::{self, StressLevel};

use self::{
    execute::Execution,
    expectations::{Agreement, Expectation, Expectations, Expected, agree},
    metadata::Mode,
    report::Progress,
    suite::{HarnessFiles, Suite},
    verdict::Verdict,
};

/// Which `FinalizationRegistry` the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub(crate) enum Registry {
    /// `boa_finalization`, installed into every realm.
    Extension,
    /// Boa 0.22's own global `FinalizationRegistry` (extension not installed).
    Builtin,
}

impl Registry {
    /// The name used on the command line, in the expectations file and in
    /// reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Extension => "extension",
            Self::Builtin => "builtin",
        }
    }
}

/// Arguments of `cargo xtask test262`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// test262 checkout (a directory with harness/ and test/); default:
    /// $TEST262_DIR, else test262/suite.
    #[arg(long, value_name = "DIR")]
    suite: Option<PathBuf>,

    /// Registry under test.
    #[arg(long, value_enum, default_value_t = Registry::Extension)]
    registry: Registry,

    /// Run every test whose path relative to test/ contains PATTERN (a
    /// prefix such as built-ins/WeakMap/ or any substring) instead of the
    /// default FinalizationRegistry selection; several are OR-ed.
    #[arg(value_name = "PATTERN")]
    patterns: Vec<String>,

    /// Write per-test results (path, mode, outcome, message) as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,

    /// Also list passing tests.
    #[arg(long, short)]
    verbose: bool,

    /// Run both registries and print a Markdown table (test directories x
    /// extension/builtin passed/total) on stdout.
    #[arg(long, conflicts_with = "registry")]
    markdown_table: bool,

    /// Run both registries and fail unless they give every test the same
    /// outcome in every mode (differences declared in the expectations
    /// file excepted).
    #[arg(long, conflicts_with = "registry")]
    compare: bool,

    /// Expectations file; default: test262/expectations.toml.
    #[arg(long, value_name = "FILE")]
    expectations: Option<PathBuf>,

    /// Time limit per execution, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    timeout: u64,

    /// Executions run in parallel; default: the number of CPUs.
    #[arg(long, short, value_name = "N")]
    jobs: Option<NonZeroUsize>,

    /// Force full collections in the extension's job loop: at every checkpoint (`task`) or before
    /// every job (`job`). Boa's built-in registry has its own loop and runs without.
    #[arg(long, value_enum, value_name = "LEVEL")]
    gc_stress: Option<StressLevel>,
}

/// Exit code for a run with unexpected failures or passes.
const EXIT_UNEXPECTED: u8 = 1;
/// Exit code for setup errors (no suite, bad expectations file, ...).
const EXIT_SETUP: u8 = 2;

/// Runs the suite and reports; exits non-zero on any unexpected failure or
/// unexpected pass, and on setup errors.
pub(crate) fn run(args: Args) -> ExitCode {
    match run_inner(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(EXIT_UNEXPECTED),
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(EXIT_SETUP)
        }
    }
}

/// The workspace root (the parent of `xtask/`).
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Does the work of [`run`]; `Ok(true)` when everything matched the
/// expectations.
fn run_inner(args: &Args) -> Result<bool, String> {
    let started = Instant::now();
    let workspace = workspace_root();
    let suite = suite::locate(
        args.suite.as_deref(),
        std::env::var_os(suite::SUITE_ENV).map(PathBuf::from),
        &workspace,
    )
    .map_err(|e| e.to_string())?;
    let (expectations_path, expectations) = load_expectations(args, &workspace)?;
    let selected = select(&suite, &args.patterns)?;
    if selected.is_empty() {
        return Err(format!(
            "error: no test in {} matches {:?}",
            suite.test_dir().display(),
            args.patterns
        ));
    }
    let cases = load_cases(&suite, &selected);
    let harness = load_harness(&suite, &cases);
    let config = RunConfig {
        limit: Duration::from_secs(args.timeout.max(1)),
        jobs: args
            .jobs
            .or_else(|| thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get),
        module_root: suite.test_dir(),
        gc_stress: gc_stress::setting(args.gc_stress),
    };
    let registries: &[Registry] = if args.markdown_table || args.compare {
        &[Registry::Extension, Registry::Builtin]
    } else {
        std::slice::from_ref(&args.registry)
    };

    let mut runs = Vec::new();
    for &registry in registries {
        let table = expectations.for_registry(registry);
        let results = run_registry(registry, &cases, &harness, &table, &config);
        let summary = report::Summary::of(&results);
        runs.push((registry, results, summary));
    }

    // Stdout carries the table alone in table mode; the rest goes to stderr.
    let to_stderr = args.markdown_table;
    for (registry, results, _) in &runs {
        report::print_results(
            *registry,
            results,
            args.verbose,
            &expectations_path,
            to_stderr,
        );
    }
    report::print_stale(&expectations, &suite, &expectations_path, to_stderr);
    if let Some(path) = &args.json {
        report::write_json(path, &suite, &runs)
            .map_err(|e| format!("error: could not write {}: {e}", path.display()))?;
    }
    eprintln!(
        "test262: {} tests from {} in {:.1}s",
        cases.len(),
        suite.root.display(),
        started.elapsed().as_secs_f64()
    );
    if args.markdown_table {
        println!(
            "{}",
            report::markdown_table(&runs, suite.commit().as_deref())
        );
    }
    let mut all_ok = true;
    for (registry, _, summary) in &runs {
        report::print_closing(*registry, summary, to_stderr, runs.len() > 1);
        all_ok &= summary.unexpected() == 0;
    }
    if let [
        (Registry::Extension, extension, _),
        (Registry::Builtin, builtin, _),
    ] = &runs[..]
        && args.compare
    {
        let comparison = compare::Comparison::of(extension, builtin, &expectations);
        for line in &comparison.undeclared {
            report::emit(to_stderr, line);
        }
        report::emit(to_stderr, &comparison.closing_line());
        all_ok &= comparison.undeclared.is_empty();
    }
    Ok(all_ok)
}

/// Reads the expectations file (a missing default file counts as empty).
fn load_expectations(args: &Args, workspace: &Path) -> Result<(PathBuf, Expectations), String> {
    let path = args
        .expectations
        .clone()
        .unwrap_or_else(|| workspace.join("test262").join("expectations.toml"));
    match std::fs::read_to_string(&path) {
        Ok(text) => Expectations::parse(&text)
            .map(|e| (path.clone(), e))
            .map_err(|e| format!("error: {}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && args.expectations.is_none() => {
            Ok((path, Expectations::default()))
        }
        Err(e) => Err(format!("error: cannot read {}: {e}", path.display())),
    }
}

/// The selected tests, as paths relative to `test/`.
fn select(suite: &Suite, patterns: &[String]) -> Result<Vec<String>, String> {
    let test_dir = suite.test_dir();
    let all = selection::list_tests(&test_dir)
        .map_err(|e| format!("error: cannot list {}: {e}", test_dir.display()))?;
    let patterns: Vec<String> = patterns
        .iter()
        .map(|p| selection::normalize_pattern(p, &test_dir))
        .collect();
    Ok(selection::select(&all, &patterns, |rel| {
        std::fs::read_to_string(test_dir.join(rel)).is_ok_and(|s| s.contains(selection::MENTION))
    }))
}

/// One selected test file, read and parsed.
#[derive(Debug)]
pub(crate) struct TestCase {
    /// Path relative to the suite root, `test/...`.
    pub(crate) path: String,
    /// Absolute (or suite-relative) file path.
    pub(crate) file: PathBuf,
    /// The file's text; `Err` when unreadable.
    pub(crate) source: Result<Arc<str>, String>,
    /// Parsed frontmatter; `Err` when missing or invalid.
    pub(crate) meta: Result<Description, String>,
}

/// Reads and parses the selected tests.
fn load_cases(suite: &Suite, selected: &[String]) -> Vec<TestCase> {
    let test_dir = suite.test_dir();
    selected
        .iter()
        .map(|rel| {
            let file = test_dir.join(rel);
            let source = std::fs::read_to_string(&file)
                .map(Arc::<str>::from)
                .map_err(|e| format!("cannot read test: {e}"));
            let meta = match &source {
                Ok(text) => metadata::parse_frontmatter(text),
                Err(e) => Err(e.clone()),
            };
            TestCase {
                path: format!("test/{rel}"),
                file: std::path::absolute(&file).unwrap_or(file),
                source,
                meta,
            }
        })
        .collect()
}

/// Reads every harness file any selected test needs.
fn load_harness(suite: &Suite, cases: &[TestCase]) -> HarnessFiles {
    let mut names: BTreeSet<String> = ["assert.js", "sta.js", "doneprintHandle.js"]
        .map(String::from)
        .into();
    for case in cases {
        if let Ok(meta) = &case.meta {
            names.extend(meta.includes.iter().cloned());
        }
    }
    HarnessFiles::load(&suite.harness_dir(), names.iter().map(String::as_str))
}

/// Settings shared by all executions of a run.
#[derive(Debug, Clone)]
struct RunConfig {
    /// Time limit per execution.
    limit: Duration,
    /// Executions in parallel.
    jobs: usize,
    /// Module loader root (the suite's `test/`).
    module_root: PathBuf,
    /// The extension's job loop's collections.
    gc_stress: boa_finalization::GcStress,
}

/// The result of one execution.
#[derive(Debug, Clone)]
pub(crate) struct RunResult {
    /// The mode it ran in.
    pub(crate) mode: Mode,
    /// Pass or fail.
    pub(crate) verdict: Verdict,
}

/// The result of one test (all its modes), compared with the expectations.
#[derive(Debug, Clone)]
pub(crate) struct TestResult {
    /// Path relative to the suite root, `test/...`.
    pub(crate) path: String,
    /// One entry per mode run, in mode order (empty when not run).
    pub(crate) runs: Vec<RunResult>,
    /// Why the test was not run, if it was not.
    pub(crate) skipped: Option<String>,
    /// Why the test failed before any mode could run (unreadable file,
    /// bad frontmatter, missing harness file).
    pub(crate) error: Option<String>,
    /// The expectation listed for it, if any.
    pub(crate) expectation: Option<Expectation>,
    /// Observed outcome against the expectation.
    pub(crate) agreement: Agreement,
}

impl TestResult {
    /// `Some(passed)` when the test ran (or failed to load), `None` when
    /// skipped. A test passes only when all its modes passed.
    pub(crate) fn passed(&self) -> Option<bool> {
        if self.skipped.is_some() {
            None
        } else if self.error.is_some() {
            Some(false)
        } else {
            Some(self.runs.iter().all(|r| r.verdict.passed()))
        }
    }
}

/// What to do with a test before running anything.
enum Plan {
    /// Not run, with the reason.
    Skip(String),
    /// Fails without running, with the reason.
    Error(String),
    /// Run these executions.
    Run(Vec<Execution>),
}

/// Decides how to run `case` against `registry`.
fn plan(
    case: &TestCase,
    registry: Registry,
    harness: &HarnessFiles,
    expectation: Option<&Expectation>,
    config: &RunConfig,
) -> Plan {
    if let Some(e) = expectation.filter(|e| e.outcome == Expected::Skip) {
        return Plan::Skip(format!("skipped by expectations: {}", e.reason));
    }
    let source = match &case.source {
        Ok(source) => source.clone(),
        Err(e) => return Plan::Error(e.clone()),
    };
    let meta = match &case.meta {
        Ok(meta) => meta,
        Err(e) => return Plan::Error(e.clone()),
    };
    if let Some(reason) = metadata::host_skip_reason(meta, &source) {
        return Plan::Skip(reason);
    }
    let mut executions = Vec::new();
    for mode in metadata::modes(meta) {
        let mut files = Vec::new();
        for name in metadata::harness_files(meta, mode) {
            match harness.get(&name) {
                Some(text) => files.push((name, text)),
                None => return Plan::Error(format!("missing harness file harness/{name}")),
            }
        }
        executions.push(Execution {
            path: case.file.clone(),
            module_root: config.module_root.clone(),
            source: source.clone(),
            mode,
            harness: files,
            negative: meta.negative.clone(),
            is_async: metadata::has_flag(meta, Flag::Async),
            registry,
            gc_stress: config.gc_stress,
        });
    }
    Plan::Run(executions)
}

/// Runs every case against `registry`, in parallel, with progress on
/// stderr; returns results in case order.
fn run_registry(
    registry: Registry,
    cases: &[TestCase],
    harness: &HarnessFiles,
    expectations: &std::collections::BTreeMap<String, Expectation>,
    config: &RunConfig,
) -> Vec<TestResult> {
    let mut results: Vec<TestResult> = Vec::with_capacity(cases.len());
    let mut queue: Vec<(usize, Execution)> = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let expectation = expectations.get(&case.path).cloned();
        let (skipped, error) = match plan(case, registry, harness, expectation.as_ref(), config) {
            Plan::Skip(reason) => (Some(reason), None),
            Plan::Error(reason) => (None, Some(reason)),
            Plan::Run(executions) => {
                queue.extend(executions.into_iter().map(|e| (index, e)));
                (None, None)
            }
        };
        results.push(TestResult {
            path: case.path.clone(),
            runs: Vec::new(),
            skipped,
            error,
            expectation,
            agreement: Agreement::Skipped,
        });
    }

    // Each execution runs on its own large-stack thread with a time limit (execute.rs); the pool
    // only bounds how many run at once.
    let progress = Progress::new(registry, queue.len());
    let runs: Vec<RunResult> = match rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
    {
        Ok(pool) => pool.install(|| {
            queue
                .par_iter()
                .map(|(_, exec)| run_one(exec, config, &progress))
                .collect()
        }),
        // No pool (threads exhausted): run them one by one.
        Err(_) => queue
            .iter()
            .map(|(_, exec)| run_one(exec, config, &progress))
            .collect(),
    };
    progress.finish();
    for ((index, _), run) in queue.iter().zip(runs) {
        results[*index].runs.push(run);
    }

    for result in &mut results {
        result.runs.sort_by_key(|r| r.mode);
        result.agreement = agree(result.passed(), result.expectation.as_ref());
    }
    results
}

/// Runs one execution and records it in the progress line.
fn run_one(exec: &Execution, config: &RunConfig, progress: &Progress) -> RunResult {
    let verdict = execute::run_with_limit(exec.clone(), config.limit);
    progress.record(verdict.passed());
    RunResult {
        mode: exec.mode,
        verdict,
    }
}
