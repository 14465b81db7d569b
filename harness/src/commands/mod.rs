//! One function per subcommand: each opens what it needs (plan, store,
//! report folder) and calls the stages in order. Only `run` builds the plan
//! (and so loads data); `report` and `export` read the store alone.

mod bench;
mod check;
mod datasets;
mod estimate;
mod slurm;

pub use slurm::MAX_SHARDS;

use crate::cli::{Cli, Command, ExperimentArgs, ExportArgs, RunArgs};
use crate::plan::meta::PlanMeta;
use crate::report::Provenance;
use crate::run::clock::Clock;
use crate::store::Store;
use crate::store::lock::Access;
use crate::{analysis, plan, report, run, store};
use anyhow::{Context, Result, bail};
use nnbench_datasets::DataDir;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) if args.dry_run => dry_run(&args),
        Command::Run(args) => run_experiment(&args),
        Command::Report(args) => write_report(&args),
        Command::Export(args) => export(&args),
        Command::Merge { out, stores } => merge(&out, &stores),
        Command::Methods => Ok(methods()),
        Command::CheckMethod(args) => check::check_method(&args),
        Command::Bench(args) => bench::bench(&args),
        Command::Slurm(args) => slurm::slurm(&args),
        Command::Status(args) => slurm::status(&args),
        Command::Datasets(command) => Ok(if datasets::run(command)? {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }),
    }
}

/// `harness run --dry-run`: check the experiment and count its cells.
fn dry_run(args: &RunArgs) -> Result<ExitCode> {
    let data_dir = DataDir::resolve(args.experiment.data.data_dir.as_deref());
    let plan = plan::build(&args.experiment.experiment, &data_dir, args.max_cells)?;
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
    let out = out_dir(&args.experiment, &plan.name);
    let cores = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let shards = args.shard.map_or(1, |(_, n)| n);
    if shards > 1 {
        if let Some(line) = estimate::summary(&plan, &out, shards, cores)? {
            println!("{line}");
        }
    } else if let Some(table) = estimate::by_method(&plan, &out, cores)? {
        println!("{table}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `harness run`: the plan's metadata into the store, the cells the store
/// lacks, then the report.
fn run_experiment(args: &RunArgs) -> Result<ExitCode> {
    let e = &args.experiment;
    let data_dir = DataDir::resolve(e.data.data_dir.as_deref());
    let plan = plan::build(&e.experiment, &data_dir, args.max_cells)?;
    let out = out_dir(e, &plan.name);
    let mut store = Store::open(&store_path(e, &out, args.shard), Access::Write)?;
    let meta = plan.meta();
    store.put_plan(&meta)?;
    if args.fresh {
        let keys: Vec<String> = plan.cells.iter().map(|c| c.key.clone()).collect();
        store.delete(&keys)?;
    }
    let cells: Vec<&plan::Cell> = match args.shard {
        Some((i, n)) => run::shard(&plan.cells, i, n),
        None => plan.cells.iter().collect(),
    };
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let clock = if e.deterministic {
        Clock::Fixed
    } else {
        Clock::Real
    };
    let summary = run::run(&plan, &cells, &mut store, jobs, clock)?;
    let path = report_from(&meta, &store, e, &out)?;
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

/// `harness report`: from the store alone; the experiment file only names it.
fn write_report(args: &ExperimentArgs) -> Result<ExitCode> {
    let (meta, store, out) = open_stored(args)?;
    let path = report_from(&meta, &store, args, &out)?;
    println!("report: {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// `harness export`: the results table, from the store alone.
fn export(args: &ExportArgs) -> Result<ExitCode> {
    let (meta, store, out) = open_stored(&args.experiment)?;
    let records = store.records_of(&meta)?;
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| out.join(format!("results.{}", args.format.extension())));
    store::export::write(&records, &meta.datasets, args.format, &path)?;
    println!("{} rows written to {}", records.len(), path.display());
    Ok(ExitCode::SUCCESS)
}

/// `harness merge`: stores (e.g. shards) into one.
fn merge(out: &Path, stores: &[PathBuf]) -> Result<ExitCode> {
    let mut target = Store::open(out, Access::Write)?;
    let mut sources = Vec::with_capacity(stores.len());
    for path in stores {
        if !path.is_file() {
            bail!(
                "{} does not exist: name the result stores (.sqlite files) to merge",
                path.display()
            );
        }
        // A read lock: a shard still running is not merged half-way.
        sources.push(Store::open(path, Access::Read)?);
    }
    let pairs: Vec<(&Store, &Path)> = sources
        .iter()
        .zip(stores.iter().map(PathBuf::as_path))
        .collect();
    let added = target.merge_from(&pairs)?;
    for (path, added) in stores.iter().zip(added) {
        println!("{}: {added} cells added", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `harness methods`: every method with its parameters and defaults.
fn methods() -> ExitCode {
    for m in nnbench_methods::all() {
        println!("{} (version {})\n  {}\n", m.name, m.version, m.summary);
        let defaults = toml::to_string(&(m.defaults)()).unwrap_or_default();
        for line in defaults.lines() {
            println!("    {line}");
        }
        println!();
    }
    ExitCode::SUCCESS
}

/// The analysis of `meta`'s stored records, written as a report into `out`.
fn report_from(
    meta: &PlanMeta,
    store: &Store,
    args: &ExperimentArgs,
    out: &Path,
) -> Result<PathBuf> {
    let records = store.records_of(meta)?;
    let provenance = if args.deterministic {
        Provenance::fixed()
    } else {
        Provenance::current()
    };
    let results = analysis::analyse(meta, &records);
    report::write(meta, &results, &records, &provenance, out)
}

/// The stored plan an experiment file names, its store and its report folder.
fn open_stored(args: &ExperimentArgs) -> Result<(PlanMeta, Store, PathBuf)> {
    let name = plan::name_of(&args.experiment)?;
    let out = out_dir(args, &name);
    let path = store_path(args, &out, None);
    if !path.is_file() {
        bail!(
            "{}: there is no result store at {}; run the experiment first (or name its store with --store)",
            args.experiment.display(),
            path.display()
        );
    }
    let store = Store::open(&path, Access::Read)?;
    let meta = store.plan(&name)?.with_context(|| {
        format!(
            "{} holds no results of experiment {name:?}; run it first (or name its store with --store)",
            path.display()
        )
    })?;
    Ok((meta, store, out))
}

fn out_dir(args: &ExperimentArgs, name: &str) -> PathBuf {
    args.out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(name))
}

/// The store the documented defaults name: OUT/results.sqlite, or a shard's own.
fn store_path(args: &ExperimentArgs, out: &Path, shard: Option<(usize, usize)>) -> PathBuf {
    args.store.clone().unwrap_or_else(|| match shard {
        Some((i, n)) => out.join(format!("results.shard-{i}-of-{n}.sqlite")),
        None => out.join("results.sqlite"),
    })
}
