//! The data files of scikit-learn's wheel: `sklearn-csv` (iris, wine, breast
//! cancer: a `n,d,label names...` line, then rows of `d` inputs and an integer
//! label), `sklearn-diabetes-gz` (inputs and targets in two files, already
//! decompressed by the loader) and `sklearn-digits-gz` (no header: 64 pixel
//! values and the digit per row).

use super::{declared_inputs, lines, number};
use crate::error::{DataError, Result};
use crate::table::Table;
use std::path::Path;

/// The digits' pixels per row.
const DIGIT_PIXELS: usize = 64;

pub fn parse_sklearn_digits(text: &str, path: &Path) -> Result<Table> {
    let mut table = Table::new(DIGIT_PIXELS);
    for (line, row) in lines(text) {
        let values: Vec<f64> = row
            .split(',')
            .enumerate()
            .map(|(i, v)| number(v, path, line, i + 1))
            .collect::<Result<_>>()?;
        if values.len() != DIGIT_PIXELS + 1 {
            return Err(DataError::malformed(
                path,
                line,
                format!(
                    "{} values; a digit has {DIGIT_PIXELS} pixels and its label",
                    values.len()
                ),
            ));
        }
        table.push(&values[..DIGIT_PIXELS], values[DIGIT_PIXELS]);
    }
    Ok(table)
}

pub fn parse_sklearn_csv(text: &str, path: &Path) -> Result<Table> {
    let mut it = lines(text);
    let (line, header) = it
        .next()
        .ok_or_else(|| DataError::malformed(path, 1, "the file is empty"))?;
    let head: Vec<&str> = header.split(',').collect();
    let count = |i: usize, what: &str| -> Result<usize> {
        head.get(i)
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| DataError::malformed(path, line, format!("header lacks {what}")))
    };
    let (n, d) = (count(0, "the row count")?, count(1, "the feature count")?);
    let d = declared_inputs(d, text, path, line)?;
    let mut table = Table::new(d);
    table.classes = head[2..].iter().map(|s| s.trim().to_string()).collect();
    table
        .encodings
        .push(("target".into(), table.classes.clone()));
    let mut row = Vec::with_capacity(d + 1);
    for (line, s) in it {
        row.clear();
        for (c, f) in s.split(',').enumerate() {
            row.push(number(f, path, line, c + 1)?);
        }
        if row.len() != d + 1 {
            return Err(DataError::malformed(
                path,
                line,
                format!("expected {} fields, found {}", d + 1, row.len()),
            ));
        }
        table.push(&row[..d], row[d]);
    }
    if table.rows() != n {
        return Err(DataError::malformed(
            path,
            line,
            format!("header declares {n} rows, the file holds {}", table.rows()),
        ));
    }
    Ok(table)
}

/// `inputs`: rows of space-separated numbers; `targets`: one number a line.
pub fn parse_sklearn_diabetes(
    inputs: &str,
    inputs_path: &Path,
    targets: &str,
    targets_path: &Path,
) -> Result<Table> {
    let x: Vec<(usize, Vec<f64>)> = lines(inputs)
        .map(|(line, s)| {
            let row: Result<Vec<f64>> = s
                .split_whitespace()
                .enumerate()
                .map(|(c, f)| number(f, inputs_path, line, c + 1))
                .collect();
            row.map(|r| (line, r))
        })
        .collect::<Result<_>>()?;
    let y: Vec<f64> = lines(targets)
        .map(|(line, s)| number(s, targets_path, line, 1))
        .collect::<Result<_>>()?;
    let d = x.first().map_or(0, |(_, r)| r.len());
    if x.len() != y.len() {
        return Err(DataError::malformed(
            targets_path,
            y.len(),
            format!(
                "{} holds {} rows but this file {} targets",
                inputs_path.display(),
                x.len(),
                y.len()
            ),
        ));
    }
    let mut table = Table::new(d);
    for ((line, row), target) in x.iter().zip(y) {
        if row.len() != d {
            return Err(DataError::malformed(
                inputs_path,
                *line,
                format!("expected {d} numbers, found {}", row.len()),
            ));
        }
        table.push(row, target);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_header_and_rows() {
        let t = parse_sklearn_csv("2,2,a,b\n1,2,0\n3,4,1\n", Path::new("s.csv")).unwrap();
        assert_eq!((t.rows(), t.d), (2, 2));
        assert_eq!(t.y, vec![0.0, 1.0]);
    }

    #[test]
    fn digits_rows_are_64_pixels_and_the_digit() {
        let row = |label: u32| {
            let pixels: Vec<String> = (0..64).map(|i| (i % 17).to_string()).collect();
            format!("{},{label}\n", pixels.join(","))
        };
        let t = parse_sklearn_digits(&(row(3) + &row(9)), Path::new("d.csv")).unwrap();
        assert_eq!((t.rows(), t.d), (2, 64));
        assert_eq!(t.y, vec![3.0, 9.0]);
        assert_eq!(t.x[16], 16.0);
        let e = parse_sklearn_digits("1,2,3\n", Path::new("d.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("d.csv") && e.contains("3 values; a digit has 64 pixels"),
            "{e}"
        );
    }

    #[test]
    fn a_wrong_declared_count_is_an_error() {
        assert!(parse_sklearn_csv("3,2,a,b\n1,2,0\n", Path::new("s.csv")).is_err());
        // Refused before a row of 10^18 inputs is allocated.
        let e = parse_sklearn_csv("1,1000000000000000000,a,b\n1,2,0\n", Path::new("s.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("s.csv:1: the header declares d = 1000000000000000000 inputs"),
            "{e}"
        );
    }

    #[test]
    fn diabetes_pairs_inputs_with_targets() {
        let t =
            parse_sklearn_diabetes("1 2\n3 4\n", Path::new("x"), "1.5e+02\n7\n", Path::new("y"))
                .unwrap();
        assert_eq!(t.y, vec![150.0, 7.0]);
        assert_eq!(t.row(1), &[3.0, 4.0]);
    }
}
