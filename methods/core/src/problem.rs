//! What a method trains on: the network, the training patterns and the
//! budget, behind a wrapper that counts every objective and gradient
//! evaluation (as argmin's `Problem` does), so budget accounting is uniform
//! and a method cannot forget it.

use crate::data::Patterns;
use crate::network::{Evaluation, Network};
use serde::{Deserialize, Serialize};

/// Limits the runner sets for every method alike; `None` is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Budget {
    /// Objective evaluations (a gradient evaluation also counts one).
    pub max_evaluations: Option<u64>,
}

/// What a run spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spent {
    pub objective_evals: u64,
    pub gradient_evals: u64,
}

pub struct Problem<'a> {
    network: Network,
    data: &'a Patterns,
    budget: Budget,
    spent: Spent,
    /// Lowest training SSE any evaluation has returned.
    best: f64,
    /// (evaluations, best SSE so far) at 1, 2, 4, 8, ... evaluations.
    trace: Vec<(u64, f64)>,
    /// The training part's class labels, ascending, for a classification task.
    classes: Option<Vec<f64>>,
}

impl<'a> Problem<'a> {
    pub fn new(network: Network, data: &'a Patterns, budget: Budget) -> Problem<'a> {
        Problem {
            network,
            data,
            budget,
            spent: Spent::default(),
            best: f64::INFINITY,
            trace: Vec::new(),
            classes: None,
        }
    }

    /// Marks the task as classification with these labels (ascending).
    pub fn with_classes(mut self, labels: Vec<f64>) -> Self {
        self.classes = Some(labels);
        self
    }

    /// The class labels of a classification task; None for regression.
    pub fn classes(&self) -> Option<&[f64]> {
        self.classes.as_deref()
    }

    /// The convergence curve: the best training SSE seen after 1, 2, 4, 8,
    /// ... evaluations (powers of two, so runs line up). Empty for methods
    /// that train a model of their own (`charge`).
    pub fn trace(&self) -> &[(u64, f64)] {
        &self.trace
    }

    fn record(&mut self, sse: f64) {
        self.best = self.best.min(sse);
        let n = self.spent.objective_evals;
        if n.is_power_of_two() {
            self.trace.push((n, self.best));
        }
    }

    pub fn network(&self) -> Network {
        self.network
    }

    /// The training patterns, for methods that need more than the objective
    /// (e.g. label sets or k-means); evaluations through it are not counted.
    pub fn data(&self) -> &Patterns {
        self.data
    }

    pub fn spent(&self) -> Spent {
        self.spent
    }

    /// Evaluations left in the budget (None: no limit).
    pub fn remaining(&self) -> Option<u64> {
        self.budget
            .max_evaluations
            .map(|m| m.saturating_sub(self.spent.objective_evals))
    }

    /// True once the budget is used up; methods stop at their next check.
    pub fn exhausted(&self) -> bool {
        self.budget
            .max_evaluations
            .is_some_and(|m| self.spent.objective_evals >= m)
    }

    /// E(w), with the saturation count against `limit` if given.
    pub fn evaluate(&mut self, w: &[f64], limit: Option<f64>) -> Evaluation {
        self.spent.objective_evals += 1;
        let e = self.network.evaluate(w, self.data, limit);
        self.record(e.sse);
        e
    }

    /// Counts evaluations of a model that is not this network (NEAT's
    /// genomes), so every method spends from the same budget.
    pub fn charge(&mut self, evaluations: u64) {
        self.spent.objective_evals += evaluations;
    }

    pub fn sse(&mut self, w: &[f64]) -> f64 {
        self.evaluate(w, None).sse
    }

    /// E(w) and its gradient into `grad`.
    pub fn sse_gradient(&mut self, w: &[f64], grad: &mut [f64]) -> f64 {
        self.spent.objective_evals += 1;
        self.spent.gradient_evals += 1;
        let sse = self.network.sse_gradient(w, self.data, grad);
        self.record(sse);
        sse
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trace_keeps_the_best_so_far_at_powers_of_two() {
        let data = Patterns::from_rows(1, &[0.0, 1.0, 2.0], &[0.0, 1.0, 0.5]);
        let net = Network::new(1, 1);
        let mut p = Problem::new(net, &data, Budget::default());
        // Output weight 0 predicts 0 everywhere: SSE 1.25; the others vary.
        let sse: Vec<f64> = [
            [0.0, 1.0, 0.0],
            [1.0, 1.0, 0.0],
            [0.5, 0.3, 0.1],
            [3.0, 1.0, 1.0],
            [0.0, 0.0, 0.0],
        ]
        .iter()
        .map(|w| p.sse(w))
        .collect();
        assert_eq!(sse[0], 1.25);
        let best = |k: usize| sse[..k].iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(p.trace(), &[(1, best(1)), (2, best(2)), (4, best(4))]);
        p.charge(3);
        assert_eq!(p.trace().len(), 3, "charged evaluations record nothing");
    }
}
