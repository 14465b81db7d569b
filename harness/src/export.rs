//! The results table: one row per cell of the plan, sorted by cell key, as a
//! polars DataFrame written to CSV or Parquet for users' own analysis.

use crate::store::Row;
use crate::view::{LongRow, MethodSummary};
use anyhow::{Context as _, Result};
use polars::prelude::{Column, CsvWriter, DataFrame, NamedFrom, ParquetWriter, SerWriter, Series};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Parquet,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
}

/// One column of `f` over `rows`.
fn column<'a, T, V>(name: &str, rows: &'a [T], f: impl Fn(&'a T) -> V) -> Column
where
    Series: NamedFrom<Vec<V>, [V]>,
{
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}

/// Columns in a fixed order; `rows` must already be sorted by key.
pub fn frame(rows: &[Row]) -> Result<DataFrame> {
    let (name, variant): (Vec<&str>, Vec<&str>) = rows
        .iter()
        .map(|r| r.dataset.split_once('/').unwrap_or((&r.dataset, "")))
        .unzip();
    let columns = vec![
        column("key", rows, |r| r.key.as_str()),
        column("part", rows, |r| r.part.as_str()),
        Column::new("dataset".into(), name),
        Column::new("variant".into(), variant),
        column("task", rows, |r| r.task.as_str()),
        column("method", rows, |r| r.method.as_str()),
        column("label", rows, |r| r.label.as_str()),
        column("params", rows, |r| r.params.as_str()),
        column("protocol", rows, |r| r.protocol.as_str()),
        column("scaling", rows, |r| r.scaling.as_str()),
        column("repetition", rows, |r| r.repetition),
        column("fold", rows, |r| r.fold),
        column("seed", rows, |r| r.seed),
        column("split_hash", rows, |r| r.split_hash.as_str()),
        column("status", rows, |r| r.status.as_str()),
        column("stop_reason", rows, |r| r.stop_reason.as_str()),
        column("test_error", rows, |r| r.test_error),
        column("train_error", rows, |r| r.train_error),
        column("metrics", rows, |r| r.metrics.as_str()),
        column("objective_evals", rows, |r| r.objective_evals),
        column("gradient_evals", rows, |r| r.gradient_evals),
        column("wall_s", rows, |r| r.wall_s),
        column("cpu_s", rows, |r| r.cpu_s),
        column("error", rows, |r| r.error.as_str()),
    ];
    DataFrame::new(rows.len(), columns).context("cannot build the results table")
}

pub fn write(rows: &[Row], format: Format, path: &Path) -> Result<()> {
    write_frame(frame(rows)?, format, path)
}

/// A report table in long form: one row per (dataset, method) cell.
pub fn table_frame(rows: &[LongRow]) -> Result<DataFrame> {
    let columns = vec![
        column("dataset", rows, |r| r.dataset.as_str()),
        column("method", rows, |r| r.method.as_str()),
        column("n", rows, |r| r.n as u64),
        column("mean", rows, |r| r.mean),
        column("sd", rows, |r| r.sd),
        column("se", rows, |r| r.se),
        column("published", rows, |r| r.published),
    ];
    DataFrame::new(rows.len(), columns).context("cannot build a report table")
}

/// A report's methods-compared table, one row per method.
pub fn summary_frame(rows: &[MethodSummary]) -> Result<DataFrame> {
    let count = |name: &str, f: fn(&MethodSummary) -> Option<usize>| {
        column(name, rows, |r| f(r).map(|c| c as u64))
    };
    let columns = vec![
        column("method", rows, |r| r.method.as_str()),
        column("control", rows, |r| r.control),
        column("mean_rank", rows, |r| r.mean_rank),
        count("wins", |r| r.wins),
        count("ties", |r| r.ties),
        count("losses", |r| r.losses),
        column("wilcoxon_p", rows, |r| r.wilcoxon_p),
        column("wilcoxon_p_holm", rows, |r| r.wilcoxon_p_holm),
        column("p_better", rows, |r| r.p_better),
        column("p_equivalent", rows, |r| r.p_equivalent),
        column("p_worse", rows, |r| r.p_worse),
        column("seconds_per_run", rows, |r| r.seconds_per_run),
        column("objective_evals", rows, |r| r.objective_evals),
        column("gradient_evals", rows, |r| r.gradient_evals),
    ];
    DataFrame::new(rows.len(), columns).context("cannot build a methods table")
}

pub fn write_frame(mut df: DataFrame, format: Format, path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Written beside the target and renamed, so a reader never sees half a file.
    let partial = path.with_extension(format!("{}.partial", format.extension()));
    let mut file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    match format {
        Format::Csv => CsvWriter::new(&mut file).finish(&mut df),
        Format::Parquet => ParquetWriter::new(&mut file).finish(&mut df).map(drop),
    }
    .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
