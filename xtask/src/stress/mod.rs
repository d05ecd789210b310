//! `cargo xtask stress` (to be written).
use std::process::ExitCode;

/// Arguments of `cargo xtask stress`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs the command.
pub fn run(_args: Args) -> ExitCode {
    ExitCode::SUCCESS
}
