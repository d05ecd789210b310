//! `--compare`: both registries must give every test the same outcome,
//! mode by mode, unless the expectations file declares a difference (a
//! path whose expectation differs between `[extension]` and `[builtin]`).
//!
//! This is what keeps the extension's job loop (`CleanupExecutor`) honest
//! about everything else the engine queues: a Promise or async test that
//! passes or fails with Boa's own executor must do the same with ours.

use super::{TestResult, expectations::Expectations, metadata::Mode};

/// What happened to one test in one run, without the messages.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Not run (host cannot, or listed as `skip`).
    NotRun,
    /// Failed before any mode could run.
    LoadError,
    /// Pass or fail per mode, in mode order.
    Ran(Vec<(Mode, bool)>),
}

impl Outcome {
    fn of(result: &TestResult) -> Self {
        if result.skipped.is_some() {
            Self::NotRun
        } else if result.error.is_some() {
            Self::LoadError
        } else {
            Self::Ran(
                result
                    .runs
                    .iter()
                    .map(|run| (run.mode, run.verdict.passed()))
                    .collect(),
            )
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::NotRun => "not run".into(),
            Self::LoadError => "load error".into(),
            Self::Ran(modes) => modes
                .iter()
                .map(|(mode, passed)| format!("{mode} {}", if *passed { "pass" } else { "fail" }))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The comparison of two runs over the same tests.
#[derive(Debug, Default)]
pub(crate) struct Comparison {
    /// Tests with the same outcome under both registries.
    pub(crate) identical: usize,
    /// Tests that differ where the expectations file says they should.
    pub(crate) declared: usize,
    /// `DIFF` lines for tests that differ with no declared difference.
    pub(crate) undeclared: Vec<String>,
}

impl Comparison {
    /// Compares `extension` with `builtin` (results of the same tests, in
    /// the same order).
    pub(crate) fn of(
        extension: &[TestResult],
        builtin: &[TestResult],
        expectations: &Expectations,
    ) -> Self {
        let mut comparison = Self::default();
        for (ext, builtin) in extension.iter().zip(builtin) {
            debug_assert_eq!(ext.path, builtin.path);
            let (a, b) = (Outcome::of(ext), Outcome::of(builtin));
            if a == b {
                comparison.identical += 1;
            } else if !expectations.same_for_all(&ext.path) {
                comparison.declared += 1;
            } else {
                comparison.undeclared.push(format!(
                    "DIFF  {}: extension: {}; builtin: {}",
                    ext.path,
                    a.describe(),
                    b.describe()
                ));
            }
        }
        comparison
    }

    /// The summary line.
    pub(crate) fn closing_line(&self) -> String {
        format!(
            "compare: {} identical, {} declared difference(s), {} undeclared difference(s)",
            self.identical,
            self.declared,
            self.undeclared.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test262::{
        RunResult,
        expectations::{Agreement, agree},
        verdict::Verdict,
    };

    fn result(path: &str, verdicts: &[(Mode, bool)]) -> TestResult {
        let mut r = TestResult {
            path: path.into(),
            runs: verdicts
                .iter()
                .map(|&(mode, passed)| RunResult {
                    mode,
                    verdict: if passed {
                        Verdict::Pass
                    } else {
                        Verdict::Fail("x".into())
                    },
                })
                .collect(),
            skipped: None,
            error: None,
            expectation: None,
            agreement: Agreement::Skipped,
        };
        r.agreement = agree(r.passed(), None);
        r
    }

    #[test]
    fn differences_fail_unless_declared() {
        let both = [(Mode::NonStrict, true), (Mode::Strict, true)];
        let strict_fails = [(Mode::NonStrict, true), (Mode::Strict, false)];
        let ext = vec![
            result("test/a.js", &both),
            result("test/b.js", &both),
            result("test/c.js", &both),
        ];
        let builtin = vec![
            result("test/a.js", &both),
            result("test/b.js", &strict_fails),
            result("test/c.js", &strict_fails),
        ];
        let expectations = Expectations::parse(
            "[builtin.\"test/c.js\"]\noutcome = \"fail\"\nreason = \"declared\"",
        )
        .unwrap();
        let comparison = Comparison::of(&ext, &builtin, &expectations);
        assert_eq!(comparison.identical, 1);
        assert_eq!(comparison.declared, 1);
        assert_eq!(
            comparison.undeclared,
            [
                "DIFF  test/b.js: extension: non-strict pass, strict pass; builtin: non-strict pass, strict fail"
            ]
        );
        assert!(
            comparison
                .closing_line()
                .ends_with("1 undeclared difference(s)")
        );
    }
}
