//! Which test files a run covers.
//!
//! Paths here are relative to the suite's `test/` directory and use `/`
//! separators, e.g. `built-ins/WeakRef/length.js`.

use std::path::Path;

use walkdir::WalkDir;

/// Directory prefixes that the default selection always covers.
pub(crate) const DEFAULT_PREFIXES: &[&str] = &[
    "built-ins/FinalizationRegistry/",
    "built-ins/Object/seal/seal-finalizationregistry.js",
    // The weak family the extension replaces (symbols as weak keys and targets).
    "built-ins/WeakMap/",
    "built-ins/WeakRef/",
    "built-ins/WeakSet/",
];

/// Word that pulls any other test mentioning it into the default selection.
pub(crate) const MENTION: &str = "FinalizationRegistry";

/// Lists every test file under `test_dir` (recursively), sorted: `.js`
/// files, without `_FIXTURE` files. Unreadable subdirectories only shrink
/// the list; an unreadable `test_dir` is an error.
pub(crate) fn list_tests(test_dir: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in WalkDir::new(test_dir).min_depth(1) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) if error.depth() == 0 => return Err(error.into()),
            Err(_) => continue,
        };
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !is_test_file(&name) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(test_dir) else {
            continue;
        };
        let parts: Vec<_> = rel.iter().map(|part| part.to_string_lossy()).collect();
        out.push(parts.join("/"));
    }
    out.sort();
    Ok(out)
}

/// Whether a file name is a standalone test (not a module fixture).
pub(crate) fn is_test_file(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("js"))
        && !name.contains("_FIXTURE")
}

/// Normalises a user pattern to the form of a path relative to `test/`:
/// backslashes become `/`, and a leading suite path, `./` or `test/` is
/// removed, so that both `test/built-ins/WeakRef` and
/// `/path/to/test262/test/built-ins/WeakRef` mean `built-ins/WeakRef`.
pub(crate) fn normalize_pattern(pattern: &str, test_dir: &Path) -> String {
    let mut p = pattern.replace('\\', "/");
    let test_dir = test_dir.to_string_lossy().replace('\\', "/");
    let test_dir = test_dir.trim_end_matches('/');
    if let Some(rest) = p.strip_prefix(test_dir) {
        p = rest.to_owned();
    }
    let mut s = p.as_str();
    loop {
        let before = s;
        s = s.trim_start_matches('/');
        s = s.strip_prefix("./").unwrap_or(s);
        s = s.strip_prefix("test/").unwrap_or(s);
        if s == before {
            break;
        }
    }
    s.to_owned()
}

/// Whether `rel` (a path relative to `test/`) matches a normalised pattern:
/// the pattern is a prefix of the path or any substring of it.
pub(crate) fn matches_pattern(rel: &str, pattern: &str) -> bool {
    pattern.is_empty() || rel.contains(pattern)
}

/// Whether `rel` is in the fixed part of the default selection.
pub(crate) fn in_default_prefixes(rel: &str) -> bool {
    DEFAULT_PREFIXES
        .iter()
        .any(|prefix| rel.starts_with(prefix))
}

/// Selects tests from `all` (paths relative to `test/`).
///
/// Without patterns: the default selection, i.e. [`DEFAULT_PREFIXES`] plus
/// every file for which `mentions` says it mentions [`MENTION`]. With
/// patterns: every test whose path matches at least one pattern, anywhere
/// in `test/` (so a pattern can narrow the default selection, e.g.
/// `FinalizationRegistry/prototype/register`, or widen it, e.g.
/// `built-ins/WeakMap/`).
pub(crate) fn select(
    all: &[String],
    patterns: &[String],
    mut mentions: impl FnMut(&str) -> bool,
) -> Vec<String> {
    if patterns.is_empty() {
        all.iter()
            .filter(|rel| in_default_prefixes(rel) || mentions(rel))
            .cloned()
            .collect()
    } else {
        all.iter()
            .filter(|rel| patterns.iter().any(|p| matches_pattern(rel, p)))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<String> {
        [
            "built-ins/FinalizationRegistry/length.js",
            "built-ins/FinalizationRegistry/prototype/register/name.js",
            "built-ins/Object/seal/seal-finalizationregistry.js",
            "built-ins/Object/seal/seal-weakref.js",
            "built-ins/WeakRef/length.js",
            "built-ins/WeakMap/length.js",
            "staging/misc/uses-finreg.js",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn default_selection_adds_mentions() {
        let picked = select(&all(), &[], |rel| rel == "staging/misc/uses-finreg.js");
        assert_eq!(
            picked,
            vec![
                "built-ins/FinalizationRegistry/length.js",
                "built-ins/FinalizationRegistry/prototype/register/name.js",
                "built-ins/Object/seal/seal-finalizationregistry.js",
                "built-ins/WeakRef/length.js",
                "built-ins/WeakMap/length.js",
                "staging/misc/uses-finreg.js",
            ]
        );
    }

    #[test]
    fn patterns_narrow_and_widen() {
        let narrow = select(&all(), &["FinalizationRegistry/prototype".into()], |_| true);
        assert_eq!(
            narrow,
            vec!["built-ins/FinalizationRegistry/prototype/register/name.js"]
        );
        let wide = select(&all(), &["built-ins/WeakMap/".into()], |_| false);
        assert_eq!(wide, vec!["built-ins/WeakMap/length.js"]);
        let both = select(&all(), &["seal/".into(), "WeakRef".into()], |_| false);
        assert_eq!(both.len(), 3);
    }

    #[test]
    fn patterns_are_normalised() {
        let dir = Path::new("/suite/test");
        assert_eq!(
            normalize_pattern("test/built-ins/WeakRef", dir),
            "built-ins/WeakRef"
        );
        assert_eq!(
            normalize_pattern("/suite/test/built-ins/WeakRef/", dir),
            "built-ins/WeakRef/"
        );
        assert_eq!(normalize_pattern("./test/x.js", dir), "x.js");
        assert_eq!(normalize_pattern("symbol", dir), "symbol");
    }

    #[test]
    fn lists_nested_tests_sorted_with_slashes() {
        let dir = std::env::temp_dir().join(format!("xtask-list-tests-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("b/c")).unwrap();
        for file in [
            "b/c/z.js",
            "b/a.js",
            "b/dep_FIXTURE.js",
            "top.js",
            "b/data.json",
        ] {
            std::fs::write(dir.join(file), "").unwrap();
        }
        let listed = list_tests(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(listed, ["b/a.js", "b/c/z.js", "top.js"]);
        assert!(list_tests(&dir).is_err(), "a missing test/ is an error");
    }

    #[test]
    fn fixtures_are_not_tests() {
        assert!(is_test_file("a.js"));
        assert!(!is_test_file("dep_FIXTURE.js"));
        assert!(!is_test_file("data.json"));
    }
}
