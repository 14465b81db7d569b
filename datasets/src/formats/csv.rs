//! A user's own CSV, read the way pandas would: polars' reader (quoting,
//! CRLF, nulls, a type per column inferred from every row), the separator
//! detected from the header line unless given, text class labels mapped to
//! classes in sorted order, text inputs one-hot encoded when listed as
//! categorical and refused otherwise, `?` and empty cells missing.
//! Everything the reader decided goes into the table's notes.

use super::MissingPolicy;
use crate::error::{DataError, Result};
use crate::table::{Table, Task};
use polars::prelude::*;
use std::path::Path;

/// What a `csv` entry says about its file.
#[derive(Debug, Clone, Copy)]
pub struct CsvSpec<'a> {
    pub target: &'a str,
    pub delimiter: Option<char>,
    pub categorical: &'a [String],
    pub task: Task,
    pub missing: MissingPolicy,
}

const DELIMITERS: [char; 4] = [',', ';', '\t', '|'];

/// A column's numbers, `None` where a cell is missing.
type Values = Vec<Option<f64>>;

pub fn parse_csv(text: &str, path: &Path, spec: CsvSpec<'_>) -> Result<Table> {
    let malformed = |line: usize, what: String| DataError::malformed(path, line, what);
    let (header_line, header) = super::lines(text)
        .next()
        .ok_or_else(|| malformed(1, "the file is empty".into()))?;
    let delimiter = match spec.delimiter {
        Some(d) if DELIMITERS.contains(&d) => d,
        Some(d) => {
            return Err(malformed(
                header_line,
                format!("delimiter {d:?} is not one of , ; tab |"),
            ));
        }
        None => detect(header),
    };
    let names = split_header(header, delimiter);
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(malformed(
                header_line,
                format!(
                    "column {}: the name {name:?} is also column {}; name every column once",
                    i + 1,
                    names[..i].iter().position(|n| n == name).unwrap_or(0) + 1
                ),
            ));
        }
    }
    let target = names.iter().position(|n| n == spec.target).ok_or_else(|| {
        malformed(
            header_line,
            format!(
                "no column named {:?} for the target; the header has: {} (read with delimiter {delimiter:?}; set `delimiter` if that is wrong)",
                spec.target,
                names.join(", ")
            ),
        )
    })?;
    if let Some(c) = spec.categorical.iter().find(|c| !names.contains(c)) {
        return Err(malformed(
            header_line,
            format!("categorical column {c:?} is not in the header"),
        ));
    }
    let frame = read(text, delimiter).map_err(|e| malformed(header_line, e.to_string()))?;
    let line_of = record_lines(text);
    let line = |row: usize| line_of.get(row).copied().unwrap_or(header_line + row + 1);
    let columns = frame.columns();

    let mut notes = vec![format!("read as CSV with delimiter {delimiter:?}")];
    let mut encodings = Vec::new();
    let mut table_classes = Vec::new();
    let (y, labels) = target_values(&columns[target], target + 1, spec.task, &line, path)?;
    if let Some(symbols) = labels {
        notes.push(format!(
            "target classes: {}",
            symbols
                .iter()
                .enumerate()
                .map(|(k, s)| format!("{s} = {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        table_classes = symbols.clone();
        encodings.push((spec.target.to_string(), symbols));
    }
    // Every input as one or more numeric columns (a one-hot set for a
    // categorical one), each an Option per row.
    let mut inputs: Vec<Values> = Vec::new();
    for (c, column) in columns.iter().enumerate() {
        if c == target {
            continue;
        }
        let name = &names[c];
        if spec.categorical.contains(name) {
            let (hot, symbols) = one_hot(column, path)?;
            notes.push(format!("{name} one-hot: {}", symbols.join(", ")));
            encodings.push((name.clone(), symbols));
            inputs.extend(hot);
        } else {
            inputs.push(numeric(column, c + 1, &line, path)?);
        }
    }

    let mut table = Table::new(inputs.len());
    let mut row = Vec::with_capacity(inputs.len());
    let mut filled = 0;
    for r in 0..frame.height() {
        row.clear();
        row.extend(inputs.iter().map(|col| col[r]));
        let missing = y[r].is_none() || row.iter().any(Option::is_none);
        if missing {
            match spec.missing {
                MissingPolicy::Mean if y[r].is_some() => filled += 1,
                MissingPolicy::Drop | MissingPolicy::Mean => {
                    table.dropped_rows += 1;
                    continue;
                }
                MissingPolicy::Error => {
                    let column = if y[r].is_none() {
                        target + 1
                    } else {
                        first_missing(columns, target, r) + 1
                    };
                    return Err(malformed(
                        line(r),
                        format!(
                            "column {column}: a missing value (`?` or empty), and `missing = \"error\"`; use `missing = \"drop\"` to leave such rows out"
                        ),
                    ));
                }
            }
        }
        // NaN marks a missing input for the scaler to fill.
        let values: Vec<f64> = row.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
        table.push(&values, y[r].unwrap_or(f64::NAN));
    }
    if table.dropped_rows > 0 {
        notes.push(format!(
            "{} rows with missing values dropped",
            table.dropped_rows
        ));
    }
    if filled > 0 {
        notes.push(format!(
            "{filled} rows with missing inputs kept, each filled with its column's training-part mean"
        ));
    }
    table.notes.push(notes.join("; "));
    table.encodings = encodings;
    table.classes = table_classes;
    Ok(table)
}

/// The file line each record after the header starts on, for messages: a
/// quoted field may span lines, and a blank line outside quotes holds no
/// record (polars skips it too). A doubled quote inside a field counts twice,
/// so quote parity alone says whether a line ends inside a field.
fn record_lines(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut quoted = false;
    for (i, line) in text.lines().enumerate() {
        if !quoted && !line.trim().is_empty() {
            starts.push(i + 1);
        }
        quoted ^= line.matches('"').count() % 2 == 1;
    }
    starts.into_iter().skip(1).collect()
}

/// The delimiter the header line uses most, outside quotes (`,` if none).
fn detect(header: &str) -> char {
    let count = |d: char| split_header(header, d).len();
    DELIMITERS
        .into_iter()
        .max_by_key(|d| (count(*d), std::cmp::Reverse(*d == ',')))
        .filter(|d| count(*d) > 1)
        .unwrap_or(',')
}

/// The header's names: split at `delimiter` outside double quotes, quotes
/// removed, spaces trimmed. (Only the header: polars reads the rows.)
fn split_header(header: &str, delimiter: char) -> Vec<String> {
    let mut names = vec![String::new()];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => names.push(String::new()),
            c => names.last_mut().expect("one name at least").push(c),
        }
    }
    names.into_iter().map(|n| n.trim().to_string()).collect()
}

fn read(text: &str, delimiter: char) -> PolarsResult<DataFrame> {
    let nulls = NullValues::AllColumns(vec!["?".into(), "".into()]);
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .with_parse_options(
            CsvParseOptions::default()
                .with_separator(delimiter as u8)
                .with_quote_char(Some(b'"'))
                .with_null_values(Some(nulls))
                .with_missing_is_null(true),
        )
        .into_reader_with_file_handle(std::io::Cursor::new(text.as_bytes().to_vec()))
        .finish()
}

/// The target per row; for a text column that is not all numbers
/// (classification only) the codes of its labels in sorted order, and the
/// labels.
fn target_values(
    column: &Column,
    number: usize,
    task: Task,
    line: &dyn Fn(usize) -> usize,
    path: &Path,
) -> Result<(Values, Option<Vec<String>>)> {
    let Ok(text) = column.str() else {
        return Ok((numeric(column, number, line, path)?, None));
    };
    let (row, value) = match numbers(text) {
        Ok(values) => return Ok((values, None)),
        Err(first) => first,
    };
    if task != Task::Classification {
        return Err(DataError::malformed(
            path,
            line(row),
            format!(
                "target column {:?}: {value:?} is not a number, and a {} target must be",
                column.name().as_str(),
                task.as_str()
            ),
        ));
    }
    let symbols = distinct(text);
    let codes = text
        .iter()
        .map(|v| {
            v.and_then(|v| symbols.iter().position(|s| s == v.trim()))
                .map(|k| k as f64)
        })
        .collect();
    Ok((codes, Some(symbols)))
}

/// A text column's values as numbers (polars keeps, say, ` 1` as text), or
/// the row and value of the first that is not one.
fn numbers(text: &StringChunked) -> std::result::Result<Values, (usize, String)> {
    text.iter()
        .enumerate()
        .map(|(r, v)| match v {
            None => Ok(None),
            Some(v) => match v.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Some(x)),
                _ => Err((r, v.to_string())),
            },
        })
        .collect()
}

/// A numeric column as f64 per row, or the first text value's refusal.
fn numeric(
    column: &Column,
    number: usize,
    line: &dyn Fn(usize) -> usize,
    path: &Path,
) -> Result<Values> {
    if let Ok(text) = column.str() {
        return numbers(text).map_err(|(row, value)| {
            DataError::malformed(
                path,
                line(row),
                format!(
                    "column {number} ({:?}): {value:?} is not a number; list the column in `categorical = [...]` to one-hot encode it, or leave it out of the file",
                    column.name().as_str()
                ),
            )
        });
    }
    let values = column
        .cast(&DataType::Float64)
        .map_err(|e| polars_error(path, e))?;
    let values = values.f64().map_err(|e| polars_error(path, e))?;
    if let Some(row) = values
        .iter()
        .position(|v| v.is_some_and(|v| !v.is_finite()))
    {
        return Err(DataError::malformed(
            path,
            line(row),
            format!("column {number}: a value that is not finite"),
        ));
    }
    Ok(values.iter().collect())
}

/// One 0/1 column per distinct value, in sorted order; a missing value
/// is missing in every one.
fn one_hot(column: &Column, path: &Path) -> Result<(Vec<Values>, Vec<String>)> {
    let text = column
        .cast(&DataType::String)
        .map_err(|e| polars_error(path, e))?;
    let text = text.str().map_err(|e| polars_error(path, e))?;
    let symbols = distinct(text);
    let hot = symbols
        .iter()
        .map(|s| {
            text.iter()
                .map(|v| v.map(|v| f64::from(u8::from(v.trim() == s))))
                .collect()
        })
        .collect();
    Ok((hot, symbols))
}

/// The column's distinct values, trimmed, in sorted order.
fn distinct(text: &StringChunked) -> Vec<String> {
    let mut symbols: Vec<String> = text
        .iter()
        .flatten()
        .map(|s| s.trim().to_string())
        .collect();
    symbols.sort();
    symbols.dedup();
    symbols
}

fn first_missing(columns: &[Column], target: usize, row: usize) -> usize {
    (0..columns.len())
        .find(|&c| c != target && columns[c].get(row).is_ok_and(|v| v.is_null()))
        .unwrap_or(0)
}

fn polars_error(path: &Path, e: PolarsError) -> DataError {
    DataError::malformed(path, 1, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(target: &str, task: Task) -> CsvSpec<'_> {
        CsvSpec {
            target,
            delimiter: None,
            categorical: &[],
            task,
            missing: MissingPolicy::Drop,
        }
    }

    fn read(text: &str, spec: CsvSpec<'_>) -> Result<Table> {
        parse_csv(text, Path::new("u.csv"), spec)
    }

    #[test]
    fn the_named_column_is_the_target() {
        let t = read("a,y,b\n1,9,2\n3,8,4\n", spec("y", Task::Regression)).unwrap();
        assert_eq!(t.x, vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(t.y, vec![9.0, 8.0]);
        assert_eq!(t.notes, ["read as CSV with delimiter ','"]);
    }

    #[test]
    fn a_spreadsheet_export_reads_as_pandas_would() {
        // Semicolons, quoted names and labels, CRLF, a missing cell.
        let text = "\"preg\";\"plas\";\"class\"\r\n6;148;\"tested_positive\"\r\n1;85;tested_negative\r\n8;?;tested_positive\r\n0;137;tested_positive\r\n";
        let t = read(text, spec("class", Task::Classification)).unwrap();
        assert_eq!(t.d, 2);
        assert_eq!(t.x, vec![6.0, 148.0, 1.0, 85.0, 0.0, 137.0]);
        assert_eq!(t.y, vec![1.0, 0.0, 1.0]);
        assert_eq!(t.dropped_rows, 1);
        assert_eq!(
            t.encodings,
            [(
                "class".to_string(),
                vec!["tested_negative".to_string(), "tested_positive".to_string()]
            )]
        );
        assert_eq!(
            t.notes,
            [
                "read as CSV with delimiter ';'; target classes: tested_negative = 0, tested_positive = 1; 1 rows with missing values dropped"
            ]
        );
    }

    #[test]
    fn a_categorical_input_is_one_hot_and_another_text_input_is_refused() {
        let text = "colour\tsize\ty\nred\t1\t0.5\nblue\t2\t0.25\nred\t3\t1\n";
        let categorical = ["colour".to_string()];
        let t = read(
            text,
            CsvSpec {
                categorical: &categorical,
                ..spec("y", Task::Regression)
            },
        )
        .unwrap();
        // blue, red, then size.
        assert_eq!(t.x, vec![0.0, 1.0, 1.0, 1.0, 0.0, 2.0, 0.0, 1.0, 3.0]);
        let e = read(text, spec("y", Task::Regression))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("u.csv:2: column 1 (\"colour\"): \"red\" is not a number; list the column in `categorical = [...]`"),
            "{e}"
        );
    }

    #[test]
    fn refusals_name_the_line_and_the_column() {
        let e = |text: &str, spec: CsvSpec<'_>| read(text, spec).unwrap_err().to_string();
        assert!(e("a,b\n1,2\n", spec("y", Task::Regression)).contains("the header has: a, b"));
        // Numbers polars keeps as text (a leading space) are still numbers.
        let spaced = read("a,y\n 1,2\n2, 3\n", spec("y", Task::Regression)).unwrap();
        assert_eq!((spaced.x, spaced.y), (vec![1.0, 2.0], vec![2.0, 3.0]));
        assert!(
            e("a,a,y\n1,2,3\n", spec("y", Task::Regression))
                .contains("u.csv:1: column 2: the name \"a\" is also column 1")
        );
        assert!(
            e("a,y\n1,2\n\n2,high\n", spec("y", Task::Regression))
                .contains("u.csv:4: target column \"y\": \"high\" is not a number, and a regression target must be")
        );
        let strict = CsvSpec {
            missing: MissingPolicy::Error,
            ..spec("y", Task::Regression)
        };
        assert!(e("a,b,y\n1,2,3\n4,,6\n", strict).contains("u.csv:3: column 2: a missing value"));
        // A quoted label over two lines (and a doubled quote) moves the
        // next record's line down by one.
        let labelled = "a,y\n1,\"two\nlines\"\n2,\"say \"\"x\"\"\"\nx,low\n";
        assert!(
            e(labelled, spec("y", Task::Classification)).contains("u.csv:5: column 1"),
            "{}",
            e(labelled, spec("y", Task::Classification))
        );
        let piped = CsvSpec {
            delimiter: Some('#'),
            ..spec("y", Task::Regression)
        };
        assert!(e("a#y\n1#2\n", piped).contains("delimiter '#' is not one of"));
    }

    #[test]
    fn missing_mean_keeps_rows_with_a_target_and_marks_the_gaps() {
        let mean = CsvSpec {
            missing: MissingPolicy::Mean,
            ..spec("y", Task::Regression)
        };
        let t = read("a,b,y\n1,?,3\n4,5,\n7,8,9\n", mean).unwrap();
        assert_eq!(t.rows(), 2);
        assert!(t.x[1].is_nan() && t.x[0] == 1.0);
        assert_eq!(t.dropped_rows, 1);
        assert!(t.notes[0].ends_with("1 rows with missing values dropped; 1 rows with missing inputs kept, each filled with its column's training-part mean"), "{:?}", t.notes);
    }

    #[test]
    fn the_delimiter_is_the_one_the_header_uses_most() {
        assert_eq!(detect("a;b;c"), ';');
        assert_eq!(detect("a\tb"), '\t');
        assert_eq!(detect("\"x,y\";z"), ';');
        assert_eq!(detect("a|b|c,d"), '|');
        assert_eq!(detect("single"), ',');
    }
}
