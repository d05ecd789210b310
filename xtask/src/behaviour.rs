//! `cargo xtask behaviour`: runs the GC behaviour scripts of `cli/tests/behaviour/` with this crate's
//! registry, with Boa's built-in one and, when `node` is on the PATH, with node, and prints a
//! Markdown table of the verdicts.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::markdown::MarkdownTable;

/// Arguments of `cargo xtask behaviour`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Skip the node column even if node is installed.
    #[arg(long)]
    no_node: bool,
}

/// One engine configuration to run every script with.
struct Runner {
    name: &'static str,
    program: PathBuf,
    args: Vec<&'static str>,
}

/// Builds `finreg`, runs every script with each runner and prints the table. Fails when this crate's
/// registry fails a check.
pub(crate) fn run(args: Args) -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let Some(finreg) = build_finreg() else {
        eprintln!("xtask behaviour: building finreg failed");
        return ExitCode::FAILURE;
    };
    let mut runners = vec![
        Runner {
            name: "boa_finalization",
            program: finreg.clone(),
            args: vec!["--expose-gc"],
        },
        Runner {
            name: "Boa 0.22 built-in",
            program: finreg,
            args: vec!["--expose-gc", "--registry", "builtin"],
        },
    ];
    if !args.no_node && Command::new("node").arg("--version").output().is_ok() {
        runners.push(Runner {
            name: "node",
            program: PathBuf::from("node"),
            args: vec!["--expose-gc"],
        });
    }
    let scripts = scripts(&root.join("cli/tests/behaviour"));
    let verdicts: Vec<Vec<bool>> = scripts
        .iter()
        .map(|script| {
            runners
                .iter()
                .map(|runner| passes(runner, script))
                .collect()
        })
        .collect();
    print_table(&runners, &scripts, &verdicts);
    if verdicts.iter().all(|row| row[0]) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Builds `finreg` in the xtask's own profile (so it shares the build `cargo test` made) and returns
/// the executable's path as cargo reports it (whatever the target directory), or `None` if the build
/// failed.
pub(crate) fn build_finreg() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args([
        "build",
        "--bin",
        "finreg",
        "--message-format=json-render-diagnostics",
    ]);
    if !cfg!(debug_assertions) {
        cargo.arg("--release");
    }
    let output = cargo
        .current_dir(&root)
        .stderr(std::process::Stdio::inherit())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == "finreg")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
}

fn scripts(dir: &Path) -> Vec<PathBuf> {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
                .collect()
        })
        .unwrap_or_default();
    scripts.sort();
    scripts
}

/// A script passes when its last line of output is `PASS`.
fn passes(runner: &Runner, script: &Path) -> bool {
    Command::new(&runner.program)
        .args(&runner.args)
        .arg(script)
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).lines().last() == Some("PASS"))
}

fn print_table(runners: &[Runner], scripts: &[PathBuf], verdicts: &[Vec<bool>]) {
    let mut table = MarkdownTable::new(
        std::iter::once("check").chain(runners.iter().map(|runner| runner.name)),
        &[],
    );
    for (script, row) in scripts.iter().zip(verdicts) {
        let name = script.file_stem().unwrap_or_default().to_string_lossy();
        let cells = row.iter().map(|&ok| if ok { "pass" } else { "FAIL" });
        table.row(std::iter::once(name.as_ref()).chain(cells));
    }
    let totals = (0..runners.len()).map(|column| {
        let passed = verdicts.iter().filter(|row| row[column]).count();
        format!("**{passed}/{}**", scripts.len())
    });
    table.row(std::iter::once("total".to_owned()).chain(totals));
    println!("{}", table.render());
}
