//! `cal-housing-data`: the raw StatLib California housing file. Rows are
//! turned into the eight features and the target scikit-learn's
//! `fetch_california_housing()` gives, so results compare with work that
//! used it (Graham & Sheng 2025).

use super::{lines, number};
use crate::error::{DataError, Result};
use crate::table::Table;
use std::path::Path;

const FEATURES: [&str; 8] = [
    "MedInc",
    "HouseAge",
    "AveRooms",
    "AveBedrms",
    "Population",
    "AveOccup",
    "Latitude",
    "Longitude",
];

pub fn parse_cal_housing(text: &str, path: &Path) -> Result<Table> {
    let mut table = Table::new(FEATURES.len());
    let mut raw = [0.0; 9];
    for (line, s) in lines(text) {
        let fields: Vec<&str> = s.split(',').collect();
        if fields.len() != raw.len() {
            return Err(DataError::malformed(
                path,
                line,
                format!("expected 9 fields, found {}", fields.len()),
            ));
        }
        for (c, f) in fields.iter().enumerate() {
            raw[c] = number(f, path, line, c + 1)?;
        }
        let [
            lon,
            lat,
            age,
            rooms,
            bedrooms,
            population,
            households,
            income,
            value,
        ] = raw;
        if households == 0.0 {
            return Err(DataError::malformed(path, line, "households is 0"));
        }
        table.push(
            &[
                income,
                age,
                rooms / households,
                bedrooms / households,
                population,
                population / households,
                lat,
                lon,
            ],
            value / 100_000.0,
        );
    }
    table.notes.push(format!(
        "features {} and target MedHouseVal in $100,000, as scikit-learn derives them",
        FEATURES.join(", ")
    ));
    Ok(table)
}
