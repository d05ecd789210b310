//! Progress, failure lines, closing lines, JSON and the Markdown table.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::Path,
    sync::atomic::{AtomicUsize, Ordering},
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::{
    Registry, TestResult,
    expectations::{Agreement, Expectations},
    suite::Suite,
    verdict::Verdict,
};
use crate::markdown::MarkdownTable;

/// A progress line on stderr: an indicatif bar on a terminal, a line per
/// quarter otherwise (CI logs). Shared by the worker threads.
#[derive(Debug)]
pub(crate) struct Progress {
    /// Registry under test, shown in the line.
    registry: Registry,
    /// The bar; hidden when stderr is not a terminal.
    bar: ProgressBar,
    /// Executions planned.
    total: usize,
    /// Executions finished.
    done: AtomicUsize,
    /// Executions failed so far.
    failed: AtomicUsize,
    /// Last quarter reported (hidden bar only).
    last_quarter: AtomicUsize,
}

impl Progress {
    /// Starts reporting `total` executions for `registry`.
    pub(crate) fn new(registry: Registry, total: usize) -> Self {
        // Configured while hidden, so that the first frame already has every field.
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("test262 [{prefix}]: {pos}/{len} executions, {msg} failed")
        {
            bar.set_style(style);
        }
        bar.set_prefix(registry.name());
        bar.set_message("0");
        bar.set_draw_target(ProgressDrawTarget::stderr());
        if bar.is_hidden() {
            eprintln!("test262 [{}]: running {total} executions", registry.name());
        }
        Self {
            registry,
            bar,
            total,
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            last_quarter: AtomicUsize::new(0),
        }
    }

    /// Records one finished execution.
    pub(crate) fn record(&self, passed: bool) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let failed = if passed {
            self.failed.load(Ordering::Relaxed)
        } else {
            self.failed.fetch_add(1, Ordering::Relaxed) + 1
        };
        self.bar.set_message(failed.to_string());
        self.bar.inc(1);
        if self.bar.is_hidden() {
            let quarter = done * 4 / self.total.max(1);
            if self.last_quarter.fetch_max(quarter, Ordering::Relaxed) < quarter {
                eprintln!(
                    "test262 [{}]: {done}/{} executions, {failed} failed",
                    self.registry.name(),
                    self.total
                );
            }
        }
    }

    /// Clears the bar.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Per-test counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Summary {
    /// Tests whose every mode passed.
    pub(crate) passed: usize,
    /// Tests with at least one failing mode (expected or not).
    pub(crate) failed: usize,
    /// Tests not run.
    pub(crate) skipped: usize,
    /// Failures listed in the expectations file.
    pub(crate) expected_failures: usize,
    /// Failures not listed there.
    pub(crate) unexpected_failures: usize,
    /// Passes listed there as failures.
    pub(crate) unexpected_passes: usize,
}

impl Summary {
    /// Counts `results`.
    pub(crate) fn of(results: &[TestResult]) -> Self {
        let mut s = Self::default();
        for r in results {
            match r.passed() {
                None => s.skipped += 1,
                Some(true) => s.passed += 1,
                Some(false) => s.failed += 1,
            }
            match r.agreement {
                Agreement::ExpectedFailure => s.expected_failures += 1,
                Agreement::UnexpectedFailure => s.unexpected_failures += 1,
                Agreement::UnexpectedPass => s.unexpected_passes += 1,
                Agreement::Pass | Agreement::Skipped => {}
            }
        }
        s
    }

    /// Results that make the run exit non-zero.
    pub(crate) fn unexpected(&self) -> usize {
        self.unexpected_failures + self.unexpected_passes
    }

    /// `N passed, N failed, N skipped`.
    pub(crate) fn closing_line(&self) -> String {
        format!(
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// Prints a line to stdout, or stderr when stdout is reserved for the table.
pub(crate) fn emit(to_stderr: bool, line: &str) {
    if to_stderr {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}

/// Longest message shown on a report line (the JSON has it whole).
const MAX_LINE_MESSAGE: usize = 400;

/// Keeps a message on one line, shortened to [`MAX_LINE_MESSAGE`] chars.
fn one_line(message: &str) -> String {
    let flat = message.trim_end().replace('\r', "").replace('\n', "\\n");
    match flat.char_indices().nth(MAX_LINE_MESSAGE) {
        Some((cut, _)) => format!("{}...", &flat[..cut]),
        None => flat,
    }
}

/// `[mode, mode]: message` for each distinct failure message of a test.
pub(crate) fn failure_detail(result: &TestResult) -> String {
    if let Some(error) = &result.error {
        return format!("[load]: {}", one_line(error));
    }
    let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
    for run in &result.runs {
        if let Verdict::Fail(message) = &run.verdict {
            match groups.iter_mut().find(|(_, m)| *m == message.as_str()) {
                Some((modes, _)) => modes.push(run.mode.name()),
                None => groups.push((vec![run.mode.name()], message)),
            }
        }
    }
    groups
        .iter()
        .map(|(modes, message)| format!("[{}]: {}", modes.join(", "), one_line(message)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The report line for one test, or `None` for a pass when not verbose.
pub(crate) fn result_line(result: &TestResult, verbose: bool, file: &str) -> Option<String> {
    let reason = result
        .expectation
        .as_ref()
        .map_or("", |e| e.reason.as_str());
    match result.agreement {
        Agreement::UnexpectedFailure => {
            Some(format!("FAIL  {} {}", result.path, failure_detail(result)))
        }
        Agreement::ExpectedFailure => Some(format!(
            "XFAIL {} {} (expected: {reason})",
            result.path,
            failure_detail(result)
        )),
        Agreement::UnexpectedPass => Some(format!(
            "XPASS {} passed, but {file} lists it as failing ({reason}): remove the entry",
            result.path
        )),
        Agreement::Skipped => Some(format!(
            "SKIP  {}: {}",
            result.path,
            result.skipped.as_deref().unwrap_or("not run")
        )),
        Agreement::Pass if verbose => {
            let modes: Vec<&str> = result.runs.iter().map(|r| r.mode.name()).collect();
            Some(format!("PASS  {} [{}]", result.path, modes.join(", ")))
        }
        Agreement::Pass => None,
    }
}

/// Prints one line per failure, skip and unexpected pass (and per pass
/// when verbose).
pub(crate) fn print_results(
    registry: Registry,
    results: &[TestResult],
    verbose: bool,
    expectations_file: &Path,
    to_stderr: bool,
) {
    let file = display_file(expectations_file);
    let mut header = false;
    for result in results {
        if let Some(line) = result_line(result, verbose, &file) {
            if !header && to_stderr {
                emit(to_stderr, &format!("== registry {} ==", registry.name()));
                header = true;
            }
            emit(to_stderr, &line);
        }
    }
}

/// A short display form of the expectations file path.
fn display_file(path: &Path) -> String {
    let workspace = super::workspace_root();
    path.strip_prefix(&workspace)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Warns about entries that name no test of the suite.
pub(crate) fn print_stale(
    expectations: &Expectations,
    suite: &Suite,
    expectations_file: &Path,
    to_stderr: bool,
) {
    for (table_name, table) in expectations.tables() {
        for path in table.keys() {
            if !suite.root.join(path).is_file() {
                emit(
                    to_stderr,
                    &format!(
                        "warning: {} lists {path} under [{table_name}], but the suite has no such test",
                        display_file(expectations_file),
                    ),
                );
            }
        }
    }
}

/// Prints the expectation summary and the closing `N passed, N failed,
/// N skipped` line (prefixed by the registry name when `labeled`).
pub(crate) fn print_closing(registry: Registry, summary: &Summary, to_stderr: bool, labeled: bool) {
    emit(
        to_stderr,
        &format!(
            "registry {}: {} expected failure(s), {} unexpected failure(s), {} unexpected pass(es)",
            registry.name(),
            summary.expected_failures,
            summary.unexpected_failures,
            summary.unexpected_passes
        ),
    );
    let closing = summary.closing_line();
    if labeled {
        emit(to_stderr, &format!("{}: {closing}", registry.name()));
    } else {
        emit(to_stderr, &closing);
    }
}

/// The directory group of a test: its folder relative to `test/`.
pub(crate) fn group_of(path: &str) -> String {
    let rel = path.strip_prefix("test/").unwrap_or(path);
    match rel.rfind('/') {
        Some(i) => rel[..i].to_owned(),
        None => ".".to_owned(),
    }
}

/// The Markdown table: one row per test directory, one `passed/total`
/// column per registry, and a total row.
pub(crate) fn markdown_table(
    runs: &[(Registry, Vec<TestResult>, Summary)],
    commit: Option<&str>,
) -> String {
    let mut groups: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (column, (_, results, _)) in runs.iter().enumerate() {
        for result in results {
            let cells = groups
                .entry(group_of(&result.path))
                .or_insert_with(|| vec![(0, 0); runs.len()]);
            cells[column].1 += 1;
            if result.passed() == Some(true) {
                cells[column].0 += 1;
            }
        }
    }
    let mut header = vec!["Test directory"];
    header.extend(runs.iter().map(|(registry, _, _)| match registry {
        Registry::Extension => "extension (boa_finalization)",
        Registry::Builtin => "builtin (Boa 0.22)",
    }));
    let mut table = MarkdownTable::new(header, &(1..=runs.len()).collect::<Vec<_>>());
    let mut totals = vec![(0, 0); runs.len()];
    for (group, cells) in &groups {
        let mut row = vec![format!("`{group}`")];
        for (column, (passed, total)) in cells.iter().enumerate() {
            row.push(format!("{passed}/{total}"));
            totals[column].0 += passed;
            totals[column].1 += total;
        }
        table.row(row);
    }
    let mut total_row = vec!["**Total**".to_owned()];
    total_row.extend(
        totals
            .iter()
            .map(|(passed, total)| format!("**{passed}/{total}**")),
    );
    table.row(total_row);
    let mut out = table.render();
    out.push_str("\n\n_Generated by `cargo xtask test262 --markdown-table`");
    if let Some(commit) = commit {
        let short = commit.get(..12).unwrap_or(commit);
        let _ = write!(out, " on tc39/test262 `{short}`");
    }
    out.push_str("; a test counts as passed when all its modes pass._");
    out
}

/// One row of the JSON report: an execution, or a test that did not get
/// to run any.
#[derive(Debug, Serialize)]
struct JsonRow<'a> {
    /// Path relative to the suite root.
    path: &'a str,
    /// `non-strict`, `strict`, `module`, `raw`; `null` when no mode ran.
    mode: Option<&'static str>,
    /// `pass`, `fail` or `skip`.
    outcome: &'static str,
    /// Failure message or skip reason.
    message: Option<&'a str>,
    /// `fail`/`skip` when listed in the expectations file.
    expected: Option<&'static str>,
}

/// The JSON report of one registry.
#[derive(Debug, Serialize)]
struct JsonRun<'a> {
    /// `extension` or `builtin`.
    registry: &'static str,
    /// Per-test counts.
    summary: Summary,
    /// One row per execution.
    results: Vec<JsonRow<'a>>,
}

/// The JSON document.
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    /// The checkout that was run.
    suite: String,
    /// Its tc39/test262 commit, when recorded.
    commit: Option<String>,
    /// One entry per registry run.
    runs: Vec<JsonRun<'a>>,
}

/// Flattens a test's results into JSON rows.
fn json_rows(result: &TestResult) -> Vec<JsonRow<'_>> {
    let expected = result.expectation.as_ref().map(|e| match e.outcome {
        super::expectations::Expected::Fail => "fail",
        super::expectations::Expected::Skip => "skip",
    });
    if let Some(reason) = &result.skipped {
        return vec![JsonRow {
            path: &result.path,
            mode: None,
            outcome: "skip",
            message: Some(reason),
            expected,
        }];
    }
    if let Some(error) = &result.error {
        return vec![JsonRow {
            path: &result.path,
            mode: None,
            outcome: "fail",
            message: Some(error),
            expected,
        }];
    }
    result
        .runs
        .iter()
        .map(|run| {
            let (outcome, message) = match &run.verdict {
                Verdict::Pass => ("pass", None),
                Verdict::Fail(m) => ("fail", Some(m.as_str())),
            };
            JsonRow {
                path: &result.path,
                mode: Some(run.mode.name()),
                outcome,
                message,
                expected,
            }
        })
        .collect()
}

/// Writes the per-execution results of every run to `path` as JSON.
pub(crate) fn write_json(
    path: &Path,
    suite: &Suite,
    runs: &[(Registry, Vec<TestResult>, Summary)],
) -> std::io::Result<()> {
    let report = JsonReport {
        suite: suite.root.display().to_string(),
        commit: suite.commit(),
        runs: runs
            .iter()
            .map(|(registry, results, summary)| JsonRun {
                registry: registry.name(),
                summary: *summary,
                results: results.iter().flat_map(json_rows).collect(),
            })
            .collect(),
    };
    let text = serde_json::to_string_pretty(&report).map_err(std::io::Error::other)?;
    std::fs::write(path, text + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test262::{
        RunResult,
        expectations::{Expectation, Expected, agree},
        metadata::Mode,
    };

    fn result(path: &str, verdicts: &[(Mode, Verdict)], expected: Option<Expected>) -> TestResult {
        let expectation = expected.map(|outcome| Expectation {
            outcome,
            reason: "why".into(),
        });
        let mut r = TestResult {
            path: path.into(),
            runs: verdicts
                .iter()
                .map(|(mode, verdict)| RunResult {
                    mode: *mode,
                    verdict: verdict.clone(),
                })
                .collect(),
            skipped: None,
            error: None,
            expectation,
            agreement: Agreement::Skipped,
        };
        r.agreement = agree(r.passed(), r.expectation.as_ref());
        r
    }

    fn fail(m: &str) -> Verdict {
        Verdict::Fail(m.into())
    }

    #[test]
    fn a_test_fails_if_any_mode_fails_and_names_the_mode() {
        let r = result(
            "test/built-ins/X/a.js",
            &[
                (Mode::NonStrict, Verdict::Pass),
                (Mode::Strict, fail("boom\nline2")),
            ],
            None,
        );
        assert_eq!(r.passed(), Some(false));
        assert_eq!(failure_detail(&r), "[strict]: boom\\nline2");
        let line = result_line(&r, false, "e.toml").unwrap();
        assert!(
            line.starts_with("FAIL  test/built-ins/X/a.js [strict]"),
            "{line}"
        );

        let both = result(
            "test/a.js",
            &[
                (Mode::NonStrict, fail("same")),
                (Mode::Strict, fail("same")),
            ],
            Some(Expected::Fail),
        );
        assert_eq!(failure_detail(&both), "[non-strict, strict]: same");
        assert!(
            result_line(&both, false, "e.toml")
                .unwrap()
                .starts_with("XFAIL")
        );
    }

    #[test]
    fn summary_counts_tests_not_modes() {
        let results = vec![
            result(
                "test/a/1.js",
                &[
                    (Mode::NonStrict, Verdict::Pass),
                    (Mode::Strict, Verdict::Pass),
                ],
                None,
            ),
            result(
                "test/a/2.js",
                &[(Mode::Strict, fail("x"))],
                Some(Expected::Fail),
            ),
            result(
                "test/a/3.js",
                &[(Mode::Module, Verdict::Pass)],
                Some(Expected::Fail),
            ),
            result("test/b/4.js", &[(Mode::Raw, fail("y"))], None),
        ];
        let s = Summary::of(&results);
        assert_eq!(s.closing_line(), "2 passed, 2 failed, 0 skipped");
        assert_eq!(s.expected_failures, 1);
        assert_eq!(s.unexpected_failures, 1);
        assert_eq!(s.unexpected_passes, 1);
        assert_eq!(s.unexpected(), 2);
        assert!(result_line(&results[0], false, "e").is_none());
        assert!(
            result_line(&results[0], true, "e")
                .unwrap()
                .starts_with("PASS")
        );
        assert!(
            result_line(&results[2], false, "e")
                .unwrap()
                .starts_with("XPASS")
        );
    }

    #[test]
    fn markdown_groups_by_directory() {
        let ext = vec![
            result(
                "test/built-ins/A/1.js",
                &[(Mode::Strict, Verdict::Pass)],
                None,
            ),
            result(
                "test/built-ins/A/2.js",
                &[(Mode::Strict, Verdict::Pass)],
                None,
            ),
            result(
                "test/built-ins/A/p/3.js",
                &[(Mode::Strict, Verdict::Pass)],
                None,
            ),
        ];
        let builtin = vec![
            result(
                "test/built-ins/A/1.js",
                &[(Mode::Strict, Verdict::Pass)],
                None,
            ),
            result("test/built-ins/A/2.js", &[(Mode::Strict, fail("x"))], None),
            result(
                "test/built-ins/A/p/3.js",
                &[(Mode::Strict, Verdict::Pass)],
                None,
            ),
        ];
        let runs = vec![
            (Registry::Extension, ext.clone(), Summary::of(&ext)),
            (Registry::Builtin, builtin.clone(), Summary::of(&builtin)),
        ];
        let table = markdown_table(&runs, Some("be13516fb6441b950ba8a3df97eb34062c186972"));
        // Cells are padded to the column width; compare them without it.
        let lines: Vec<String> = table
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            lines[0],
            "| Test directory | extension (boa_finalization) | builtin (Boa 0.22) |"
        );
        assert!(lines[1].ends_with("-:|"), "{}", lines[1]);
        assert_eq!(lines[2], "| `built-ins/A` | 2/2 | 1/2 |");
        assert_eq!(lines[3], "| `built-ins/A/p` | 1/1 | 1/1 |");
        assert_eq!(lines[4], "| **Total** | **3/3** | **2/3** |");
        assert!(table.contains("be13516fb644"));
    }

    #[test]
    fn json_rows_per_execution() {
        let r = result(
            "test/a.js",
            &[
                (Mode::NonStrict, Verdict::Pass),
                (Mode::Strict, fail("bad")),
            ],
            None,
        );
        let rows = json_rows(&r);
        assert_eq!(rows.len(), 2);
        let text = serde_json::to_string(&rows).unwrap();
        assert!(text.contains(r#"{"path":"test/a.js","mode":"strict","outcome":"fail","message":"bad","expected":null}"#), "{text}");
    }
}
