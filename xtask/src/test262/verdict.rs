//! Turning what happened during an execution into pass or fail
//! (INTERPRETING.md, "Test Results", `negative`, `async`).

use test262_harness::Negative;

use super::metadata::{ErrorPhase, expected_phase};

/// Printed by `$DONE()` when an async test succeeds.
pub(crate) const ASYNC_COMPLETE: &str = "Test262:AsyncTestComplete";
/// Prefix printed by `$DONE(error)` when an async test fails.
pub(crate) const ASYNC_FAILURE: &str = "Test262:AsyncTestFailure:";

/// An uncaught exception and the phase it surfaced in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Thrown {
    /// Parse, resolution or runtime.
    pub(crate) phase: ErrorPhase,
    /// The name of the thrown value's constructor (`TypeError`,
    /// `Test262Error`), or a description for non-objects.
    pub(crate) name: String,
    /// The thrown value's message, or its string form.
    pub(crate) message: String,
}

impl Thrown {
    /// `Name: message`, or just the name.
    pub(crate) fn describe(&self) -> String {
        if self.message.is_empty() {
            self.name.clone()
        } else {
            format!("{}: {}", self.name, self.message)
        }
    }
}

/// How an execution ended, before interpreting the test's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Completion {
    /// Evaluation (and the job loop) finished without an uncaught exception.
    Normal,
    /// An uncaught exception.
    Threw(Thrown),
    /// The host could not set the execution up (harness, `$262`, extension);
    /// never a pass, not even for negative tests.
    HostError(String),
}

/// Pass, or fail with a one-paragraph reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The execution passed.
    Pass,
    /// The execution failed.
    Fail(String),
}

impl Verdict {
    /// Whether this is a pass.
    pub(crate) fn passed(&self) -> bool {
        matches!(self, Self::Pass)
    }
}

/// Judges an execution.
///
/// * negative tests pass only on an exception in the expected phase whose
///   constructor name is the expected type;
/// * async tests pass only when `print` got `Test262:AsyncTestComplete` and
///   never a `Test262:AsyncTestFailure:` message;
/// * other tests pass when no exception escaped.
pub(crate) fn judge(
    negative: Option<&Negative>,
    is_async: bool,
    completion: &Completion,
    printed: &[String],
) -> Verdict {
    if let Completion::HostError(message) = completion {
        return Verdict::Fail(format!("host error: {message}"));
    }
    if let Some(negative) = negative {
        return judge_negative(negative, completion);
    }
    match completion {
        Completion::Threw(thrown) => Verdict::Fail(format!(
            "uncaught {} error: {}",
            thrown.phase,
            thrown.describe()
        )),
        Completion::Normal if is_async => judge_async(printed),
        Completion::Normal | Completion::HostError(_) => Verdict::Pass,
    }
}

/// Judges a `negative` test.
fn judge_negative(negative: &Negative, completion: &Completion) -> Verdict {
    let phase = expected_phase(negative);
    let kind = negative.kind.as_deref().unwrap_or("<any>");
    match completion {
        Completion::Threw(thrown) => {
            let phase_ok = thrown.phase == phase;
            let kind_ok = negative.kind.as_deref().is_none_or(|k| k == thrown.name);
            if phase_ok && kind_ok {
                Verdict::Pass
            } else {
                Verdict::Fail(format!(
                    "expected {kind} in {phase} phase, got {} error: {}",
                    thrown.phase,
                    thrown.describe()
                ))
            }
        }
        Completion::Normal => Verdict::Fail(format!(
            "expected {kind} in {phase} phase, but the test completed normally"
        )),
        Completion::HostError(message) => Verdict::Fail(format!("host error: {message}")),
    }
}

/// Judges what an async test printed.
fn judge_async(printed: &[String]) -> Verdict {
    if let Some(failure) = printed.iter().find(|p| p.starts_with(ASYNC_FAILURE)) {
        return Verdict::Fail(format!(
            "async failure: {}",
            &failure[ASYNC_FAILURE.len()..]
        ));
    }
    if printed.iter().any(|p| p == ASYNC_COMPLETE) {
        return Verdict::Pass;
    }
    if printed.is_empty() {
        Verdict::Fail(format!("async test never printed {ASYNC_COMPLETE}"))
    } else {
        Verdict::Fail(format!(
            "async test never printed {ASYNC_COMPLETE} (printed: {})",
            printed.join(" | ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test262_harness::Phase;

    fn thrown(phase: ErrorPhase, name: &str) -> Completion {
        Completion::Threw(Thrown {
            phase,
            name: name.into(),
            message: "m".into(),
        })
    }

    fn negative(phase: Phase, kind: &str) -> Negative {
        Negative {
            phase,
            kind: Some(kind.into()),
        }
    }

    #[test]
    fn plain_tests() {
        assert_eq!(judge(None, false, &Completion::Normal, &[]), Verdict::Pass);
        let v = judge(
            None,
            false,
            &thrown(ErrorPhase::Runtime, "Test262Error"),
            &[],
        );
        assert_eq!(
            v,
            Verdict::Fail("uncaught runtime error: Test262Error: m".into())
        );
        let v = judge(None, false, &Completion::HostError("boom".into()), &[]);
        assert!(!v.passed());
    }

    #[test]
    fn negative_needs_right_phase_and_type() {
        let n = negative(Phase::Parse, "SyntaxError");
        assert!(
            judge(
                Some(&n),
                false,
                &thrown(ErrorPhase::Parse, "SyntaxError"),
                &[]
            )
            .passed()
        );
        // Right type, wrong phase.
        let v = judge(
            Some(&n),
            false,
            &thrown(ErrorPhase::Runtime, "SyntaxError"),
            &[],
        );
        assert!(matches!(v, Verdict::Fail(m) if m.contains("expected SyntaxError in parse phase")));
        // Right phase, wrong type.
        assert!(
            !judge(
                Some(&n),
                false,
                &thrown(ErrorPhase::Parse, "TypeError"),
                &[]
            )
            .passed()
        );
        // No error at all.
        assert!(!judge(Some(&n), false, &Completion::Normal, &[]).passed());
        // A host failure is never the expected error.
        assert!(!judge(Some(&n), false, &Completion::HostError("x".into()), &[]).passed());
        // $DONOTEVALUATE throws a string at runtime.
        let r = negative(Phase::Runtime, "ReferenceError");
        assert!(
            !judge(
                Some(&r),
                false,
                &thrown(ErrorPhase::Runtime, "string value"),
                &[]
            )
            .passed()
        );
        assert!(
            judge(
                Some(&r),
                false,
                &thrown(ErrorPhase::Runtime, "ReferenceError"),
                &[]
            )
            .passed()
        );
        let m = negative(Phase::Resolution, "SyntaxError");
        assert!(
            judge(
                Some(&m),
                false,
                &thrown(ErrorPhase::Resolution, "SyntaxError"),
                &[]
            )
            .passed()
        );
        assert!(
            !judge(
                Some(&m),
                false,
                &thrown(ErrorPhase::Parse, "SyntaxError"),
                &[]
            )
            .passed()
        );
    }

    #[test]
    fn async_verdicts() {
        let done = vec![ASYNC_COMPLETE.to_owned()];
        assert!(judge(None, true, &Completion::Normal, &done).passed());
        // Nothing printed: the test never finished.
        assert!(!judge(None, true, &Completion::Normal, &[]).passed());
        // Other output does not count.
        let other = vec!["hello".to_owned()];
        let v = judge(None, true, &Completion::Normal, &other);
        assert!(matches!(v, Verdict::Fail(m) if m.contains("hello")));
        // A failure wins even if completion was printed too.
        let failed = vec![
            format!("{ASYNC_FAILURE}Test262Error: nope"),
            ASYNC_COMPLETE.to_owned(),
        ];
        let v = judge(None, true, &Completion::Normal, &failed);
        assert_eq!(v, Verdict::Fail("async failure: Test262Error: nope".into()));
        // An uncaught exception fails even when completion was printed.
        assert!(!judge(None, true, &thrown(ErrorPhase::Runtime, "TypeError"), &done).passed());
        // Sync tests ignore print output.
        assert!(judge(None, false, &Completion::Normal, &[]).passed());
    }
}
