//! KEEL `.dat` files, with their `@` header (`keel-dat`) or without it
//! (`keel-dat-headerless`). The target is always the last column.
//! Symbolic values become codes 0, 1, ... in the header's domain order, or in
//! sorted order when there is no header; the table records each encoding.

use super::{MissingPolicy, is_missing, lines, number};
use crate::error::{DataError, Result};
use crate::table::Table;
use std::path::Path;

enum Column {
    Numeric,
    Nominal(Vec<String>),
}

pub fn parse_keel(text: &str, path: &Path, missing: MissingPolicy) -> Result<Table> {
    let mut names = Vec::new();
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    let mut in_data = false;
    for (line, s) in lines(text) {
        if in_data {
            rows.push((line, split_fields(s)));
            continue;
        }
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("@attribute") {
            let (name, column) = attribute(&t["@attribute".len()..])
                .ok_or_else(|| DataError::malformed(path, line, format!("cannot read {t:?}")))?;
            names.push(name);
            columns.push(column);
        } else if lower.starts_with("@data") {
            in_data = true;
        } else if !t.starts_with('@') {
            return Err(DataError::malformed(
                path,
                line,
                "data before the @data line; is this a headerless KEEL file?",
            ));
        }
    }
    if !in_data || columns.len() < 2 {
        return Err(DataError::malformed(
            path,
            1,
            "no @data line, or fewer than two @attribute lines",
        ));
    }
    build(path, names, columns, rows, missing)
}

pub fn parse_keel_headerless(text: &str, path: &Path, missing: MissingPolicy) -> Result<Table> {
    let rows: Vec<(usize, Vec<String>)> = lines(text).map(|(l, s)| (l, split_fields(s))).collect();
    let Some((_, first)) = rows.first() else {
        return Err(DataError::malformed(path, 1, "the file holds no rows"));
    };
    let width = first.len();
    let columns = (0..width)
        .map(|c| {
            let mut values: Vec<&String> = rows
                .iter()
                .filter_map(|(_, r)| r.get(c))
                .filter(|v| !is_missing(v))
                .collect();
            if values.iter().all(|v| v.parse::<f64>().is_ok()) {
                return Column::Numeric;
            }
            values.sort();
            values.dedup();
            Column::Nominal(values.into_iter().cloned().collect())
        })
        .collect();
    let names = (1..=width).map(|c| format!("column {c}")).collect();
    build(path, names, columns, rows, missing)
}

fn split_fields(s: &str) -> Vec<String> {
    s.split(',').map(|f| f.trim().to_string()).collect()
}

/// `NAME TYPE` after `@attribute`; NAME may be quoted, TYPE may be a `{...}` domain.
fn attribute(rest: &str) -> Option<(String, Column)> {
    let rest = rest.trim();
    let (name, ty) = if let Some(q) = rest.strip_prefix('\'') {
        let end = q.find('\'')?;
        (q[..end].to_string(), q[end + 1..].trim())
    } else {
        let end = rest.find(|c: char| c.is_whitespace() || c == '{')?;
        (rest[..end].to_string(), rest[end..].trim())
    };
    let column = if let Some(domain) = ty.strip_prefix('{') {
        let domain = domain.trim_end().strip_suffix('}')?;
        Column::Nominal(domain.split(',').map(|v| v.trim().to_string()).collect())
    } else {
        let kind = ty.split(|c: char| c.is_whitespace() || c == '[').next()?;
        match kind.to_ascii_lowercase().as_str() {
            "real" | "integer" | "numeric" => Column::Numeric,
            _ => return None,
        }
    };
    Some((name, column))
}

fn build(
    path: &Path,
    names: Vec<String>,
    columns: Vec<Column>,
    rows: Vec<(usize, Vec<String>)>,
    missing: MissingPolicy,
) -> Result<Table> {
    let d = columns.len() - 1;
    let mut table = Table::new(d);
    for (name, column) in names.iter().zip(&columns) {
        if let Column::Nominal(symbols) = column {
            table.encodings.push((name.clone(), symbols.clone()));
        }
    }
    if let Some(Column::Nominal(symbols)) = columns.last() {
        table.classes = symbols.clone();
    }
    let mut dropped = 0;
    let mut values = Vec::with_capacity(columns.len());
    for (line, fields) in rows {
        if fields.len() != columns.len() {
            return Err(DataError::malformed(
                path,
                line,
                format!("expected {} fields, found {}", columns.len(), fields.len()),
            ));
        }
        if fields.iter().any(|f| is_missing(f)) {
            match missing {
                MissingPolicy::Drop => {
                    dropped += 1;
                    continue;
                }
                MissingPolicy::Error => {
                    return Err(DataError::malformed(
                        path,
                        line,
                        "missing value; set `missing = \"drop\"` for this dataset to drop such rows",
                    ));
                }
                MissingPolicy::Mean => {
                    return Err(DataError::malformed(
                        path,
                        line,
                        "missing value; `missing = \"mean\"` is for csv files: use \"drop\" or \"error\" here",
                    ));
                }
            }
        }
        values.clear();
        for (c, (field, column)) in fields.iter().zip(&columns).enumerate() {
            values.push(match column {
                Column::Numeric => number(field, path, line, c + 1)?,
                Column::Nominal(symbols) => {
                    symbols.iter().position(|s| s == field).ok_or_else(|| {
                        DataError::malformed(
                            path,
                            line,
                            format!(
                                "column {}: {field:?} is not in its domain {{{}}}",
                                c + 1,
                                symbols.join(", ")
                            ),
                        )
                    })? as f64
                }
            });
        }
        table.push(&values[..d], values[d]);
    }
    table.dropped_rows = dropped;
    if dropped > 0 {
        table.notes.push(format!(
            "{}: dropped {dropped} row(s) with missing values",
            path.display()
        ));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAT: &str = "@relation t\r\n@attribute 'a' real [0, 1]\r\n@attribute b{x, y}\r\n\
                       @attribute Class {L, B}\r\n@inputs a, b\r\n@outputs Class\r\n@data\r\n\
                       0.5, y, B\r\n<null>, x, L\r\n1, x, L\r\n";

    #[test]
    fn header_domains_give_the_codes_and_missing_rows_are_dropped() {
        let t = parse_keel(DAT, Path::new("t.dat"), MissingPolicy::Drop).unwrap();
        assert_eq!(t.d, 2);
        assert_eq!(t.x, vec![0.5, 1.0, 1.0, 0.0]);
        assert_eq!(t.y, vec![1.0, 0.0]);
        assert_eq!(
            t.encodings[1],
            ("Class".into(), vec!["L".into(), "B".into()])
        );
        assert!(t.notes[0].contains("dropped 1 row"));
    }

    #[test]
    fn missing_policy_error_names_the_line() {
        let e = parse_keel(DAT, Path::new("t.dat"), MissingPolicy::Error).unwrap_err();
        assert!(e.to_string().starts_with("t.dat:9: missing value"), "{e}");
    }

    #[test]
    fn a_symbol_outside_the_domain_is_an_error() {
        let bad = DAT.replace("1, x, L", "1, z, L");
        let e = parse_keel(&bad, Path::new("t.dat"), MissingPolicy::Drop).unwrap_err();
        assert!(e.to_string().contains("\"z\" is not in its domain"), "{e}");
    }

    #[test]
    fn headerless_symbols_are_coded_in_sorted_order() {
        let t = parse_keel_headerless(
            "n,1,democrat\ny,2,republican\n",
            Path::new("h.dat"),
            MissingPolicy::Drop,
        )
        .unwrap();
        assert_eq!(t.x, vec![0.0, 1.0, 1.0, 2.0]);
        assert_eq!(t.y, vec![0.0, 1.0]);
        assert_eq!(t.encodings.len(), 2);
    }
}
