//! The Markdown tables of the report: times, floors, one target, cleanup, overhead, memory.

use std::fmt::Write as _;

use super::{Report, Series};
use crate::bench::median;
use crate::bench::weak_family::{KeyKind, WeakOp};
use crate::bench::workloads::{Impl, MemCase};
use crate::gc_stress::StressLevel;
use crate::markdown::MarkdownTable;

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
pub(super) const OVERHEAD: &[(&str, &str, (&str, f64))] = &[
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

/// The GC-stress rows' workload names: one per level (none: off).
pub(crate) fn stress_workload(level: Option<StressLevel>) -> &'static str {
    match level {
        None => "gc-stress: off",
        Some(StressLevel::Task) => "gc-stress: task",
        Some(StressLevel::Job) => "gc-stress: job",
    }
}

impl Report {
    /// The cost per task of each GC-stress level, with N live objects.
    pub(super) fn stress_table(&self, out: &mut String) {
        let off = stress_workload(None);
        let sizes = self.sizes(off);
        if sizes.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\n### GC stress: a task (a generic job, two promise jobs) with N live objects, µs per task (medians)\n"
        );
        let mut table = MarkdownTable::new(
            ["N live", "off", "task", "job", "task/off", "job/off"],
            &[1, 2, 3, 4, 5],
        );
        for n in sizes {
            let us = |level| {
                self.series(stress_workload(level), n, Impl::Extension)
                    .map_or(f64::NAN, Series::us_per_op)
            };
            let (off_us, task_us, job_us) = (
                us(None),
                us(Some(StressLevel::Task)),
                us(Some(StressLevel::Job)),
            );
            table.row([
                fmt_n(n),
                fmt_us(off_us),
                fmt_us(task_us),
                fmt_us(job_us),
                format!("{:.1}", task_us / off_us),
                format!("{:.1}", job_us / off_us),
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
    }

    pub(super) fn time_table(&self, out: &mut String) {
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
                        let done = series.done.as_ref().map_or(0, |done| median_count(done));
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
                    None => (String::new(), String::new()),
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

    pub(super) fn one_target_table(&self, out: &mut String) {
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

    pub(super) fn floor_table(&self, out: &mut String) {
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

    pub(super) fn cleanup_table(&self, out: &mut String) {
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
    pub(super) fn overhead_table(&self, out: &mut String) {
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

    /// The weak family's rows: object keys, extension against plain Boa and the forwarding floor;
    /// symbol keys beside them; then the instruction counts.
    pub(super) fn weak_table(&self, out: &mut String) {
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
             which rejects symbol keys; floor = plain Boa whose methods are replaced by ones that only \
             forward object keys to Boa through its public API)\n"
        );
        let mut table = MarkdownTable::new(
            [
                "operation",
                "N",
                "extension, object keys",
                "plain Boa, object keys",
                "extension/plain Boa",
                "floor, object keys",
                "extension/floor",
                "extension, symbol keys",
            ],
            &[1, 2, 3, 4, 5, 6, 7],
        );
        for (op, n) in rows {
            let object = op.workload(KeyKind::Object);
            let us = |kind, imp| {
                self.series(op.workload(kind), n, imp)
                    .map_or(f64::NAN, Series::us_per_op)
            };
            let ratio = |base| {
                self.ratio(object, n, Impl::Extension, base)
                    .unwrap_or(f64::NAN)
            };
            table.row([
                op.label().to_string(),
                fmt_n(n),
                fmt_us(us(KeyKind::Object, Impl::Extension)),
                fmt_us(us(KeyKind::Object, Impl::NoRegistry)),
                format!("{:.3}", ratio(Impl::NoRegistry)),
                fmt_us(us(KeyKind::Object, Impl::FloorForward)),
                format!("{:.3}", ratio(Impl::FloorForward)),
                fmt_us(us(KeyKind::Symbol, Impl::Extension)),
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
        self.weak_instruction_table(out);
    }

    /// Instructions per weak-family operation with object keys, counted by callgrind (repeatable
    /// whatever else the machine runs).
    fn weak_instruction_table(&self, out: &mut String) {
        if self.instructions.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\n### Weak family, instructions per operation (object keys, N = 2e4, callgrind: \
             difference between three loops and one, over 2N)\n"
        );
        let mut table = MarkdownTable::new(
            [
                "operation",
                "extension",
                "floor",
                "plain Boa",
                "extension/plain Boa",
                "floor/plain Boa",
            ],
            &[1, 2, 3, 4, 5],
        );
        for op in WeakOp::ALL {
            let count = |imp| self.instructions_of(op, imp);
            let cell = |imp| count(imp).map_or_else(|| "-".into(), |n| format!("{n:.0}"));
            let ratio = |imp| {
                self.instruction_ratio(op, imp)
                    .map_or_else(|| "-".into(), |r| format!("{r:.3}"))
            };
            table.row([
                op.label().to_string(),
                cell(Impl::Extension),
                cell(Impl::FloorForward),
                cell(Impl::NoRegistry),
                ratio(Impl::Extension),
                ratio(Impl::FloorForward),
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
    }

    pub(super) fn memory_table(&self, out: &mut String) {
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
                self.memory_of(imp, case).map_or(String::new(), |memory| {
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
}

fn delivered_note(delivered: &[usize], expected: usize) -> String {
    if delivered.iter().all(|&d| d == expected) {
        String::new()
    } else {
        format!(" ({} of {expected} delivered)", median_count(delivered))
    }
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

pub(super) fn fmt_n(n: usize) -> String {
    match n {
        1_000 => "1e3".into(),
        10_000 => "1e4".into(),
        100_000 => "1e5".into(),
        1_000_000 => "1e6".into(),
        n => n.to_string(),
    }
}

/// The median of counts (operations done or callbacks delivered per run), as a whole count.
fn median_count(counts: &[usize]) -> usize {
    let counts: Vec<f64> = counts.iter().map(|&count| count as f64).collect();
    median(&counts) as usize
}
