//! The steps every trained model goes through, shared by the cell and by
//! tuning: the counting problem a method trains on, the scores of its
//! outputs for the task, and the stop reason the record carries.

use nnbench_core::metrics::{self, Scores};
use nnbench_core::{Budget, Method, Patterns, Problem, StopReason};
use nnbench_datasets::{Table, Task};

/// The counting problem a method trains on: `data` (the rows of `table`),
/// with the table's class labels for a classification task.
pub fn problem_for<'a>(
    method: &dyn Method,
    data: &'a Patterns,
    task: Task,
    table: &Table,
    budget: Budget,
) -> Problem<'a> {
    let problem = Problem::for_method(method, data, budget);
    match task {
        Task::Classification => problem.with_classes(table.class_labels()),
        Task::Regression => problem,
    }
}

/// Scores of `outputs` against `targets`; `labels` are the training part's
/// classes (ignored for regression).
pub fn score(task: Task, outputs: &[f64], targets: &[f64], labels: &[f64]) -> Scores {
    match task {
        Task::Classification => {
            Scores::Classification(metrics::classification(outputs, targets, labels))
        }
        Task::Regression => Scores::Regression(metrics::regression(outputs, targets)),
    }
}

/// The runner's word where it can tell, else the method's own: a spent
/// budget, then outputs that are not finite.
pub fn settle(claimed: StopReason, problem: &Problem<'_>, outputs: &[f64]) -> StopReason {
    if problem.exhausted() {
        StopReason::BudgetExhausted
    } else if outputs.iter().any(|o| !o.is_finite()) {
        StopReason::NonFinite
    } else {
        claimed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runner_settles_budget_then_non_finite_then_the_methods_reason() {
        let data = Patterns::from_rows(1, &[0.0, 1.0], &[0.0, 1.0]);
        let mut p = Problem::new(None, &data, Budget::default());
        let claimed = StopReason::Converged;
        assert_eq!(settle(claimed, &p, &[0.5, 0.2]), claimed);
        assert_eq!(settle(claimed, &p, &[0.5, f64::NAN]), StopReason::NonFinite);
        let mut spent = Problem::new(
            None,
            &data,
            Budget {
                max_evaluations: Some(2),
            },
        );
        spent.charge(2, 0);
        assert_eq!(
            settle(claimed, &spent, &[f64::NAN]),
            StopReason::BudgetExhausted
        );
        p.charge(5, 5);
        assert_eq!(
            settle(claimed, &p, &[0.0]),
            claimed,
            "no budget, never exhausted"
        );
    }
}
