//! ADAM as the paper's baseline ran it: OptimLib's gradient-descent method 6
//! (kthohr/optim, `include/misc/optim_structs.hpp`, 2020), full batch on the
//! SSE, with OptimLib's defaults (algorithms.md section 4).

use crate::descent::{Descent, Rule};
use nnbench_core::{Method, MethodParams, Network, ParamError, Problem, Seeds, Trained, check};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdamParams {
    /// Hidden units H (paper: 10).
    pub hidden: usize,
    /// OptimLib `iter_max`.
    pub iterations: usize,
    /// OptimLib step size (0.1).
    pub step: f64,
    pub beta1: f64,
    pub beta2: f64,
    /// OptimLib's "ada norm term".
    pub epsilon: f64,
    /// Stop when the gradient's L2 norm falls below this (OptimLib `grad_err_tol`).
    pub grad_tolerance: f64,
    /// Stop when |f_new - f| / (1e-8 + |f|) falls below this (OptimLib `rel_objfn_change_tol`).
    pub rel_objective_tolerance: f64,
    /// Initial weights uniform in [-init_range, init_range] (not stated by the paper).
    pub init_range: f64,
}

impl Default for AdamParams {
    fn default() -> Self {
        AdamParams {
            hidden: 10,
            iterations: 2000,
            step: 0.1,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            grad_tolerance: 1e-8,
            rel_objective_tolerance: 1e-8,
            init_range: 1.0,
        }
    }
}

impl MethodParams for AdamParams {
    const NAME: &'static str = "ADAM";
    const SUMMARY: &'static str = "Adam, full batch on the SSE, OptimLib defaults (step 0.1, betas 0.9/0.999, 2000 iterations)";
    // 2 and 3 were changes of the core's network kernel (fused multiply-adds,
    // then the Pade sigmoid), which core's ALGORITHM_VERSION now carries into
    // every cell key: bump this only for a change of this method itself.
    const VERSION: u32 = 3;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        check::count("hidden", self.hidden, 1, check::MAX_UNITS)?;
        check::count("iterations", self.iterations, 1, check::MAX_STEPS)?;
        check::positive("step", self.step)?;
        check::fraction("beta1", self.beta1)?;
        check::fraction("beta2", self.beta2)?;
        check::positive("epsilon", self.epsilon)?;
        check::non_negative("grad_tolerance", self.grad_tolerance)?;
        check::non_negative("rel_objective_tolerance", self.rel_objective_tolerance)?;
        check::positive("init_range", self.init_range)?;
        Ok(Box::new(Adam(self.clone())))
    }
}

/// Adam's moment estimates.
pub struct AdamRule {
    params: AdamParams,
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl AdamRule {
    pub fn new(params: AdamParams, n: usize) -> Self {
        AdamRule {
            params,
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }
}

impl Rule for AdamRule {
    fn step(&mut self, w: &mut [f64], g: &mut [f64]) {
        let p = &self.params;
        self.t += 1;
        let c1 = 1.0 - p.beta1.powi(self.t);
        let c2 = 1.0 - p.beta2.powi(self.t);
        for (((wi, gi), mi), vi) in w.iter_mut().zip(g.iter()).zip(&mut self.m).zip(&mut self.v) {
            *mi = p.beta1 * *mi + (1.0 - p.beta1) * gi;
            *vi = p.beta2 * *vi + (1.0 - p.beta2) * gi * gi;
            *wi -= p.step * (*mi / c1) / ((*vi / c2).sqrt() + p.epsilon);
        }
    }
}

/// The checked parameters: only `build` makes one, so only checked values train.
struct Adam(AdamParams);

impl Method for Adam {
    fn network(&self, inputs: usize) -> Option<Network> {
        Some(Network::new(inputs, self.0.hidden))
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let descent = Descent {
            iterations: self.0.iterations,
            grad_tolerance: self.0.grad_tolerance,
            rel_objective_tolerance: self.0.rel_objective_tolerance,
            init_range: self.0.init_range,
        };
        let n = problem.network().weights();
        descent.run(problem, &mut seeds.run(), AdamRule::new(self.0.clone(), n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(p: AdamParams) -> String {
        p.build().err().expect("refused").key.to_string()
    }

    #[test]
    fn every_parameter_constraint_is_checked() {
        let d = AdamParams::default;
        assert!(d().build().is_ok());
        assert_eq!(refused(AdamParams { hidden: 0, ..d() }), "hidden");
        assert_eq!(
            refused(AdamParams {
                iterations: 0,
                ..d()
            }),
            "iterations"
        );
        assert_eq!(refused(AdamParams { step: 0.0, ..d() }), "step");
        assert_eq!(
            refused(AdamParams {
                step: f64::NAN,
                ..d()
            }),
            "step"
        );
        assert_eq!(refused(AdamParams { beta1: 1.0, ..d() }), "beta1");
        assert_eq!(refused(AdamParams { beta2: -0.1, ..d() }), "beta2");
        assert_eq!(
            refused(AdamParams {
                epsilon: 0.0,
                ..d()
            }),
            "epsilon"
        );
        assert_eq!(
            refused(AdamParams {
                grad_tolerance: -1.0,
                ..d()
            }),
            "grad_tolerance"
        );
        assert_eq!(
            refused(AdamParams {
                rel_objective_tolerance: f64::INFINITY,
                ..d()
            }),
            "rel_objective_tolerance"
        );
        assert_eq!(
            refused(AdamParams {
                init_range: 0.0,
                ..d()
            }),
            "init_range"
        );
    }

    #[test]
    fn the_first_step_moves_each_weight_by_the_step_size() {
        // With bias correction, step 1 is w -= step * g / (|g| + eps): sign-like.
        let mut rule = AdamRule::new(AdamParams::default(), 2);
        let mut w = [1.0, -2.0];
        let mut g = [3.0, -0.5];
        rule.step(&mut w, &mut g);
        assert!(
            (w[0] - 0.9).abs() < 1e-8 && (w[1] + 1.9).abs() < 1e-8,
            "{w:?}"
        );
    }

    #[test]
    fn minimises_a_quadratic_to_its_known_optimum() {
        let params = AdamParams {
            step: 0.05,
            ..AdamParams::default()
        };
        let mut rule = AdamRule::new(params, 2);
        let mut w = [4.0, -3.0];
        for _ in 0..3000 {
            // f = (w0 - 1)^2 + 10 (w1 + 2)^2
            let mut g = [2.0 * (w[0] - 1.0), 20.0 * (w[1] + 2.0)];
            rule.step(&mut w, &mut g);
        }
        assert!(
            (w[0] - 1.0).abs() < 1e-3 && (w[1] + 2.0).abs() < 1e-3,
            "{w:?}"
        );
    }
}
