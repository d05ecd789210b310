//! Medians, ratios, exponents, target verdicts, and the Markdown and JSON renderings.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};

use super::weak_family::{KeyKind, WeakOp};
use super::workloads::{Impl, MemCase, Memory};
use crate::markdown::MarkdownTable;

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
- Memory: a counting `#[global_allocator]` in the bench binary; net bytes still allocated after a
  full collection, targets alive, divided by N. Rows include the target (and token) objects; the
  floor columns give the same loop with a weak-map entry + note, a `WeakRef`, or nothing.
"#;

/// The workload of `unregister(target)` on the target of N cells that is never a token.
pub(crate) const UNREGISTER_TARGET: &str = "unregister(target of N cells)";
/// The workload of register-with-token + unregister, the token being the target of N cells.
pub(crate) const TOKEN_CHURN: &str = "register+unregister(token = target of N cells)";

/// The rows of the one-target table (extension only: Boa's built-in `unregister` scans every cell,
/// minutes at these sizes): workload and label.
const ONE_TARGET_ROWS: &[(&str, &str)] = &[
    (
        UNREGISTER_TARGET,
        "unregister(t), t the target of N cells, never a token (N calls, each false)",
    ),
    (
        TOKEN_CHURN,
        "register(new, i, t) + unregister(t), t the target of N cells (N pairs)",
    ),
];

/// The rows of the main time table: workload and label.
const TIME_ROWS: &[(&str, &str)] = &[
    ("register", "register (new target, no token)"),
    ("register+token", "register (new target, new object token)"),
    ("unregister", "unregister (one token, one cell)"),
    (
        "cleanup",
        "cleanup: collection to last callback, per callback",
    ),
    (
        "pool",
        "pool: unregister(h) + register(h2, i, h2), fresh handle h2 (1e4 live)",
    ),
    (
        "gc-heavy, no registry",
        "GC-heavy script, no registry (ms per run, N = rounds)",
    ),
];

/// The overhead rows: workload, row label, and the goal (its wording and the highest ratio
/// extension/none that meets it).
const OVERHEAD: &[(&str, &str, (&str, f64))] = &[
    (
        "context",
        "new context + one registry (`install` + `new FinalizationRegistry`) vs + one `WeakMap`, µs per context",
        (
            "context + install + one registry within 1.05x of context + one WeakMap",
            1.05,
        ),
    ),
    (
        "collect",
        "full collection (`force_collect`) of a small heap, one live registry vs none, µs",
        (
            "full collection with one live registry within 1.03x of none",
            1.03,
        ),
    ),
    (
        "gc-heavy, one registry",
        "GC-heavy script using one registry vs the same script with none, ms per run",
        (
            "GC-heavy script using one registry within 1.03x of none",
            1.03,
        ),
    ),
];

/// The runs of one (workload, N, implementation).
pub struct Series {
    /// Seconds per run.
    secs: Vec<f64>,
    /// Operations per complete run.
    ops: usize,
    /// Operations actually done per run, when a run may stop at the cap.
    done: Option<Vec<usize>>,
    /// Callbacks delivered per run, for cleanup.
    delivered: Option<Vec<usize>>,
}

impl Series {
    pub fn timed(secs: Vec<f64>, ops: usize) -> Self {
        Self {
            secs,
            ops,
            done: None,
            delivered: None,
        }
    }

    pub fn capped(secs: Vec<f64>, done: Vec<usize>, ops: usize) -> Self {
        Self {
            done: Some(done),
            ..Self::timed(secs, ops)
        }
    }

    pub fn delivered(secs: Vec<f64>, delivered: Vec<usize>, ops: usize) -> Self {
        Self {
            delivered: Some(delivered),
            ..Self::timed(secs, ops)
        }
    }

    /// Whether some run stopped at the cap.
    fn is_capped(&self) -> bool {
        self.done
            .as_ref()
            .is_some_and(|done| done.iter().any(|&done| done < self.ops))
    }

    fn median_secs(&self) -> f64 {
        median(&self.secs)
    }

    /// Seconds for the complete run: measured, or extrapolated from a capped run with the builtin's
    /// cost model (unregister number j scans the n - j cells left).
    fn estimated_secs(&self) -> Vec<f64> {
        let n = self.ops as f64;
        match &self.done {
            None => self.secs.clone(),
            Some(done) => self
                .secs
                .iter()
                .zip(done)
                .map(|(&secs, &done)| {
                    let k = done as f64;
                    let partial = k * n - k * (k - 1.0) / 2.0;
                    secs * (n * (n + 1.0) / 2.0) / partial.max(1.0)
                })
                .collect(),
        }
    }

    /// Microseconds per operation (per delivered callback for cleanup), median over runs.
    fn us_per_op(&self) -> f64 {
        let per_run: Vec<f64> = self
            .secs
            .iter()
            .enumerate()
            .map(|(run, &secs)| secs * 1e6 / self.ops_of(run) as f64)
            .collect();
        median(&per_run)
    }

    fn ops_of(&self, run: usize) -> usize {
        match &self.delivered {
            Some(delivered) => delivered[run].max(1),
            None => self.ops,
        }
    }
}

/// Everything measured in one run of the bench.
pub struct Report {
    runs: usize,
    cap: Duration,
    quick: bool,
    times: Vec<(&'static str, usize, Impl, Series)>,
    memory: Vec<(Impl, MemCase, usize, Memory)>,
}

impl Report {
    pub fn new(runs: usize, cap: Duration, quick: bool) -> Self {
        Self {
            runs,
            cap,
            quick,
            times: Vec::new(),
            memory: Vec::new(),
        }
    }

    pub fn add(&mut self, workload: &'static str, n: usize, imp: Impl, series: Series) {
        self.times.push((workload, n, imp, series));
    }

    pub fn add_memory(&mut self, imp: Impl, case: MemCase, n: usize, memory: Memory) {
        self.memory.push((imp, case, n, memory));
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
    pub fn markdown(&self, elapsed: Duration) -> String {
        let mut out = String::new();
        self.time_table(&mut out);
        self.floor_table(&mut out);
        self.one_target_table(&mut out);
        self.cleanup_table(&mut out);
        self.overhead_table(&mut out);
        self.weak_table(&mut out);
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

    fn time_table(&self, out: &mut String) {
        if TIME_ROWS
            .iter()
            .all(|(workload, _)| self.sizes(workload).is_empty())
        {
            return;
        }
        let _ = writeln!(out, "### Time (µs per operation, medians)\n");
        let mut table = MarkdownTable::new(
            [
                "workload",
                "N",
                "extension µs/op",
                "builtin µs/op",
                "extension/builtin",
                "builtin/extension",
                "exponent ext",
                "exponent builtin",
            ],
            &[1, 2, 3, 4, 5, 6, 7],
        );
        for &(workload, label) in TIME_ROWS {
            let sizes = self.sizes(workload);
            for (index, &n) in sizes.iter().enumerate() {
                let (Some(ext), Some(builtin)) = (
                    self.series(workload, n, Impl::Extension),
                    self.series(workload, n, Impl::Builtin),
                ) else {
                    continue;
                };
                let per_op = |series: &Series| {
                    if workload == "gc-heavy, no registry" {
                        format!("{:.1} ms", series.median_secs() * 1e3)
                    } else if series.is_capped() {
                        let done = series.done.as_ref().map_or(0, |done| median_usize(done));
                        let estimate = median(&series.estimated_secs()) * 1e6 / series.ops as f64;
                        format!(
                            "≥ {} (capped: {done}/{} done in {:.1} s; est. {})",
                            fmt_us(series.median_secs() * 1e6 / series.ops as f64),
                            series.ops,
                            series.median_secs(),
                            fmt_us(estimate)
                        )
                    } else {
                        fmt_us(series.us_per_op())
                    }
                };
                let ratio = self
                    .ratio(workload, n, Impl::Extension, Impl::Builtin)
                    .unwrap_or(f64::NAN);
                let bound = if builtin.is_capped() { "≤ " } else { "" };
                let speedup_bound = if builtin.is_capped() { "≥ " } else { "" };
                let (exp_ext, exp_builtin) = match index.checked_sub(1).map(|prev| sizes[prev]) {
                    Some(prev) => (
                        fmt_exp(self.exponent(workload, Impl::Extension, prev, n)),
                        fmt_exp(self.exponent(workload, Impl::Builtin, prev, n))
                            + if builtin.is_capped() { " (est.)" } else { "" },
                    ),
                    None => ("".into(), "".into()),
                };
                let mut ext_cell = per_op(ext);
                if let Some(delivered) = &ext.delivered {
                    ext_cell += &delivered_note(delivered, ext.ops);
                }
                let mut builtin_cell = per_op(builtin);
                if let Some(delivered) = &builtin.delivered {
                    builtin_cell += &delivered_note(delivered, builtin.ops);
                }
                table.row([
                    label.to_string(),
                    fmt_n(n),
                    ext_cell,
                    builtin_cell,
                    format!("{bound}{ratio:.3}"),
                    format!("{speedup_bound}{:.1}x", 1.0 / ratio),
                    exp_ext,
                    exp_builtin,
                ]);
            }
        }
        let _ = writeln!(out, "{}", table.render());
    }

    fn one_target_table(&self, out: &mut String) {
        if ONE_TARGET_ROWS
            .iter()
            .all(|(workload, _)| self.sizes(workload).is_empty())
        {
            return;
        }
        let _ = writeln!(
            out,
            "\n### `unregister` on the target of many cells (extension, µs per call, medians)\n"
        );
        let mut table = MarkdownTable::new(["workload", "N", "µs/op", "exponent"], &[1, 2, 3]);
        for &(workload, label) in ONE_TARGET_ROWS {
            let sizes = self.sizes(workload);
            for (index, &n) in sizes.iter().enumerate() {
                let Some(series) = self.series(workload, n, Impl::Extension) else {
                    continue;
                };
                let exponent = index.checked_sub(1).map(|prev| sizes[prev]);
                let exponent =
                    exponent.and_then(|prev| self.exponent(workload, Impl::Extension, prev, n));
                table.row([
                    label.to_string(),
                    fmt_n(n),
                    fmt_us(series.us_per_op()),
                    fmt_exp(exponent),
                ]);
            }
        }
        let _ = writeln!(out, "{}", table.render());
    }

    fn floor_table(&self, out: &mut String) {
        if self.sizes("register").is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\n### `register` against its floors (µs per new target, target allocation included)\n"
        );
        let mut table = MarkdownTable::new(
            [
                "N",
                "extension",
                "builtin",
                "floor: weak-map entry + note object",
                "floor: `new WeakRef`",
                "floor: allocation only",
                "extension/floor",
                "extension − floor",
            ],
            &[0, 1, 2, 3, 4, 5, 6, 7],
        );
        for n in self.sizes("register") {
            let us = |imp| {
                self.series("register", n, imp)
                    .map_or(f64::NAN, Series::us_per_op)
            };
            let ratio = self
                .ratio("register", n, Impl::Extension, Impl::FloorWeakMap)
                .unwrap_or(f64::NAN);
            table.row([
                fmt_n(n),
                fmt_us(us(Impl::Extension)),
                fmt_us(us(Impl::Builtin)),
                fmt_us(us(Impl::FloorWeakMap)),
                fmt_us(us(Impl::FloorWeakRef)),
                fmt_us(us(Impl::FloorAlloc)),
                format!("{ratio:.3}"),
                format!("{:+.3} µs", us(Impl::Extension) - us(Impl::FloorWeakMap)),
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
    }

    fn cleanup_table(&self, out: &mut String) {
        if self.sizes("cleanup").is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\n### `cleanup` split: the collection (µs per dead target) and the delivery (µs per callback)\n"
        );
        let mut table = MarkdownTable::new(
            [
                "N",
                "extension: collection",
                "extension: delivery",
                "builtin: collection",
                "builtin: delivery",
                "floor: collection of weak-map entries + notes",
                "extension/builtin collection",
                "extension/floor collection",
                "extension/builtin delivery",
            ],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8],
        );
        for n in self.sizes("cleanup") {
            let us = |workload, imp| {
                self.series(workload, n, imp)
                    .map_or(f64::NAN, Series::us_per_op)
            };
            let ratio = |workload, a, b| self.ratio(workload, n, a, b).unwrap_or(f64::NAN);
            let (collection, delivery) = ("cleanup: collection", "cleanup: delivery");
            table.row([
                fmt_n(n),
                fmt_us(us(collection, Impl::Extension)),
                fmt_us(us(delivery, Impl::Extension)),
                fmt_us(us(collection, Impl::Builtin)),
                fmt_us(us(delivery, Impl::Builtin)),
                fmt_us(us(collection, Impl::FloorWeakMap)),
                format!("{:.3}", ratio(collection, Impl::Extension, Impl::Builtin)),
                format!(
                    "{:.3}",
                    ratio(collection, Impl::Extension, Impl::FloorWeakMap)
                ),
                format!("{:.3}", ratio(delivery, Impl::Extension, Impl::Builtin)),
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
    }

    /// The overhead rows: one registry in use (extension, or Boa's builtin) against none.
    fn overhead_table(&self, out: &mut String) {
        let rows: Vec<_> = OVERHEAD
            .iter()
            .flat_map(|&(workload, label, _)| {
                self.sizes(workload)
                    .into_iter()
                    .map(move |n| (workload, label, n))
            })
            .collect();
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\n### One registry against none (medians; none = plain Boa context without the extension)\n"
        );
        let mut table = MarkdownTable::new(
            [
                "workload",
                "extension",
                "builtin",
                "none",
                "extension/none",
                "builtin/none",
            ],
            &[1, 2, 3, 4, 5],
        );
        for (workload, label, n) in rows {
            // Whole GC-heavy runs read better in ms.
            let scale = if label.ends_with("ms per run") {
                1e-3
            } else {
                1.0
            };
            let us = |imp| {
                self.series(workload, n, imp)
                    .map_or(f64::NAN, |series| series.us_per_op() * scale)
            };
            let ratio = |imp| {
                self.ratio(workload, n, imp, Impl::NoRegistry)
                    .unwrap_or(f64::NAN)
            };
            table.row([
                label.to_string(),
                fmt_us(us(Impl::Extension)),
                fmt_us(us(Impl::Builtin)),
                fmt_us(us(Impl::NoRegistry)),
                format!("{:.3}", ratio(Impl::Extension)),
                format!("{:.3}", ratio(Impl::Builtin)),
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
    }

    /// The weak family's rows: object keys, extension against plain Boa; symbol keys beside them.
    fn weak_table(&self, out: &mut String) {
        let rows: Vec<(WeakOp, usize)> = WeakOp::ALL
            .into_iter()
            .flat_map(|op| {
                self.sizes(op.workload(KeyKind::Object))
                    .into_iter()
                    .map(move |n| (op, n))
            })
            .collect();
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\n### Weak family (µs per operation, medians; plain Boa = context without the extension, \
             which rejects symbol keys)\n"
        );
        let mut table = MarkdownTable::new(
            [
                "operation",
                "N",
                "extension, object keys",
                "plain Boa, object keys",
                "extension/plain Boa",
                "extension, symbol keys",
            ],
            &[1, 2, 3, 4, 5],
        );
        for (op, n) in rows {
            let us = |kind, imp| {
                self.series(op.workload(kind), n, imp)
                    .map_or(f64::NAN, Series::us_per_op)
            };
            let ratio = self
                .ratio(
                    op.workload(KeyKind::Object),
                    n,
                    Impl::Extension,
                    Impl::NoRegistry,
                )
                .unwrap_or(f64::NAN);
            table.row([
                op.label().to_string(),
                fmt_n(n),
                fmt_us(us(KeyKind::Object, Impl::Extension)),
                fmt_us(us(KeyKind::Object, Impl::NoRegistry)),
                format!("{ratio:.3}"),
                fmt_us(us(KeyKind::Symbol, Impl::Extension)),
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
    }

    fn memory_table(&self, out: &mut String) {
        let Some(&(.., n, _)) = self.memory.first() else {
            return;
        };
        let _ = writeln!(
            out,
            "\n### Memory (bytes per registration, N = {}, counted by the global allocator after a full \
             collection, targets alive; allocation calls per registration in parentheses)\n",
            fmt_n(n)
        );
        let mut table = MarkdownTable::new(
            [
                "registration",
                "extension",
                "builtin",
                "floor: weak-map entry + note",
                "floor: `new WeakRef`",
                "floor: allocation only",
                "extension − weak-map floor",
                "registration alone (− allocation floor): extension / builtin",
            ],
            &[1, 2, 3, 4, 5, 6, 7],
        );
        let cases = [
            (MemCase::Plain, "new target, no token (incl. the target)"),
            (
                MemCase::Token,
                "new target + new object token (incl. both objects)",
            ),
            (MemCase::SelfToken, "new target that is its own token"),
            (MemCase::Again, "second registration of a registered target"),
        ];
        for (case, label) in cases {
            let cell = |imp| {
                self.memory_of(imp, case).map_or("".to_string(), |memory| {
                    format!("{:.1} ({:.2})", memory.bytes, memory.allocs)
                })
            };
            let delta = match (
                self.memory_of(Impl::Extension, case),
                self.memory_of(Impl::FloorWeakMap, case),
            ) {
                (Some(ext), Some(floor)) => format!("{:+.1}", ext.bytes - floor.bytes),
                _ => String::new(),
            };
            // The objects the loop allocates anyway: one per iteration, two with a new token.
            let base = match case {
                MemCase::Plain | MemCase::SelfToken => self
                    .memory_of(Impl::FloorAlloc, MemCase::Plain)
                    .map(|memory| memory.bytes),
                MemCase::Token => self
                    .memory_of(Impl::FloorAlloc, MemCase::Token)
                    .map(|memory| memory.bytes),
                MemCase::Again => Some(0.0),
            };
            let alone = match (
                base,
                self.memory_of(Impl::Extension, case),
                self.memory_of(Impl::Builtin, case),
            ) {
                (Some(base), Some(ext), Some(builtin)) => {
                    format!("{:.1} / {:.1}", ext.bytes - base, builtin.bytes - base)
                }
                _ => String::new(),
            };
            table.row([
                label.to_string(),
                cell(Impl::Extension),
                cell(Impl::Builtin),
                cell(Impl::FloorWeakMap),
                cell(Impl::FloorWeakRef),
                cell(Impl::FloorAlloc),
                delta,
                alone,
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
    }

    fn target_table(&self, out: &mut String) {
        let targets = self.targets();
        if targets.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n### Targets\n");
        let mut table = MarkdownTable::new(["target", "measured", "met"], &[]);
        for (target, measured, met) in targets {
            table.row([
                target,
                measured,
                (if met { "yes" } else { "**no**" }).into(),
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
    }

    /// (target, what was measured, met?) for every target the measured workloads cover.
    fn targets(&self) -> Vec<(String, String, bool)> {
        let mut targets = Vec::new();
        if let Some(exponent) = self.exponent("unregister", Impl::Extension, 10_000, 100_000) {
            targets.push((
                "unregister linear: exponent ≤ 1.15 from 1e4 to 1e5".into(),
                format!("{exponent:.3}"),
                exponent <= 1.15,
            ));
        }
        if let Some(ratio) = self.ratio("unregister", 100_000, Impl::Extension, Impl::Builtin) {
            let capped = self
                .series("unregister", 100_000, Impl::Builtin)
                .is_some_and(Series::is_capped);
            let estimate = self
                .series("unregister", 100_000, Impl::Builtin)
                .zip(self.series("unregister", 100_000, Impl::Extension))
                .map(|(builtin, ext)| median(&builtin.estimated_secs()) / ext.median_secs());
            let measured = if capped {
                format!(
                    "≥ {:.0}x (builtin capped; quadratic-model estimate {:.0}x)",
                    1.0 / ratio,
                    estimate.unwrap_or(f64::NAN)
                )
            } else {
                format!("{:.0}x", 1.0 / ratio)
            };
            targets.push((
                "1e5 unregisters ≥ 100x faster than builtin".into(),
                measured,
                1.0 / ratio >= 100.0,
            ));
        }
        for workload in [UNREGISTER_TARGET, TOKEN_CHURN] {
            let sizes = super::ONE_TARGET_SIZES;
            if let Some(exponent) = self.fitted_exponent(workload, Impl::Extension, &sizes) {
                targets.push((
                    format!("{workload}: fitted exponent ≤ 1.15 over 2e4, 4e4, 8e4"),
                    format!("{exponent:.3}"),
                    exponent <= 1.15,
                ));
            }
        }
        if let Some(ratio) = self.ratio("pool", 10_000, Impl::Extension, Impl::Builtin) {
            targets.push((
                "pool pattern ≥ 20x faster than builtin".into(),
                format!("{:.1}x", 1.0 / ratio),
                1.0 / ratio >= 20.0,
            ));
        }
        for n in self.sizes("register") {
            if let Some(ratio) = self.ratio("register", n, Impl::Extension, Impl::FloorWeakMap) {
                targets.push((
                    format!("register ≤ 1.25x its floor (N = {})", fmt_n(n)),
                    format!("{ratio:.3}x"),
                    ratio <= 1.25,
                ));
            }
        }
        if let (Some(ext), Some(floor)) = (
            self.memory_of(Impl::Extension, MemCase::Plain),
            self.memory_of(Impl::FloorWeakMap, MemCase::Plain),
        ) {
            let delta = ext.bytes - floor.bytes;
            targets.push((
                "memory ≤ floor + 48 B per registration".into(),
                format!(
                    "{:.1} B vs floor {:.1} B: {delta:+.1} B",
                    ext.bytes, floor.bytes
                ),
                delta <= 48.0,
            ));
            // A second note would cost at least one note object and one weak-map entry: what the
            // floor adds over the bare target. Anything cheaper cannot contain one.
            if let Some(alloc) = self.memory_of(Impl::FloorAlloc, MemCase::Plain) {
                let note = floor.bytes - alloc.bytes;
                if let Some(again) = self.memory_of(Impl::Extension, MemCase::Again) {
                    targets.push((
                        "2nd registration of a target allocates no 2nd note".into(),
                        format!(
                            "{:.1} B, {:.2} allocations per 2nd registration (a note + entry costs {note:.1} B)",
                            again.bytes, again.allocs
                        ),
                        again.bytes < note,
                    ));
                }
                if let Some(own) = self.memory_of(Impl::Extension, MemCase::SelfToken) {
                    let extra = own.bytes - ext.bytes;
                    targets.push((
                        "token === target allocates no 2nd note".into(),
                        format!("{extra:+.1} B over the same registration without token"),
                        extra < note,
                    ));
                }
            }
        }
        for n in self.sizes("cleanup") {
            if let Some(ratio) = self.ratio("cleanup", n, Impl::Extension, Impl::Builtin) {
                // What any design with one notification object per target pays at best: the
                // floor's collection plus a delivery as fast as the builtin's.
                let us = |workload, imp| {
                    self.series(workload, n, imp)
                        .map_or(f64::NAN, Series::us_per_op)
                };
                let floor = (us("cleanup: collection", Impl::FloorWeakMap)
                    + us("cleanup: delivery", Impl::Builtin))
                    / us("cleanup", Impl::Builtin);
                targets.push((
                    format!("cleanup ≤ 1.2x builtin per callback (N = {})", fmt_n(n)),
                    format!(
                        "{ratio:.3}x (floor: collecting weak-map entries + notes, then delivering as \
                         fast as the builtin: {floor:.2}x)"
                    ),
                    ratio <= 1.2,
                ));
            }
        }
        for &(workload, _, (goal, limit)) in OVERHEAD {
            for n in self.sizes(workload) {
                if let Some(ratio) = self.ratio(workload, n, Impl::Extension, Impl::NoRegistry) {
                    targets.push((goal.into(), format!("{ratio:.3}x"), ratio <= limit));
                }
            }
        }
        for op in WeakOp::ALL {
            let workload = op.workload(KeyKind::Object);
            for n in self.sizes(workload) {
                if let Some(ratio) = self.ratio(workload, n, Impl::Extension, Impl::NoRegistry) {
                    targets.push((
                        format!("{} with object keys within 1.05x of plain Boa", op.label()),
                        format!("{ratio:.3}x"),
                        ratio <= 1.05,
                    ));
                }
            }
        }
        for n in self.sizes("gc-heavy, no registry") {
            if let Some(ratio) =
                self.ratio("gc-heavy, no registry", n, Impl::Extension, Impl::Builtin)
            {
                targets.push((
                    "GC-heavy script without registries within 3% of builtin".into(),
                    format!("{ratio:.3}x"),
                    ratio <= 1.03,
                ));
            }
        }
        targets
    }

    /// Every run of every measurement, for `--json`.
    pub fn json(&self, elapsed: Duration) -> Value {
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
            "targets": targets,
        })
    }
}

fn delivered_note(delivered: &[usize], expected: usize) -> String {
    if delivered.iter().all(|&d| d == expected) {
        String::new()
    } else {
        format!(" ({} of {expected} delivered)", median_usize(delivered))
    }
}

fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

fn median_usize(values: &[usize]) -> usize {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted[sorted.len() / 2]
}

fn fmt_us(us: f64) -> String {
    if us >= 100.0 {
        format!("{us:.0}")
    } else if us >= 10.0 {
        format!("{us:.1}")
    } else {
        format!("{us:.3}")
    }
}

fn fmt_exp(exponent: Option<f64>) -> String {
    exponent.map_or(String::new(), |e| format!("{e:.2}"))
}

fn fmt_n(n: usize) -> String {
    match n {
        1_000 => "1e3".into(),
        10_000 => "1e4".into(),
        100_000 => "1e5".into(),
        1_000_000 => "1e6".into(),
        n => n.to_string(),
    }
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn cpu_model() -> String {
    command_output("lscpu", &[])
        .and_then(|lscpu| {
            lscpu
                .lines()
                .find(|line| line.starts_with("Model name:"))
                .map(|line| line["Model name:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn environment_json() -> Value {
    json!({
        "date_utc": today_utc(),
        "cpu": cpu_model(),
        "nproc": command_output("nproc", &[]),
        "os": command_output("uname", &["-srm"]),
        "rustc": command_output("rustc", &["--version"]),
        "lscpu": command_output("lscpu", &[]),
    })
}

/// The header of `--markdown`: date, machine, toolchain, command.
pub fn environment(elapsed: Duration, quick: bool) -> String {
    let lscpu = command_output("lscpu", &[]).unwrap_or_default();
    let pick = |key: &str| {
        lscpu
            .lines()
            .find(|line| line.starts_with(key))
            .map(|line| line[key.len()..].trim().to_string())
            .unwrap_or_default()
    };
    format!(
        "## Benchmark: boa_finalization vs Boa 0.22's built-in FinalizationRegistry\n\n\
         - Date: {} (UTC)\n\
         - Command: `cargo xtask bench{}` ({:.0} s)\n\
         - Machine: {} ({}, {}), {} CPUs (`nproc`: {}), L2 {}, L3 {}, hypervisor {}\n\
         - OS: {}\n\
         - Toolchain: {}, release profile\n\
         - Engine: boa_engine 0.22.0\n",
        today_utc(),
        if quick { " --quick" } else { "" },
        elapsed.as_secs_f64(),
        cpu_model(),
        pick("Architecture:"),
        pick("Vendor ID:"),
        pick("CPU(s):"),
        command_output("nproc", &[]).unwrap_or_default(),
        pick("L2 cache:"),
        pick("L3 cache:"),
        pick("Hypervisor vendor:"),
        command_output("uname", &["-srm"]).unwrap_or_default(),
        command_output("rustc", &["--version"]).unwrap_or_default(),
    )
}

/// Today's date in UTC as YYYY-MM-DD.
fn today_utc() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}
