//! `harness bench`: times the built-in methods on a small experiment
//! (experiments/bench.toml) and projects a grid's CPU hours from it. It
//! prints the README's speed table and can write the calibration that
//! `--dry-run` falls back on where no earlier run's cells are stored.

use super::estimate::{self, Calibration, Rate};
use super::{out_dir, run_experiment};
use crate::cli::{BenchArgs, ExperimentArgs, RunArgs};
use crate::plan::{self, limits};
use crate::report::Provenance;
use anyhow::{Context, Result};
use nnbench_datasets::DataDir;
use std::collections::BTreeMap;
use std::process::ExitCode;

pub fn bench(args: &BenchArgs) -> Result<ExitCode> {
    let experiment = ExperimentArgs {
        experiment: args.experiment.clone(),
        data: crate::cli::DataDirArg {
            data_dir: args.data.data_dir.clone(),
        },
        store: None,
        out: args.out.clone(),
        deterministic: false,
    };
    let run = RunArgs {
        experiment,
        jobs: args.jobs,
        fresh: true,
        shard: None,
        dry_run: false,
        max_cells: limits::DEFAULT_MAX_CELLS,
    };
    let status = run_experiment(&run)?;
    let data_dir = DataDir::resolve(args.data.data_dir.as_deref());
    let bench = plan::build(&args.experiment, &data_dir, limits::DEFAULT_MAX_CELLS)?;
    let records = estimate::stored(&out_dir(&run.experiment, &bench.name))?;
    // Per method name: each bench cell's (size, CPU seconds).
    let mut timings: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for r in &records {
        let method = bench.methods.iter().find(|m| m.label == r.label);
        let dataset = bench.datasets.iter().position(|d| d.id == r.dataset);
        if let (Some(m), Some(d)) = (method, dataset) {
            let size = estimate::size(&bench, d);
            timings.entry(m.name).or_default().push((size, r.cpu_s));
        }
    }
    let provenance = Provenance::current();
    let calibration = Calibration {
        measured: format!("harness bench, {}, {}", provenance.machine, provenance.date),
        methods: timings
            .iter()
            .map(|(name, points)| (name.to_string(), Rate::fit(points)))
            .collect(),
    };
    let grid = plan::build(&args.grid, &data_dir, limits::DEFAULT_MAX_CELLS)?;
    let expected = estimate::expected(&grid, &[], &calibration);
    let mut projected: BTreeMap<&str, f64> = BTreeMap::new();
    for (c, e) in grid.cells.iter().zip(&expected) {
        *projected.entry(grid.methods[c.method].name).or_default() += e.map_or(0.0, |e| e.0);
    }
    let cores = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    println!(
        "\n{}: {} cells on {} datasets ({}, {}), projected onto {} ({} cells):\n",
        bench.name,
        records.len(),
        bench.datasets.len(),
        provenance.machine,
        provenance.date,
        grid.name,
        grid.cells.len()
    );
    println!("| method | CPU s per bench cell | CPU s per cell, projected grid | grid CPU hours |");
    println!("|---|---|---|---|");
    for (name, points) in &timings {
        let hours = projected.get(name).copied().unwrap_or(0.0) / 3600.0;
        let grid_cells = grid
            .cells
            .iter()
            .filter(|c| grid.methods[c.method].name == *name)
            .count();
        println!(
            "| {name} | {:.3} | {:.3} | {hours:.2} |",
            points.iter().map(|p| p.1).sum::<f64>() / points.len() as f64,
            hours * 3600.0 / grid_cells.max(1) as f64
        );
    }
    let total: f64 = projected.values().sum::<f64>() / 3600.0;
    println!(
        "| all | | | {total:.2} (about {:.2} h on {cores} cores) |",
        total / cores as f64
    );
    if let Some(path) = &args.calibration {
        let text = toml::to_string(&calibration).context("writing the calibration")?;
        let header = "# Each built-in method's CPU seconds per cell at its defaults, as\n\
                      # per_cell + per_size x rows x (inputs + 2): written by\n\
                      # `harness bench --calibration`.\n";
        std::fs::write(path, format!("{header}{text}"))
            .with_context(|| format!("writing {}", path.display()))?;
        println!("\nCalibration written to {}", path.display());
    }
    Ok(status)
}
