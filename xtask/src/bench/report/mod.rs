//! The bench report: what one run measured ([`Report`], [`Series`]), the figures drawn from it
//! (medians, ratios, scaling exponents), and its Markdown and JSON renderings.

mod environment;
mod series;
mod tables;
mod targets;

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::median;
use super::weak_family::{KeyKind, WeakOp};
use super::workloads::{Impl, MemCase, Memory};

pub(super) use environment::environment;
use environment::environment_json;
pub(super) use series::Series;
pub(crate) use tables::{TOKEN_CHURN, UNREGISTER_TARGET, stress_workload};

/// How every number is obtained, appended to the report.
const METHOD: &str = r#"
### How it is measured

- Every run is a fresh worker process (`xtask bench --worker JOB`): fresh boa_gc heap (its collection
  threshold only grows) and fresh C heap. Runs alternate extension and builtin (A B, B A, ...).
  The context is built and the workload's functions are defined before the clock starts; the timed
  region is one JS call.
- `register`: `for (let i = 0; i < n; i++) { const t = {}; keep.push(t); fr.register(t, i); }`.
  The floors run the same loop: `fr` is a native object whose prototype method `register` does
  `JsWeakMap::set(t, note)` with `note = ObjectInitializer::with_native_data(FloorNote)` (a finalizer
  and an 8-byte pointer to where it reports: one weak-map entry and one notification object, what
  any outside crate must pay per new target); `new WeakRef`: `refs.push(new WeakRef(t))`;
  allocation only: the loop without the call.
- `unregister`: `register(t, i, k)` with a fresh object token `k` each (that is the register+token
  row), then `fr.unregister(toks[i])` for all, in chunks of N/100, stopped once the cap is exceeded.
  A capped builtin figure is a lower bound (the measured time of part of the work); the estimate
  uses its cost model (unregister j scans the N − j cells left).
- `cleanup`: `register(t, i)` N times, drop the targets, then time `boa_gc::force_collect()` plus
  `context.run_jobs()` up to the last of the N callbacks (`v => { delivered++ }`). The builtin gets
  its only working order: no `run_jobs` before the collection. The floor column collects N
  weak-map entries + notes whose targets died (no delivery).
- `pool`: 1e4 `register(h, i, h)`, then 1e4 pairs `unregister(h); h2 = {}; register(h2, j, h2)`.
- GC-heavy: binary trees and short-lived arrays, no registry; extension installed
  (`CleanupExecutor` + `install`) against a plain context.
- Overhead rows (one registry against none; "none" is a plain Boa context without the extension):
  `context`: build a context (extension: with `CleanupExecutor`, then `install`) and evaluate
  `var made = new FinalizationRegistry(() => {})`, against `var made = new WeakMap()`; median of
  many contexts per worker. `collect`: one `boa_gc::force_collect()` of a fresh context's heap
  holding one live registry with one live target, against the same heap without; median of many
  collections per worker. GC-heavy with one registry: the GC-heavy loop with a smaller long-lived
  tree (more collections), every round's tree registered in one registry, timed to the end of the
  checkpoint after the call (deliveries included), against the same script with `fr = null`.
  Ratios are medians of per-run ratios; runs alternate the three configurations.
- One target of many cells (issue 17): `fr.register(t, i)` N times on one object `t`, then either
  `fr.unregister(t)` N times (each false: `t` is no token) or N pairs `fr.register({}, i, t)` +
  `fr.unregister(t)`; extension only (Boa's built-in scans every cell per call). The goal is a
  least-squares exponent ≤ 1.15 over N = 2e4, 4e4, 8e4: the cost is O(cells of the token).
- GC stress: 40 tasks, each a generic job calling `async () => { await null; await null; }` (a
  task and two promise jobs), with N small objects alive (`Array.from({ length: N }, ...)`), on a
  `CleanupExecutor` without stress, `with_gc_stress(GcStress::Task)` (a full collection per
  checkpoint) and `GcStress::Job` (one before every job too); timed from the first task to the end
  of the last checkpoint, per task. Runs alternate the three levels.
- Memory: a counting `#[global_allocator]` in the bench binary; net bytes still allocated after a
  full collection, targets alive, divided by N. Rows include the target (and token) objects; the
  floor columns give the same loop with a weak-map entry + note, a `WeakRef`, or nothing.
"#;

/// Everything measured in one run of the bench.
pub(super) struct Report {
    runs: usize,
    cap: Duration,
    quick: bool,
    times: Vec<(&'static str, usize, Impl, Series)>,
    memory: Vec<(Impl, MemCase, usize, Memory)>,
    /// Instructions per weak-family operation (object keys), counted by callgrind.
    instructions: Vec<(WeakOp, Impl, f64)>,
}

impl Report {
    pub(super) fn new(runs: usize, cap: Duration, quick: bool) -> Self {
        Self {
            runs,
            cap,
            quick,
            times: Vec::new(),
            memory: Vec::new(),
            instructions: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, workload: &'static str, n: usize, imp: Impl, series: Series) {
        self.times.push((workload, n, imp, series));
    }

    pub(super) fn add_memory(&mut self, imp: Impl, case: MemCase, n: usize, memory: Memory) {
        self.memory.push((imp, case, n, memory));
    }

    pub(super) fn add_instructions(&mut self, op: WeakOp, imp: Impl, per_op: f64) {
        self.instructions.push((op, imp, per_op));
    }

    /// Instructions per `op` in `imp`'s context, if counted.
    fn instructions_of(&self, op: WeakOp, imp: Impl) -> Option<f64> {
        self.instructions
            .iter()
            .find(|(o, i, _)| *o == op && *i == imp)
            .map(|&(.., per_op)| per_op)
    }

    /// Instructions per `op` in `imp`'s context over plain Boa's.
    fn instruction_ratio(&self, op: WeakOp, imp: Impl) -> Option<f64> {
        Some(self.instructions_of(op, imp)? / self.instructions_of(op, Impl::NoRegistry)?)
    }

    fn series(&self, workload: &str, n: usize, imp: Impl) -> Option<&Series> {
        self.times
            .iter()
            .find(|(w, size, i, _)| *w == workload && *size == n && *i == imp)
            .map(|(_, _, _, series)| series)
    }

    fn sizes(&self, workload: &str) -> Vec<usize> {
        let mut sizes: Vec<usize> = self
            .times
            .iter()
            .filter(|(w, ..)| *w == workload)
            .map(|(_, n, ..)| *n)
            .collect();
        sizes.dedup();
        sizes
    }

    /// Median of the per-run ratios a/b (runs are paired: run k of a ran next to run k of b).
    fn ratio(&self, workload: &str, n: usize, a: Impl, b: Impl) -> Option<f64> {
        let (a, b) = (self.series(workload, n, a)?, self.series(workload, n, b)?);
        let ratios: Vec<f64> = (0..a.secs.len().min(b.secs.len()))
            .map(|run| (a.secs[run] / a.ops_of(run) as f64) / (b.secs[run] / b.ops_of(run) as f64))
            .collect();
        Some(median(&ratios))
    }

    /// Least-squares slope of log(median time) against log(N) over `sizes`.
    fn fitted_exponent(&self, workload: &str, imp: Impl, sizes: &[usize]) -> Option<f64> {
        let points = sizes
            .iter()
            .map(|&n| {
                let series = self.series(workload, n, imp)?;
                Some(((n as f64).ln(), median(&series.estimated_secs()).ln()))
            })
            .collect::<Option<Vec<_>>>()?;
        let count = points.len() as f64;
        let (mx, my) = points.iter().fold((0.0, 0.0), |(x, y), (px, py)| {
            (x + px / count, y + py / count)
        });
        let covariance: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
        let variance: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
        (variance > 0.0).then(|| covariance / variance)
    }

    /// Scaling exponent of the median total time between `from` and `to`.
    fn exponent(&self, workload: &str, imp: Impl, from: usize, to: usize) -> Option<f64> {
        let a = self.series(workload, from, imp)?;
        let b = self.series(workload, to, imp)?;
        let (ta, tb) = (median(&a.estimated_secs()), median(&b.estimated_secs()));
        Some((tb / ta).ln() / (to as f64 / from as f64).ln())
    }

    fn memory_of(&self, imp: Impl, case: MemCase) -> Option<&Memory> {
        self.memory
            .iter()
            .find(|(i, c, ..)| *i == imp && *c == case)
            .map(|(.., memory)| memory)
    }

    /// The report as Markdown: the main table, the floors, memory and the targets.
    pub(super) fn markdown(&self, elapsed: Duration) -> String {
        let mut out = String::new();
        self.time_table(&mut out);
        self.floor_table(&mut out);
        self.one_target_table(&mut out);
        self.cleanup_table(&mut out);
        self.overhead_table(&mut out);
        self.weak_table(&mut out);
        self.stress_table(&mut out);
        self.memory_table(&mut out);
        self.target_table(&mut out);
        let _ = writeln!(
            out,
            "\n{} runs per workload and registry (GC-heavy: more), alternating extension and builtin; \
             medians; ratios are medians of per-run ratios. Builtin quadratic runs capped at {:.1} s. \
             Total bench time {:.0} s{}.",
            self.runs,
            self.cap.as_secs_f64(),
            elapsed.as_secs_f64(),
            if self.quick { " (--quick)" } else { "" }
        );
        out.push_str(METHOD);
        out
    }

    /// Every run of every measurement, for `--json`.
    pub(super) fn json(&self, elapsed: Duration) -> Value {
        let times: Vec<Value> = self
            .times
            .iter()
            .map(|(workload, n, imp, series)| {
                json!({
                    "workload": workload,
                    "n": n,
                    "registry": imp.name(),
                    "seconds": series.secs,
                    "ops": series.ops,
                    "done": series.done,
                    "delivered": series.delivered,
                    "us_per_op_median": series.us_per_op(),
                    "capped": series.is_capped(),
                })
            })
            .collect();
        let memory: Vec<Value> = self
            .memory
            .iter()
            .map(|(imp, case, n, memory)| {
                json!({
                    "registry": imp.name(),
                    "case": format!("{case:?}"),
                    "n": n,
                    "bytes_per_registration": memory.bytes,
                    "allocations_per_registration": memory.allocs,
                })
            })
            .collect();
        let targets: Vec<Value> = self
            .targets()
            .into_iter()
            .map(|(target, measured, met)| json!({ "target": target, "measured": measured, "met": met }))
            .collect();
        json!({
            "runs": self.runs,
            "cap_seconds": self.cap.as_secs_f64(),
            "quick": self.quick,
            "elapsed_seconds": elapsed.as_secs_f64(),
            "environment": environment_json(),
            "times": times,
            "memory": memory,
            "instructions": self.instructions.iter().map(|(op, imp, per_op)| json!({
                "workload": op.workload(KeyKind::Object),
                "registry": imp.name(),
                "instructions_per_op": per_op,
            })).collect::<Vec<_>>(),
            "targets": targets,
        })
    }
}
