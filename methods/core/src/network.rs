//! The network of Tsoulos et al. (2023): one hidden layer of H sigmoid units,
//! a linear output without bias,
//!
//! N(x, w) = sum_i v_i * sigmoid(p_i . x + theta_i),
//!
//! with the authors' weight layout: per hidden unit a block of d + 2 numbers
//! `[v_i, p_i1 .. p_id, theta_i]`, (d + 2) * H in all (algorithms.md 0.1).
//! The objective is the sum (not the mean) of squared errors (0.2).

use crate::data::Patterns;
use crate::kernel;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    pub inputs: usize,
    pub hidden: usize,
}

/// What one pass over the patterns gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    /// Sum of squared errors E(w).
    pub sse: f64,
    /// How many (hidden unit, pattern) pairs have |p_i . x + theta_i| >= L
    /// (the authors' `>=`, algorithms.md 1.3); 0 when no limit was asked for.
    pub saturated: u64,
}

/// 1 / (1 + exp(-z)) with the kernel's vectorisable exp (within a few ulp of std).
pub fn sigmoid(z: f64) -> f64 {
    crate::fastexp::sigmoid(z)
}

/// sigmoid(steepness x) for every x in place, vectorised: the same bits as
/// [`sigmoid`] of each.
pub fn sigmoids(steepness: f64, xs: &mut [f64]) {
    kernel::sigmoids(steepness, xs)
}

impl Network {
    pub fn new(inputs: usize, hidden: usize) -> Network {
        Network { inputs, hidden }
    }

    /// (d + 2) * H.
    pub fn weights(&self) -> usize {
        (self.inputs + 2) * self.hidden
    }

    /// Network outputs for every pattern.
    pub fn outputs(&self, w: &[f64], data: &Patterns) -> Vec<f64> {
        let mut out = vec![0.0; data.len()];
        kernel::evaluate(w, self.inputs, data, f64::INFINITY, Some(&mut out));
        out
    }

    /// E(w), and the saturation count against `limit` if one is given, in one pass.
    pub fn evaluate(&self, w: &[f64], data: &Patterns, limit: Option<f64>) -> Evaluation {
        let (sse, saturated) =
            kernel::evaluate(w, self.inputs, data, limit.unwrap_or(f64::INFINITY), None);
        Evaluation { sse, saturated }
    }

    /// E(w) and its analytic gradient, written into `grad` (algorithms.md 1.3):
    /// dE/dv_i = 2 sum r s_i, dE/dtheta_i = 2 sum r v_i s_i (1 - s_i),
    /// dE/dp_ik = 2 sum r v_i s_i (1 - s_i) x_k, with r = N(x) - y.
    pub fn sse_gradient(&self, w: &[f64], data: &Patterns, grad: &mut [f64]) -> f64 {
        kernel::gradient(w, self.inputs, data, grad)
    }

    /// The plain scalar evaluation with std's exp, pattern by pattern: the
    /// yardstick the kernel is tested and benchmarked against.
    pub fn evaluate_reference(&self, w: &[f64], data: &Patterns, limit: f64) -> Evaluation {
        let d = self.inputs;
        let (mut sse, mut saturated) = (0.0, 0);
        for p in 0..data.len() {
            let mut o = 0.0;
            for unit in w.chunks_exact(d + 2) {
                let z = unit[d + 1] + (0..d).map(|j| unit[1 + j] * data.column(j)[p]).sum::<f64>();
                saturated += u64::from(z.abs() >= limit);
                o += unit[0] / (1.0 + (-z).exp());
            }
            sse += (o - data.targets()[p]).powi(2);
        }
        Evaluation { sse, saturated }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    fn problem(n: usize, d: usize, h: usize, seed: u64) -> (Network, Patterns, Vec<f64>) {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let rows: Vec<f64> = (0..n * d).map(|_| rng.random_range(-1.0..1.0)).collect();
        let y: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..1.0)).collect();
        let net = Network::new(d, h);
        let w: Vec<f64> = (0..net.weights())
            .map(|_| rng.random_range(-2.0..2.0))
            .collect();
        (net, Patterns::from_rows(d, &rows, &y), w)
    }

    #[test]
    fn layout_and_output_match_a_hand_computation() {
        // d = 1, H = 2: blocks [v, p, theta].
        let net = Network::new(1, 2);
        assert_eq!(net.weights(), 6);
        let w = [2.0, 1.0, 0.0, -1.0, 0.5, 1.0];
        let data = Patterns::from_rows(1, &[2.0], &[1.0]);
        let expected = 2.0 * sigmoid(2.0) - sigmoid(2.0);
        assert!((net.outputs(&w, &data)[0] - expected).abs() < 1e-15);
        let e = net.evaluate(&w, &data, None);
        assert!((e.sse - (expected - 1.0).powi(2)).abs() < 1e-15);
    }

    #[test]
    fn sigmoids_of_a_slice_give_the_bits_of_each_sigmoid() {
        let mut z: Vec<f64> = (-2000..=2000).map(|i| i as f64 / 97.0).collect();
        z.extend([1e300, -1e300, f64::INFINITY, -0.0]);
        let mut steep = z.clone();
        sigmoids(4.9, &mut steep);
        for (s, x) in steep.iter().zip(&z) {
            assert_eq!(s.to_bits(), sigmoid(4.9 * x).to_bits(), "{x}");
        }
    }

    #[test]
    fn saturation_counts_arguments_at_or_past_the_limit() {
        // Arguments for x = 2: unit 1 gives 2, unit 2 gives 2; for x = 4: 4 and 3.
        let net = Network::new(1, 2);
        let w = [1.0, 1.0, 0.0, 1.0, 0.5, 1.0];
        let data = Patterns::from_rows(1, &[2.0, 4.0], &[0.0, 0.0]);
        let count = |l| net.evaluate(&w, &data, Some(l)).saturated;
        assert_eq!((count(2.0), count(3.0), count(3.5)), (4, 2, 1));
        assert_eq!(net.evaluate(&w, &data, None).saturated, 0);
        assert_eq!(net.evaluate_reference(&w, &data, 3.0).saturated, 2);
    }

    #[test]
    fn gradient_matches_central_finite_differences() {
        // More than one block of patterns, to cover the blocking.
        let (net, data, w) = problem(300, 3, 4, 11);
        let mut grad = vec![0.0; w.len()];
        let sse = net.sse_gradient(&w, &data, &mut grad);
        assert!((sse - net.evaluate(&w, &data, None).sse).abs() <= 1e-12 * sse);
        for i in 0..w.len() {
            let h = 1e-6 * w[i].abs().max(1.0);
            let (mut a, mut b) = (w.clone(), w.clone());
            a[i] += h;
            b[i] -= h;
            let fd =
                (net.evaluate(&a, &data, None).sse - net.evaluate(&b, &data, None).sse) / (2.0 * h);
            assert!(
                (fd - grad[i]).abs() <= 1e-6 * fd.abs().max(1.0),
                "weight {i}: analytic {} vs finite difference {fd}",
                grad[i]
            );
        }
    }

    #[test]
    fn the_kernel_agrees_with_the_scalar_reference_to_1e_12() {
        // 1000 patterns: three full blocks and a partial one.
        for seed in 0..5 {
            let (net, data, w) = problem(1000, 8, 10, seed);
            let fast = net.evaluate(&w, &data, Some(1.5));
            let slow = net.evaluate_reference(&w, &data, 1.5);
            assert!(
                (fast.sse - slow.sse).abs() <= 1e-12 * slow.sse,
                "{} vs {}",
                fast.sse,
                slow.sse
            );
            assert_eq!(fast.saturated, slow.saturated);
            let outputs = net.outputs(&w, &data);
            let sse: f64 = outputs
                .iter()
                .zip(data.targets())
                .map(|(o, y)| (o - y).powi(2))
                .sum();
            assert!((sse - slow.sse).abs() <= 1e-12 * slow.sse);
        }
    }

    #[test]
    fn the_avx2_and_portable_paths_give_the_same_bits() {
        let (net, data, w) = problem(777, 5, 7, 9);
        let (sse, saturated) = crate::kernel::evaluate_portable(&w, 5, &data, 2.0);
        let e = net.evaluate(&w, &data, Some(2.0));
        assert_eq!((e.sse.to_bits(), e.saturated), (sse.to_bits(), saturated));
        let (mut a, mut b) = (vec![0.0; w.len()], vec![0.0; w.len()]);
        let fa = net.sse_gradient(&w, &data, &mut a);
        let fb = crate::kernel::gradient_portable(&w, 5, &data, &mut b);
        assert_eq!(fa.to_bits(), fb.to_bits());
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
        // The objective and the gradient pass agree on the error itself.
        assert_eq!(fa.to_bits(), e.sse.to_bits());
    }
}
