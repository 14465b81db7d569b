//! Spend in passes over the training part, for searches that read it in
//! mini-batches: a batch of b of n rows is b / n of an objective pass (and
//! of a gradient pass where the gradient is computed), summed exactly and
//! charged to the problem as whole passes.

use nnbench_core::Problem;

/// The training part as rows, and what has been charged for reading it.
pub struct Ledger<'p, 'a> {
    problem: &'p mut Problem<'a>,
    rows: usize,
    objective_rows: u64,
    gradient_rows: u64,
}

impl<'p, 'a> Ledger<'p, 'a> {
    /// A ledger over `problem`'s training part.
    pub fn new(problem: &'p mut Problem<'a>) -> Self {
        let rows = problem.data().len();
        Ledger {
            problem,
            rows,
            objective_rows: 0,
            gradient_rows: 0,
        }
    }

    /// Records `rows` rows read (and back-propagated, if `gradient`);
    /// false once the budget is spent.
    pub fn spend(&mut self, rows: usize, gradient: bool) -> bool {
        if self.problem.exhausted() {
            return false;
        }
        let n = self.rows.max(1) as u64;
        let (before_o, before_g) = (self.objective_rows / n, self.gradient_rows / n);
        self.objective_rows += rows as u64;
        if gradient {
            self.gradient_rows += rows as u64;
        }
        self.problem.charge(
            self.objective_rows / n - before_o,
            self.gradient_rows / n - before_g,
        );
        true
    }
}
