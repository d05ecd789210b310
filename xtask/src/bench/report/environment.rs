//! The machine and toolchain a report was measured on (the `--markdown` header, the JSON).

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn cpu_model() -> String {
    command_output("lscpu", &[])
        .and_then(|lscpu| {
            lscpu
                .lines()
                .find(|line| line.starts_with("Model name:"))
                .map(|line| line["Model name:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

pub(super) fn environment_json() -> Value {
    json!({
        "date_utc": today_utc(),
        "cpu": cpu_model(),
        "nproc": command_output("nproc", &[]),
        "os": command_output("uname", &["-srm"]),
        "rustc": command_output("rustc", &["--version"]),
        "lscpu": command_output("lscpu", &[]),
    })
}

/// The header of `--markdown`: date, machine, toolchain, command.
pub(crate) fn environment(elapsed: Duration, quick: bool) -> String {
    let lscpu = command_output("lscpu", &[]).unwrap_or_default();
    let pick = |key: &str| {
        lscpu
            .lines()
            .find(|line| line.starts_with(key))
            .map(|line| line[key.len()..].trim().to_string())
            .unwrap_or_default()
    };
    format!(
        "## Benchmark: boa_finalization vs Boa 0.22's built-in FinalizationRegistry\n\n\
         - Date: {} (UTC)\n\
         - Command: `cargo xtask bench{}` ({:.0} s)\n\
         - Machine: {} ({}, {}), {} CPUs (`nproc`: {}), L2 {}, L3 {}, hypervisor {}\n\
         - OS: {}\n\
         - Toolchain: {}, release profile\n\
         - Engine: boa_engine 0.22.0\n",
        today_utc(),
        if quick { " --quick" } else { "" },
        elapsed.as_secs_f64(),
        cpu_model(),
        pick("Architecture:"),
        pick("Vendor ID:"),
        pick("CPU(s):"),
        command_output("nproc", &[]).unwrap_or_default(),
        pick("L2 cache:"),
        pick("L3 cache:"),
        pick("Hypervisor vendor:"),
        command_output("uname", &["-srm"]).unwrap_or_default(),
        command_output("rustc", &["--version"]).unwrap_or_default(),
    )
}

/// Today's date in UTC as YYYY-MM-DD.
fn today_utc() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}
