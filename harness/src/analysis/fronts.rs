//! Quality indicators of the cells whose result is a Pareto front, as
//! per-cell numbers that the error tables' statistics then treat like any
//! other. Everything is measured on the members' test-part objectives.
//!
//! Per dataset, the reference front is the non-dominated union of every
//! method's members over all of its cells (the jMetal study convention,
//! since no true front is known). Against it, per cell:
//! - `hypervolume`: PlatEMO's (`Metrics/HV.m`, the GEMONN authors' own
//!   platform): objectives normalised by 1.1 x the reference front's range,
//!   reference point (1, ..., 1);
//! - `hypervolume_at`: moocore's convention, the raw objectives at the
//!   experiment's stated point (`[report] front_reference`), if it gives one;
//! - `igd` and `igd_plus`: mean distance from the reference front, with
//!   every objective scaled by the reference front's range (ideal 0, nadir
//!   1; pymoo's `zero_to_one`), so an error in the thousands does not drown
//!   the density.
//!
//! Adding a method can move the reference front and with it every value
//! but `hypervolume_at`: compare values within one report.

use crate::store::record::CellRecord;
use nnbench_moea::indicators::{hypervolume, hypervolume_platemo, igd, igd_plus};
use nnbench_moea::sort::non_dominated;
use std::collections::{BTreeMap, HashMap};

/// The indicators' metric names, in report order.
pub const METRICS: [&str; 4] = ["hypervolume", "hypervolume_at", "igd", "igd_plus"];

/// Per dataset, the reference front (test-part objectives).
pub fn reference_fronts(records: &[&CellRecord]) -> BTreeMap<String, Vec<Vec<f64>>> {
    let mut union: BTreeMap<String, Vec<Vec<f64>>> = BTreeMap::new();
    for r in records {
        if let Some(front) = r.front() {
            let points = union.entry(r.dataset.clone()).or_default();
            points.extend(front.members.iter().map(|m| m.test.clone()));
        }
    }
    union
        .into_iter()
        .map(|(dataset, points)| (dataset, non_dominated(&points)))
        .collect()
}

/// Every front cell's indicators, by cell key. A value that cannot be
/// computed (objectives of another count, non-finite) is left out, and the
/// cell shows no value in that table.
pub fn indicators(
    records: &[&CellRecord],
    at: Option<&[f64]>,
) -> HashMap<String, BTreeMap<&'static str, f64>> {
    let references = reference_fronts(records);
    let mut out = HashMap::new();
    for r in records {
        let Some(front) = r.front() else {
            continue;
        };
        let reference = &references[&r.dataset];
        let points: Vec<Vec<f64>> = front.members.iter().map(|m| m.test.clone()).collect();
        let mut values = BTreeMap::new();
        let mut put = |name: &'static str, v: Result<f64, _>| {
            if let Ok(v) = v {
                values.insert(name, v);
            }
        };
        put("hypervolume", hypervolume_platemo(&points, reference));
        if let Some(at) = at {
            put("hypervolume_at", hypervolume(&points, at));
        }
        let (scaled_points, scaled_reference) =
            (scale(&points, reference), scale(reference, reference));
        put("igd", igd(&scaled_points, &scaled_reference));
        put("igd_plus", igd_plus(&scaled_points, &scaled_reference));
        out.insert(r.key.clone(), values);
    }
    out
}

/// Per method label with fronts, the rule that chose its members in the
/// error tables; and a warning for each front the stated reference point
/// does not fit.
pub fn protocol(
    records: &[&CellRecord],
    labels: &[String],
    at: Option<&[f64]>,
) -> (Vec<(String, String)>, Vec<String>) {
    let rules = labels
        .iter()
        .filter_map(|l| {
            let f = records
                .iter()
                .filter(|r| &r.label == l)
                .find_map(|r| r.front())?;
            Some((l.clone(), f.rule.as_str().to_string()))
        })
        .collect();
    let mut warnings: Vec<String> = Vec::new();
    if let Some(at) = at {
        for r in records {
            if let Some(f) = r.front().filter(|f| f.objectives.len() != at.len()) {
                let w = format!(
                    "[report] front_reference has {} values but {}'s fronts have {} objectives ({}): hypervolume_at is left out for them",
                    at.len(),
                    r.label,
                    f.objectives.len(),
                    f.objectives.join(", ")
                );
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
        }
    }
    (rules, warnings)
}

/// What a report draws of one dataset's fronts.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetFronts {
    pub dataset: String,
    /// The objectives' names (of the first front found).
    pub objectives: Vec<String>,
    /// Per method, in the part's order: every member of every run, as
    /// (test-part objectives, test error). Empty for a method without fronts.
    pub members: Vec<Vec<(Vec<f64>, f64)>>,
    /// Per method: the members of its median-`hypervolume` run (the lower
    /// middle one for an even count).
    pub median: Vec<Vec<Vec<f64>>>,
    /// Per method: the non-dominated members of all its runs together (the
    /// joint front MO-EvoPruneDeepTL's paper draws), on every objective.
    pub union: Vec<Vec<Vec<f64>>>,
}

/// Per dataset with a front, the points of every method's fronts.
pub fn dataset_fronts(
    records: &[&CellRecord],
    datasets: &[String],
    labels: &[String],
    indicators: &HashMap<String, BTreeMap<&'static str, f64>>,
) -> Vec<DatasetFronts> {
    let front = |r: &CellRecord| r.front().cloned();
    datasets
        .iter()
        .filter_map(|dataset| {
            let here: Vec<&CellRecord> = records
                .iter()
                .copied()
                .filter(|r| &r.dataset == dataset && r.front().is_some())
                .collect();
            let objectives = front(here.first()?)?.objectives;
            let of = |label: &String| -> Vec<&CellRecord> {
                here.iter().copied().filter(|r| &r.label == label).collect()
            };
            let members: Vec<Vec<(Vec<f64>, f64)>> = labels
                .iter()
                .map(|l| {
                    of(l)
                        .iter()
                        .flat_map(|r| front(r).map(|f| f.members).unwrap_or_default())
                        .map(|m| (m.test, m.test_error))
                        .collect()
                })
                .collect();
            let union = members
                .iter()
                .map(|ms| {
                    let points: Vec<Vec<f64>> = ms.iter().map(|(o, _)| o.clone()).collect();
                    nnbench_moea::sort::non_dominated(&points)
                })
                .collect();
            let median = labels
                .iter()
                .map(|l| {
                    let mut runs: Vec<(f64, &CellRecord)> = of(l)
                        .into_iter()
                        .filter_map(|r| Some((*indicators.get(&r.key)?.get("hypervolume")?, r)))
                        .collect();
                    runs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.key.cmp(&b.1.key)));
                    runs.get(runs.len().saturating_sub(1) / 2)
                        .and_then(|(_, r)| front(r))
                        .map(|f| f.members.into_iter().map(|m| m.test).collect())
                        .unwrap_or_default()
                })
                .collect();
            Some(DatasetFronts {
                dataset: dataset.clone(),
                objectives,
                members,
                median,
                union,
            })
        })
        .collect()
}

/// `points` with each objective mapped by the reference front's ideal (to
/// 0) and nadir (to 1); an objective without range is only shifted.
fn scale(points: &[Vec<f64>], reference: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let m = reference.first().map_or(0, Vec::len);
    let bounds: Vec<(f64, f64)> = (0..m)
        .map(|j| {
            let lo = reference.iter().map(|p| p[j]).fold(f64::INFINITY, f64::min);
            let hi = reference
                .iter()
                .map(|p| p[j])
                .fold(f64::NEG_INFINITY, f64::max);
            (lo, if hi > lo { hi - lo } else { 1.0 })
        })
        .collect();
    points
        .iter()
        .map(|p| {
            p.iter()
                .zip(&bounds)
                .map(|(v, (lo, range))| (v - lo) / range)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::{FrontRecord, MemberRecord};
    use crate::store::tests::record;

    fn with_front(key: &str, dataset: &str, points: &[[f64; 2]]) -> CellRecord {
        let mut r = record(key, 1.0);
        r.dataset = dataset.into();
        r.metrics.as_mut().unwrap().front = Some(FrontRecord {
            objectives: vec!["density".into(), "mse".into()],
            rule: nnbench_core::MemberRule::LowestError,
            chosen: 0,
            members: points
                .iter()
                .map(|p| MemberRecord {
                    train: p.to_vec(),
                    test: p.to_vec(),
                    test_error: 0.0,
                })
                .collect(),
        });
        r
    }

    #[test]
    fn the_union_is_the_reference_and_its_own_members_score_zero_distance() {
        let a = with_front("a", "d1", &[[0.0, 1.0], [1.0, 0.0]]);
        let b = with_front("b", "d1", &[[0.5, 0.5], [1.0, 1.0]]);
        let c = with_front("c", "d2", &[[0.2, 0.2]]);
        let plain = record("p", 3.0);
        let all = [&a, &b, &c, &plain];
        let fronts = reference_fronts(&all);
        assert_eq!(
            fronts["d1"],
            vec![vec![0.0, 1.0], vec![1.0, 0.0], vec![0.5, 0.5]]
        );
        let values = indicators(&all, Some(&[2.0, 2.0]));
        assert!(!values.contains_key("p"), "a cell without a front has none");
        // a misses (0.5, 0.5) by sqrt(0.5) in IGD, and by 0.5 + 0.5 -> sqrt(0.5) in IGD+.
        assert!((values["a"]["igd"] - 0.5f64.sqrt() / 3.0).abs() < 1e-12);
        // b: (0, 1) and (1, 0) are each sqrt(0.5) from (0.5, 0.5).
        assert!((values["b"]["igd"] - 2.0 * 0.5f64.sqrt() / 3.0).abs() < 1e-12);
        // IGD+: (0.5, 0.5) is worse than (0, 1) only in f1, by 0.5, and
        // than (1, 0) only in f2: (0.5 + 0.5 + 0) / 3.
        assert!((values["b"]["igd_plus"] - 1.0 / 3.0).abs() < 1e-12);
        assert!((values["a"]["igd_plus"] - 0.5 / 3.0).abs() < 1e-12);
        // At (2, 2): a covers 4 - 1 = 3; b covers 2.25 + 0 (its (1,1) is inside (0.5,0.5)'s box).
        assert_eq!(values["a"]["hypervolume_at"], 3.0);
        assert_eq!(values["b"]["hypervolume_at"], 2.25);
        // Normalised by 1.1 x the union's range [0, 1]: a's points map to
        // (0, 0.909..) and (0.909.., 0): the unit box minus the corner square.
        let s = 1.0 / 1.1;
        assert!((values["a"]["hypervolume"] - (1.0 - s * s)).abs() < 1e-12);
        // A front of one point is its dataset's whole reference front.
        assert_eq!(values["c"]["igd"], 0.0);
    }

    #[test]
    fn distances_are_measured_in_the_reference_fronts_own_scale() {
        // The second objective in thousands: scaled, the miss in density
        // (0.1 of a range of 1) counts as much as a miss of 100 in 1000.
        let a = with_front("a", "d", &[[0.0, 1000.0], [1.0, 0.0]]);
        let b = with_front("b", "d", &[[0.1, 1000.0], [1.0, 100.0]]);
        let values = indicators(&[&a, &b], None);
        assert!(
            (values["b"]["igd"] - 0.1).abs() < 1e-12,
            "{}",
            values["b"]["igd"]
        );
        assert_eq!(values["a"]["igd"], 0.0);
        assert!(
            !values["a"].contains_key("hypervolume_at"),
            "no stated point, no raw volume"
        );
    }

    #[test]
    fn the_median_run_is_the_middle_hypervolume() {
        // All on one line, so all are in the union: r3 < r1 < r2 in volume.
        let runs = [
            with_front("r1", "d", &[[0.2, 0.8], [0.8, 0.2]]),
            with_front("r2", "d", &[[0.2, 0.8], [0.5, 0.5], [0.8, 0.2]]),
            with_front("r3", "d", &[[0.2, 0.8]]),
        ];
        let all: Vec<&CellRecord> = runs.iter().collect();
        let values = indicators(&all, None);
        let f = dataset_fronts(&all, &["d".into(), "e".into()], &["MEAN".into()], &values);
        assert_eq!(f.len(), 1, "no fronts on e");
        assert_eq!(f[0].objectives, ["density", "mse"]);
        assert_eq!(f[0].members[0].len(), 6);
        let volume = |k: &str| values[k]["hypervolume"];
        assert!(volume("r3") < volume("r1") && volume("r1") < volume("r2"));
        assert_eq!(f[0].median[0], vec![vec![0.2, 0.8], vec![0.8, 0.2]]);
    }
}
