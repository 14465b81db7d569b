//! What a method trains on: the training patterns, the budget and, for a
//! method that asked for one, the Tsoulos network, behind a wrapper that
//! counts every objective and gradient evaluation (as argmin's `Problem`
//! does), so budget accounting is uniform and a method cannot forget it.
//!
//! One unit of spend is one pass over the training part: an objective
//! evaluation computes the outputs (and the error) of every training row
//! once, a gradient evaluation back-propagates through every row once. The
//! budget caps the objective evaluations (a gradient evaluation comes with
//! one); past it, the network is no longer evaluated (see [`Problem::evaluate`]).

use crate::blackbox::BlackBox;
use crate::data::Patterns;
use crate::method::Method;
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
    network: Option<Network>,
    data: &'a Patterns,
    budget: Budget,
    spent: Spent,
    /// Lowest training SSE any evaluation has returned.
    best: f64,
    /// (evaluations, best SSE so far) at 1, 2, 4, 8, ... evaluations.
    trace: Vec<(u64, f64)>,
    /// The training part's class labels, ascending, for a classification task.
    classes: Option<Vec<f64>>,
    /// The task is to reconstruct the inputs (an auto-encoder's).
    reconstruction: bool,
    /// Out-of-distribution rows beside the training part, scaled as it is.
    ood: Option<&'a Patterns>,
    /// The network to explain, for an explanation cell.
    black_box: Option<&'a BlackBox>,
    /// Points of the dataset's wider domains, for an explainer to select on.
    domains: Option<Domains<'a>>,
    /// CPU seconds spent outside the training thread (an external program's).
    cpu_elsewhere: f64,
}

/// Points of a dataset's wider domains, scaled as the training part (their
/// targets are the true function's, which an explainer must not read: it
/// explains the network, not the data).
#[derive(Debug, Clone, Copy)]
pub struct Domains<'a> {
    /// About twice as wide as the training domain (SRNet's `VALID_MAP`).
    pub validation: &'a Patterns,
    /// The widest (SRNet's `TEST_MAP`), where fidelity is extrapolation.
    pub extrapolation: &'a Patterns,
}

impl<'a> Problem<'a> {
    /// `network` is the method's own ([`crate::Method::network`]), if it asked for one.
    pub fn new(network: Option<Network>, data: &'a Patterns, budget: Budget) -> Problem<'a> {
        Problem {
            network,
            data,
            budget,
            spent: Spent::default(),
            best: f64::INFINITY,
            trace: Vec::new(),
            classes: None,
            reconstruction: false,
            ood: None,
            black_box: None,
            domains: None,
            cpu_elsewhere: 0.0,
        }
    }

    /// Records CPU seconds the method spent outside the calling thread (a
    /// program it ran), which the cell's thread clock cannot see; the
    /// harness adds them to the cell's CPU time.
    pub fn charge_cpu(&mut self, seconds: f64) {
        self.cpu_elsewhere += seconds;
    }

    pub fn cpu_elsewhere(&self) -> f64 {
        self.cpu_elsewhere
    }

    /// The problem `method` trains on: `data`, `budget`, and the network
    /// the method asks for.
    pub fn for_method(method: &dyn Method, data: &'a Patterns, budget: Budget) -> Problem<'a> {
        Problem::new(method.network(data.inputs()), data, budget)
    }

    /// Marks the task as classification with these labels (ascending).
    pub fn with_classes(mut self, labels: Vec<f64>) -> Self {
        self.classes = Some(labels);
        self
    }

    /// Marks the task as reconstruction: a model returns one output per
    /// input of every row, scored against the inputs.
    pub fn with_reconstruction(mut self) -> Self {
        self.reconstruction = true;
        self
    }

    /// Gives the method out-of-distribution rows (the experiment's declared
    /// set, this fold's training share of it).
    pub fn with_ood(mut self, ood: &'a Patterns) -> Self {
        self.ood = Some(ood);
        self
    }

    /// Gives an explainer the network it explains.
    pub fn with_black_box(mut self, black_box: &'a BlackBox) -> Self {
        self.black_box = Some(black_box);
        self
    }

    /// Gives an explainer the points of the dataset's wider domains.
    pub fn with_domains(mut self, domains: Domains<'a>) -> Self {
        self.domains = Some(domains);
        self
    }

    /// The network to explain, in an explanation cell.
    pub fn black_box(&self) -> Option<&'a BlackBox> {
        self.black_box
    }

    /// The dataset's wider domains, where it has them.
    pub fn domains(&self) -> Option<Domains<'a>> {
        self.domains
    }

    /// The out-of-distribution rows, where the experiment declares them.
    pub fn ood(&self) -> Option<&'a Patterns> {
        self.ood
    }

    /// Whether the task is to reconstruct the inputs.
    pub fn reconstruction(&self) -> bool {
        self.reconstruction
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

    /// The network this method asked for.
    ///
    /// # Panics
    /// If the method's [`crate::Method::network`] returned None: a bug in the
    /// method, which the runner records as the cell's failure.
    pub fn network(&self) -> Network {
        self.network
            .expect("this method asked for no network: return one from Method::network")
    }

    /// The training patterns, for methods that need more than the objective
    /// (e.g. label sets or k-means); evaluations through it are not counted.
    pub fn data(&self) -> &'a Patterns {
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

    /// E(w), with the saturation count against `limit` if given. Once the
    /// budget is spent the network is not evaluated: the answer is an
    /// infinite error, which no search prefers, and nothing is counted.
    pub fn evaluate(&mut self, w: &[f64], limit: Option<f64>) -> Evaluation {
        if self.exhausted() {
            return Evaluation {
                sse: f64::INFINITY,
                saturated: 0,
            };
        }
        self.spent.objective_evals += 1;
        let e = self.network().evaluate(w, self.data, limit);
        self.record(e.sse);
        e
    }

    /// Counts what a method spent on a model of its own, in passes over the
    /// training part (MLP's epochs, NEAT's genomes, RBF's k-means steps and
    /// solve), so every method spends from the same budget. Such a method
    /// stops at its next check of [`Problem::exhausted`].
    pub fn charge(&mut self, objective: u64, gradient: u64) {
        self.spent.objective_evals += objective;
        self.spent.gradient_evals += gradient;
    }

    /// As [`Problem::charge`], for a method with a convergence curve of its
    /// own (`best`, its lowest objective so far): the trace takes `best` at
    /// every power of two the count passes.
    pub fn charge_traced(&mut self, objective: u64, gradient: u64, best: f64) {
        let before = self.spent.objective_evals;
        self.charge(objective, gradient);
        let mut p = before.saturating_add(1).next_power_of_two();
        while p <= self.spent.objective_evals {
            self.trace.push((p, best));
            p = p.saturating_mul(2);
        }
    }

    /// Adds what another problem on the same cell spent (tuning's candidates).
    pub fn absorb(&mut self, other: Spent) {
        self.charge(other.objective_evals, other.gradient_evals);
    }

    pub fn sse(&mut self, w: &[f64]) -> f64 {
        self.evaluate(w, None).sse
    }

    /// E(w) and its gradient into `grad`. Past the budget, as
    /// [`Problem::evaluate`]: an infinite error, a zero gradient, nothing counted.
    pub fn sse_gradient(&mut self, w: &[f64], grad: &mut [f64]) -> f64 {
        if self.exhausted() {
            grad.fill(0.0);
            return f64::INFINITY;
        }
        self.spent.objective_evals += 1;
        self.spent.gradient_evals += 1;
        let sse = self.network().sse_gradient(w, self.data, grad);
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
        let mut p = Problem::new(Some(net), &data, Budget::default());
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
        p.charge(3, 1);
        assert_eq!(p.trace().len(), 3, "charged evaluations record nothing");
        assert_eq!(
            p.spent(),
            Spent {
                objective_evals: 8,
                gradient_evals: 1
            }
        );

        // 8 spent: a traced charge of 10 passes 16, not 8 (already counted).
        p.charge_traced(10, 0, 0.5);
        assert_eq!(p.trace().len(), 4);
        assert_eq!(p.trace()[3], (16, 0.5));
        p.charge_traced(50, 0, 0.25);
        assert_eq!(&p.trace()[4..], &[(32, 0.25), (64, 0.25)]);
    }

    #[test]
    fn the_budget_is_enforced_not_just_counted() {
        let data = Patterns::from_rows(1, &[0.0, 1.0], &[0.0, 1.0]);
        let budget = Budget {
            max_evaluations: Some(3),
        };
        let mut p = Problem::new(Some(Network::new(1, 1)), &data, budget);
        let w = [0.5, 0.3, 0.1];
        let mut g = [0.0; 3];
        let first = p.sse(&w);
        assert!(first.is_finite());
        assert_eq!(p.sse_gradient(&w, &mut g), first);
        assert!(g.iter().any(|&v| v != 0.0));
        assert_eq!(p.remaining(), Some(1));
        p.sse(&w);
        assert!(p.exhausted());
        // Past the budget: nothing evaluated, nothing counted, no gradient.
        assert_eq!(p.sse(&w), f64::INFINITY);
        assert_eq!(p.sse_gradient(&w, &mut g), f64::INFINITY);
        assert_eq!(g, [0.0; 3]);
        assert_eq!(p.spent().objective_evals, 3);
        assert_eq!(p.spent().gradient_evals, 1);
        assert_eq!(p.trace().last(), Some(&(2, first)));
    }

    #[test]
    #[should_panic(expected = "asked for no network")]
    fn a_method_without_a_network_cannot_evaluate_one() {
        let data = Patterns::from_rows(1, &[0.0], &[0.0]);
        Problem::new(None, &data, Budget::default()).sse(&[0.0; 3]);
    }
}
