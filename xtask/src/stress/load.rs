//! `cargo xtask stress --load N`: runs the ignored test `load_from_env` of `tests/stress.rs` in
//! release mode. That test binary has a per-thread counting global allocator (this binary already has
//! the bench's), so the memory numbers are exact.

use std::path::Path;
use std::process::Command;

/// Runs the load test with `registrations` registrations over `registries` registries; true if it
/// passed (every callback delivered once, memory back within 1% of the baseline).
pub fn run(registrations: u64, registries: usize) -> bool {
    println!("load: {registrations} registrations over {registries} registries (release build of tests/stress.rs)");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = Command::new(env!("CARGO"))
        .args([
            "test",
            "--release",
            "--package",
            "boa_finalization",
            "--test",
            "stress",
            "--",
            "--ignored",
            "--exact",
            "load_from_env",
            "--nocapture",
        ])
        .env("STRESS_REGISTRATIONS", registrations.to_string())
        .env("STRESS_REGISTRIES", registries.to_string())
        .current_dir(root)
        .status();
    match status {
        Ok(status) if status.success() => true,
        Ok(status) => {
            println!("load: FAILED ({status})");
            false
        }
        Err(error) => {
            println!("load: cannot run cargo: {error}");
            false
        }
    }
}
