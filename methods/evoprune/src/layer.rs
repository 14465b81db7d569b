//! The model after the frozen backbone (the authors' `build_model.py`):
//! features -> a sparse ReLU layer -> Dense(classes) -> softmax, trained on
//! the cross-entropy. The mask is an adjacency on the sparse layer's
//! kernel: in mode `first` it removes input features (rows of the kernel),
//! in mode `second` hidden units (columns; a removed unit keeps its bias,
//! as in the authors' Keras layer, so it emits the constant relu(b)).

use nnbench_core::Rng;
use rand::RngExt;

/// What the mask's bits stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The sparse layer's input features: the genome has one bit per feature.
    First,
    /// The sparse layer's hidden units: one bit per unit.
    Second,
}

/// Rows of features (row-major) with a class label each.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub d: usize,
    pub x: Vec<f64>,
    pub y: Vec<usize>,
}

impl Features {
    /// Rows with their targets as indices into `labels` (a target no label
    /// matches gets an index no class has).
    pub fn labelled(d: usize, x: Vec<f64>, targets: &[f64], labels: &[f64]) -> Features {
        let y = targets
            .iter()
            .map(|&t| {
                labels
                    .iter()
                    .position(|&l| (l - t).abs() < 1e-5)
                    .unwrap_or(usize::MAX)
            })
            .collect();
        Features { d, x, y }
    }

    pub fn rows(&self) -> usize {
        self.y.len()
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.d..(i + 1) * self.d]
    }
}

/// The trainable weights: `w1` is d x h (row-major), `w2` h x k.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub w1: Vec<f64>,
    pub b1: Vec<f64>,
    pub w2: Vec<f64>,
    pub b2: Vec<f64>,
}

impl Weights {
    /// Keras' defaults: Glorot-uniform kernels, zero biases.
    pub fn glorot(d: usize, h: usize, k: usize, rng: &mut Rng) -> Weights {
        let mut uniform = |n: usize, fan_in: usize, fan_out: usize| {
            let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
            (0..n).map(|_| rng.random_range(-limit..=limit)).collect()
        };
        Weights {
            w1: uniform(d * h, d, h),
            b1: vec![0.0; h],
            w2: uniform(h * k, h, k),
            b2: vec![0.0; k],
        }
    }

    pub fn zeros_like(&self) -> Weights {
        Weights {
            w1: vec![0.0; self.w1.len()],
            b1: vec![0.0; self.b1.len()],
            w2: vec![0.0; self.w2.len()],
            b2: vec![0.0; self.b2.len()],
        }
    }

    /// Every array, in one fixed order (for the optimiser's update).
    pub fn arrays_mut(&mut self) -> [&mut Vec<f64>; 4] {
        [&mut self.w1, &mut self.b1, &mut self.w2, &mut self.b2]
    }
}

/// The network's shape and mask.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseNet {
    pub d: usize,
    pub h: usize,
    pub k: usize,
    pub mode: Mode,
    pub mask: Vec<bool>,
}

impl SparseNet {
    /// The features that feed the layer (the active ones in mode `first`)
    /// and the units the mask removes (in mode `second`).
    fn live(&self) -> (Vec<usize>, Vec<usize>) {
        let where_ = |n: usize, on: bool| (0..n).filter(|&i| self.mask[i] == on).collect();
        match self.mode {
            Mode::First => (where_(self.d, true), Vec::new()),
            Mode::Second => ((0..self.d).collect(), where_(self.h, false)),
        }
    }

    /// The logits of every row.
    pub fn logits(&self, w: &Weights, data: &Features) -> Vec<f64> {
        let (inputs, removed) = self.live();
        let mut hidden = vec![0.0; self.h];
        let mut out = Vec::with_capacity(data.rows() * self.k);
        for r in 0..data.rows() {
            self.hidden(w, data.row(r), &inputs, &removed, &mut hidden);
            out.extend(self.output(w, &hidden));
        }
        out
    }

    /// The hidden layer's activations, relu(z), of every row (h per row):
    /// what a frozen layer hands on as features.
    pub fn activations(&self, w: &Weights, data: &Features) -> Vec<f64> {
        let (inputs, removed) = self.live();
        let mut z = vec![0.0; self.h];
        let mut out = Vec::with_capacity(data.rows() * self.h);
        for r in 0..data.rows() {
            self.hidden(w, data.row(r), &inputs, &removed, &mut z);
            out.extend(z.iter().map(|v| v.max(0.0)));
        }
        out
    }

    /// The hidden layer's pre-activations of one row, into `z`: whole
    /// kernel rows of the live features (contiguous, so the compiler
    /// vectorises them), then the removed units back to their bias, as the
    /// kernel times the mask gives.
    fn hidden(&self, w: &Weights, x: &[f64], inputs: &[usize], removed: &[usize], z: &mut [f64]) {
        z.copy_from_slice(&w.b1);
        for &i in inputs {
            let xi = x[i];
            for (zj, &wij) in z.iter_mut().zip(&w.w1[i * self.h..(i + 1) * self.h]) {
                *zj += xi * wij;
            }
        }
        for &j in removed {
            z[j] = w.b1[j];
        }
    }

    /// The logits from the pre-activations `z`.
    fn output(&self, w: &Weights, z: &[f64]) -> Vec<f64> {
        let mut logits = w.b2.clone();
        for (j, &zj) in z.iter().enumerate() {
            let a = zj.max(0.0);
            if a != 0.0 {
                for (l, &wjc) in logits.iter_mut().zip(&w.w2[j * self.k..(j + 1) * self.k]) {
                    *l += a * wjc;
                }
            }
        }
        logits
    }

    /// The mean cross-entropy over `rows` of `data`, and its gradient with
    /// respect to every weight (zero where the mask removes the weight).
    pub fn loss_and_gradient(
        &self,
        w: &Weights,
        data: &Features,
        rows: &[usize],
        grad: &mut Weights,
    ) -> f64 {
        let (inputs, removed) = self.live();
        for g in grad.arrays_mut() {
            g.iter_mut().for_each(|v| *v = 0.0);
        }
        let scale = 1.0 / rows.len().max(1) as f64;
        let mut z = vec![0.0; self.h];
        let mut dz = vec![0.0; self.h];
        let mut loss = 0.0;
        for &r in rows {
            let x = data.row(r);
            self.hidden(w, x, &inputs, &removed, &mut z);
            let mut p = self.output(w, &z);
            loss -= log_softmax(&p)[data.y[r]];
            softmax_in_place(&mut p);
            p[data.y[r]] -= 1.0; // d loss / d logits
            for (j, &zj) in z.iter().enumerate() {
                let a = zj.max(0.0);
                let (gw2, w2) = (
                    &mut grad.w2[j * self.k..(j + 1) * self.k],
                    &w.w2[j * self.k..(j + 1) * self.k],
                );
                let mut da = 0.0;
                for ((g, &wjc), &dl) in gw2.iter_mut().zip(w2).zip(&p) {
                    *g += scale * a * dl;
                    da += wjc * dl;
                }
                dz[j] = if zj > 0.0 { scale * da } else { 0.0 };
            }
            for (g, &dl) in grad.b2.iter_mut().zip(&p) {
                *g += scale * dl;
            }
            for (g, &d) in grad.b1.iter_mut().zip(&dz) {
                *g += d;
            }
            for &i in &inputs {
                let xi = x[i];
                for (g, &d) in grad.w1[i * self.h..(i + 1) * self.h].iter_mut().zip(&dz) {
                    *g += xi * d;
                }
            }
        }
        // The kernel entries of removed units have no effect on the loss.
        for &j in &removed {
            for i in 0..self.d {
                grad.w1[i * self.h + j] = 0.0;
            }
        }
        loss * scale
    }
}

pub use nnbench_core::metrics::argmax;

/// ln softmax(logits), computed stably.
pub fn log_softmax(logits: &[f64]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let log_sum = logits.iter().map(|&l| (l - max).exp()).sum::<f64>().ln() + max;
    logits.iter().map(|&l| l - log_sum).collect()
}

pub fn softmax_in_place(logits: &mut [f64]) {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for l in logits.iter_mut() {
        *l = (*l - max).exp();
        sum += *l;
    }
    for l in logits.iter_mut() {
        *l /= sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;

    fn toy(rng: &mut Rng, d: usize, rows: usize, k: usize) -> Features {
        let x: Vec<f64> = (0..rows * d).map(|_| rng.random_range(-1.0..1.0)).collect();
        let y = (0..rows).map(|r| r % k).collect();
        Features { d, x, y }
    }

    fn all_weights(w: &Weights) -> Vec<f64> {
        [&w.w1, &w.b1, &w.w2, &w.b2]
            .iter()
            .flat_map(|a| a.iter().copied())
            .collect()
    }

    #[test]
    fn the_gradient_matches_finite_differences_in_both_modes() {
        let mut r = rng(5);
        let (d, h, k) = (5, 4, 3);
        let data = toy(&mut r, d, 7, k);
        let rows: Vec<usize> = (0..7).collect();
        for (mode, mask) in [
            (Mode::First, vec![true, false, true, true, false]),
            (Mode::Second, vec![false, true, true, false]),
        ] {
            let net = SparseNet {
                d,
                h,
                k,
                mode,
                mask,
            };
            let mut w = Weights::glorot(d, h, k, &mut r);
            // Biases off zero: relu's kink at 0 would defeat the differences.
            w.b1 = (0..h).map(|j| 0.3 - 0.2 * j as f64).collect();
            w.b2 = vec![0.1; k];
            let mut grad = w.zeros_like();
            net.loss_and_gradient(&w, &data, &rows, &mut grad);
            for (idx, &analytic) in all_weights(&grad).iter().enumerate() {
                let at = |delta: f64| {
                    let mut v = w.clone();
                    let mut k = idx;
                    for a in v.arrays_mut() {
                        if k < a.len() {
                            a[k] += delta;
                            break;
                        }
                        k -= a.len();
                    }
                    let mut g = v.zeros_like();
                    net.loss_and_gradient(&v, &data, &rows, &mut g)
                };
                let eps = 1e-6;
                let numeric = (at(eps) - at(-eps)) / (2.0 * eps);
                assert!(
                    (numeric - analytic).abs() < 1e-6,
                    "{mode:?} weight {idx}: numeric {numeric}, analytic {analytic}"
                );
            }
        }
    }

    #[test]
    fn a_masked_feature_changes_nothing_and_a_masked_unit_is_its_bias() {
        let mut r = rng(6);
        let (d, h, k) = (3, 4, 2);
        let w = Weights::glorot(d, h, k, &mut r);
        let first = SparseNet {
            d,
            h,
            k,
            mode: Mode::First,
            mask: vec![true, false, true],
        };
        let a = Features {
            d,
            x: vec![0.3, -0.7, 0.1],
            y: vec![0],
        };
        let b = Features {
            d,
            x: vec![0.3, 5.0, 0.1],
            y: vec![0],
        };
        assert_eq!(first.logits(&w, &a), first.logits(&w, &b));
        // No unit live: the logits are relu(b1) . w2 + b2, whatever the input.
        let second = SparseNet {
            d,
            h,
            k,
            mode: Mode::Second,
            mask: vec![false; h],
        };
        let mut w = w;
        w.b1 = vec![0.5, -1.0, 0.2, 0.0];
        let by_hand: Vec<f64> = (0..k)
            .map(|c| {
                w.b2[c]
                    + (0..h)
                        .map(|j| w.b1[j].max(0.0) * w.w2[j * k + c])
                        .sum::<f64>()
            })
            .collect();
        let got = second.logits(&w, &b);
        for c in 0..k {
            assert!((got[c] - by_hand[c]).abs() < 1e-15);
        }
    }
}
