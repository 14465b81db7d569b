//! The loop ADAM and RPROP share: initialise, then alternate a full-batch
//! gradient and an update rule until an iteration count, a tolerance, the
//! budget or a non-finite value stops it. The last iterate is the model, as
//! in OptimLib and FCNN.

use nnbench_core::{NetworkModel, Problem, Rng, StopReason, Trained, uniform_weights};

/// One update from the current gradient (which a rule may overwrite).
pub trait Rule {
    fn step(&mut self, w: &mut [f64], g: &mut [f64]);

    /// A rule's own stopping test on the current SSE.
    fn converged(&self, _sse: f64) -> bool {
        false
    }
}

pub struct Descent {
    pub iterations: usize,
    /// 0 disables the test.
    pub grad_tolerance: f64,
    /// 0 disables the test.
    pub rel_objective_tolerance: f64,
    pub init_range: f64,
}

impl Descent {
    pub fn run(&self, problem: &mut Problem<'_>, rng: &mut Rng, mut rule: impl Rule) -> Trained {
        let network = problem.network();
        let mut w = uniform_weights(network.weights(), self.init_range, rng);
        let mut g = vec![0.0; w.len()];
        let mut previous = w.clone();
        let mut f = problem.sse_gradient(&w, &mut g);
        let mut stop = if f.is_finite() {
            StopReason::MaxIterations
        } else {
            StopReason::NonFinite
        };
        for _ in 0..self.iterations {
            if stop == StopReason::NonFinite {
                break;
            }
            if rule.converged(f) || norm(&g) < self.grad_tolerance {
                stop = StopReason::Converged;
                break;
            }
            if problem.exhausted() {
                stop = StopReason::BudgetExhausted;
                break;
            }
            previous.copy_from_slice(&w);
            rule.step(&mut w, &mut g);
            let f_new = problem.sse_gradient(&w, &mut g);
            if !f_new.is_finite() || g.iter().any(|v| !v.is_finite()) {
                w.copy_from_slice(&previous);
                stop = StopReason::NonFinite;
                break;
            }
            let change = (f_new - f).abs() / (1e-8 + f.abs());
            f = f_new;
            if change < self.rel_objective_tolerance {
                stop = StopReason::Converged;
                break;
            }
        }
        Trained {
            model: Box::new(NetworkModel {
                network,
                weights: w,
            }),
            stop,
        }
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}
