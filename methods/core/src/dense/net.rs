//! The network: dense layers with one hidden activation, a linear output
//! layer, softmax cross-entropy for classes or squared error for values.
//! Weights are one flat vector, layer by layer: W (outputs x inputs, row
//! major), then b. Forward and backward run one pattern at a time and add
//! into a gradient, so a mini-batch is a loop.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
}

impl Activation {
    fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Relu => z.max(0.0),
            Activation::Tanh => z.tanh(),
            Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        }
    }

    /// d activation / dz, from the activation's value a.
    fn slope(self, a: f64) -> f64 {
        match self {
            Activation::Relu => f64::from(u8::from(a > 0.0)),
            Activation::Tanh => 1.0 - a * a,
            Activation::Sigmoid => a * (1.0 - a),
        }
    }
}

/// What the output layer predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Softmax over this many classes, cross-entropy loss.
    Classes(usize),
    /// One linear value, squared-error loss.
    Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    /// Units per layer: inputs, hidden layers, outputs.
    pub sizes: Vec<usize>,
    pub activation: Activation,
    pub output: Output,
}

/// Per-pattern work space: every layer's activations and their gradients.
pub struct Scratch {
    a: Vec<Vec<f64>>,
    delta: Vec<Vec<f64>>,
}

impl Mlp {
    pub fn new(inputs: usize, hidden: &[usize], activation: Activation, output: Output) -> Mlp {
        let outputs = match output {
            Output::Classes(k) => k,
            Output::Value => 1,
        };
        let sizes = std::iter::once(inputs)
            .chain(hidden.iter().copied())
            .chain(std::iter::once(outputs))
            .collect();
        Mlp {
            sizes,
            activation,
            output,
        }
    }

    pub fn weights(&self) -> usize {
        self.sizes.windows(2).map(|w| w[1] * (w[0] + 1)).sum()
    }

    /// Offsets of each layer's W in the flat vector (b follows W).
    fn layers(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.sizes.windows(2).scan(0, |at, w| {
            let start = *at;
            *at += w[1] * (w[0] + 1);
            Some((start, w[0], w[1]))
        })
    }

    pub fn scratch(&self) -> Scratch {
        Scratch {
            a: self.sizes.iter().map(|&n| vec![0.0; n]).collect(),
            delta: self.sizes.iter().map(|&n| vec![0.0; n]).collect(),
        }
    }

    /// The output layer's values for x: logits, or the predicted value.
    pub fn forward<'s>(&self, w: &[f64], x: &[f64], s: &'s mut Scratch) -> &'s [f64] {
        s.a[0].copy_from_slice(x);
        let last = self.sizes.len() - 2;
        for (l, (start, n_in, n_out)) in self.layers().enumerate() {
            let (before, after) = s.a.split_at_mut(l + 1);
            let (input, output) = (&before[l], &mut after[0]);
            let bias = &w[start + n_in * n_out..start + (n_in + 1) * n_out];
            for (o, (row, b)) in output
                .iter_mut()
                .zip(w[start..].chunks_exact(n_in).zip(bias))
            {
                let z = b + row
                    .iter()
                    .zip(input.iter())
                    .map(|(w, a)| w * a)
                    .sum::<f64>();
                *o = if l == last {
                    z
                } else {
                    self.activation.apply(z)
                };
            }
        }
        &s.a[self.sizes.len() - 1]
    }

    /// Every layer's values for x, the inputs first and the output layer
    /// last (hidden layers after their activation): what an explainer of
    /// the network fits layer by layer.
    pub fn activations<'s>(&self, w: &[f64], x: &[f64], s: &'s mut Scratch) -> &'s [Vec<f64>] {
        self.forward(w, x, s);
        &s.a
    }

    /// The loss of one pattern (cross-entropy or squared error).
    pub fn loss(&self, w: &[f64], x: &[f64], target: f64, s: &mut Scratch) -> f64 {
        let out = self.forward(w, x, s);
        match self.output {
            Output::Classes(_) => -softmax(out)[target as usize].max(f64::MIN_POSITIVE).ln(),
            Output::Value => (out[0] - target).powi(2),
        }
    }

    /// The loss of one pattern; adds its gradient, times `scale`, into `grad`.
    /// For classes `target` is the class index.
    pub fn backward(
        &self,
        w: &[f64],
        x: &[f64],
        target: f64,
        scale: f64,
        grad: &mut [f64],
        s: &mut Scratch,
    ) -> f64 {
        let top = self.sizes.len() - 1;
        let loss = self.loss(w, x, target, s);
        // dLoss / d(output layer): p - onehot for softmax cross-entropy, 2 r for squared error.
        match self.output {
            Output::Classes(_) => {
                let p = softmax(&s.a[top]);
                for (k, (d, pk)) in s.delta[top].iter_mut().zip(p).enumerate() {
                    *d = pk - f64::from(u8::from(k == target as usize));
                }
            }
            Output::Value => s.delta[top][0] = 2.0 * (s.a[top][0] - target),
        }
        let layers: Vec<_> = self.layers().collect();
        for (l, &(start, n_in, n_out)) in layers.iter().enumerate().rev() {
            let (lower, upper) = s.delta.split_at_mut(l + 1);
            let (delta_in, delta_out) = (&mut lower[l], &upper[0]);
            let input = &s.a[l];
            let (gw, gb) = grad[start..start + (n_in + 1) * n_out].split_at_mut(n_in * n_out);
            for (row, d) in gw.chunks_exact_mut(n_in).zip(delta_out) {
                for (g, a) in row.iter_mut().zip(input) {
                    *g += scale * d * a;
                }
            }
            for (g, d) in gb.iter_mut().zip(delta_out) {
                *g += scale * d;
            }
            if l > 0 {
                for (i, di) in delta_in.iter_mut().enumerate() {
                    let back: f64 = (0..n_out)
                        .map(|k| w[start + k * n_in + i] * delta_out[k])
                        .sum();
                    *di = back * self.activation.slope(input[i]);
                }
            }
        }
        loss
    }
}

/// Probabilities from logits, shifted by the largest for stability.
pub fn softmax(logits: &[f64]) -> Vec<f64> {
    let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = logits.iter().map(|z| (z - top).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| v / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = crate::seed::rng(seed);
        crate::uniform_weights(n, 0.8, &mut rng)
    }

    /// Mean loss over a batch and its gradient, against central differences.
    fn check_gradient(net: &Mlp, targets: &[f64]) {
        let d = net.sizes[0];
        let w = pseudo_random(net.weights(), 1);
        let x = pseudo_random(d * targets.len(), 2);
        let mut s = net.scratch();
        let loss = |w: &[f64], s: &mut Scratch| -> f64 {
            let mut sink = vec![0.0; w.len()];
            x.chunks_exact(d)
                .zip(targets)
                .map(|(xi, t)| net.backward(w, xi, *t, 0.0, &mut sink, s))
                .sum::<f64>()
                / targets.len() as f64
        };
        let mut grad = vec![0.0; w.len()];
        for (xi, t) in x.chunks_exact(d).zip(targets) {
            net.backward(&w, xi, *t, 1.0 / targets.len() as f64, &mut grad, &mut s);
        }
        let h = 1e-6;
        for i in 0..w.len() {
            let (mut up, mut down) = (w.clone(), w.clone());
            up[i] += h;
            down[i] -= h;
            let numeric = (loss(&up, &mut s) - loss(&down, &mut s)) / (2.0 * h);
            assert!(
                (numeric - grad[i]).abs() <= 1e-6 * (1.0 + numeric.abs()),
                "weight {i}: analytic {} vs numeric {numeric}",
                grad[i]
            );
        }
    }

    #[test]
    fn gradients_match_central_differences_for_every_activation_and_loss() {
        for activation in [Activation::Tanh, Activation::Sigmoid, Activation::Relu] {
            let regression = Mlp::new(3, &[5, 4], activation, Output::Value);
            check_gradient(&regression, &[0.5, -1.0, 2.0, 0.1]);
            let classes = Mlp::new(3, &[6], activation, Output::Classes(3));
            check_gradient(&classes, &[0.0, 2.0, 1.0, 2.0]);
        }
    }

    #[test]
    fn the_weight_count_and_a_hand_computed_forward_pass() {
        let net = Mlp::new(2, &[2], Activation::Relu, Output::Value);
        assert_eq!(net.weights(), 2 * 3 + 3);
        // Hidden: W = [[1, -1], [0.5, 0.5]], b = [0, -1]; output: [2, 3], b = 0.25.
        let w = [1.0, -1.0, 0.5, 0.5, 0.0, -1.0, 2.0, 3.0, 0.25];
        let mut s = net.scratch();
        // x = (3, 1): hidden relu(2) = 2, relu(2 - 1) = 1; output 2*2 + 3*1 + 0.25.
        assert_eq!(net.forward(&w, &[3.0, 1.0], &mut s), &[7.25]);
        let layers = net.activations(&w, &[3.0, 1.0], &mut s);
        assert_eq!(layers, &[vec![3.0, 1.0], vec![2.0, 1.0], vec![7.25]]);
    }

    #[test]
    fn softmax_sums_to_one_and_survives_large_logits() {
        let p = softmax(&[1000.0, 1001.0, 999.0]);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert!(p[1] > p[0] && p[0] > p[2]);
    }
}
