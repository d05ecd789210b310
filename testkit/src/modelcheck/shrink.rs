//! Shrinking a failing program to a small one with the same kind of failure, and writing it as a
//! script `finreg --expose-gc` replays.
//!
//! Hand-written rather than `proptest`/`proptest-state-machine`: programs are named by a `u64`
//! seed of our own generator (`--seed N`, the replay scripts), and the shrinker removes whole steps,
//! halves of steps, single actions nested in callbacks and promise jobs, prologue actions, and
//! turns, keeping the failure's kind; proptest would shrink its own value trees, lose the seed's
//! naming, and not reach nested callback actions without a strategy rewrite of the generator.

use std::fmt::Write as _;

use super::model::{FailKind, Failure};
use super::program::{Act, Program, Turn, render, size};

/// A path to one action: the step, then indices through `on_delivery` / microtask lists.
type Path = Vec<usize>;

fn children(act: &Act) -> Option<&Vec<Act>> {
    match act {
        Act::Register { on_delivery, .. } => Some(on_delivery),
        Act::Micro { acts, .. } => Some(acts),
        _ => None,
    }
}

fn children_mut(act: &mut Act) -> Option<&mut Vec<Act>> {
    match act {
        Act::Register { on_delivery, .. } => Some(on_delivery),
        Act::Micro { acts, .. } => Some(acts),
        _ => None,
    }
}

fn paths(program: &Program) -> Vec<Path> {
    fn walk(acts: &[Act], prefix: &Path, out: &mut Vec<Path>) {
        for (i, act) in acts.iter().enumerate() {
            let mut path = prefix.clone();
            path.push(i);
            if let Some(inner) = children(act) {
                walk(inner, &path, out);
            }
            out.push(path);
        }
    }
    let mut out = Vec::new();
    for (k, step) in program.steps.iter().enumerate() {
        walk(&step.acts, &vec![k], &mut out);
    }
    out
}

fn remove(program: &Program, path: &Path) -> Option<Program> {
    let mut program = program.clone();
    let mut list = &mut program.steps.get_mut(path[0])?.acts;
    for &i in &path[1..path.len() - 1] {
        list = children_mut(list.get_mut(i)?)?;
    }
    let index = *path.last()?;
    if index >= list.len() {
        return None;
    }
    list.remove(index);
    Some(program)
}

/// Shrinks `program`, whose run fails with `kind`, as long as `fails` says a candidate still fails
/// the same way, trying at most `budget` candidates. Returns the smallest program and its failure.
pub fn shrink(
    program: &Program,
    failure: Failure,
    budget: usize,
    mut fails: impl FnMut(&Program) -> Option<Failure>,
) -> (Program, Failure) {
    let kind: FailKind = failure.kind;
    let mut best = program.clone();
    let mut best_failure = failure;
    let tries = std::cell::Cell::new(0usize);
    let mut attempt = |candidate: Program, best: &mut Program, best_failure: &mut Failure| {
        tries.set(tries.get() + 1);
        match fails(&candidate) {
            Some(f) if f.kind == kind => {
                *best = candidate;
                *best_failure = f;
                true
            }
            _ => false,
        }
    };
    let mut progress = true;
    while progress && tries.get() < budget {
        progress = false;
        // Whole steps, last first (keep at least one).
        let mut k = best.steps.len();
        while k > 0 && best.steps.len() > 1 && tries.get() < budget {
            k -= 1;
            let mut candidate = best.clone();
            candidate.steps.remove(k);
            if attempt(candidate, &mut best, &mut best_failure) {
                progress = true;
            }
        }
        // Halves, quarters... of each step's actions.
        for k in 0..best.steps.len() {
            let mut chunk = best.steps[k].acts.len() / 2;
            while chunk >= 2 && tries.get() < budget {
                let mut start = 0;
                while start < best.steps[k].acts.len() && tries.get() < budget {
                    let mut candidate = best.clone();
                    let end = (start + chunk).min(candidate.steps[k].acts.len());
                    candidate.steps[k].acts.drain(start..end);
                    if attempt(candidate, &mut best, &mut best_failure) {
                        progress = true;
                    } else {
                        start += chunk;
                    }
                }
                chunk /= 2;
            }
        }
        // Single actions, deepest and last first.
        let mut all = paths(&best);
        all.reverse();
        for path in all {
            if tries.get() >= budget {
                break;
            }
            if let Some(candidate) = remove(&best, &path)
                && attempt(candidate, &mut best, &mut best_failure)
            {
                progress = true;
            }
        }
        // Prologue actions, last first.
        let mut k = best.prologue.len();
        while k > 0 && tries.get() < budget {
            k -= 1;
            let mut candidate = best.clone();
            candidate.prologue.remove(k);
            if attempt(candidate, &mut best, &mut best_failure) {
                progress = true;
            }
        }
        // Plain turns.
        for k in 0..best.steps.len() {
            if best.steps[k].turn == Turn::CleanupOnly && tries.get() < budget {
                let mut candidate = best.clone();
                candidate.steps[k].turn = Turn::RunJobs;
                if attempt(candidate, &mut best, &mut best_failure) {
                    progress = true;
                }
            }
        }
    }
    (best, best_failure)
}

/// The replay script for a (shrunk) failing program: the program, driven by a `setTimeout` chain
/// (each step is one task, and CleanupExecutor runs cleanup jobs after each), printing `FAIL` if
/// the failure reproduces.
#[must_use]
pub fn replay_script(program: &Program, failure: &Failure) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// boa_finalization model check: seed {}, shrunk to {} actions in {} steps.",
        program.seed,
        size(program),
        program.steps.len()
    );
    for line in failure.to_string().lines() {
        let _ = writeln!(out, "// {line}");
    }
    let _ = writeln!(
        out,
        "// Replay: finreg --expose-gc <this file>  (prints FAIL when it reproduces; a panic or \
         `Uncaught` output also shows it)\n// Each STEPS entry runs as one task; cleanup jobs run \
         after each task.\n"
    );
    out.push_str(&render(program));
    let check = failure
        .replay_check
        .clone()
        .unwrap_or_else(|| "false /* no script-level check for this kind */".into());
    let _ = write!(
        out,
        r#"
function __verdict() {{
  if ({check}) console.log("FAIL: {message}");
  else console.log("did not reproduce at the script level");
  console.log("log:\n" + __log.join("\n"));
}}
var __k = 0;
function __next() {{
  if (__k - 1 === {step}) __verdict();
  if (__k < STEPS.length) {{ setTimeout(__next, 0); __run(__k++); }}
}}
// The harness runs the prologue before it installs the extension; finreg installs it first.
__prologue();
__installed();
__next();
"#,
        message = failure
            .message
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', " "),
        step = failure.step.min(program.steps.len().saturating_sub(1)),
    );
    out
}
