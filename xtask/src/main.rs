//! Project automation: `cargo xtask <command>`.
use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod test262;

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
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Test262(args) => test262::run(args),
    }
}
