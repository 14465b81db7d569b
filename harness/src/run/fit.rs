//! The step every trained model starts from: the counting problem a method
//! trains on, shared by the cell and by tuning.

use nnbench_core::{Budget, Method, Network, Patterns, Problem};
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
    let problem = Problem::new(Network::new(table.d, method.hidden()), data, budget);
    match task {
        Task::Classification => problem.with_classes(table.class_labels()),
        Task::Regression => problem,
    }
}
