//! GEMONN's network: one hidden layer of sigmoid units, evaluated sparsely
//! (a zero weight is skipped in the forward pass, and, with
//! [`Gradient::Active`], in the backward pass too).
//!
//! Genome layout, as the authors' code reshapes it ((inputs + 1) x hidden,
//! row-major): the encoder weights W[j][k] at `j * hidden + k`, then the
//! hidden biases; a [`Output::Linear`] network then has its output weights.
//! - [`Output::Tied`]: the auto-encoder, decoder = Wᵀ without bias, sigmoid
//!   outputs, loss = mean squared reconstruction error over every pixel
//!   (torch's `MSELoss`). Its gradient is the authors' combination of the
//!   encoder's and the decoder's: their sum, or 0 where their signs differ
//!   (or both are 0).
//! - [`Output::Linear`]: one linear output Σ v_k h_k (the Tsoulos network's
//!   form), loss = mean squared error against the targets; for the tabular
//!   datasets, classification by the nearest label as everywhere.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Tied,
    Linear,
}

/// Which genes get a gradient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gradient {
    /// Every gene, as dense autograd gives it (the authors' code).
    Full,
    /// Only the non-zero genes; zero genes get 0 (cost proportional to density).
    Active,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SparseNet {
    pub inputs: usize,
    pub hidden: usize,
    pub output: Output,
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The non-zero encoder weights of each hidden unit, as (input, weight).
fn active(w: &[f64], inputs: usize, hidden: usize) -> Vec<Vec<(usize, f64)>> {
    let mut lists = vec![Vec::new(); hidden];
    for j in 0..inputs {
        for (k, list) in lists.iter_mut().enumerate() {
            let v = w[j * hidden + k];
            if v != 0.0 {
                list.push((j, v));
            }
        }
    }
    lists
}

impl SparseNet {
    /// The network for `problem`'s task: the tied auto-encoder for a
    /// reconstruction, the linear output otherwise.
    pub fn for_problem(problem: &nnbench_core::Problem<'_>, hidden: usize) -> SparseNet {
        SparseNet {
            inputs: problem.data().inputs(),
            hidden,
            output: if problem.reconstruction() {
                Output::Tied
            } else {
                Output::Linear
            },
        }
    }

    pub fn genes(&self) -> usize {
        let extra = match self.output {
            Output::Tied => 0,
            Output::Linear => self.hidden,
        };
        (self.inputs + 1) * self.hidden + extra
    }

    /// (lower, upper) of every gene: +-10 for weights, +-20 for the hidden
    /// biases, as the authors' code bounds them.
    pub fn bounds(&self) -> Vec<(f64, f64)> {
        (0..self.genes())
            .map(|i| {
                let bias =
                    (self.inputs * self.hidden..(self.inputs + 1) * self.hidden).contains(&i);
                if bias { (-20.0, 20.0) } else { (-10.0, 10.0) }
            })
            .collect()
    }

    /// The fraction of non-zero genes.
    pub fn density(w: &[f64]) -> f64 {
        w.iter().filter(|v| **v != 0.0).count() as f64 / w.len().max(1) as f64
    }

    /// Outputs for `rows` (row-major, `inputs` per row): `inputs` values per
    /// row for the auto-encoder, one for the linear output.
    pub fn outputs(&self, w: &[f64], rows: &[f64]) -> Vec<f64> {
        let lists = active(w, self.inputs, self.hidden);
        let mut out = Vec::new();
        let mut h = vec![0.0; self.hidden];
        for x in rows.chunks_exact(self.inputs) {
            self.hidden_layer(w, &lists, x, &mut h);
            match self.output {
                Output::Tied => out.extend(self.decode(&lists, &h)),
                Output::Linear => out.push(self.linear(w, &h)),
            }
        }
        out
    }

    fn hidden_layer(&self, w: &[f64], lists: &[Vec<(usize, f64)>], x: &[f64], h: &mut [f64]) {
        let bias = &w[self.inputs * self.hidden..(self.inputs + 1) * self.hidden];
        for (k, list) in lists.iter().enumerate() {
            let z: f64 = bias[k] + list.iter().map(|&(j, v)| v * x[j]).sum::<f64>();
            h[k] = sigmoid(z);
        }
    }

    fn decode(&self, lists: &[Vec<(usize, f64)>], h: &[f64]) -> Vec<f64> {
        let mut z = vec![0.0; self.inputs];
        for (k, list) in lists.iter().enumerate() {
            for &(j, v) in list {
                z[j] += v * h[k];
            }
        }
        z.into_iter().map(sigmoid).collect()
    }

    fn linear(&self, w: &[f64], h: &[f64]) -> f64 {
        let v = &w[(self.inputs + 1) * self.hidden..];
        v.iter().zip(h).map(|(v, h)| v * h).sum()
    }

    /// The loss on `rows` (row-major) against `targets` (the linear output's;
    /// ignored by the auto-encoder, whose targets are its inputs), and its
    /// gradient into `grad` if given.
    pub fn loss(
        &self,
        w: &[f64],
        rows: &[f64],
        targets: &[f64],
        grad: Option<(&mut [f64], Gradient)>,
    ) -> f64 {
        let (d, hn) = (self.inputs, self.hidden);
        let lists = active(w, d, hn);
        let n = rows.len() / d;
        let mut h = vec![0.0; hn];
        let mut dh = vec![0.0; hn];
        let mut total = 0.0;
        // Encoder and decoder gradients apart: the tied rule needs both.
        let mut g_enc = vec![0.0; (d + 1) * hn];
        let mut g_dec = vec![0.0; d * hn];
        let mut g_out = vec![0.0; hn];
        let want = grad.as_ref().map(|(_, mode)| *mode);
        for (r, x) in rows.chunks_exact(d).enumerate() {
            self.hidden_layer(w, &lists, x, &mut h);
            match self.output {
                Output::Tied => {
                    let o = self.decode(&lists, &h);
                    let scale = 2.0 / (n * d) as f64;
                    let delta: Vec<f64> = o
                        .iter()
                        .zip(x)
                        .map(|(o, x)| {
                            total += (o - x) * (o - x);
                            scale * (o - x) * o * (1.0 - o)
                        })
                        .collect();
                    let Some(mode) = want else { continue };
                    for (k, list) in lists.iter().enumerate() {
                        let back: f64 = list.iter().map(|&(j, v)| v * delta[j]).sum();
                        dh[k] = back * h[k] * (1.0 - h[k]);
                        match mode {
                            Gradient::Full => {
                                for j in 0..d {
                                    g_dec[j * hn + k] += delta[j] * h[k];
                                }
                            }
                            Gradient::Active => {
                                for &(j, _) in list {
                                    g_dec[j * hn + k] += delta[j] * h[k];
                                }
                            }
                        }
                    }
                }
                Output::Linear => {
                    let o = self.linear(w, &h);
                    let err = o - targets[r];
                    total += err * err;
                    if want.is_none() {
                        continue;
                    }
                    let delta = 2.0 * err / n as f64;
                    let v = &w[(d + 1) * hn..];
                    for k in 0..hn {
                        g_out[k] += delta * h[k];
                        dh[k] = delta * v[k] * h[k] * (1.0 - h[k]);
                    }
                }
            }
            let Some(mode) = want else { continue };
            for (k, list) in lists.iter().enumerate() {
                g_enc[d * hn + k] += dh[k];
                match mode {
                    Gradient::Full => {
                        for j in 0..d {
                            g_enc[j * hn + k] += dh[k] * x[j];
                        }
                    }
                    Gradient::Active => {
                        for &(j, _) in list {
                            g_enc[j * hn + k] += dh[k] * x[j];
                        }
                    }
                }
            }
        }
        if let Some((grad, _)) = grad {
            match self.output {
                Output::Tied => {
                    for i in 0..d * hn {
                        grad[i] = tied(g_enc[i], g_dec[i]);
                    }
                    grad[d * hn..].copy_from_slice(&g_enc[d * hn..]);
                }
                Output::Linear => {
                    grad[..(d + 1) * hn].copy_from_slice(&g_enc);
                    grad[(d + 1) * hn..].copy_from_slice(&g_out);
                }
            }
        }
        let count = match self.output {
            Output::Tied => n * d,
            Output::Linear => n,
        };
        total / count.max(1) as f64
    }
}

/// The authors' combination of a tied weight's two gradients: their sum, or
/// 0 where their signs cancel (opposite, or both zero).
pub fn tied(encoder: f64, decoder: f64) -> f64 {
    let sign = |v: f64| {
        if v > 0.0 {
            1
        } else if v < 0.0 {
            -1
        } else {
            0
        }
    };
    if sign(encoder) + sign(decoder) == 0 {
        0.0
    } else {
        encoder + decoder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (s >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    fn weights(net: &SparseNet, density: f64) -> Vec<f64> {
        let keep = sample(net.genes(), 9);
        sample(net.genes(), 3)
            .iter()
            .zip(keep)
            .map(|(v, k)| if k < density { 2.0 * v - 1.0 } else { 0.0 })
            .collect()
    }

    /// Central differences of the loss in every gene.
    fn numeric(net: &SparseNet, w: &[f64], rows: &[f64], y: &[f64]) -> Vec<f64> {
        (0..w.len())
            .map(|i| {
                let h = 1e-6;
                let (mut a, mut b) = (w.to_vec(), w.to_vec());
                a[i] += h;
                b[i] -= h;
                (net.loss(&a, rows, y, None) - net.loss(&b, rows, y, None)) / (2.0 * h)
            })
            .collect()
    }

    #[test]
    fn the_linear_gradient_matches_finite_differences_at_every_gene() {
        let net = SparseNet {
            inputs: 3,
            hidden: 4,
            output: Output::Linear,
        };
        let w = weights(&net, 0.6);
        let rows = sample(3 * 7, 5);
        let y = sample(7, 6);
        let mut g = vec![0.0; net.genes()];
        net.loss(&w, &rows, &y, Some((&mut g, Gradient::Full)));
        for (i, (a, b)) in g.iter().zip(numeric(&net, &w, &rows, &y)).enumerate() {
            assert!((a - b).abs() < 1e-7, "gene {i}: {a} vs {b}");
        }
    }

    #[test]
    fn the_tied_gradient_is_the_authors_combination_of_finite_differences() {
        let net = SparseNet {
            inputs: 4,
            hidden: 3,
            output: Output::Tied,
        };
        let w = weights(&net, 0.7);
        let rows = sample(4 * 6, 8);
        let (d, hn) = (4, 3);
        let mut g = vec![0.0; net.genes()];
        net.loss(&w, &rows, &[], Some((&mut g, Gradient::Full)));
        // The total derivative of a tied weight is encoder + decoder; split
        // them by perturbing the weight in one role at a time.
        let role = |i: usize, encoder: bool| {
            let h = 1e-6;
            let at = |delta: f64| {
                let mut e = w.clone();
                let mut dec = w[..d * hn].to_vec();
                if encoder {
                    e[i] += delta
                } else {
                    dec[i] += delta
                }
                untied_loss(&net, &e, &dec, &rows)
            };
            (at(h) - at(-h)) / (2.0 * h)
        };
        for (i, got) in g.iter().enumerate().take(d * hn) {
            let expected = tied(role(i, true), role(i, false));
            assert!(
                (got - expected).abs() < 1e-7,
                "weight {i}: {got} vs {expected}"
            );
        }
        let numeric_all = numeric(&net, &w, &rows, &[]);
        for i in d * hn..net.genes() {
            assert!((g[i] - numeric_all[i]).abs() < 1e-7, "bias {i}");
        }
    }

    /// The auto-encoder's loss with the decoder's weights apart.
    fn untied_loss(net: &SparseNet, w: &[f64], decoder: &[f64], rows: &[f64]) -> f64 {
        let (d, hn) = (net.inputs, net.hidden);
        let mut total = 0.0;
        for x in rows.chunks_exact(d) {
            let h: Vec<f64> = (0..hn)
                .map(|k| sigmoid(w[d * hn + k] + (0..d).map(|j| w[j * hn + k] * x[j]).sum::<f64>()))
                .collect();
            for j in 0..d {
                let o = sigmoid((0..hn).map(|k| decoder[j * hn + k] * h[k]).sum());
                total += (o - x[j]).powi(2);
            }
        }
        total / rows.len() as f64
    }

    #[test]
    fn the_tied_rule_cancels_opposite_signs() {
        assert_eq!(tied(0.5, 0.25), 0.75);
        assert_eq!(tied(-0.5, 0.25), 0.0);
        assert_eq!(tied(0.0, 0.0), 0.0);
        assert_eq!(tied(0.0, -0.25), -0.25);
    }

    #[test]
    fn active_gradients_agree_on_non_zero_genes_and_are_zero_elsewhere() {
        for output in [Output::Tied, Output::Linear] {
            let net = SparseNet {
                inputs: 5,
                hidden: 4,
                output,
            };
            let w = weights(&net, 0.4);
            let rows = sample(5 * 9, 2);
            let y = sample(9, 4);
            let (mut full, mut active) = (vec![0.0; net.genes()], vec![0.0; net.genes()]);
            let a = net.loss(&w, &rows, &y, Some((&mut full, Gradient::Full)));
            let b = net.loss(&w, &rows, &y, Some((&mut active, Gradient::Active)));
            assert_eq!(a, b);
            let d = net.inputs * net.hidden;
            for i in 0..d {
                if w[i] != 0.0 {
                    assert!((full[i] - active[i]).abs() < 1e-15, "{output:?} gene {i}");
                } else {
                    assert_eq!(active[i], 0.0);
                }
            }
            assert!(
                (0..d).any(|i| w[i] == 0.0 && full[i] != 0.0),
                "zero genes have a full gradient"
            );
        }
    }

    #[test]
    fn density_counts_non_zero_genes_exactly() {
        assert_eq!(SparseNet::density(&[0.0, 1.0, -2.0, 0.0]), 0.5);
        assert_eq!(SparseNet::density(&[0.0; 7]), 0.0);
        let net = SparseNet {
            inputs: 784,
            hidden: 500,
            output: Output::Tied,
        };
        assert_eq!(net.genes(), 785 * 500, "the paper's genome length");
        let b = net.bounds();
        assert_eq!(
            (b[0], b[784 * 500 - 1], b[784 * 500]),
            ((-10.0, 10.0), (-10.0, 10.0), (-20.0, 20.0))
        );
    }
}
