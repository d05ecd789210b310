//! Test frontmatter (parsed into `test262_harness::Description`) and what
//! it implies: execution modes, harness files, host support.

use std::fmt;

use test262_harness::{Description, Flag, Negative, Phase};

/// How one execution of a test is set up (INTERPRETING.md, "Strict Mode",
/// "Modules", `raw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Mode {
    /// Global code, source unchanged, harness prepended.
    NonStrict,
    /// Global code with `"use strict";\n` inserted first.
    Strict,
    /// Module code.
    Module,
    /// Global code, source unchanged, no harness at all.
    Raw,
}

impl Mode {
    /// Short name used in reports and JSON.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::NonStrict => "non-strict",
            Self::Strict => "strict",
            Self::Module => "module",
            Self::Raw => "raw",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Extracts and parses the `/*--- ... ---*/` frontmatter of a test file,
/// the same way `test262_harness` does for the tests it walks.
pub(crate) fn parse_frontmatter(source: &str) -> Result<Description, String> {
    let start = source.find("/*---").ok_or("no `/*---` frontmatter start")?;
    let end = source.find("---*/").ok_or("no `---*/` frontmatter end")?;
    if end < start + 5 {
        return Err("malformed frontmatter".into());
    }
    let yaml = source[start + 5..end].replace('\r', "\n");
    serde_yaml::from_str(&yaml).map_err(|e| format!("invalid frontmatter: {e}"))
}

/// Whether `desc` has `flag`.
pub(crate) fn has_flag(desc: &Description, flag: Flag) -> bool {
    desc.flags.contains(&flag)
}

/// The executions a test needs, in run order.
pub(crate) fn modes(desc: &Description) -> Vec<Mode> {
    if has_flag(desc, Flag::Module) {
        vec![Mode::Module]
    } else if has_flag(desc, Flag::Raw) {
        vec![Mode::Raw]
    } else if has_flag(desc, Flag::OnlyStrict) {
        vec![Mode::Strict]
    } else if has_flag(desc, Flag::NoStrict) {
        vec![Mode::NonStrict]
    } else {
        vec![Mode::NonStrict, Mode::Strict]
    }
}

/// The harness files evaluated before the test in `mode`, in order:
/// `assert.js`, `sta.js`, `doneprintHandle.js` for async tests, then
/// `includes` (none at all for `raw`).
pub(crate) fn harness_files(desc: &Description, mode: Mode) -> Vec<String> {
    if mode == Mode::Raw {
        return Vec::new();
    }
    let mut files = vec!["assert.js".to_owned(), "sta.js".to_owned()];
    if has_flag(desc, Flag::Async) {
        files.push("doneprintHandle.js".to_owned());
    }
    for include in &desc.includes {
        if !files.contains(include) {
            files.push(include.clone());
        }
    }
    files
}

/// The source text executed for `mode`.
pub(crate) fn prepare_source(source: &str, mode: Mode) -> String {
    match mode {
        Mode::Strict => format!("\"use strict\";\n{source}"),
        Mode::NonStrict | Mode::Module | Mode::Raw => source.to_owned(),
    }
}

/// Features this host cannot support, with the reason a test needing one
/// is skipped.
pub(crate) const UNSUPPORTED_FEATURES: &[(&str, &str)] = &[
    (
        "IsHTMLDDA",
        "host does not provide $262.IsHTMLDDA (needs Boa's annex-b internals)",
    ),
    (
        "source-phase-imports",
        "host does not provide $262.AbstractModuleSource",
    ),
    (
        "source-phase-imports-module-source",
        "host cannot provide a <module source> module",
    ),
];

/// Why this host cannot run the test, if it cannot.
pub(crate) fn host_skip_reason(desc: &Description, source: &str) -> Option<String> {
    for feature in &desc.features {
        if let Some((_, reason)) = UNSUPPORTED_FEATURES.iter().find(|(f, _)| f == feature) {
            return Some(format!("feature `{feature}`: {reason}"));
        }
    }
    if has_flag(desc, Flag::CanBlockIsTrue) {
        return Some("flag `CanBlockIsTrue`: the test agent's [[CanBlock]] is false".into());
    }
    if source.contains("$262.agent") {
        return Some("host does not implement $262.agent (multi-agent tests)".into());
    }
    None
}

/// The phase a negative test expects, with `early` (older tests) folded
/// into `parse` as INTERPRETING.md now does.
pub(crate) fn expected_phase(negative: &Negative) -> ErrorPhase {
    match negative.phase {
        Phase::Parse | Phase::Early => ErrorPhase::Parse,
        Phase::Resolution => ErrorPhase::Resolution,
        Phase::Runtime => ErrorPhase::Runtime,
    }
}

/// When an error surfaced during an execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorPhase {
    /// Parsing or early errors of the test source.
    Parse,
    /// Module loading and linking.
    Resolution,
    /// Evaluation, including the job loop.
    Runtime,
}

impl fmt::Display for ErrorPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Parse => "parse",
            Self::Resolution => "resolution",
            Self::Runtime => "runtime",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(yaml_body: &str) -> Description {
        parse_frontmatter(&format!("// header\n/*---\n{yaml_body}\n---*/\ncode();\n")).unwrap()
    }

    #[test]
    fn frontmatter_is_parsed() {
        let d = desc(
            "description: x\nincludes: [propertyHelper.js]\nflags: [onlyStrict]\nfeatures: [FinalizationRegistry]",
        );
        assert_eq!(d.includes, vec!["propertyHelper.js"]);
        assert_eq!(d.flags, vec![Flag::OnlyStrict]);
        assert_eq!(d.features, vec!["FinalizationRegistry"]);
        assert!(d.negative.is_none());
    }

    #[test]
    fn missing_or_broken_frontmatter_is_an_error_not_a_panic() {
        assert!(parse_frontmatter("code();").is_err());
        assert!(parse_frontmatter("---*/ /*---").is_err());
        assert!(parse_frontmatter("/*---\nflags: [noSuchFlag]\n---*/").is_err());
        assert!(parse_frontmatter("/*---\n: : :\n---*/").is_err());
    }

    #[test]
    fn flags_to_modes() {
        assert_eq!(
            modes(&desc("description: x")),
            vec![Mode::NonStrict, Mode::Strict]
        );
        assert_eq!(modes(&desc("flags: [onlyStrict]")), vec![Mode::Strict]);
        assert_eq!(modes(&desc("flags: [noStrict]")), vec![Mode::NonStrict]);
        assert_eq!(modes(&desc("flags: [raw]")), vec![Mode::Raw]);
        assert_eq!(modes(&desc("flags: [module]")), vec![Mode::Module]);
        assert_eq!(
            modes(&desc("flags: [async, generated]")),
            vec![Mode::NonStrict, Mode::Strict]
        );
        assert_eq!(modes(&desc("flags: [module, async]")), vec![Mode::Module]);
    }

    #[test]
    fn harness_order() {
        let d = desc("flags: [async]\nincludes: [compareArray.js, asyncHelpers.js]");
        assert_eq!(
            harness_files(&d, Mode::Strict),
            vec![
                "assert.js",
                "sta.js",
                "doneprintHandle.js",
                "compareArray.js",
                "asyncHelpers.js"
            ]
        );
        let raw = desc("flags: [raw]\nincludes: [compareArray.js]");
        assert!(harness_files(&raw, Mode::Raw).is_empty());
    }

    #[test]
    fn strict_source_gets_directive_first() {
        assert_eq!(prepare_source("x;", Mode::Strict), "\"use strict\";\nx;");
        assert_eq!(prepare_source("x;", Mode::NonStrict), "x;");
        assert_eq!(prepare_source("x;", Mode::Raw), "x;");
        assert_eq!(prepare_source("x;", Mode::Module), "x;");
    }

    #[test]
    fn negative_phases() {
        let d = desc("negative:\n  phase: parse\n  type: SyntaxError");
        let n = d.negative.unwrap();
        assert_eq!(expected_phase(&n), ErrorPhase::Parse);
        assert_eq!(n.kind.as_deref(), Some("SyntaxError"));
        let d = desc("negative:\n  phase: resolution\n  type: ReferenceError\nflags: [module]");
        assert_eq!(expected_phase(&d.negative.unwrap()), ErrorPhase::Resolution);
        let d = desc("negative:\n  phase: early\n  type: SyntaxError");
        assert_eq!(expected_phase(&d.negative.unwrap()), ErrorPhase::Parse);
    }

    #[test]
    fn unsupported_host_features_are_skipped_with_reason() {
        let d = desc("features: [IsHTMLDDA]");
        assert!(host_skip_reason(&d, "").unwrap().contains("$262.IsHTMLDDA"));
        let d = desc("features: [Atomics]");
        assert!(
            host_skip_reason(&d, "$262.agent.start('')")
                .unwrap()
                .contains("$262.agent")
        );
        assert!(host_skip_reason(&desc("flags: [CanBlockIsTrue]"), "").is_some());
        assert!(host_skip_reason(&desc("flags: [CanBlockIsFalse]"), "").is_none());
        assert!(host_skip_reason(&desc("features: [FinalizationRegistry]"), "").is_none());
    }
}
