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
        Task::Reconstruction => problem.with_reconstruction(),
    }
}

/// Scores of `outputs` on `table`; `labels` are the training part's classes
/// (ignored but for classification). A reconstruction is scored against the
/// inputs, and needs one output per input of every row.
pub fn score(task: Task, outputs: &[f64], table: &Table, labels: &[f64]) -> Result<Scores, String> {
    Ok(match task {
        Task::Classification => {
            Scores::Classification(metrics::classification(outputs, &table.y, labels))
        }
        Task::Regression => Scores::Regression(metrics::regression(outputs, &table.y)),
        Task::Reconstruction => {
            if outputs.len() != table.x.len() {
                return Err(format!(
                    "the model returns {} outputs for {} rows of {} inputs; a reconstruction task needs one output per input (an auto-encoder, such as GEMONN's)",
                    outputs.len(),
                    table.rows(),
                    table.d
                ));
            }
            Scores::Regression(metrics::regression(outputs, &table.x))
        }
    })
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
    fn a_reconstruction_is_scored_against_the_inputs() {
        let mut table = Table::new(2);
        table.push(&[1.0, 0.0], 7.0);
        table.push(&[0.0, 1.0], 8.0);
        // Errors 0, 0.5, 0.5, 0 over the four inputs: MSE 0.125.
        let s = score(Task::Reconstruction, &[1.0, 0.5, 0.5, 1.0], &table, &[]).unwrap();
        assert_eq!(s.error(), 0.125);
        assert_eq!(s.get("sse"), Some(0.5));
        let e = score(Task::Reconstruction, &[7.0, 8.0], &table, &[]).unwrap_err();
        assert!(e.contains("2 outputs for 2 rows of 2 inputs"), "{e}");
    }

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
