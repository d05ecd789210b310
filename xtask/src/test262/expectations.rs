//! `test262/expectations.toml`: tests known to fail, or skipped on purpose,
//! per registry, each with a reason.
//!
//! ```toml
//! [builtin."test/built-ins/FinalizationRegistry/prototype/register/return-undefined-register-symbol.js"]
//! outcome = "fail"
//! reason = "Boa 0.22 cannot hold symbols weakly"
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Registry;

/// What a listed test is expected to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Expected {
    /// Runs and fails: a pass is reported as unexpected.
    Fail,
    /// Is not run at all.
    Skip,
}

/// One entry of the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expectation {
    /// `fail` or `skip`.
    pub(crate) outcome: Expected,
    /// Why (required, non-empty).
    pub(crate) reason: String,
}

/// The whole file: one table per registry, keyed by path relative to the
/// suite root (`test/built-ins/...`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expectations {
    /// Entries for `--registry extension`.
    #[serde(default)]
    pub(crate) extension: BTreeMap<String, Expectation>,
    /// Entries for `--registry builtin`.
    #[serde(default)]
    pub(crate) builtin: BTreeMap<String, Expectation>,
}

impl Expectations {
    /// Parses the file's text, rejecting unknown keys and empty reasons.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let parsed: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        for (registry, table) in [
            ("extension", &parsed.extension),
            ("builtin", &parsed.builtin),
        ] {
            for (path, entry) in table {
                if entry.reason.trim().is_empty() {
                    return Err(format!("[{registry}.\"{path}\"] needs a non-empty reason"));
                }
                if !path.starts_with("test/") {
                    return Err(format!(
                        "[{registry}.\"{path}\"]: keys are paths relative to the suite root, \
                         starting with `test/`"
                    ));
                }
            }
        }
        Ok(parsed)
    }

    /// The table for `registry`.
    pub(crate) fn for_registry(&self, registry: Registry) -> &BTreeMap<String, Expectation> {
        match registry {
            Registry::Extension => &self.extension,
            Registry::Builtin => &self.builtin,
        }
    }
}

/// How an observed outcome relates to the expectations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Agreement {
    /// Passed, and not listed.
    Pass,
    /// Failed, listed as `fail`.
    ExpectedFailure,
    /// Failed, not listed: makes the run fail.
    UnexpectedFailure,
    /// Passed, but listed as `fail`: makes the run fail (the file must be
    /// updated).
    UnexpectedPass,
    /// Not run (host cannot, or listed as `skip`).
    Skipped,
}

/// Compares an observed result (`Some(passed)`, or `None` when not run)
/// with the test's expectation.
pub(crate) fn agree(passed: Option<bool>, expected: Option<&Expectation>) -> Agreement {
    let expected_fail = expected.is_some_and(|e| e.outcome == Expected::Fail);
    match passed {
        None => Agreement::Skipped,
        Some(true) if expected_fail => Agreement::UnexpectedPass,
        Some(true) => Agreement::Pass,
        Some(false) if expected_fail => Agreement::ExpectedFailure,
        Some(false) => Agreement::UnexpectedFailure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[builtin."test/built-ins/FinalizationRegistry/a.js"]
outcome = "fail"
reason = "known gap"

[builtin."test/built-ins/WeakRef/b.js"]
outcome = "skip"
reason = "slow"

[extension]
"#;

    #[test]
    fn parses_tables_per_registry() {
        let e = Expectations::parse(SAMPLE).unwrap();
        assert!(e.extension.is_empty());
        assert_eq!(e.builtin.len(), 2);
        let a = &e.for_registry(Registry::Builtin)["test/built-ins/FinalizationRegistry/a.js"];
        assert_eq!(a.outcome, Expected::Fail);
        assert_eq!(a.reason, "known gap");
        assert_eq!(Expectations::parse("").unwrap(), Expectations::default());
    }

    #[test]
    fn rejects_bad_files() {
        // Unknown registry, unknown key, bad outcome, empty reason, bad path.
        assert!(
            Expectations::parse("[other.\"test/a.js\"]\noutcome=\"fail\"\nreason=\"r\"").is_err()
        );
        assert!(Expectations::parse(
            "[builtin.\"test/a.js\"]\noutcome=\"fail\"\nreason=\"r\"\nwhy=1"
        )
        .is_err());
        assert!(
            Expectations::parse("[builtin.\"test/a.js\"]\noutcome=\"pass\"\nreason=\"r\"").is_err()
        );
        assert!(
            Expectations::parse("[builtin.\"test/a.js\"]\noutcome=\"fail\"\nreason=\" \"").is_err()
        );
        assert!(Expectations::parse(
            "[builtin.\"built-ins/a.js\"]\noutcome=\"fail\"\nreason=\"r\""
        )
        .is_err());
        assert!(Expectations::parse("[builtin.\"test/a.js\"]\nreason=\"r\"").is_err());
        assert!(Expectations::parse("not toml [").is_err());
    }

    #[test]
    fn matching() {
        let fail = Expectation {
            outcome: Expected::Fail,
            reason: "r".into(),
        };
        let skip = Expectation {
            outcome: Expected::Skip,
            reason: "r".into(),
        };
        assert_eq!(agree(Some(true), None), Agreement::Pass);
        assert_eq!(agree(Some(false), None), Agreement::UnexpectedFailure);
        assert_eq!(agree(Some(false), Some(&fail)), Agreement::ExpectedFailure);
        assert_eq!(agree(Some(true), Some(&fail)), Agreement::UnexpectedPass);
        assert_eq!(agree(None, Some(&skip)), Agreement::Skipped);
        assert_eq!(agree(None, None), Agreement::Skipped);
    }
}
