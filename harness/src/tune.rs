//! Per-cell tuning: every candidate of a method's `tune` grid trains on an
//! inner part of the cell's training part and is scored on the rest (the
//! validation part); the test part is never seen. The best candidate (lowest
//! validation error, the first on ties) is the one the cell then trains on
//! the whole training part.

use crate::execute::problem_for;
use crate::plan::MethodConfig;
use nnbench_core::{Budget, Method, Patterns, Seeds, metrics, seed};
use nnbench_datasets::{Table, Task};
use rand::RngExt;

pub struct Choice<'a> {
    pub method: &'a dyn Method,
    /// The chosen point's parameters as JSON.
    pub chosen: String,
    /// Every candidate's validation error, in grid order.
    pub errors: Vec<f64>,
}

/// Splits `train` by a seeded shuffle (at least one row on each side),
/// trains every candidate on the inner part and scores it on the validation part.
pub fn choose<'a>(
    config: &'a MethodConfig,
    train: &Table,
    task: Task,
    budget: Budget,
    seed_value: u64,
) -> Choice<'a> {
    let n = train.rows();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = seed::rng(seed::derive(seed_value, &["tune", "split"]));
    for i in (1..n).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let held =
        ((n as f64 * config.validation).round() as usize).clamp(1, n.saturating_sub(1).max(1));
    let (validation_rows, inner_rows) = order.split_at(held);
    let (inner, validation) = (train.select(inner_rows), train.select(validation_rows));
    let patterns = |t: &Table| Patterns::from_rows(t.d, &t.x, &t.y);
    let (inner_p, validation_p) = (patterns(&inner), patterns(&validation));
    let labels = train.class_labels();
    // Common random numbers: every candidate starts from the same stream.
    let run_seed = seed::derive(seed_value, &["tune", "train"]);
    let errors: Vec<f64> = config
        .candidates
        .iter()
        .map(|(_, method)| {
            // The whole training part's labels: a class may be missing from the inner part.
            let mut problem = problem_for(method.as_ref(), &inner_p, task, train, budget);
            let trained = method.train(&mut problem, Seeds::new(run_seed, run_seed));
            let outputs = trained.model.outputs(&validation_p);
            let error = match task {
                Task::Classification => {
                    metrics::classification(&outputs, &validation.y, &labels).class_error_pct
                }
                Task::Regression => metrics::regression(&outputs, &validation.y).mse,
            };
            if error.is_finite() {
                error
            } else {
                f64::INFINITY
            }
        })
        .collect();
    let best = (0..errors.len()).fold(0, |b, i| if errors[i] < errors[b] { i } else { b });
    Choice {
        method: config.candidates[best].1.as_ref(),
        chosen: config.candidates[best].0.clone(),
        errors,
    }
}
