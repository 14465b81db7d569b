//! The linear map after each layer's expression, w f + b from one value to
//! the layer's n units, fitted as the authors' `NewtonTrainer` fits it: one
//! Newton step on the layer's MSE (mean over points and units) for the
//! weights and one for the biases, both from the same point (their loss is
//! computed once, before either update), each skipped when its gradient or
//! Hessian is not finite, or the Hessian is singular or not positive
//! definite. Both Hessians are multiples of the identity here, so the
//! checks and the solve are scalar.

use nnbench_core::Rng;
use nnbench_core::seed::normal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Linear {
    pub w: Vec<f64>,
    pub b: Vec<f64>,
}

impl Linear {
    /// Weights and biases N(0, 1), as the authors' `LinearLayer(1, n)`.
    pub fn random(units: usize, rng: &mut Rng) -> Linear {
        Linear {
            w: (0..units).map(|_| normal(rng)).collect(),
            b: (0..units).map(|_| normal(rng)).collect(),
        }
    }

    pub fn units(&self) -> usize {
        self.w.len()
    }

    /// The layer's outputs, a column per unit.
    pub fn apply(&self, f: &[f64]) -> Vec<Vec<f64>> {
        self.w
            .iter()
            .zip(&self.b)
            .map(|(w, b)| f.iter().map(|fi| w * fi + b).collect())
            .collect()
    }

    /// One Newton step towards `target` (a column per unit) on the points
    /// of `f`, which may be the first of the target's.
    pub fn newton(&mut self, f: &[f64], target: &[Vec<f64>]) {
        let (n, units) = (f.len(), self.units());
        if n == 0 || units == 0 {
            return;
        }
        let scale = 2.0 / (n * units) as f64;
        let (mut gw, mut gb) = (vec![0.0; units], vec![0.0; units]);
        let mut ff = 0.0;
        for (i, &fi) in f.iter().enumerate() {
            ff += fi * fi;
            for j in 0..units {
                let r = self.w[j] * fi + self.b[j] - target[j][i];
                gw[j] += scale * fi * r;
                gb[j] += scale * r;
            }
        }
        // d2/dw_j dw_k = scale * sum f^2 (j = k); d2/db_j db_k = scale * n.
        step(&mut self.w, &gw, scale * ff);
        step(&mut self.b, &gb, scale * n as f64);
    }
}

/// x -= g / h for a Hessian h I, if the step is one the authors take.
fn step(x: &mut [f64], g: &[f64], h: f64) {
    let units = x.len() as i32;
    let usable = g.iter().all(|v| v.is_finite())
        && h.is_finite()
        && h > 0.0
        && h.powi(units) != 0.0
        && (1.0 / h).is_finite();
    if usable {
        for (x, g) in x.iter_mut().zip(g) {
            *x -= g / h;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_step_solves_each_parameter_given_the_other() {
        // f = [1, 2, 3], one unit, target 2 f + 1; start at w = 0, b = 0.
        let f = [1.0, 2.0, 3.0];
        let target = [vec![3.0, 5.0, 7.0]];
        let mut l = Linear {
            w: vec![0.0],
            b: vec![0.0],
        };
        l.newton(&f, &target);
        // Residuals at the start: -3, -5, -7. Weights: w -= sum(f r) / sum(f^2)
        // = 34 / 14; biases: b -= mean(r) = 5. Both from the same start.
        assert!((l.w[0] - 34.0 / 14.0).abs() < 1e-12, "{:?}", l.w);
        assert!((l.b[0] - 5.0).abs() < 1e-12, "{:?}", l.b);
    }

    #[test]
    fn the_step_is_the_newton_step_of_the_mse_by_finite_differences() {
        let f = [0.3, -1.2, 2.0, 0.7];
        let target = [vec![1.0, 0.5, -1.0, 2.0], vec![-2.0, 3.0, 0.0, 2.5]];
        let start = Linear {
            w: vec![0.4, -0.3],
            b: vec![0.1, 0.2],
        };
        let mse = |l: &Linear| {
            let out = l.apply(&f);
            let squares = out
                .iter()
                .zip(&target)
                .flat_map(|(o, t)| o.iter().zip(t).map(|(o, t)| (o - t).powi(2)));
            squares.sum::<f64>() / 8.0
        };
        let h = 1e-5;
        let mut fitted = start.clone();
        fitted.newton(&f, &target);
        for j in 0..2 {
            for (param, after) in [(0, fitted.w[j]), (1, fitted.b[j])] {
                let at = |d: f64| {
                    let mut l = start.clone();
                    if param == 0 {
                        l.w[j] += d
                    } else {
                        l.b[j] += d
                    }
                    mse(&l)
                };
                let g = (at(h) - at(-h)) / (2.0 * h);
                let curvature = (at(h) - 2.0 * at(0.0) + at(-h)) / (h * h);
                let before = if param == 0 { start.w[j] } else { start.b[j] };
                assert!(
                    (after - (before - g / curvature)).abs() < 1e-5,
                    "unit {j} param {param}: {after} vs {}",
                    before - g / curvature
                );
            }
        }
    }

    #[test]
    fn no_step_when_the_expression_is_zero_or_not_finite() {
        let mut l = Linear {
            w: vec![0.5],
            b: vec![0.25],
        };
        // f = 0 everywhere: the weight's Hessian is 0, singular; the bias
        // still steps (to the target's mean).
        l.newton(&[0.0, 0.0], &[vec![1.0, 3.0]]);
        assert_eq!(l.w, [0.5]);
        assert_eq!(l.b, [2.0]);
        // A non-finite expression: neither steps.
        l.newton(&[f64::INFINITY, 1.0], &[vec![1.0, 3.0]]);
        assert_eq!((l.w[0], l.b[0]), (0.5, 2.0));
    }
}
