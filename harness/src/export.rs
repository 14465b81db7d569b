//! The results table: one row per cell of the plan, sorted by cell key, as a
//! polars DataFrame written to CSV or Parquet for users' own analysis.

use crate::store::Row;
use crate::view::LongRow;
use anyhow::{Context as _, Result};
use polars::prelude::{Column, CsvWriter, DataFrame, ParquetWriter, SerWriter};
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

/// Columns in a fixed order; `rows` must already be sorted by key.
pub fn frame(rows: &[Row]) -> Result<DataFrame> {
    fn text(name: &str, rows: &[Row], f: impl Fn(&Row) -> &str) -> Column {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    }
    fn float(name: &str, rows: &[Row], f: impl Fn(&Row) -> f64) -> Column {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    }
    fn int(name: &str, rows: &[Row], f: impl Fn(&Row) -> i64) -> Column {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    }
    let (name, variant): (Vec<&str>, Vec<&str>) = rows
        .iter()
        .map(|r| r.dataset.split_once('/').unwrap_or((&r.dataset, "")))
        .unzip();
    let columns = vec![
        text("key", rows, |r| &r.key),
        text("part", rows, |r| &r.part),
        Column::new("dataset".into(), name),
        Column::new("variant".into(), variant),
        text("task", rows, |r| &r.task),
        text("method", rows, |r| &r.method),
        text("label", rows, |r| &r.label),
        text("params", rows, |r| &r.params),
        text("protocol", rows, |r| &r.protocol),
        text("scaling", rows, |r| &r.scaling),
        int("repetition", rows, |r| r.repetition),
        int("fold", rows, |r| r.fold),
        Column::new(
            "seed".into(),
            rows.iter().map(|r| r.seed).collect::<Vec<u64>>(),
        ),
        text("split_hash", rows, |r| &r.split_hash),
        text("status", rows, |r| &r.status),
        text("stop_reason", rows, |r| &r.stop_reason),
        float("test_error", rows, |r| r.test_error),
        float("train_error", rows, |r| r.train_error),
        text("metrics", rows, |r| &r.metrics),
        int("objective_evals", rows, |r| r.objective_evals),
        int("gradient_evals", rows, |r| r.gradient_evals),
        float("wall_s", rows, |r| r.wall_s),
        float("cpu_s", rows, |r| r.cpu_s),
        text("error", rows, |r| &r.error),
    ];
    DataFrame::new(rows.len(), columns).context("cannot build the results table")
}

pub fn write(rows: &[Row], format: Format, path: &Path) -> Result<()> {
    write_frame(frame(rows)?, format, path)
}

/// A report table in long form: one row per (dataset, method) cell.
pub fn table_frame(rows: &[LongRow]) -> Result<DataFrame> {
    let columns = vec![
        Column::new(
            "dataset".into(),
            rows.iter().map(|r| r.dataset.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "method".into(),
            rows.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "n".into(),
            rows.iter().map(|r| r.n as u64).collect::<Vec<_>>(),
        ),
        Column::new(
            "mean".into(),
            rows.iter().map(|r| r.mean).collect::<Vec<_>>(),
        ),
        Column::new("sd".into(), rows.iter().map(|r| r.sd).collect::<Vec<_>>()),
        Column::new("se".into(), rows.iter().map(|r| r.se).collect::<Vec<_>>()),
        Column::new(
            "published".into(),
            rows.iter().map(|r| r.published).collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new(rows.len(), columns).context("cannot build a report table")
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
