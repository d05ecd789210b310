//! The GC behaviour checks of `tests/behaviour/*.js`, run through the `finreg` shell as a user would,
//! once as scripts and once as ES modules (`--module`): the job loop, cleanup order and exit status
//! must not depend on how the code was loaded. Each script prints `PASS` or `FAIL: <why>` as its
//! last line (they also pass under `node --expose-gc`; `cargo xtask behaviour` compares with Boa's
//! built-in registry and node). They are written to be valid in both goals: strict-mode clean, no
//! top-level `this`, no `with`.

use std::path::Path;
use std::process::Command;

#[test]
fn every_behaviour_script_passes_under_finreg() {
    check_every_script(&[]);
}

#[test]
fn every_behaviour_script_passes_as_a_module() {
    check_every_script(&["--module"]);
}

/// Runs each script with `--expose-gc` and `extra` arguments; panics listing the failures.
fn check_every_script(extra: &[&str]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/behaviour");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .collect();
    scripts.sort();
    assert!(
        !scripts.is_empty(),
        "no behaviour scripts in {}",
        dir.display()
    );
    let failures: Vec<String> = scripts
        .iter()
        .filter_map(|script| {
            let output = Command::new(env!("CARGO_BIN_EXE_finreg"))
                .arg("--expose-gc")
                .args(extra)
                .arg(script)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            let last = stdout.lines().last().unwrap_or("(no output)").to_owned();
            let expected = expected_status(script);
            (last != "PASS" || output.status.code() != Some(expected)).then(|| {
                format!(
                    "{} {extra:?}: {last} (status {:?}; stderr: {})",
                    script.display(),
                    output.status.code(),
                    String::from_utf8_lossy(&output.stderr)
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The exit status a script expects from finreg: 0, unless its header says otherwise in a line
/// `// finreg exit status: N`.
fn expected_status(script: &Path) -> i32 {
    let text = std::fs::read_to_string(script).unwrap();
    text.lines()
        .take_while(|line| line.starts_with("//"))
        .find_map(|line| line.strip_prefix("// finreg exit status: "))
        .map_or(0, |rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().expect("a status number")
        })
}
