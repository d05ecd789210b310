//! `test262/expectations.toml`: tests known to fail, or skipped on purpose,
//! each with a reason: per registry (`[extension]`, `[builtin]`), or for
//! both at once (`[shared]`: the engine's own failures, which no registry
//! changes).
//!
//! ```toml
//! [builtin."test/built-ins/FinalizationRegistry/prototype/register/return-undefined-register-symbol.js"]
//! outcome = "fail"
//! reason = "Boa 0.22 cannot hold symbols weakly"
//!
//! [shared."test/built-ins/Promise/some-test.js"]
//! outcome = "fail"
//! reason = "Boa 0.22 gets this wrong with either registry"
//! ```
//!
//! A path is listed in `[shared]` or in the registry tables, never both, so
//! every test has one entry per registry at most and a difference between
//! the registries is always spelled out.

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

/// The whole file: one table per registry and one for both, keyed by path
/// relative to the suite root (`test/built-ins/...`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expectations {
    /// Entries for every registry: the engine's own failures.
    #[serde(default)]
    pub(crate) shared: BTreeMap<String, Expectation>,
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
            ("shared", &parsed.shared),
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
                if registry != "shared" && parsed.shared.contains_key(path) {
                    return Err(format!(
                        "\"{path}\" is listed under both [shared] and [{registry}]: keep one"
                    ));
                }
            }
        }
        Ok(parsed)
    }

    /// What applies to `registry`: its own table plus the shared one.
    pub(crate) fn for_registry(&self, registry: Registry) -> BTreeMap<String, Expectation> {
        let own = match registry {
            Registry::Extension => &self.extension,
            Registry::Builtin => &self.builtin,
        };
        let mut table = self.shared.clone();
        table.extend(own.iter().map(|(path, e)| (path.clone(), e.clone())));
        table
    }

    /// Every entry with the name of its table, for checking paths.
    pub(crate) fn tables(&self) -> [(&'static str, &BTreeMap<String, Expectation>); 3] {
        [
            ("shared", &self.shared),
            ("extension", &self.extension),
            ("builtin", &self.builtin),
        ]
    }

    /// Whether the file declares the same expectation for `path` under
    /// every registry (so their outcomes must be identical).
    pub(crate) fn same_for_all(&self, path: &str) -> bool {
        let outcome = |table: &BTreeMap<String, Expectation>| table.get(path).map(|e| e.outcome);
        outcome(&self.extension) == outcome(&self.builtin)
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
        assert!(
            Expectations::parse("[builtin.\"test/a.js\"]\noutcome=\"fail\"\nreason=\"r\"\nwhy=1")
                .is_err()
        );
        assert!(
            Expectations::parse("[builtin.\"test/a.js\"]\noutcome=\"pass\"\nreason=\"r\"").is_err()
        );
        assert!(
            Expectations::parse("[builtin.\"test/a.js\"]\noutcome=\"fail\"\nreason=\" \"").is_err()
        );
        assert!(
            Expectations::parse("[builtin.\"built-ins/a.js\"]\noutcome=\"fail\"\nreason=\"r\"")
                .is_err()
        );
        assert!(Expectations::parse("[builtin.\"test/a.js\"]\nreason=\"r\"").is_err());
        assert!(Expectations::parse("not toml [").is_err());
    }

    #[test]
    fn shared_entries_apply_to_every_registry() {
        let e = Expectations::parse(
            "[shared.\"test/p.js\"]\noutcome=\"fail\"\nreason=\"engine\"\n\
             [builtin.\"test/b.js\"]\noutcome=\"fail\"\nreason=\"builtin only\"",
        )
        .unwrap();
        let ext = e.for_registry(Registry::Extension);
        let builtin = e.for_registry(Registry::Builtin);
        assert_eq!(ext.keys().collect::<Vec<_>>(), ["test/p.js"]);
        assert_eq!(
            builtin.keys().collect::<Vec<_>>(),
            ["test/b.js", "test/p.js"]
        );
        assert!(e.same_for_all("test/p.js"));
        assert!(e.same_for_all("test/other.js"));
        assert!(!e.same_for_all("test/b.js"));
        // One place per path.
        assert!(
            Expectations::parse(
                "[shared.\"test/p.js\"]\noutcome=\"fail\"\nreason=\"r\"\n\
             [extension.\"test/p.js\"]\noutcome=\"fail\"\nreason=\"r\""
            )
            .is_err()
        );
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
