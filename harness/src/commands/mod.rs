//! One function per subcommand: each opens what it needs (plan, store,
//! report folder) and calls the stages in order.

mod datasets;

use crate::cli::{self, Cli, Command, ExperimentArgs};
use crate::{analysis, plan, report, run, store};
use anyhow::{Context, Result};
use nnbench_datasets::DataDir;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run_experiment(args),
        Command::Report(args) => {
            let (plan, store, out) = open(&args, None)?;
            let rows = plan_rows(&plan, &store)?;
            let path = report::write(&plan, &analysis::analyse(&plan, &rows), &rows, &out)?;
            println!("report: {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(args) => {
            let (plan, store, out) = open(&args.experiment, None)?;
            let rows = plan_rows(&plan, &store)?;
            let path = args
                .output
                .unwrap_or_else(|| out.join(format!("results.{}", args.format.extension())));
            store::export::write(&rows, args.format, &path)?;
            println!("{} rows written to {}", rows.len(), path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge { out, stores } => {
            let mut target = store::Store::open(&out)?;
            for path in &stores {
                if !path.is_file() {
                    anyhow::bail!(
                        "{} does not exist: name the result stores (.sqlite files) to merge",
                        path.display()
                    );
                }
                let added = target.merge_from(&store::Store::open(path)?, path)?;
                println!("{}: {added} cells added", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Methods => {
            for m in nnbench_methods::all() {
                println!("{} (version {})\n  {}\n", m.name, m.version, m.summary);
                let defaults = toml::to_string(&(m.defaults)()).unwrap_or_default();
                for line in defaults.lines() {
                    println!("    {line}");
                }
                println!();
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Datasets(command) => Ok(if datasets::run(command)? {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }),
    }
}

fn run_experiment(args: cli::RunArgs) -> Result<ExitCode> {
    if args.dry_run {
        let data_dir = DataDir::resolve(args.experiment.data.data_dir.as_deref());
        let plan = plan::build(&args.experiment.experiment, &data_dir)?;
        let cells = args.shard.map_or(plan.cells.len(), |(i, n)| {
            run::shard(&plan.cells, i, n).len()
        });
        println!(
            "{}: {} parts, {} datasets, {} method configurations, {} cells{}",
            plan.name,
            plan.parts.len(),
            plan.datasets.len(),
            plan.methods.len(),
            cells,
            args.shard.map_or(String::new(), |(i, n)| format!(
                " in shard {i}/{n} of {}",
                plan.cells.len()
            ))
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (plan, mut store, out) = open(&args.experiment, args.shard)?;
    if args.fresh {
        let keys: Vec<String> = plan.cells.iter().map(|c| c.key.clone()).collect();
        store.delete(&keys)?;
    }
    let cells: Vec<&plan::Cell> = match args.shard {
        Some((i, n)) => run::shard(&plan.cells, i, n),
        None => plan.cells.iter().collect(),
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let summary = run::run(&plan, &cells, &mut store, jobs)?;
    let rows = plan_rows(&plan, &store)?;
    let path = report::write(&plan, &analysis::analyse(&plan, &rows), &rows, &out)?;
    println!(
        "{} cells: {} ran, {} were already stored, {} failed. Report: {}",
        summary.planned,
        summary.ran,
        summary.skipped,
        summary.failed,
        path.display()
    );
    Ok(if summary.failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The plan, its store and its output folder, with the documented defaults.
fn open(
    args: &ExperimentArgs,
    shard: Option<(usize, usize)>,
) -> Result<(plan::Plan, store::Store, PathBuf)> {
    let data_dir = DataDir::resolve(args.data.data_dir.as_deref());
    let plan = plan::build(&args.experiment, &data_dir)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&plan.name));
    let store_path = args.store.clone().unwrap_or_else(|| match shard {
        Some((i, n)) => out.join(format!("results.shard-{i}-of-{n}.sqlite")),
        None => out.join("results.sqlite"),
    });
    let store = store::Store::open(&store_path)
        .with_context(|| format!("result store {}", store_path.display()))?;
    Ok((plan, store, out))
}

/// The stored rows of this plan's cells, in key order.
fn plan_rows(plan: &plan::Plan, store: &store::Store) -> Result<Vec<store::Row>> {
    let keys: std::collections::HashSet<&str> = plan.cells.iter().map(|c| c.key.as_str()).collect();
    Ok(store
        .rows()?
        .into_iter()
        .filter(|r| keys.contains(r.key.as_str()))
        .collect())
}
