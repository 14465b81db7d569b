//! The results table: one row per cell of the plan, sorted by cell key, as a
//! polars DataFrame written to CSV or Parquet for users' own analysis.

use super::record::CellRecord;
use crate::plan::meta::DatasetMeta;
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

/// Columns in a fixed order; `rows` must already be sorted by key. Each
/// row also says how its dataset was read (`datasets`, from the plan): the
/// class names behind the numeric labels, and the reader's notes.
pub fn frame(rows: &[CellRecord], datasets: &[DatasetMeta]) -> Result<DataFrame> {
    let (name, variant): (Vec<&str>, Vec<&str>) = rows
        .iter()
        .map(|r| r.dataset.split_once('/').unwrap_or((&r.dataset, "")))
        .unzip();
    let meta = |r: &CellRecord| datasets.iter().find(|d| d.id == r.dataset);
    let columns = vec![
        column("key", rows, |r| r.key.as_str()),
        column("part", rows, |r| r.part.as_str()),
        Column::new("dataset".into(), name),
        Column::new("variant".into(), variant),
        column("task", rows, |r| r.task.as_str()),
        column("method", rows, |r| r.method.as_str()),
        column("label", rows, |r| r.label.as_str()),
        column("params", rows, |r| r.params.as_str()),
        column("protocol", rows, |r| r.protocol.short()),
        column("scaling", rows, |r| r.scaling.as_str()),
        column("repetition", rows, |r| r.repetition),
        column("fold", rows, |r| r.fold),
        column("seed", rows, |r| r.seed),
        column("split_hash", rows, |r| r.split_hash.as_str()),
        column("status", rows, |r| r.status.as_str()),
        column("stop_reason", rows, |r| {
            r.stop_reason.map_or("", |s| s.as_str())
        }),
        column("test_error", rows, |r| r.test_error),
        column("train_error", rows, |r| r.train_error),
        column("metrics", rows, |r| {
            r.metrics.as_ref().map_or(String::new(), |m| {
                serde_json::to_string(m).unwrap_or_default()
            })
        }),
        column("objective_evals", rows, |r| r.spent.objective_evals),
        column("gradient_evals", rows, |r| r.spent.gradient_evals),
        column("wall_s", rows, |r| r.wall_s),
        column("cpu_s", rows, |r| r.cpu_s),
        column("error", rows, |r| r.error.as_str()),
        column("classes", rows, |r| {
            meta(r)
                .filter(|d| !d.classes.is_empty())
                .map_or(String::new(), |d| {
                    serde_json::to_string(&d.classes).unwrap_or_default()
                })
        }),
        column("reader_notes", rows, |r| {
            meta(r).map_or(String::new(), |d| d.notes.join("; "))
        }),
    ];
    DataFrame::new(rows.len(), columns).context("cannot build the results table")
}

/// The results table of `records`, written atomically.
pub fn write(
    records: &[CellRecord],
    datasets: &[DatasetMeta],
    format: Format,
    path: &Path,
) -> Result<()> {
    write_atomic(path, &encode(frame(records, datasets)?, format)?)
}

/// A frame as the bytes of a file of `format`.
pub fn encode(mut df: DataFrame, format: Format) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match format {
        Format::Csv => CsvWriter::new(&mut bytes).finish(&mut df),
        Format::Parquet => ParquetWriter::new(&mut bytes).finish(&mut df).map(drop),
    }
    .context("cannot encode a table")?;
    Ok(bytes)
}

/// The one way nnbench writes a file: beside the target, then renamed, so
/// a reader (or a crash) never leaves half a file under its name.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // The process's own name: two processes writing one file never share it.
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = std::path::PathBuf::from(partial);
    std::fs::write(&partial, bytes)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
