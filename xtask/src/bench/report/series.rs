//! The runs of one measurement and the per-run figures drawn from them.

use crate::bench::median;

/// The runs of one (workload, N, implementation).
pub(crate) struct Series {
    /// Seconds per run.
    pub(super) secs: Vec<f64>,
    /// Operations per complete run.
    pub(super) ops: usize,
    /// Operations actually done per run, when a run may stop at the cap.
    pub(super) done: Option<Vec<usize>>,
    /// Callbacks delivered per run, for cleanup.
    pub(super) delivered: Option<Vec<usize>>,
}

impl Series {
    pub(crate) fn timed(secs: Vec<f64>, ops: usize) -> Self {
        Self {
            secs,
            ops,
            done: None,
            delivered: None,
        }
    }

    pub(crate) fn capped(secs: Vec<f64>, done: Vec<usize>, ops: usize) -> Self {
        Self {
            done: Some(done),
            ..Self::timed(secs, ops)
        }
    }

    pub(crate) fn delivered(secs: Vec<f64>, delivered: Vec<usize>, ops: usize) -> Self {
        Self {
            delivered: Some(delivered),
            ..Self::timed(secs, ops)
        }
    }

    /// Whether some run stopped at the cap.
    pub(super) fn is_capped(&self) -> bool {
        self.done
            .as_ref()
            .is_some_and(|done| done.iter().any(|&done| done < self.ops))
    }

    pub(super) fn median_secs(&self) -> f64 {
        median(&self.secs)
    }

    /// Seconds for the complete run: measured, or extrapolated from a capped run with the builtin's
    /// cost model (unregister number j scans the n - j cells left).
    pub(super) fn estimated_secs(&self) -> Vec<f64> {
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
    pub(super) fn us_per_op(&self) -> f64 {
        let per_run: Vec<f64> = self
            .secs
            .iter()
            .enumerate()
            .map(|(run, &secs)| secs * 1e6 / self.ops_of(run) as f64)
            .collect();
        median(&per_run)
    }

    pub(super) fn ops_of(&self, run: usize) -> usize {
        match &self.delivered {
            Some(delivered) => delivered[run].max(1),
            None => self.ops,
        }
    }
}
