//! `tsoulos-train-test`: line 1 `d`, line 2 the declared row count `n`, then
//! rows of `d` inputs and the target, whitespace-separated.

use super::{TsoulosReader, declared_inputs, lines, number};
use crate::error::{DataError, Result};
use crate::table::Table;
use std::path::Path;

pub fn parse_tsoulos(text: &str, path: &Path, reader: TsoulosReader) -> Result<Table> {
    let mut it = lines(text);
    let mut header = |what: &str| -> Result<usize> {
        let (line, s) = it
            .next()
            .ok_or_else(|| DataError::malformed(path, 1, format!("file ends before {what}")))?;
        s.trim().parse().map_err(|_| {
            DataError::malformed(path, line, format!("{what}: {s:?} is not a whole number"))
        })
    };
    let d = header("the input count d")?;
    let declared = header("the declared row count")?;
    let d = declared_inputs(d, text, path, 1)?;
    let mut table = Table::new(d);
    let mut row = Vec::with_capacity(d + 1);
    for (line, s) in it {
        if reader == TsoulosReader::Authors && table.rows() == declared {
            table.notes.push(format!(
                "authors reader: ignored data from line {line} on ({} declares {declared} rows)",
                path.display()
            ));
            break;
        }
        row.clear();
        for (c, field) in s.split_whitespace().enumerate() {
            row.push(number(field, path, line, c + 1)?);
        }
        if row.len() != d + 1 {
            return Err(DataError::malformed(
                path,
                line,
                format!(
                    "expected {} numbers (d = {d} inputs and the target), found {}",
                    d + 1,
                    row.len()
                ),
            ));
        }
        table.push(&row[..d], row[d]);
    }
    if table.rows() != declared {
        match reader {
            TsoulosReader::Robust => table.notes.push(format!(
                "{} declares {declared} rows and holds {}; all rows read",
                path.display(),
                table.rows()
            )),
            TsoulosReader::Authors => {
                let missing = declared - table.rows();
                // The authors' files miss a row or a few; padding more than
                // the file holds would be inventing the dataset.
                if missing > table.rows().max(100) {
                    return Err(DataError::malformed(
                        path,
                        2,
                        format!(
                            "the header declares {declared} rows and the file holds {}; the authors' reader would pad it with {missing} all-zero rows. Correct the count, or read it with reader = \"robust\"",
                            table.rows()
                        ),
                    ));
                }
                table.notes.push(format!(
                    "authors reader: padded {} with {missing} all-zero row(s)",
                    path.display()
                ));
                for _ in 0..missing {
                    table.push(&vec![0.0; d], 0.0);
                }
            }
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("x.train")
    }

    #[test]
    fn reads_all_lines_whatever_the_declared_count() {
        let t = parse_tsoulos("2\n3\n1 2 0\n3 4 1\n", p(), TsoulosReader::Robust).unwrap();
        assert_eq!(t.rows(), 2);
        assert_eq!(t.row(1), &[3.0, 4.0]);
        assert_eq!(t.y, vec![0.0, 1.0]);
        assert_eq!(t.notes.len(), 1);
    }

    #[test]
    fn counts_no_file_could_hold_are_refused_before_allocating() {
        let huge_d = parse_tsoulos("10400000000008\n2\n1 2 0\n", p(), TsoulosReader::Robust);
        assert!(huge_d.unwrap_err().to_string().contains(
            "x.train:1: the header declares d = 10400000000008 inputs, more than a file of"
        ),);
        let rows = parse_tsoulos("2\n99999999999\n1 2 0\n", p(), TsoulosReader::Authors);
        let e = rows.unwrap_err().to_string();
        assert!(
            e.contains("x.train:2: the header declares 99999999999 rows and the file holds 1"),
            "{e}"
        );
    }

    #[test]
    fn authors_reader_pads_a_short_file_with_zero_rows() {
        let t = parse_tsoulos("2\n3\n1 2 5\n3 4 1\n", p(), TsoulosReader::Authors).unwrap();
        assert_eq!(t.rows(), 3);
        assert_eq!(t.row(2), &[0.0, 0.0]);
        assert_eq!(t.y[2], 0.0);
    }

    #[test]
    fn authors_reader_ignores_rows_past_the_declared_count() {
        let t = parse_tsoulos("1\n1\n1 2\n3 4\n", p(), TsoulosReader::Authors).unwrap();
        assert_eq!(t.rows(), 1);
        assert_eq!(t.y, vec![2.0]);
    }

    #[test]
    fn a_short_row_names_its_line() {
        let e = parse_tsoulos("2\n2\n1 2 0\n3 4\n", p(), TsoulosReader::Robust).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.train:4: expected 3 numbers (d = 2 inputs and the target), found 2"
        );
    }

    #[test]
    fn a_non_number_names_its_line_and_column() {
        let e = parse_tsoulos("1\n1\n1 abc\n", p(), TsoulosReader::Robust).unwrap_err();
        assert!(e.to_string().starts_with("x.train:3: column 2"), "{e}");
    }
}
