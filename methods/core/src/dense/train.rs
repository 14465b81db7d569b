//! Initial weights and one epoch of mini-batches, shared by every method
//! that trains a dense network (the MLP, SRNet's black boxes).

use super::net::{Activation, Mlp};
use super::optimiser::Optimiser;
use rand::RngExt;

/// He uniform for relu, Glorot uniform otherwise; biases zero.
pub fn initial_weights(net: &Mlp, rng: &mut crate::Rng) -> Vec<f64> {
    let mut w = Vec::with_capacity(net.weights());
    for pair in net.sizes.windows(2) {
        let (n_in, n_out) = (pair[0] as f64, pair[1] as f64);
        let limit = match net.activation {
            Activation::Relu => (6.0 / n_in).sqrt(),
            _ => (6.0 / (n_in + n_out)).sqrt(),
        };
        w.extend((0..pair[0] * pair[1]).map(|_| rng.random_range(-limit..limit)));
        w.extend(std::iter::repeat_n(0.0, pair[1]));
    }
    w
}

/// Row-major inputs and their targets (class indices or values).
pub struct TrainingSet<'a> {
    pub x: &'a [f64],
    pub targets: &'a [f64],
    /// Factors for the gradient of the first-layer weights of each input
    /// (the SHAP `gradient` variant); None leaves the gradient alone.
    pub first_layer: Option<&'a [f64]>,
}

/// One epoch of mini-batches in a seeded order; the mean training loss.
pub fn epoch(
    net: &Mlp,
    w: &mut [f64],
    set: &TrainingSet,
    batch_size: usize,
    lr: f64,
    optimiser: &mut Optimiser,
    rng: &mut crate::Rng,
) -> f64 {
    let (x, targets, first_layer) = (set.x, set.targets, set.first_layer);
    let d = net.sizes[0];
    let mut order: Vec<usize> = (0..targets.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let mut grad = vec![0.0; w.len()];
    let mut s = net.scratch();
    let mut total = 0.0;
    for batch in order.chunks(batch_size) {
        grad.fill(0.0);
        let scale = 1.0 / batch.len() as f64;
        for &p in batch {
            total += net.backward(
                w,
                &x[p * d..(p + 1) * d],
                targets[p],
                scale,
                &mut grad,
                &mut s,
            );
        }
        if let Some(factors) = first_layer {
            // The first layer's W comes first, one row of d inputs per unit.
            for row in grad[..net.sizes[1] * d].chunks_exact_mut(d) {
                for (g, h) in row.iter_mut().zip(factors) {
                    *g *= h;
                }
            }
        }
        optimiser.step(w, &grad, lr);
    }
    total / targets.len() as f64
}
