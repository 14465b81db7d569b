//! RPROP as the paper's baseline ran it: from the FCNN package (FCNN4R,
//! `R/mlp_teach.R`, `mlp_teach_rprop`), constants u = 1.2, d = 0.5,
//! gmax = 50, gmin = 1e-6, first step w1 = w0 - 0.7 * grad(MSE), then
//! initial step sizes 0.1 (algorithms.md section 5).
//!
//! Two variants, because the sources differ:
//! - `irprop-` (default, as algorithms.md recommends): on a sign change the
//!   step shrinks, the weight stays and the stored gradient is zeroed, so the
//!   next iteration steps without growing (Igel & Huesken's iRprop-).
//! - `fcnn`: the FCNN4R code as written: on a sign change the step shrinks and
//!   the weight stays, but the gradient is kept (Rprop- without zeroing).

use crate::descent::{Descent, Rule};
use nnbench_core::{Method, MethodParams, Network, ParamError, Problem, Seeds, Trained, check};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Variant {
    #[serde(rename = "irprop-")]
    IRpropMinus,
    #[serde(rename = "fcnn")]
    Fcnn,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RpropParams {
    pub hidden: usize,
    /// FCNN `max_epochs` (no default there; 2000 as for ADAM).
    pub iterations: usize,
    pub variant: Variant,
    /// FCNN `u`.
    pub eta_plus: f64,
    /// FCNN `d`.
    pub eta_minus: f64,
    /// FCNN `gmax`.
    pub delta_max: f64,
    /// FCNN `gmin`.
    pub delta_min: f64,
    /// Step size every weight starts from (FCNN: min(0.1, gmax)).
    pub delta_initial: f64,
    /// Learning rate of the first, plain gradient step on the MSE (FCNN: 0.7).
    pub first_step: f64,
    /// Stop once the training MSE falls below this (FCNN `tol_level`; no
    /// default there).
    pub mse_tolerance: f64,
    pub init_range: f64,
}

impl Default for RpropParams {
    fn default() -> Self {
        RpropParams {
            hidden: 10,
            iterations: 2000,
            variant: Variant::IRpropMinus,
            eta_plus: 1.2,
            eta_minus: 0.5,
            delta_max: 50.0,
            delta_min: 1e-6,
            delta_initial: 0.1,
            first_step: 0.7,
            mse_tolerance: 1e-8,
            init_range: 1.0,
        }
    }
}

impl MethodParams for RpropParams {
    const NAME: &'static str = "RPROP";
    const SUMMARY: &'static str =
        "Rprop on the SSE with the FCNN constants; variants irprop- (default) and fcnn";
    // 2 and 3 were changes of the core's network kernel (fused multiply-adds,
    // then the Pade sigmoid), which core's ALGORITHM_VERSION now carries into
    // every cell key: bump this only for a change of this method itself.
    const VERSION: u32 = 3;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        check::count("hidden", self.hidden, 1, check::MAX_UNITS)?;
        check::count("iterations", self.iterations, 1, check::MAX_STEPS)?;
        if !(self.eta_plus > 1.0 && self.eta_plus.is_finite()) {
            return Err(ParamError::new(
                "eta_plus",
                self.eta_plus,
                "must be a finite number > 1",
            ));
        }
        if !(self.eta_minus > 0.0 && self.eta_minus < 1.0) {
            return Err(ParamError::new(
                "eta_minus",
                self.eta_minus,
                "must be in (0, 1)",
            ));
        }
        check::positive("delta_min", self.delta_min)?;
        check::positive("delta_max", self.delta_max)?;
        if self.delta_min > self.delta_max {
            return Err(ParamError::new(
                "delta_min",
                self.delta_min,
                "must be <= delta_max",
            ));
        }
        if !(self.delta_min..=self.delta_max).contains(&self.delta_initial) {
            return Err(ParamError::new(
                "delta_initial",
                self.delta_initial,
                "must be in [delta_min, delta_max]",
            ));
        }
        check::non_negative("first_step", self.first_step)?;
        check::non_negative("mse_tolerance", self.mse_tolerance)?;
        check::positive("init_range", self.init_range)?;
        Ok(Box::new(Rprop(self.clone())))
    }
}

/// Per-weight step sizes and the previous gradient.
pub struct RpropRule {
    params: RpropParams,
    delta: Vec<f64>,
    previous: Vec<f64>,
    /// The first call takes FCNN's plain gradient step; `patterns` scales the
    /// SSE gradient to the MSE gradient FCNN uses.
    first: bool,
    patterns: f64,
}

impl RpropRule {
    pub fn new(params: RpropParams, n: usize, patterns: usize) -> Self {
        RpropRule {
            delta: vec![params.delta_initial; n],
            previous: vec![0.0; n],
            params,
            first: true,
            patterns: patterns.max(1) as f64,
        }
    }
}

impl Rule for RpropRule {
    fn step(&mut self, w: &mut [f64], g: &mut [f64]) {
        let p = &self.params;
        if std::mem::take(&mut self.first) {
            for (wi, gi) in w.iter_mut().zip(g.iter()) {
                *wi -= p.first_step * gi / self.patterns;
            }
            self.previous.copy_from_slice(g);
            return;
        }
        for ((wi, gi), (di, prev)) in w
            .iter_mut()
            .zip(g.iter())
            .zip(self.delta.iter_mut().zip(&mut self.previous))
        {
            let turn = *prev * gi;
            if turn > 0.0 {
                *di = (*di * p.eta_plus).min(p.delta_max);
                *wi -= gi.signum() * *di;
                *prev = *gi;
            } else if turn < 0.0 {
                *di = (*di * p.eta_minus).max(p.delta_min);
                *prev = match p.variant {
                    Variant::IRpropMinus => 0.0,
                    Variant::Fcnn => *gi,
                };
            } else {
                if *gi != 0.0 {
                    *wi -= gi.signum() * *di;
                }
                *prev = *gi;
            }
        }
    }

    fn converged(&self, sse: f64) -> bool {
        sse / self.patterns < self.params.mse_tolerance
    }
}

/// The checked parameters: only `build` makes one, so only checked values train.
struct Rprop(RpropParams);

impl Method for Rprop {
    fn network(&self, inputs: usize) -> Option<Network> {
        Some(Network::new(inputs, self.0.hidden))
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let descent = Descent {
            iterations: self.0.iterations,
            grad_tolerance: 0.0,
            rel_objective_tolerance: 0.0,
            init_range: self.0.init_range,
        };
        let n = problem.network().weights();
        let rule = RpropRule::new(self.0.clone(), n, problem.data().len());
        descent.run(problem, &mut seeds.run(), rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(variant: Variant) -> RpropRule {
        let mut r = RpropRule::new(
            RpropParams {
                variant,
                ..RpropParams::default()
            },
            1,
            2,
        );
        // The first call is FCNN's plain step: w -= 0.7 * g / 2.
        let (mut w, mut g) = ([1.0], [2.0]);
        r.step(&mut w, &mut g);
        assert!((w[0] - 0.3).abs() < 1e-15);
        r
    }

    #[test]
    fn same_sign_grows_the_step_and_moves_against_the_gradient() {
        let mut r = rule(Variant::IRpropMinus);
        let mut w = [0.0];
        r.step(&mut w, &mut [5.0]);
        assert!((r.delta[0] - 0.12).abs() < 1e-15);
        assert!((w[0] + 0.12).abs() < 1e-15);
    }

    #[test]
    fn a_sign_change_shrinks_the_step_and_holds_the_weight() {
        for variant in [Variant::IRpropMinus, Variant::Fcnn] {
            let mut r = rule(variant);
            let mut w = [0.0];
            r.step(&mut w, &mut [-5.0]);
            assert_eq!(w, [0.0]);
            assert!((r.delta[0] - 0.05).abs() < 1e-15);
            // The variants differ in what they remember.
            let expected = if variant == Variant::IRpropMinus {
                0.0
            } else {
                -5.0
            };
            assert_eq!(r.previous[0], expected);
        }
    }

    #[test]
    fn after_a_sign_change_irprop_steps_without_growing_but_fcnn_shrinks_again() {
        let mut i = rule(Variant::IRpropMinus);
        let mut f = rule(Variant::Fcnn);
        for r in [&mut i, &mut f] {
            r.step(&mut [0.0], &mut [-5.0]);
        }
        let (mut wi, mut wf) = ([0.0], [0.0]);
        i.step(&mut wi, &mut [3.0]);
        f.step(&mut wf, &mut [3.0]);
        assert!((wi[0] + 0.05).abs() < 1e-15 && (i.delta[0] - 0.05).abs() < 1e-15);
        assert_eq!(wf, [0.0]);
        assert!((f.delta[0] - 0.025).abs() < 1e-15);
    }

    #[test]
    fn steps_stay_within_their_limits() {
        let mut r = rule(Variant::IRpropMinus);
        for _ in 0..100 {
            r.step(&mut [0.0], &mut [1.0]);
        }
        assert_eq!(r.delta[0], 50.0);
        for k in 0..200 {
            r.step(&mut [0.0], &mut [if k % 2 == 0 { -1.0 } else { 1.0 }]);
        }
        assert!(r.delta[0] >= 1e-6);
    }

    #[test]
    fn every_parameter_constraint_is_checked() {
        let d = RpropParams::default;
        let key = |p: RpropParams| p.build().err().expect("refused").key;
        assert!(d().build().is_ok());
        assert_eq!(key(RpropParams { hidden: 0, ..d() }), "hidden");
        assert_eq!(
            key(RpropParams {
                iterations: 0,
                ..d()
            }),
            "iterations"
        );
        assert_eq!(
            key(RpropParams {
                eta_plus: 1.0,
                ..d()
            }),
            "eta_plus"
        );
        assert_eq!(
            key(RpropParams {
                eta_minus: 1.0,
                ..d()
            }),
            "eta_minus"
        );
        assert_eq!(
            key(RpropParams {
                delta_min: 0.0,
                ..d()
            }),
            "delta_min"
        );
        assert_eq!(
            key(RpropParams {
                delta_max: -1.0,
                ..d()
            }),
            "delta_max"
        );
        assert_eq!(
            key(RpropParams {
                delta_min: 60.0,
                ..d()
            }),
            "delta_min"
        );
        assert_eq!(
            key(RpropParams {
                delta_initial: 100.0,
                ..d()
            }),
            "delta_initial"
        );
        assert_eq!(
            key(RpropParams {
                first_step: -0.7,
                ..d()
            }),
            "first_step"
        );
        assert_eq!(
            key(RpropParams {
                mse_tolerance: f64::NAN,
                ..d()
            }),
            "mse_tolerance"
        );
        assert_eq!(
            key(RpropParams {
                init_range: 0.0,
                ..d()
            }),
            "init_range"
        );
    }
}
