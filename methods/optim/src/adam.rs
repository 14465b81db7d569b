//! Adam as the authors' OPTIMUS codes it for the PROPOSED_ADAM phase 2
//! (`src/Optimus/adam.cpp`, algorithms.md 1.6): bias correction folded into
//! the rate, a_t = lr sqrt(1 - b2^t) / (1 - b1^t), x -= a_t m / (sqrt(v) + eps)
//! with eps = 0.1 (not 1e-8), and every coordinate clipped to the box after
//! each step. Not the OptimLib Adam of the ADAM baseline.

use crate::bounds::Bounds;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxAdamOptions {
    pub iterations: usize,
    pub rate: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
}

impl Default for BoxAdamOptions {
    fn default() -> Self {
        BoxAdamOptions {
            iterations: 10_000,
            rate: 0.01,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 0.1,
        }
    }
}

/// Returns the final (value, point) and the number of evaluations.
pub fn minimise(
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    x0: &[f64],
    bounds: &Bounds,
    options: &BoxAdamOptions,
    mut stop: impl FnMut() -> bool,
) -> (f64, Vec<f64>, usize) {
    let n = x0.len();
    let mut x = x0.to_vec();
    bounds.clamp(&mut x);
    let (mut m, mut v, mut g) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut fx = f(&x, &mut g);
    let mut evaluations = 1;
    for t in 1..=options.iterations {
        if !fx.is_finite() || stop() {
            break;
        }
        let t = t as i32;
        let a = options.rate * (1.0 - options.beta2.powi(t)).sqrt() / (1.0 - options.beta1.powi(t));
        for i in 0..n {
            m[i] = options.beta1 * m[i] + (1.0 - options.beta1) * g[i];
            v[i] = options.beta2 * v[i] + (1.0 - options.beta2) * g[i] * g[i];
            x[i] = (x[i] - a * m[i] / (v[i].sqrt() + options.epsilon))
                .clamp(bounds.lower[i], bounds.upper[i]);
        }
        fx = f(&x, &mut g);
        evaluations += 1;
    }
    (fx, x, evaluations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaches_a_bound_optimum_and_stays_in_the_box() {
        // f = (x - 2)^2 on [-1, 1]: the optimum is the bound 1.
        let bounds = Bounds::symmetric(1, 1.0);
        let mut inside = true;
        let f = |x: &[f64], g: &mut [f64]| {
            inside &= bounds.contains(x);
            g[0] = 2.0 * (x[0] - 2.0);
            (x[0] - 2.0).powi(2)
        };
        let options = BoxAdamOptions {
            iterations: 2000,
            ..BoxAdamOptions::default()
        };
        let (fx, x, evals) = minimise(f, &[-0.9], &bounds, &options, || false);
        assert!(inside);
        assert_eq!(x, vec![1.0]);
        assert_eq!(fx, 1.0);
        assert_eq!(evals, 2001);
    }

    #[test]
    fn the_first_step_has_the_folded_bias_correction() {
        // t = 1: a = lr sqrt(1 - b2) / (1 - b1); m = 0.1 g, v = 0.001 g^2.
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = 4.0;
            x[0]
        };
        let options = BoxAdamOptions {
            iterations: 1,
            ..BoxAdamOptions::default()
        };
        let (_, x, _) = minimise(f, &[0.0], &Bounds::symmetric(1, 10.0), &options, || false);
        let a = 0.01 * (0.001f64).sqrt() / 0.1;
        let expected = -a * 0.4 / ((0.001f64 * 16.0).sqrt() + 0.1);
        assert!((x[0] - expected).abs() < 1e-15, "{} vs {expected}", x[0]);
    }
}
