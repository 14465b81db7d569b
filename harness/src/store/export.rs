//! The results table: one row per cell of the plan, sorted by cell key, as a
//! polars DataFrame written to CSV or Parquet for users' own analysis.

use super::Row;
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
pub fn column<'a, T, V>(name: &str, rows: &'a [T], f: impl Fn(&'a T) -> V) -> Column
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
