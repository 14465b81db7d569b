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
}

impl<'a> Problem<'a> {
    pub fn new(network: Network, data: &'a Patterns, budget: Budget) -> Problem<'a> {
        Problem {
            network,
            data,
            budget,
            spent: Spent::default(),
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
        self.network.evaluate(w, self.data, limit)
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
        self.network.sse_gradient(w, self.data, grad)
    }
}
