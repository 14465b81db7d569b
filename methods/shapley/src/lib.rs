//! Shapley values of a model's prediction at x, with the interventional
//! value function of SHAP: v(S) = mean over the background rows b of
//! f(x_S, b_(not S)) (features in S from x, the rest from b). Three
//! estimators share it: `exact` (all 2^d coalitions), `kernel` (Kernel SHAP,
//! Lundberg & Lee 2017, with paired sampling) and `permutation` (Strumbelj &
//! Kononenko 2014, with antithetic orders). Every one counts the model
//! evaluations it spends, so the cost can be reported.
//!
//! Written here because no maintained Rust crate computes model-agnostic
//! Shapley values; the solver for Kernel SHAP's small least-squares system
//! is Gaussian elimination, as the system has at most d unknowns.

mod solve;

use nnbench_core::seed;
use rand::RngExt;
use std::cell::Cell;

/// Largest d for `exact`: 2^d coalitions, each a pass over the background.
pub const EXACT_MAX_FEATURES: usize = 16;

/// One explanation: phi sums to f(x) - base (efficiency).
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub phi: Vec<f64>,
    /// E f over the background: v of the empty coalition.
    pub base: f64,
    /// f(x): v of the full coalition.
    pub fx: f64,
    /// Model evaluations spent.
    pub evaluations: u64,
}

/// A model and a background sample (row-major, `d` columns).
pub struct Explainer<'a, F: Fn(&[f64]) -> f64> {
    model: F,
    background: &'a [f64],
    d: usize,
    evaluations: Cell<u64>,
}

impl<'a, F: Fn(&[f64]) -> f64> Explainer<'a, F> {
    pub fn new(model: F, background: &'a [f64], d: usize) -> Self {
        assert!(
            d > 0 && !background.is_empty() && background.len().is_multiple_of(d),
            "background holds whole rows of d values"
        );
        Explainer {
            model,
            background,
            d,
            evaluations: Cell::new(0),
        }
    }

    /// v(S) for the coalition `in_s` (true: feature taken from x).
    fn value(&self, x: &[f64], in_s: &[bool]) -> f64 {
        if in_s.iter().all(|&b| b) {
            // Nothing comes from the background: f(x) itself.
            self.evaluations.set(self.evaluations.get() + 1);
            return (self.model)(x);
        }
        let mut point = vec![0.0; self.d];
        let rows = self.background.chunks_exact(self.d);
        let n = rows.len();
        let sum: f64 = rows
            .map(|b| {
                for i in 0..self.d {
                    point[i] = if in_s[i] { x[i] } else { b[i] };
                }
                (self.model)(&point)
            })
            .sum();
        self.evaluations.set(self.evaluations.get() + n as u64);
        sum / n as f64
    }

    fn finish(&self, phi: Vec<f64>, base: f64, fx: f64) -> Explanation {
        let evaluations = self.evaluations.replace(0);
        Explanation {
            phi,
            base,
            fx,
            evaluations,
        }
    }

    /// Exact Shapley values: phi_i = sum over S without i of |S|! (d - |S| -
    /// 1)! / d! (v(S + i) - v(S)), from v of all 2^d coalitions.
    pub fn exact(&self, x: &[f64]) -> Explanation {
        let d = self.d;
        assert!(
            d <= EXACT_MAX_FEATURES,
            "exact Shapley values for at most {EXACT_MAX_FEATURES} features; use kernel or permutation"
        );
        let values: Vec<f64> = (0..1usize << d)
            .map(|mask| self.value(x, &members(mask, d)))
            .collect();
        // weight[s] = s! (d - s - 1)! / d!, by the recurrence w[s+1] = w[s] (s + 1) / (d - s - 1).
        let mut weight = vec![1.0 / d as f64; d];
        for s in 0..d.saturating_sub(1) {
            weight[s + 1] = weight[s] * (s + 1) as f64 / (d - s - 1) as f64;
        }
        let phi = (0..d)
            .map(|i| {
                (0..1usize << d)
                    .filter(|mask| mask & (1 << i) == 0)
                    .map(|mask| {
                        weight[mask.count_ones() as usize] * (values[mask | 1 << i] - values[mask])
                    })
                    .sum()
            })
            .collect();
        self.finish(phi, values[0], values[(1 << d) - 1])
    }

    /// Permutation sampling: the mean marginal contribution of each feature
    /// over `orders` random orders, each followed by its reverse (antithetic).
    pub fn permutation(&self, x: &[f64], orders: usize, seed: u64) -> Explanation {
        let d = self.d;
        let mut rng = seed::rng(seed);
        let base = self.value(x, &vec![false; d]);
        let fx = self.value(x, &vec![true; d]);
        let mut phi = vec![0.0; d];
        let mut order: Vec<usize> = (0..d).collect();
        for _ in 0..orders {
            shuffle(&mut order, &mut rng);
            for pass in [order.clone(), order.iter().rev().copied().collect()] {
                let mut in_s = vec![false; d];
                let mut previous = base;
                for (step, &i) in pass.iter().enumerate() {
                    in_s[i] = true;
                    let v = if step + 1 == d {
                        fx
                    } else {
                        self.value(x, &in_s)
                    };
                    phi[i] += v - previous;
                    previous = v;
                }
            }
        }
        let count = (2 * orders.max(1)) as f64;
        let phi = phi.iter().map(|p| p / count).collect();
        self.finish(phi, base, fx)
    }

    /// Kernel SHAP: `samples` coalitions drawn from the Shapley kernel's size
    /// distribution, each with its complement (paired sampling), then the
    /// weighted least-squares fit of v(S) - base on the coalition indicators,
    /// constrained to sum to f(x) - base.
    pub fn kernel(&self, x: &[f64], samples: usize, seed: u64) -> Explanation {
        let d = self.d;
        let base = self.value(x, &vec![false; d]);
        let fx = self.value(x, &vec![true; d]);
        if d == 1 {
            return self.finish(vec![fx - base], base, fx);
        }
        let mut rng = seed::rng(seed);
        // P(size = s) proportional to (d - 1) / (s (d - s)), s = 1..d-1: the
        // kernel's total weight on each size; within a size, uniform.
        let size_weights: Vec<f64> = (1..d)
            .map(|s| (d - 1) as f64 / (s * (d - s)) as f64)
            .collect();
        let total: f64 = size_weights.iter().sum();
        let mut rows: Vec<(Vec<bool>, f64)> = Vec::new();
        for _ in 0..samples.div_ceil(2) {
            let mut u = rng.random::<f64>() * total;
            let mut size = 1;
            for (s, w) in size_weights.iter().enumerate() {
                size = s + 1;
                if u < *w {
                    break;
                }
                u -= w;
            }
            let mut order: Vec<usize> = (0..d).collect();
            shuffle(&mut order, &mut rng);
            let mut in_s = vec![false; d];
            for &i in &order[..size] {
                in_s[i] = true;
            }
            let complement: Vec<bool> = in_s.iter().map(|b| !b).collect();
            for coalition in [in_s, complement] {
                let v = self.value(x, &coalition);
                rows.push((coalition, v - base));
            }
        }
        // Sampled by the kernel's distribution, so every row has equal weight.
        // Eliminate the last coefficient with the constraint sum phi = fx - base:
        // phi_d = (fx - base) - sum_(i<d) phi_i, so y - z_d (fx - base) = sum_(i<d) phi_i (z_i - z_d).
        let k = d - 1;
        let mut ata = vec![vec![0.0; k]; k];
        let mut atb = vec![0.0; k];
        for (z, y) in &rows {
            let last = f64::from(u8::from(z[k]));
            let a: Vec<f64> = (0..k).map(|i| f64::from(u8::from(z[i])) - last).collect();
            let target = y - last * (fx - base);
            for i in 0..k {
                atb[i] += a[i] * target;
                for j in 0..k {
                    ata[i][j] += a[i] * a[j];
                }
            }
        }
        let mut phi = solve::solve(ata, atb).unwrap_or_else(|| vec![(fx - base) / d as f64; k]);
        let rest = (fx - base) - phi.iter().sum::<f64>();
        phi.push(rest);
        self.finish(phi, base, fx)
    }
}

fn members(mask: usize, d: usize) -> Vec<bool> {
    (0..d).map(|i| mask >> i & 1 == 1).collect()
}

/// Fisher-Yates.
fn shuffle(items: &mut [usize], rng: &mut seed::Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests;
