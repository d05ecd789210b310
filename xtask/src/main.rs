//! Project automation: `cargo xtask <command>` (test262 conformance, benchmarks, stress runs).
// Each command's `run` takes its arguments as clap hands them over, by value.
#![allow(
    clippy::needless_pass_by_value,
    reason = "commands own their parsed arguments"
)]

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod behaviour;
mod bench;
mod differential;
mod gc_stress;
mod markdown;
mod stress;
mod test262;

// The test kit's counting allocator: the bench's bytes per registration and the stress memory checks
// read its per-thread count.
#[global_allocator]
static ALLOCATOR: boa_finalization_testkit::alloc::CountingAlloc =
    boa_finalization_testkit::alloc::CountingAlloc;

#[derive(Parser)]
#[command(about = "boa_finalization project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the test262 conformance suite.
    Test262(test262::Args),
    /// Compare GC behaviour with Boa's built-in registry (and node, if installed).
    Behaviour(behaviour::Args),
    /// Benchmark this crate's registry against Boa's built-in one.
    Bench(bench::Args),
    /// Run the randomized model check over many seeds.
    Stress(stress::Args),
    /// Run seeded random programs under finreg and node and compare what the spec fixes.
    Differential(differential::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Test262(args) => test262::run(args),
        Command::Behaviour(args) => behaviour::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Differential(args) => differential::run(args),
        Command::Stress(args) => stress::run(args),
    }
}
