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
    // A panic is a bug: one line saying so, where, and what to do, instead
    // of Rust's report (set RUST_BACKTRACE=1 for the backtrace). A panic
    // inside a cell is caught there and stored as that cell's failure, and
    // the line names the cell; `catch_unwind` below catches the rest.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or(String::new(), |l| format!(" ({}:{})", l.file(), l.line()));
        let message = run::panic_message(info.payload());
        match run::running() {
            Some(cell) => eprintln!(
                "harness: {cell} failed: internal error{at}: {message}. It is recorded as failed and the grid goes on; \
                 this is a bug in nnbench or the method: please report it with this line"
            ),
            None => eprintln!("harness: internal error{at}: {message}"),
        }
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
    }));
    match std::panic::catch_unwind(|| commands::run(cli)) {
        Ok(Ok(code)) => code,
        Err(_) => {
            eprintln!(
                "harness: error: this is a bug in nnbench, not in your input. Every finished cell is kept in the store. \
                 Please report it with the command you ran and the message above (RUST_BACKTRACE=1 adds where it happened)."
            );
            ExitCode::from(1)
        }
        Ok(Err(e)) => {
            eprintln!("harness: error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  because: {cause}");
            }
            ExitCode::from(1)
        }
    }
}
