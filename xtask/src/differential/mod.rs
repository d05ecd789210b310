//! `cargo xtask differential`: seeded random programs run under `finreg --expose-gc` and
//! `node --expose-gc`, compared on what the spec fixes.
//!
//! Each seed names one program ([`program::generate`]): registries, targets (objects, arrays,
//! functions, class instances, closures over other targets, symbols), tokens, `register` (also many
//! cells on one target), `unregister`, `gc()`, steps separated by timers, callbacks that register,
//! unregister and throw, and calls that must throw; and the weak family: `WeakMap`s, `WeakSet`s and
//! `WeakRef`s with object, symbol, registered-symbol and primitive keys, wrong receivers and
//! constructors (`program::weak`). Both engines print the program's log as one
//! `RESULT [...]` line after the program drops every slot and runs extra rounds of `gc()` and a timer
//! until four rounds bring nothing new.
//!
//! # What is compared
//!
//! - **deliveries**: the multiset of (registry, held value) callbacks, whatever the round or order;
//! - **API results**: per action, `true`/`false` from `unregister`, `ok`, or the name of the error
//!   thrown (TypeError for values that cannot be held weakly, for a revoked proxy as `NewTarget`...);
//! - **callback results**: the `unregister` results inside callbacks, as a multiset;
//! - **callback throws**: the multiset of error names thrown by callbacks (node: the
//!   `uncaughtException` handler; finreg: the default reporter's `Uncaught (in FinalizationRegistry
//!   cleanup callback ...)` lines on stderr);
//! - **weak-family results**: per action, what `get`/`has`/`delete`/`set`/`add`/`deref` (or the
//!   construction) returned, as a boolean, a string or a `typeof`, or the name of the error thrown
//!   (also in cleanup callbacks: a `WeakRef` to the cell's own target is empty there).
//!
//! # What is never compared (timing the spec leaves to the host), and how programs avoid it
//!
//! - When a callback comes (which round, which turn) and the order of callbacks within and across
//!   registries: deliveries are compared as a multiset after the final rounds.
//! - `unregister(token)` while a cell of that token has a target that is already unreachable: the
//!   result depends on whether a cleanup job ran first. The generator never emits it (its model
//!   knows every target's liveness); an unregister inside a callback only touches a token the
//!   callback just made.
//! - Registries are never dropped: the cells of an unreachable registry may or may not be delivered.
//! - Symbol targets are kept reachable to the end (`Y` is never emptied): Boa 0.22 has no weak
//!   symbols, so this crate never delivers them, while node would once they are unreachable.
//! - A `WeakRef` target that became unreachable during the current step (this job may keep it
//!   alive), or a fresh symbol target (node may collect it, Boa never collects a symbol): never
//!   dereferenced for comparison. A target unreachable since an earlier step is, right after a
//!   `gc()`: both are full collections, and ClearKeptObjects ended the earlier job.
//! - Top-level temporaries: every step is a function, so no engine keeps a target in a top-level
//!   register; closures capture only through their own parameter, so a V8 context never holds more
//!   than the closure's own capture.
//! - With `--gc-stress`, finreg's targets die as soon as a checkpoint (or a job) follows their last
//!   use; nothing compared depends on when an unreachable target dies, so node needs no flag.
//! - Exit status and stderr wording: finreg exits 1 after a callback threw (as node would without the
//!   handler); only the `RESULT` line and the error names are compared.

mod program;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::gc_stress::StressLevel;

/// Arguments of `cargo xtask differential`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The first seed (default: from the clock, printed so that a run can be repeated).
    #[arg(long)]
    seed: Option<u64>,
    /// How many programs (seeds `seed..seed+programs`).
    #[arg(long, default_value_t = 200)]
    programs: u64,
    /// Where the programs that mismatched are written (as `seed-N.js`).
    #[arg(long, default_value = "target/differential")]
    out: PathBuf,
    /// The most seconds one engine may take on one program.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Run this `finreg` binary instead of building the release one (an older build, a debug one).
    #[arg(long, value_name = "PATH")]
    finreg: Option<PathBuf>,
    /// Run finreg with `--gc-stress=LEVEL` (node runs as always: what is compared does not depend
    /// on when a target dies, only on whether it is alive).
    #[arg(long, value_enum, value_name = "LEVEL")]
    gc_stress: Option<StressLevel>,
}

/// The kinds of mismatch, as the summary counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    NoResult,
    Delivery,
    ApiResult,
    CallbackResult,
    CallbackThrow,
    WeakResult,
}

/// What one engine printed for one program, sorted for comparison.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    deliveries: Vec<String>,
    api: BTreeMap<String, String>,
    callback_results: Vec<String>,
    throws: Vec<String>,
    weak: BTreeMap<String, String>,
}

impl Outcome {
    /// One line per compared part that differs: node's side, then finreg's.
    fn differences(&self, ours: &Self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut differ = |what: &str, node: String, finreg: String| {
            if node != finreg {
                lines.push(format!("{what}: node {node} / finreg {finreg}"));
            }
        };
        differ(
            "deliveries",
            format!("{:?}", self.deliveries),
            format!("{:?}", ours.deliveries),
        );
        for (id, result) in &self.api {
            let theirs = ours.api.get(id).map_or("(none)", String::as_str);
            differ(&format!("action {id}"), result.clone(), theirs.to_owned());
        }
        for (id, result) in &self.weak {
            let theirs = ours.weak.get(id).map_or("(none)", String::as_str);
            differ(
                &format!("weak action {id}"),
                result.clone(),
                theirs.to_owned(),
            );
        }
        differ(
            "callback results",
            format!("{:?}", self.callback_results),
            format!("{:?}", ours.callback_results),
        );
        differ(
            "callback throws",
            format!("{:?}", self.throws),
            format!("{:?}", ours.throws),
        );
        lines
    }
}

/// Runs the command.
pub(crate) fn run(args: Args) -> ExitCode {
    if Command::new("node").arg("--version").output().is_err() {
        println!(
            "xtask differential: node is not on the PATH; skipped (install node 20 to run it)"
        );
        return ExitCode::SUCCESS;
    }
    let given = match args.finreg.as_deref().map(check_finreg).transpose() {
        Ok(given) => given,
        Err(error) => {
            eprintln!("xtask differential: --finreg: {error}");
            return ExitCode::FAILURE;
        }
    };
    let Some(finreg) = given.or_else(crate::behaviour::build_finreg) else {
        eprintln!("xtask differential: building finreg failed");
        return ExitCode::FAILURE;
    };
    let seed = args.seed.unwrap_or_else(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map_or(0, |now| now.as_secs())
    });
    if let Err(error) = std::fs::create_dir_all(&args.out) {
        eprintln!(
            "xtask differential: cannot create {}: {error}",
            args.out.display()
        );
        return ExitCode::FAILURE;
    }
    println!(
        "xtask differential: seeds {seed}..{} (repeat with --seed {seed} --programs {}{})",
        seed + args.programs,
        args.programs,
        args.gc_stress.map_or(String::new(), |level| format!(
            " --gc-stress {}",
            level.name()
        ))
    );
    let timeout = Duration::from_secs(args.timeout);
    let stress_args: Vec<String> = args
        .gc_stress
        .map(|level| format!("--gc-stress={}", level.name()))
        .into_iter()
        .collect();
    let started = Instant::now();
    let mut totals = Totals::default();
    for seed in seed..seed + args.programs {
        let program = program::generate(seed);
        let path = args.out.join(format!("seed-{seed}.js"));
        if let Err(error) = std::fs::write(&path, &program.js) {
            eprintln!(
                "xtask differential: cannot write {}: {error}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        // The two engines run at once: they share nothing but the program file.
        let (node, ours) = std::thread::scope(|scope| {
            let node = scope.spawn(|| run_engine("node", Path::new("node"), &[], &path, timeout));
            let ours = run_engine("finreg", &finreg, &stress_args, &path, timeout);
            (node.join().ok().flatten(), ours)
        });
        let kinds = compare(node.as_ref(), ours.as_ref());
        totals.add(&program, node.as_ref(), &kinds);
        if kinds.is_empty() {
            let _ = std::fs::remove_file(&path);
        } else {
            println!("seed {seed}: {kinds:?} (program kept: {})", path.display());
            if let (Some(node), Some(ours)) = (&node, &ours) {
                for line in node.differences(ours) {
                    println!("  {line}");
                }
            }
        }
    }
    totals.print(started.elapsed());
    if totals.mismatches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The absolute path of the `finreg` given, if it is a shell that runs (`finreg --version`
/// succeeds): a missing or non-executable path would otherwise make every program a `NoResult`
/// mismatch. Absolute, so that a bare name is the file in the working directory, not one on PATH.
fn check_finreg(finreg: &Path) -> Result<PathBuf, String> {
    let shown = finreg.display();
    let path = finreg
        .canonicalize()
        .map_err(|error| format!("{shown}: {error}"))?;
    if !path.is_file() {
        return Err(format!("{shown}: not a file"));
    }
    let output = Command::new(&path)
        .arg("--version")
        .output()
        .map_err(|error| format!("{shown}: cannot run it: {error}"))?;
    if output.status.success() {
        Ok(path)
    } else {
        Err(format!(
            "{shown}: `--version` failed ({}): not a finreg shell",
            output.status
        ))
    }
}

/// Runs `engine --expose-gc [extra...] path` (its output in files named after `name`, beside
/// `path`) and reads its `RESULT` line (and, for finreg, the
/// reported callback errors on stderr); `None` if it printed none in time.
fn run_engine(
    name: &str,
    engine: &Path,
    extra: &[String],
    path: &Path,
    timeout: Duration,
) -> Option<Outcome> {
    let stdout = path.with_extension(format!("{name}.out"));
    let stderr = path.with_extension(format!("{name}.err"));
    let mut child = Command::new(engine)
        .arg("--expose-gc")
        .args(extra)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).ok()?)
        .stderr(std::fs::File::create(&stderr).ok()?)
        .spawn()
        .ok()?;
    let deadline = Instant::now() + timeout;
    while child.try_wait().ok()?.is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = std::fs::read_to_string(&stdout).unwrap_or_default();
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    let _ = std::fs::remove_file(&stdout);
    let _ = std::fs::remove_file(&stderr);
    parse(&out, &err)
}

/// The outcome from the `RESULT` line of `stdout` and the reporter's lines of `stderr`.
fn parse(stdout: &str, stderr: &str) -> Option<Outcome> {
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("RESULT "))?;
    let entries: Vec<String> = serde_json::from_str(line).ok()?;
    let mut outcome = Outcome::default();
    for entry in entries {
        let mut parts = entry.splitn(2, '|');
        let (kind, rest) = (parts.next()?, parts.next().unwrap_or_default().to_owned());
        match kind {
            "d" => outcome.deliveries.push(rest),
            "a" => {
                let (id, result) = rest.split_once('|')?;
                outcome.api.insert(id.to_owned(), result.to_owned());
            }
            "w" => {
                let (id, result) = rest.split_once('|')?;
                outcome.weak.insert(id.to_owned(), result.to_owned());
            }
            "c" => outcome.callback_results.push(rest),
            "throw" => outcome.throws.push(rest),
            _ => return None,
        }
    }
    // finreg's default reporter: `Uncaught (in FinalizationRegistry cleanup callback, realm 1)
    // TypeError: message`.
    let reported = stderr.lines().filter_map(|line| {
        let rest = line.strip_prefix("Uncaught (in FinalizationRegistry cleanup callback")?;
        let shown = rest.split_once(") ")?.1;
        Some(
            shown
                .split([':', ' '])
                .next()
                .unwrap_or_default()
                .to_owned(),
        )
    });
    outcome.throws.extend(reported);
    outcome.deliveries.sort();
    outcome.callback_results.sort();
    outcome.throws.sort();
    Some(outcome)
}

/// The kinds of mismatch between node's outcome and finreg's.
fn compare(node: Option<&Outcome>, ours: Option<&Outcome>) -> Vec<Kind> {
    let (Some(node), Some(ours)) = (node, ours) else {
        return vec![Kind::NoResult];
    };
    let checks = [
        (node.deliveries == ours.deliveries, Kind::Delivery),
        (node.api == ours.api, Kind::ApiResult),
        (
            node.callback_results == ours.callback_results,
            Kind::CallbackResult,
        ),
        (node.throws == ours.throws, Kind::CallbackThrow),
        (node.weak == ours.weak, Kind::WeakResult),
    ];
    checks
        .into_iter()
        .filter(|(same, _)| !same)
        .map(|(_, kind)| kind)
        .collect()
}

/// What a run compared, and its mismatches by kind.
#[derive(Default)]
struct Totals {
    programs: usize,
    cells: usize,
    deliveries: usize,
    api_results: usize,
    callback_results: usize,
    throws: usize,
    weak_results: usize,
    weak_checks: usize,
    collected_derefs: usize,
    mismatches: BTreeMap<Kind, usize>,
}

impl Totals {
    fn add(&mut self, program: &program::Program, node: Option<&Outcome>, kinds: &[Kind]) {
        self.programs += 1;
        self.cells += program.cells;
        self.weak_checks += program.weak_checks;
        self.collected_derefs += program.collected_derefs;
        if let Some(node) = node {
            self.weak_results += node.weak.len();
            self.deliveries += node.deliveries.len();
            self.api_results += node.api.len();
            self.callback_results += node.callback_results.len();
            self.throws += node.throws.len();
        }
        for kind in kinds {
            *self.mismatches.entry(*kind).or_default() += 1;
        }
    }

    fn print(&self, elapsed: Duration) {
        println!(
            "xtask differential: {} programs in {:.1} s; compared {} deliveries (of {} object-target \
             registrations), {} API results, {} callback unregister results, {} callback throws, \
             {} weak-family results (of {} generated, {} of them derefs of a collected target)",
            self.programs,
            elapsed.as_secs_f64(),
            self.deliveries,
            self.cells,
            self.api_results,
            self.callback_results,
            self.throws,
            self.weak_results,
            self.weak_checks,
            self.collected_derefs
        );
        if self.mismatches.is_empty() {
            println!("xtask differential: no mismatch");
        }
        for (kind, count) in &self.mismatches {
            println!("xtask differential: {count} programs with a {kind:?} mismatch");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finreg_that_does_not_exist_or_does_not_run_is_refused() {
        let missing = check_finreg(Path::new("/nonexistent/finreg")).unwrap_err();
        assert!(
            missing.starts_with("/nonexistent/finreg: No such file"),
            "{missing}"
        );
        let directory = check_finreg(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_err();
        assert!(directory.ends_with(": not a file"), "{directory}");
        // A file that is not executable: the xtask's manifest.
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let refused = check_finreg(&manifest).unwrap_err();
        assert!(refused.contains(": cannot run it: "), "{refused}");
    }

    #[test]
    fn outcomes_compare_as_multisets_and_read_finreg_reports() {
        let node = parse(
            r#"RESULT ["d|0|h2","a|1|ok","d|1|h3","throw|TypeError","c|4|truefalse","w|5|undefined"]"#,
            "",
        );
        let ours = parse(
            r#"RESULT ["a|1|ok","w|5|undefined","d|1|h3","c|4|truefalse","d|0|h2"]"#,
            "Uncaught (in FinalizationRegistry cleanup callback, realm 1) TypeError: from h3 (x.js:1:2)\n    at f",
        );
        assert_eq!(compare(node.as_ref(), ours.as_ref()), []);
        let fewer = parse(r#"RESULT ["a|1|true"]"#, "");
        assert_eq!(
            compare(node.as_ref(), fewer.as_ref()),
            [
                Kind::Delivery,
                Kind::ApiResult,
                Kind::CallbackResult,
                Kind::CallbackThrow,
                Kind::WeakResult
            ]
        );
        assert_eq!(compare(node.as_ref(), None), [Kind::NoResult]);
    }

    #[test]
    fn programs_are_reproducible_from_their_seed() {
        assert_eq!(program::generate(7).js, program::generate(7).js);
        assert_ne!(program::generate(7).js, program::generate(8).js);
    }
}
