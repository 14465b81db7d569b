//! Per-cell tuning: every candidate of a method's `tune` grid trains on an
//! inner part of the cell's training part and is scored on the rest (the
//! validation part); the test part is never seen. The best candidate (lowest
//! validation error, the first on ties) is the one the cell then trains on
//! the whole training part. Its version is `TUNE_PROCEDURE` in plan/methods.rs, which
//! is part of every tuned cell's key.

use super::fit::{problem_for, score};
use crate::plan::MethodConfig;
use nnbench_core::{Budget, Method, Patterns, Seeds, Spent, seed};
use nnbench_datasets::{Scaler, Scaling, Table, Task, split::holdout};

pub struct Choice<'a> {
    pub method: &'a dyn Method,
    /// The chosen point's parameters as JSON.
    pub chosen: String,
    /// Every candidate's validation error, in grid order.
    pub errors: Vec<f64>,
    /// What training every candidate spent, added to the cell's spend.
    pub spent: Spent,
}

/// The inner and validation parts of the unscaled `train`, scaled by a
/// scaler fitted on the inner part: the validation part stays unseen, as the
/// test part does for the cell.
fn split(
    train: &Table,
    scaling: Scaling,
    task: Task,
    fraction: f64,
    split_seed: u64,
) -> (Table, Table) {
    let held = holdout(&train.y, task, fraction, split_seed);
    let inner_rows: Vec<usize> = (0..train.rows())
        .filter(|i| held.binary_search(i).is_err())
        .collect();
    let (mut inner, mut validation) = (train.select(&inner_rows), train.select(&held));
    Scaler::fit_apply(scaling, &mut inner, &mut validation);
    (inner, validation)
}

/// Holds out `validation` of the unscaled `train` (stratified for
/// classification), fits the cell's scaling on the inner part alone, trains
/// every candidate on the inner part and scores it on the validation part.
pub fn choose<'a>(
    config: &'a MethodConfig,
    train: &Table,
    scaling: Scaling,
    task: Task,
    budget: Budget,
    seed_value: u64,
) -> Choice<'a> {
    let split_seed = seed::derive(seed_value, &["tune", "split"]);
    let (inner, validation) = split(train, scaling, task, config.validation, split_seed);
    let patterns = |t: &Table| Patterns::from_rows(t.d, &t.x, &t.y);
    let (inner_p, validation_p) = (patterns(&inner), patterns(&validation));
    let labels = train.class_labels();
    // Common random numbers: every candidate starts from the same stream.
    let run_seed = seed::derive(seed_value, &["tune", "train"]);
    let mut spent = Spent::default();
    let errors: Vec<f64> = config
        .candidates
        .iter()
        .map(|(_, method)| {
            // The whole training part's labels: a class may be missing from the inner part.
            let mut problem = problem_for(method.as_ref(), &inner_p, task, train, budget);
            let trained = method.train(&mut problem, Seeds::new(run_seed, run_seed));
            spent.objective_evals += problem.spent().objective_evals;
            spent.gradient_evals += problem.spent().gradient_evals;
            let outputs = trained.model.outputs(&validation_p);
            let error =
                score(task, &outputs, &validation, &labels).map_or(f64::INFINITY, |s| s.error());
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
        spent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scaling_is_fitted_on_the_inner_part_alone() {
        let (split_seed, fraction) = (9, 0.2);
        let y: Vec<f64> = (0..50).map(|i| (i % 2) as f64).collect();
        let held = holdout(&y, Task::Classification, fraction, split_seed);
        // Held-out rows carry far larger inputs than any inner row.
        let mut train = Table::new(1);
        for (i, &t) in y.iter().enumerate() {
            let x = if held.contains(&i) {
                1000.0 + i as f64
            } else {
                i as f64
            };
            train.push(&[x], t);
        }
        let (inner, validation) = split(
            &train,
            Scaling::Minmax,
            Task::Classification,
            fraction,
            split_seed,
        );
        assert_eq!((inner.rows(), validation.rows()), (40, 10));
        let lo = inner.x.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = inner.x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!((lo, hi), (0.0, 1.0), "the inner part spans its own range");
        assert!(validation.x.iter().all(|&v| v > 1.0));
        let ones = |t: &Table| t.y.iter().filter(|&&y| y == 1.0).count();
        assert_eq!((ones(&inner), ones(&validation)), (20, 5));
    }
}
