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

/// Rows are evaluated this many at a time: each weight is read once per
/// block and applied to the block's rows side by side, which compiles to
/// vector instructions. Every row's sums still run in the order they would
/// one row at a time, so the results are the same bits.
const LANES: usize = 8;
type Lanes = [f64; LANES];

/// Up to `LANES` rows of `width` values, transposed: `out[i][b]` is value
/// `i` of row `b`; the lanes past the block's rows are 0.
fn transpose(rows: &[f64], width: usize, out: &mut Vec<Lanes>) {
    out.clear();
    out.resize(width, [0.0; LANES]);
    for (b, row) in rows.chunks_exact(width).enumerate() {
        for (lane, v) in out.iter_mut().zip(row) {
            lane[b] = *v;
        }
    }
}

/// The first `m` rows of a transposed block, row-major again.
fn untranspose(lanes: &[Lanes], m: usize, out: &mut Vec<f64>) {
    out.clear();
    out.extend((0..m).flat_map(|b| lanes.iter().map(move |l| l[b])));
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
        let (mut x, mut h, mut o, mut row) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for block in rows.chunks(LANES * self.inputs) {
            transpose(block, self.inputs, &mut x);
            self.hidden_layer(w, &lists, &x, &mut h);
            let m = block.len() / self.inputs;
            match self.output {
                Output::Tied => {
                    self.decode(&lists, &h, &mut o);
                    untranspose(&o, m, &mut row);
                    out.extend_from_slice(&row);
                }
                Output::Linear => {
                    untranspose(&h, m, &mut row);
                    out.extend(row.chunks_exact(self.hidden).map(|h| self.linear(w, h)));
                }
            }
        }
        out
    }

    /// The hidden units of a block of rows, `h[k][b]`.
    fn hidden_layer(
        &self,
        w: &[f64],
        lists: &[Vec<(usize, f64)>],
        x: &[Lanes],
        h: &mut Vec<Lanes>,
    ) {
        let bias = &w[self.inputs * self.hidden..(self.inputs + 1) * self.hidden];
        h.clear();
        h.extend(lists.iter().zip(bias).map(|(list, bias)| {
            let mut z = [0.0; LANES];
            for &(j, v) in list {
                for (z, x) in z.iter_mut().zip(&x[j]) {
                    *z += v * x;
                }
            }
            z.map(|z| sigmoid(bias + z))
        }));
    }

    /// The auto-encoder's outputs of a block, `o[j][b]`: decoder = Wᵀ.
    fn decode(&self, lists: &[Vec<(usize, f64)>], h: &[Lanes], o: &mut Vec<Lanes>) {
        o.clear();
        o.resize(self.inputs, [0.0; LANES]);
        for (list, h) in lists.iter().zip(h) {
            for &(j, v) in list {
                for (o, h) in o[j].iter_mut().zip(h) {
                    *o += v * h;
                }
            }
        }
        for o in o.iter_mut() {
            *o = o.map(sigmoid);
        }
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
        let mut total = 0.0;
        // Encoder and decoder gradients apart: the tied rule needs both.
        let mut g_enc = vec![0.0; (d + 1) * hn];
        let mut g_dec = vec![0.0; d * hn];
        let mut g_out = vec![0.0; hn];
        let want = grad.as_ref().map(|(_, mode)| *mode);
        let by_j = match want {
            Some(Gradient::Active) => by_input(w, d, hn),
            _ => Vec::new(),
        };
        let (mut x, mut h, mut o) = (Vec::new(), Vec::new(), Vec::new());
        let mut delta = vec![[0.0; LANES]; d];
        let mut dh = vec![[0.0; LANES]; hn];
        let (mut row_a, mut row_b) = (Vec::new(), Vec::new());
        for (first, block) in rows.chunks(LANES * d).enumerate() {
            let first = first * LANES;
            let m = block.len() / d;
            transpose(block, d, &mut x);
            self.hidden_layer(w, &lists, &x, &mut h);
            match self.output {
                Output::Tied => {
                    self.decode(&lists, &h, &mut o);
                    let scale = 2.0 / (n * d) as f64;
                    for b in 0..m {
                        for j in 0..d {
                            let (o, x) = (o[j][b], x[j][b]);
                            total += (o - x) * (o - x);
                            delta[j][b] = scale * (o - x) * o * (1.0 - o);
                        }
                    }
                    let Some(mode) = want else { continue };
                    for ((list, h), dh) in lists.iter().zip(&h).zip(dh.iter_mut()) {
                        let mut back = [0.0; LANES];
                        for &(j, v) in list {
                            for (back, delta) in back.iter_mut().zip(&delta[j]) {
                                *back += v * delta;
                            }
                        }
                        for b in 0..LANES {
                            dh[b] = back[b] * h[b] * (1.0 - h[b]);
                        }
                    }
                    match mode {
                        Gradient::Full => {
                            untranspose(&h, m, &mut row_a);
                            outer(&mut g_dec, &delta, &row_a, hn);
                        }
                        Gradient::Active => active_outer(&mut g_dec, &by_j, &delta, &h, m),
                    }
                }
                Output::Linear => {
                    let v = &w[(d + 1) * hn..];
                    untranspose(&h, m, &mut row_a);
                    for (b, h) in row_a.chunks_exact(hn).enumerate() {
                        let err = self.linear(w, h) - targets[first + b];
                        total += err * err;
                        if want.is_none() {
                            continue;
                        }
                        let delta = 2.0 * err / n as f64;
                        for (k, &h) in h.iter().enumerate() {
                            g_out[k] += delta * h;
                            dh[k][b] = delta * v[k] * h * (1.0 - h);
                        }
                    }
                }
            }
            let Some(mode) = want else { continue };
            let (weights, biases) = g_enc.split_at_mut(d * hn);
            for (bias, dh) in biases.iter_mut().zip(&dh) {
                for dh in &dh[..m] {
                    *bias += dh;
                }
            }
            match mode {
                Gradient::Full => {
                    untranspose(&dh, m, &mut row_b);
                    outer(weights, &x, &row_b, hn);
                }
                Gradient::Active => active_outer(weights, &by_j, &x, &dh, m),
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

/// `g[j][k] += rows[b][k] * column[j][b]` for every row `b` of a block, in
/// row order: a dense outer product, each output row kept in cache while
/// the block's rows pass over it.
fn outer(g: &mut [f64], column: &[Lanes], rows: &[f64], width: usize) {
    for (g, column) in g.chunks_exact_mut(width).zip(column) {
        for (row, c) in rows.chunks_exact(width).zip(column) {
            for (g, r) in g.iter_mut().zip(row) {
                *g += c * r;
            }
        }
    }
}

/// `g[j][k] += column[j][b] * row[k][b]` over the block's first `m` rows, in
/// row order, for the active genes only: `by_input[j]` lists the `k` whose
/// weight `w[j][k]` is not zero, so the walk is in memory order and has no
/// branch on the (random) pattern of zeros.
fn active_outer(g: &mut [f64], by_input: &[Vec<usize>], column: &[Lanes], row: &[Lanes], m: usize) {
    let width = row.len();
    for ((g, ks), column) in g.chunks_exact_mut(width).zip(by_input).zip(column) {
        for &k in ks {
            let (g, row) = (&mut g[k], &row[k]);
            for b in 0..m {
                *g += column[b] * row[b];
            }
        }
    }
}

/// For each input `j`, the hidden units `k` whose weight `w[j][k]` is not zero.
fn by_input(w: &[f64], inputs: usize, hidden: usize) -> Vec<Vec<usize>> {
    w[..inputs * hidden]
        .chunks_exact(hidden)
        .map(|row| (0..hidden).filter(|&k| row[k] != 0.0).collect())
        .collect()
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
