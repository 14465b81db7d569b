//! The surrogates' readable forms a report shows: for each dataset and
//! explainer, the expressions of its median run, ranked by fidelity to the
//! network on the test part (by test error where a cell has no fidelity),
//! so the expression shown is a typical one, not the luckiest.

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

const RANK: &str = "fidelity_mse_interpolation";

pub fn medians(
    datasets: &[String],
    labels: &[String],
    ok: &[&CellRecord],
) -> Vec<MedianExpression> {
    let mut out = Vec::new();
    for dataset in datasets {
        for label in labels {
            let mut runs: Vec<(f64, &CellRecord)> = ok
                .iter()
                .filter(|r| &r.dataset == dataset && &r.label == label)
                .filter(|r| {
                    r.metrics
                        .as_ref()
                        .is_some_and(|m| !m.expressions.is_empty())
                })
                .map(|r| (rank_value(r), *r))
                .collect();
            if runs.is_empty() {
                continue;
            }
            // Ties by key, so the choice does not depend on the store's order.
            runs.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.key.cmp(&b.1.key)));
            let (value, median) = runs[(runs.len() - 1) / 2];
            let ranked_by = if has_fidelity(median) {
                RANK
            } else {
                "test_error"
            };
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

fn has_fidelity(r: &CellRecord) -> bool {
    r.metrics
        .as_ref()
        .is_some_and(|m| m.notes.contains_key(RANK))
}

fn rank_value(r: &CellRecord) -> f64 {
    r.metrics
        .as_ref()
        .and_then(|m| m.notes.get(RANK).copied())
        .unwrap_or(r.test_error)
}
