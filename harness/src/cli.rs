//! Command-line flags, defined once here; `--help` text comes from these docs.

use crate::store::export::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// nnbench: a reproducible benchmark harness for neural-network training
/// methods. `harness EXPERIMENT.toml` is short for `harness run EXPERIMENT.toml`.
#[derive(Debug, Parser)]
#[command(name = "harness", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the cells the store does not have yet, then write the report.
    Run(RunArgs),
    /// Write the report from the store alone: no data files needed (runs nothing).
    Report(ExperimentArgs),
    /// Write the results table, one row per cell sorted by cell key.
    Export(ExportArgs),
    /// Combine result stores (e.g. shards) into OUT; refuses two different results for one cell.
    Merge {
        /// The store to write (created if absent).
        out: PathBuf,
        /// Stores to merge into OUT, in order.
        #[arg(required = true)]
        stores: Vec<PathBuf>,
    },
    /// List every method with its parameters and defaults.
    Methods,
    /// Write (and with --submit, submit) the SLURM scripts that run the
    /// experiment as a job array of shards and merge them into one report.
    Slurm(SlurmArgs),
    /// From the shard stores alone: each shard's finished, failed and
    /// missing cells, and the command that reruns only what is missing.
    Status(StatusArgs),
    /// Run one cell of a method twice and say whether the two runs gave the
    /// same results, bit for bit (nothing is stored).
    CheckMethod(CheckArgs),
    /// Time the built-in methods on a small experiment (fresh) and project a
    /// grid's CPU hours from it: the README's speed table.
    Bench(BenchArgs),
    /// List, verify or download datasets.
    #[command(subcommand)]
    Datasets(DatasetsCommand),
}

#[derive(Debug, Args)]
pub struct SlurmArgs {
    #[command(flatten)]
    pub experiment: ExperimentArgs,
    /// Array tasks, each running one shard into its own store (at most
    /// 1000, SLURM's default array size).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=crate::commands::MAX_SHARDS as i64))]
    pub shards: u32,
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Wall time per task: minutes, HH:MM:SS or D-HH:MM:SS.
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Cores per task; each task runs its shard on that many threads.
    #[arg(long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub cpus_per_task: u32,
    /// Memory per task, e.g. 4000 (MB) or 16G.
    #[arg(long, value_name = "M")]
    pub mem: Option<String>,
    #[arg(long, value_name = "A")]
    pub account: Option<String>,
    /// Another directive for both scripts, e.g. "#SBATCH --qos=low" (repeatable).
    #[arg(long, value_name = "LINE", allow_hyphen_values = true)]
    pub extra: Vec<String>,
    /// Submit both scripts with sbatch, the merge after the array.
    #[arg(long)]
    pub submit: bool,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The bench experiment.
    #[arg(default_value = "experiments/bench.toml")]
    pub experiment: PathBuf,
    #[command(flatten)]
    pub data: DataDirArg,
    /// The report folder [default: reports/NAME].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: the number of cores].
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=crate::plan::limits::MAX_JOBS as i64))]
    pub jobs: Option<u16>,
    /// The grid whose CPU hours to project.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "experiments/tsoulos2023.toml"
    )]
    pub grid: PathBuf,
    /// Also write the measured calibration there (the built-in one is
    /// harness/calibration.toml, read at build time).
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub experiment: ExperimentArgs,
    /// The shard count [default: that of the shard stores in OUT].
    #[arg(long, value_name = "N")]
    pub shards: Option<u32>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The experiment file.
    pub experiment: PathBuf,
    /// The method's label, as the report's columns name it.
    #[arg(long, value_name = "LABEL")]
    pub method: String,
    /// The dataset of the cell [default: the method's first cell's].
    #[arg(long, value_name = "ID")]
    pub dataset: Option<String>,
    #[command(flatten)]
    pub data: DataDirArg,
}

#[derive(Debug, Args)]
pub struct DataDirArg {
    /// Where data files are (else NNBENCH_DATA, else the user's cache folder).
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExperimentArgs {
    /// The experiment file.
    pub experiment: PathBuf,
    #[command(flatten)]
    pub data: DataDirArg,
    /// The result store [default: OUT/results.sqlite].
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
    /// The report folder [default: reports/NAME].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Zero timings and fixed provenance, so a report is the same bytes on
    /// every run (the snapshot tests use it).
    #[arg(long, hide = true)]
    pub deterministic: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub experiment: ExperimentArgs,
    /// Worker threads, 1 to 1024 [default: the number of cores].
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=crate::plan::limits::MAX_JOBS as i64))]
    pub jobs: Option<u16>,
    /// Discard this experiment's stored results and recompute them.
    #[arg(long)]
    pub fresh: bool,
    /// Run only shard I of N (every N-th cell in key order), e.g. 2/4. Without
    /// --store, the shard writes OUT/results.shard-I-of-N.sqlite.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Check the experiment and count its cells; run nothing, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse an experiment of more cells than this (a typing slip in a
    /// grid or a protocol can ask for billions).
    #[arg(long, value_name = "N", default_value_t = crate::plan::limits::DEFAULT_MAX_CELLS)]
    pub max_cells: usize,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub experiment: ExperimentArgs,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// [default: OUT/results.csv or OUT/results.parquet]
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DatasetsCommand {
    /// Every dataset and variant: task, size, and whether its files are present.
    List(DataDirArg),
    /// Check the sha256 of every file of the named datasets (default: all present ones).
    Verify {
        names: Vec<String>,
        #[command(flatten)]
        data: DataDirArg,
    },
    /// Download datasets from the public source the registry records.
    Fetch {
        /// Dataset names (every variant of each is fetched).
        #[arg(required_unless_present = "all")]
        names: Vec<String>,
        /// Fetch every dataset.
        #[arg(long, conflicts_with = "names")]
        all: bool,
        /// Base address for github: sources (a mirror, or a local server in tests).
        #[arg(long, value_name = "URL", default_value = nnbench_datasets::fetch::GITHUB_RAW)]
        github_base: String,
        /// Base address for npm: sources (a registry mirror, or a local server in tests).
        #[arg(long, value_name = "URL", default_value = nnbench_datasets::fetch::NPM_REGISTRY)]
        npm_base: String,
        #[command(flatten)]
        data: DataDirArg,
    },
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let err = || format!("{s:?} is not a shard: write I/N with 1 <= I <= N, e.g. 1/4");
    let (i, n) = s.split_once('/').ok_or_else(err)?;
    let (i, n): (usize, usize) = (i.parse().map_err(|_| err())?, n.parse().map_err(|_| err())?);
    if i == 0 || n == 0 || i > n {
        return Err(err());
    }
    Ok((i, n))
}

/// The subcommand names (and `help`), so a bare experiment path can mean `run`.
pub fn commands() -> Vec<String> {
    use clap::CommandFactory;
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .chain(["help".to_string()])
        .collect()
}
