//! The targets the bench checks, each with what was measured and a verdict.

use std::fmt::Write as _;

use super::tables::{OVERHEAD, fmt_n};
use super::{Report, Series, TOKEN_CHURN, UNREGISTER_TARGET};
use crate::bench::median;
use crate::bench::weak_family::{KeyKind, WeakOp};
use crate::bench::workloads::{Impl, MemCase};
use crate::markdown::MarkdownTable;

impl Report {
    pub(super) fn target_table(&self, out: &mut String) {
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
    pub(super) fn targets(&self) -> Vec<(String, String, bool)> {
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
            let sizes = crate::bench::ONE_TARGET_SIZES;
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
            if let Some(ratio) = self.instruction_ratio(op, Impl::Extension) {
                targets.push((
                    format!(
                        "{} with object keys within 1.05x of plain Boa, in instructions",
                        op.label()
                    ),
                    format!("{ratio:.3}x"),
                    ratio <= 1.05,
                ));
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
}
