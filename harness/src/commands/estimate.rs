//! How long the cells of a plan should take, from the cells an earlier run
//! stored or from the built-in calibration: `--dry-run`'s CPU hours per
//! method, and the one line `harness slurm` prints in its script's header
//! (and a shard's `--dry-run`), so a user can choose shards and `--time`
//! before starting a grid that may be an hour or a week.

use crate::plan::{Plan, limits};
use crate::report::number;
use crate::store::Store;
use crate::store::lock::Access;
use crate::store::record::CellRecord;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The finished cells of every store in `out` (results.sqlite and shard
/// stores), each key once.
pub fn stored(out: &Path) -> Result<Vec<CellRecord>> {
    let mut by_key = HashMap::new();
    for entry in std::fs::read_dir(out).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("results") && name.ends_with(".sqlite") {
            for r in Store::open(&entry.path(), Access::Read)?.records()? {
                if r.is_ok() {
                    by_key.insert(r.key.clone(), r);
                }
            }
        }
    }
    Ok(by_key.into_values().collect())
}

/// The size a cell's cost is taken to grow with: all the dataset's rows
/// times its inputs plus two (a Tsoulos network's weights per hidden unit).
/// Every built-in method's time per pass is about proportional to it.
pub fn size(plan: &Plan, dataset: usize) -> f64 {
    let shape = limits::shape(&plan.datasets[dataset]);
    (shape.rows * (shape.inputs + 2)) as f64
}

/// Where a cell's expected time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Stored cells of the same method label on the same dataset.
    Dataset,
    /// Stored cells of the same method label on other datasets, by size.
    Label,
    /// The built-in calibration of the method at its defaults, by size.
    Calibration,
}

/// A cell's CPU seconds as a + b size: a fixed part (a population's
/// bookkeeping, a line search) and a part that grows with the data.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub struct Rate {
    pub per_cell: f64,
    pub per_size: f64,
}

impl Rate {
    /// Least squares through (size, seconds); never a negative part (a
    /// negative intercept refits through the origin). Written here: ten
    /// lines, where a crate would bring a matrix library.
    pub fn fit(points: &[(f64, f64)]) -> Rate {
        let n = points.len().max(1) as f64;
        let (mx, my) = points
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p.0 / n, y + p.1 / n));
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let slope = if sxx > 0.0 { sxy / sxx } else { f64::NAN };
        match slope {
            b if b >= 0.0 && my - b * mx >= 0.0 => Rate {
                per_cell: my - b * mx,
                per_size: b,
            },
            b if b < 0.0 => Rate {
                per_cell: my,
                per_size: 0.0,
            },
            _ => Rate {
                per_cell: 0.0,
                per_size: if mx > 0.0 { my / mx } else { 0.0 },
            },
        }
    }

    pub fn seconds(&self, size: f64) -> f64 {
        self.per_cell + self.per_size * size
    }
}

/// The rate of each built-in method at its defaults, by name, as `harness
/// bench` measured it.
#[derive(Debug, Deserialize, Serialize)]
pub struct Calibration {
    /// Where and when it was measured.
    pub measured: String,
    pub methods: BTreeMap<String, Rate>,
}

impl Calibration {
    pub fn built_in() -> Calibration {
        toml::from_str(include_str!("../../calibration.toml"))
            .expect("harness/calibration.toml is valid (tested)")
    }
}

/// Each planned cell's expected CPU seconds and what they come from: the
/// mean of the stored cells of its method label on its dataset; else its
/// label's rate fitted to its stored cells on other datasets of the plan;
/// else the calibration of its method's name, at the method's defaults
/// only. None where nothing applies.
pub fn expected(
    plan: &Plan,
    records: &[CellRecord],
    calibration: &Calibration,
) -> Vec<Option<(f64, Basis)>> {
    let sizes: HashMap<&str, f64> = (0..plan.datasets.len())
        .map(|d| (plan.datasets[d].id.as_str(), size(plan, d)))
        .collect();
    let mut pair: HashMap<(&str, &str), (f64, usize)> = HashMap::new();
    let mut points: HashMap<&str, Vec<(f64, f64)>> = HashMap::new();
    for r in records {
        let sum = pair.entry((&r.label, &r.dataset)).or_default();
        (sum.0, sum.1) = (sum.0 + r.cpu_s, sum.1 + 1);
        // Only datasets of this plan have a size to scale by.
        if let Some(&size) = sizes.get(r.dataset.as_str()) {
            points.entry(&r.label).or_default().push((size, r.cpu_s));
        }
    }
    let label: HashMap<&str, Rate> = points.iter().map(|(l, p)| (*l, Rate::fit(p))).collect();
    let default_params: HashMap<&str, String> = plan
        .methods
        .iter()
        .filter_map(|m| Some((m.name, defaults_json(m.name)?)))
        .collect();
    plan.cells
        .iter()
        .map(|c| {
            let m = &plan.methods[c.method];
            let (l, d) = (m.label.as_str(), plan.datasets[c.dataset].id.as_str());
            let size = sizes[d];
            if let Some(&(sum, n)) = pair.get(&(l, d)) {
                return Some((sum / n as f64, Basis::Dataset));
            }
            if let Some(rate) = label.get(l) {
                return Some((rate.seconds(size), Basis::Label));
            }
            let at_defaults = default_params.get(m.name) == Some(&m.params_json);
            let rate = calibration.methods.get(m.name).filter(|_| at_defaults);
            rate.map(|rate| (rate.seconds(size), Basis::Calibration))
        })
        .collect()
}

/// A method's default parameters as the plan records them.
fn defaults_json(name: &str) -> Option<String> {
    let registration = nnbench_methods::find(name)?;
    // As the plan writes it: through a JSON value, so with its keys sorted.
    serde_json::to_string(&serde_json::to_value((registration.defaults)()).ok()?).ok()
}

/// Seconds as "2 h 05 min", "14 min", "40 s".
pub fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s.div_ceil(60)),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600).div_ceil(60).min(59)),
    }
}

/// What an estimate rests on, for the reader: "12 stored cells of an
/// earlier run", "the built-in calibration (...)", or both.
fn basis(records: usize, expected: &[Option<(f64, Basis)>], calibration: &Calibration) -> String {
    let from = |b: Basis| expected.iter().flatten().any(|e| e.1 == b);
    let stored = format!("{records} stored cells of an earlier run");
    let built_in = format!("the built-in calibration ({})", calibration.measured);
    match (
        from(Basis::Dataset) || from(Basis::Label),
        from(Basis::Calibration),
    ) {
        (true, true) => format!("{stored} and {built_in}"),
        (true, false) => stored,
        _ => built_in,
    }
}

/// " (N cells ... are not counted)" where some cells have no estimate.
fn unmeasured(expected: &[Option<(f64, Basis)>]) -> String {
    match expected.iter().filter(|e| e.is_none()).count() {
        0 => String::new(),
        n => format!(
            " ({n} cells of methods not yet run and not calibrated at these parameters are not counted)"
        ),
    }
}

/// One line on the expected time of `shards` shards of `plan`, each on
/// `cores` cores, or None when nothing is stored or calibrated to go by.
pub fn summary(plan: &Plan, out: &Path, shards: usize, cores: usize) -> Result<Option<String>> {
    let records = stored(out)?;
    let calibration = Calibration::built_in();
    let expected = expected(plan, &records, &calibration);
    if expected.iter().all(Option::is_none) {
        return Ok(None);
    }
    let mut per_shard = vec![0.0; shards.max(1)];
    for (j, e) in expected.iter().enumerate() {
        per_shard[j % shards.max(1)] += e.map_or(0.0, |e| e.0);
    }
    let longest = per_shard.iter().copied().fold(0.0, f64::max);
    let total: f64 = per_shard.iter().sum();
    Ok(Some(format!(
        "expected from {}: {} of cell time in all; the longest of {shards} shard(s) {} on one core, about {} on {cores}{}",
        basis(records.len(), &expected, &calibration),
        duration(total),
        duration(longest),
        duration(longest / cores.max(1) as f64),
        unmeasured(&expected),
    )))
}

/// The expected CPU hours of `plan` per method label and in all, as a
/// table for `--dry-run`, or None when nothing is stored or calibrated.
pub fn by_method(plan: &Plan, out: &Path, cores: usize) -> Result<Option<String>> {
    let records = stored(out)?;
    let calibration = Calibration::built_in();
    let expected = expected(plan, &records, &calibration);
    if expected.iter().all(Option::is_none) {
        return Ok(None);
    }
    let mut rows: Vec<(&str, usize, f64, usize)> = plan
        .methods
        .iter()
        .map(|m| (m.label.as_str(), 0, 0.0, 0))
        .collect();
    for (c, e) in plan.cells.iter().zip(&expected) {
        let row = &mut rows[c.method];
        row.1 += 1;
        match e {
            Some((seconds, _)) => row.2 += seconds,
            None => row.3 += 1,
        }
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(6);
    let line = |label: &str, cells: usize, seconds: f64, counted: usize| {
        // Significant digits, not fixed decimals: a fast method's cells
        // take well under a millisecond, and "0.000" would say nothing.
        format!(
            "  {label:width$}  {cells:>7}  {:>10}  {:>9}",
            number(seconds / counted.max(1) as f64),
            number(seconds / 3600.0)
        )
    };
    let mut text = format!(
        "expected CPU time, from {}:\n  {:width$}  {:>7}  {:>10}  {:>9}\n",
        basis(records.len(), &expected, &calibration),
        "method",
        "cells",
        "s per cell",
        "CPU hours",
    );
    for (label, cells, seconds, missing) in &rows {
        text += &line(label, *cells, *seconds, cells - missing);
        if *missing > 0 {
            text += &format!("  ({missing} cells not counted)");
        }
        text += "\n";
    }
    let total: f64 = rows.iter().map(|r| r.2).sum();
    let counted = expected.iter().flatten().count();
    text += &line("total", plan.cells.len(), total, counted);
    text += &format!(
        "  about {} on {cores} cores{}",
        duration(total / cores.max(1) as f64),
        unmeasured(&expected),
    );
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_is_the_least_squares_line_and_never_negative() {
        let line = Rate::fit(&[(1.0, 3.0), (2.0, 5.0), (4.0, 9.0)]);
        assert!((line.per_cell - 1.0).abs() < 1e-12 && (line.per_size - 2.0).abs() < 1e-12);
        assert!((line.seconds(10.0) - 21.0).abs() < 1e-12);
        // A line through these would start below zero: through the origin instead.
        let origin = Rate::fit(&[(1.0, 0.0), (2.0, 4.0), (3.0, 8.0)]);
        assert_eq!(origin.per_cell, 0.0);
        assert!((origin.per_size - 2.0).abs() < 1e-12);
        // Falling with size: a constant.
        let flat = Rate::fit(&[(1.0, 4.0), (3.0, 2.0)]);
        assert_eq!((flat.per_cell, flat.per_size), (3.0, 0.0));
        // One size: proportional.
        let one = Rate::fit(&[(2.0, 1.0), (2.0, 3.0)]);
        assert_eq!((one.per_cell, one.per_size), (0.0, 1.0));
    }

    #[test]
    fn the_built_in_calibration_covers_every_tsoulos_method() {
        let c = Calibration::built_in();
        for name in [
            "GENETIC",
            "PROPOSED",
            "PROPOSED_ADAM",
            "RBF",
            "NEAT",
            "ADAM",
            "RPROP",
        ] {
            let rate = c.methods.get(name).unwrap_or_else(|| panic!("{name}"));
            assert!(rate.per_cell >= 0.0 && rate.per_size >= 0.0 && rate.seconds(1e4) > 0.0);
        }
    }

    #[test]
    fn durations_read_as_a_person_would_say_them() {
        assert_eq!(duration(40.2), "40 s");
        assert_eq!(duration(61.0), "2 min");
        assert_eq!(duration(7500.0), "2 h 05 min");
    }
}
