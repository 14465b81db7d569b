//! The surrogates' readable forms a report shows: for each dataset and
//! explainer, the expressions of its median run, ranked by fidelity to the
//! network on the test part (fidelity MSE for values, agreement for
//! classes; by test error where a cell has no fidelity), so the expression
//! shown is a typical one, not the luckiest.

use crate::store::record::CellRecord;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MedianExpression {
    pub dataset: String,
    pub label: String,
    /// Which run: "repetition r, fold f".
    pub run: String,
    /// What ranked the runs, and this run's value of it.
    pub ranked_by: String,
    pub value: f64,
    pub runs: usize,
    pub lines: Vec<String>,
}

/// What ranks a run, the first a cell notes: (note, higher is better).
const RANKS: [(&str, bool); 2] = [
    ("fidelity_mse_interpolation", false),
    ("fidelity_agreement_pct_interpolation", true),
];

/// The ranking's name, the run's value of it, and its sort key (lower
/// first).
fn rank(r: &CellRecord) -> (&'static str, f64, f64) {
    let notes = r.metrics.as_ref().map(|m| &m.notes);
    RANKS
        .iter()
        .find_map(|&(name, higher)| {
            let v = *notes?.get(name)?;
            Some((name, v, if higher { -v } else { v }))
        })
        .unwrap_or(("test_error", r.test_error, r.test_error))
}

pub fn medians(
    datasets: &[String],
    labels: &[String],
    ok: &[&CellRecord],
) -> Vec<MedianExpression> {
    let mut out = Vec::new();
    for dataset in datasets {
        for label in labels {
            let mut runs: Vec<_> = ok
                .iter()
                .filter(|r| &r.dataset == dataset && &r.label == label)
                .filter(|r| {
                    r.metrics
                        .as_ref()
                        .is_some_and(|m| !m.expressions.is_empty())
                })
                .map(|r| (rank(r), *r))
                .collect();
            if runs.is_empty() {
                continue;
            }
            // Ties by key, so the choice does not depend on the store's order.
            runs.sort_by(|a, b| {
                (a.0)
                    .2
                    .total_cmp(&(b.0).2)
                    .then_with(|| a.1.key.cmp(&b.1.key))
            });
            let ((ranked_by, value, _), median) = runs[(runs.len() - 1) / 2];
            out.push(MedianExpression {
                dataset: dataset.clone(),
                label: label.clone(),
                run: format!("repetition {}, fold {}", median.repetition, median.fold),
                ranked_by: ranked_by.into(),
                value,
                runs: runs.len(),
                lines: median
                    .metrics
                    .as_ref()
                    .map_or_else(Vec::new, |m| m.expressions.clone()),
            });
        }
    }
    out
}
