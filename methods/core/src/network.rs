//! The network of Tsoulos et al. (2023): one hidden layer of H sigmoid units,
//! a linear output without bias,
//!
//! N(x, w) = sum_i v_i * sigmoid(p_i . x + theta_i),
//!
//! with the authors' weight layout: per hidden unit a block of d + 2 numbers
//! `[v_i, p_i1 .. p_id, theta_i]`, (d + 2) * H in all (algorithms.md 0.1).
//! The objective is the sum (not the mean) of squared errors (0.2).

use crate::data::Patterns;

/// Patterns are processed in blocks so a hidden unit's activations stay in L1.
const BLOCK: usize = 256;

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

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Network {
    pub fn new(inputs: usize, hidden: usize) -> Network {
        Network { inputs, hidden }
    }

    /// (d + 2) * H.
    pub fn weights(&self) -> usize {
        (self.inputs + 2) * self.hidden
    }

    fn block(&self) -> usize {
        self.inputs + 2
    }

    /// Network outputs for every pattern.
    pub fn outputs(&self, w: &[f64], data: &Patterns) -> Vec<f64> {
        let mut out = vec![0.0; data.len()];
        let mut z = [0.0; BLOCK];
        for start in (0..data.len()).step_by(BLOCK) {
            let end = (start + BLOCK).min(data.len());
            for unit in w.chunks_exact(self.block()) {
                self.activations(unit, data, start, end, &mut z);
                for (o, zp) in out[start..end].iter_mut().zip(&z) {
                    *o += unit[0] * sigmoid(*zp);
                }
            }
        }
        out
    }

    /// E(w), and the saturation count against `limit` if one is given.
    pub fn evaluate(&self, w: &[f64], data: &Patterns, limit: Option<f64>) -> Evaluation {
        let out = self.outputs(w, data);
        let sse = sum_squared_residuals(&out, data.targets());
        let saturated = limit.map_or(0, |l| self.saturation(w, data, l));
        Evaluation { sse, saturated }
    }

    /// B(L) as a count: (unit, pattern) pairs with |argument| >= limit.
    pub fn saturation(&self, w: &[f64], data: &Patterns, limit: f64) -> u64 {
        let mut z = [0.0; BLOCK];
        let mut count = 0;
        for start in (0..data.len()).step_by(BLOCK) {
            let end = (start + BLOCK).min(data.len());
            for unit in w.chunks_exact(self.block()) {
                self.activations(unit, data, start, end, &mut z);
                count += z[..end - start].iter().filter(|v| v.abs() >= limit).count() as u64;
            }
        }
        count
    }

    /// E(w) and its analytic gradient, written into `grad` (algorithms.md 1.3):
    /// dE/dv_i = 2 sum r s_i, dE/dtheta_i = 2 sum r v_i s_i (1 - s_i),
    /// dE/dp_ik = 2 sum r v_i s_i (1 - s_i) x_k, with r = N(x) - y.
    pub fn sse_gradient(&self, w: &[f64], data: &Patterns, grad: &mut [f64]) -> f64 {
        let d = self.inputs;
        let out = self.outputs(w, data);
        let residual: Vec<f64> = out.iter().zip(data.targets()).map(|(o, y)| o - y).collect();
        grad.fill(0.0);
        let mut z = [0.0; BLOCK];
        let mut g = [0.0; BLOCK];
        for start in (0..data.len()).step_by(BLOCK) {
            let end = (start + BLOCK).min(data.len());
            let r = &residual[start..end];
            for (unit, gu) in w.chunks_exact(d + 2).zip(grad.chunks_exact_mut(d + 2)) {
                self.activations(unit, data, start, end, &mut z);
                let v = unit[0];
                let (mut dv, mut dtheta) = (0.0, 0.0);
                for ((gp, zp), rp) in g.iter_mut().zip(&z).zip(r) {
                    let s = sigmoid(*zp);
                    dv += rp * s;
                    *gp = rp * v * s * (1.0 - s);
                    dtheta += *gp;
                }
                gu[0] += 2.0 * dv;
                gu[d + 1] += 2.0 * dtheta;
                for k in 0..d {
                    let x = &data.column(k)[start..end];
                    gu[1 + k] += 2.0 * g.iter().zip(x).map(|(a, b)| a * b).sum::<f64>();
                }
            }
        }
        sum_squared_residuals(&out, data.targets())
    }

    /// z_p = theta + sum_j p_j x_pj for patterns start..end, into z[..end-start].
    fn activations(
        &self,
        unit: &[f64],
        data: &Patterns,
        start: usize,
        end: usize,
        z: &mut [f64; BLOCK],
    ) {
        let d = self.inputs;
        let z = &mut z[..end - start];
        z.fill(unit[d + 1]);
        for j in 0..d {
            let p = unit[1 + j];
            for (zp, x) in z.iter_mut().zip(&data.column(j)[start..end]) {
                *zp += p * x;
            }
        }
    }
}

/// Summed in pattern order, so the result does not depend on blocking.
fn sum_squared_residuals(out: &[f64], y: &[f64]) -> f64 {
    out.iter().zip(y).map(|(o, t)| (o - t) * (o - t)).sum()
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
    fn saturation_counts_arguments_at_or_past_the_limit() {
        // Arguments for x = 2: unit 1 gives 2, unit 2 gives 2; for x = 4: 4 and 3.
        let net = Network::new(1, 2);
        let w = [1.0, 1.0, 0.0, 1.0, 0.5, 1.0];
        let data = Patterns::from_rows(1, &[2.0, 4.0], &[0.0, 0.0]);
        assert_eq!(net.saturation(&w, &data, 2.0), 4);
        assert_eq!(net.saturation(&w, &data, 3.0), 2);
        assert_eq!(net.saturation(&w, &data, 3.5), 1);
        assert_eq!(net.evaluate(&w, &data, Some(3.0)).saturated, 2);
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
    fn blocking_does_not_change_the_sum() {
        let (net, data, w) = problem(600, 2, 3, 5);
        let out = net.outputs(&w, &data);
        let direct: f64 = (0..data.len())
            .map(|p| {
                let x: Vec<f64> = (0..2).map(|j| data.column(j)[p]).collect();
                let o: f64 = w
                    .chunks_exact(4)
                    .map(|u| u[0] * sigmoid(u[3] + u[1] * x[0] + u[2] * x[1]))
                    .sum();
                assert!((o - out[p]).abs() < 1e-12);
                (o - data.targets()[p]).powi(2)
            })
            .sum();
        assert_eq!(net.evaluate(&w, &data, None).sse, direct);
    }
}
