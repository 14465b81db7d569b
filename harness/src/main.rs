//! The `harness` binary: parse flags, dispatch, and turn every error into a
//! message with a non-zero exit code (1: bad input or I/O; 2: some cells
//! failed). No panic is meant to reach a user.

//!
//! The source is laid out by stage, and data flows one way through them:
//! `plan` (experiment files to a checked plan of cells) -> `store` (the
//! durable records) -> `run` (cells into records) -> `analysis` (records to
//! tables and tests, on the leaf `stats`) -> `report` (tables to files).
//! A stage uses only the stages before it (a test checks this); `commands`
//! (one function per subcommand) and `cli` sit on top.

mod analysis;
mod cli;
mod commands;
mod plan;
mod report;
mod run;
mod stats;
mod store;

use clap::Parser;
use cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().collect();
    // `harness EXPERIMENT.toml` means `harness run EXPERIMENT.toml`.
    if args
        .get(1)
        .is_some_and(|a| !a.starts_with('-') && !cli::commands().contains(a))
    {
        args.insert(1, "run".into());
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors exit 1 like every other bad input; 2 means failed cells.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("harness: error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  because: {cause}");
            }
            ExitCode::from(1)
        }
    }
}
