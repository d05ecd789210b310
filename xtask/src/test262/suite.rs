//! Locating the test262 checkout and reading its harness files.

use std::{
    collections::HashMap,
    fmt,
    path::{Path, PathBuf},
    sync::Arc,
};

/// Environment variable that names a test262 checkout.
pub(crate) const SUITE_ENV: &str = "TEST262_DIR";

/// A test262 checkout: a directory holding `harness/` and `test/`.
#[derive(Debug, Clone)]
pub(crate) struct Suite {
    /// The checkout's root directory.
    pub(crate) root: PathBuf,
}

impl Suite {
    /// The `test/` directory of the checkout.
    pub(crate) fn test_dir(&self) -> PathBuf {
        self.root.join("test")
    }

    /// The `harness/` directory of the checkout.
    pub(crate) fn harness_dir(&self) -> PathBuf {
        self.root.join("harness")
    }

    /// The tc39/test262 commit recorded in the checkout, when it has a `COMMIT` file.
    pub(crate) fn commit(&self) -> Option<String> {
        read_commit(&self.root.join("COMMIT"))
    }
}

/// Why no usable suite was found.
#[derive(Debug)]
pub(crate) struct SuiteNotFound {
    /// Every place that was looked at, with where its name came from.
    tried: Vec<(PathBuf, &'static str)>,
    /// The commit pinned in `test262/COMMIT`, if readable.
    pinned: Option<String>,
    /// Where a default checkout is expected.
    default_dir: PathBuf,
}

impl fmt::Display for SuiteNotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tried = self
            .tried
            .iter()
            .map(|(path, origin)| format!("{} ({origin})", path.display()))
            .collect::<Vec<_>>()
            .join(", ");
        let commit = self
            .pinned
            .as_deref()
            .unwrap_or("<the commit in test262/COMMIT>");
        write!(
            f,
            "error: no test262 checkout found (looked at: {tried}; a checkout is a directory \
             holding `harness/` and `test/`). Get the suite at the commit this project pins in \
             test262/COMMIT, {commit}, e.g. `git clone https://github.com/tc39/test262 {dir} && \
             git -C {dir} checkout {commit}` (the folder is git-ignored), or point --suite DIR \
             or ${SUITE_ENV} at an existing checkout of that commit.",
            dir = self.default_dir.display(),
        )
    }
}

/// Whether `dir` looks like a test262 checkout.
pub(crate) fn is_suite(dir: &Path) -> bool {
    dir.join("harness").join("assert.js").is_file() && dir.join("test").is_dir()
}

/// Reads a `COMMIT` file: its first non-empty line, trimmed.
pub(crate) fn read_commit(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(str::to_owned)
}

/// Finds the suite: `explicit` (from `--suite`), else `$TEST262_DIR`, else
/// `<workspace>/test262/suite`. The first source that is given decides; it
/// must then be a checkout.
pub(crate) fn locate(
    explicit: Option<&Path>,
    env: Option<PathBuf>,
    workspace: &Path,
) -> Result<Suite, SuiteNotFound> {
    let default_dir = workspace.join("test262").join("suite");
    let (candidate, origin) = if let Some(dir) = explicit {
        (dir.to_path_buf(), "--suite")
    } else if let Some(dir) = env.filter(|dir| !dir.as_os_str().is_empty()) {
        (dir, "$TEST262_DIR")
    } else {
        (default_dir.clone(), "default")
    };
    if is_suite(&candidate) {
        Ok(Suite { root: candidate })
    } else {
        Err(SuiteNotFound {
            tried: vec![(candidate, origin)],
            pinned: read_commit(&workspace.join("test262").join("COMMIT")),
            default_dir,
        })
    }
}

/// Harness files read once and shared by every worker, by file name
/// (`assert.js`, `compareArray.js`, ...).
#[derive(Debug, Default)]
pub(crate) struct HarnessFiles {
    /// File name to text.
    files: HashMap<String, Arc<str>>,
}

impl HarnessFiles {
    /// Reads `names` from `dir`; names that cannot be read are left out
    /// (a test including one fails with a clear message).
    pub(crate) fn load<'a>(dir: &Path, names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut files = HashMap::new();
        for name in names {
            if files.contains_key(name) || !is_plain_file_name(name) {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
                files.insert(name.to_owned(), Arc::from(text));
            }
        }
        Self { files }
    }

    /// The text of harness file `name`.
    pub(crate) fn get(&self, name: &str) -> Option<Arc<str>> {
        self.files.get(name).cloned()
    }
}

/// Whether `name` is a relative path inside `harness/` (no `..`, not absolute).
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && Path::new(name)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_suite_explains_how_to_get_it() {
        let workspace = Path::new("/nonexistent-workspace");
        let err = locate(None, None, workspace).unwrap_err().to_string();
        assert!(err.contains("test262/COMMIT"), "{err}");
        assert!(
            err.contains("/nonexistent-workspace/test262/suite"),
            "{err}"
        );
        assert!(err.contains("TEST262_DIR"), "{err}");
        assert!(!err.contains('\n'), "one paragraph: {err}");
    }

    #[test]
    fn explicit_suite_wins_over_environment() {
        let err = locate(
            Some(Path::new("/nonexistent-a")),
            Some(PathBuf::from("/nonexistent-b")),
            Path::new("/w"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("/nonexistent-a (--suite)"), "{err}");
        assert!(!err.contains("nonexistent-b"), "{err}");
    }

    #[test]
    fn harness_names_cannot_escape() {
        assert!(is_plain_file_name("assert.js"));
        assert!(is_plain_file_name("sm/non262.js"));
        assert!(!is_plain_file_name("../Cargo.toml"));
        assert!(!is_plain_file_name("/etc/passwd"));
        assert!(!is_plain_file_name(""));
    }
}
