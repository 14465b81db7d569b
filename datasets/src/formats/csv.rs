//! Generic CSV for a user's own data: a header of column names, one of which
//! is the target; every other column is an input. All values are numeric.

use super::{lines, number};
use crate::error::{DataError, Result};
use crate::table::Table;
use std::path::Path;

pub fn parse_csv(text: &str, path: &Path, target: &str) -> Result<Table> {
    let mut it = lines(text);
    let (line, header) = it
        .next()
        .ok_or_else(|| DataError::malformed(path, 1, "the file is empty"))?;
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    let t = names.iter().position(|n| *n == target).ok_or_else(|| {
        DataError::malformed(
            path,
            line,
            format!(
                "no column named {target:?} for the target; the header has: {}",
                names.join(", ")
            ),
        )
    })?;
    let mut table = Table::new(names.len() - 1);
    let mut inputs = Vec::with_capacity(names.len());
    for (line, s) in it {
        let fields: Vec<&str> = s.split(',').collect();
        if fields.len() != names.len() {
            return Err(DataError::malformed(
                path,
                line,
                format!("expected {} fields, found {}", names.len(), fields.len()),
            ));
        }
        inputs.clear();
        let mut y = 0.0;
        for (c, f) in fields.iter().enumerate() {
            let v = number(f, path, line, c + 1)?;
            if c == t {
                y = v;
            } else {
                inputs.push(v);
            }
        }
        table.push(&inputs, y);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_column_is_the_target() {
        let t = parse_csv("a,y,b\n1,9,2\n3,8,4\n", Path::new("u.csv"), "y").unwrap();
        assert_eq!(t.x, vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(t.y, vec![9.0, 8.0]);
    }

    #[test]
    fn an_unknown_target_lists_the_columns() {
        let e = parse_csv("a,b\n1,2\n", Path::new("u.csv"), "y").unwrap_err();
        assert!(e.to_string().contains("the header has: a, b"), "{e}");
    }
}
