//! The authors' training of the sparse layer and its output (`fitness.py`,
//! `build_model.py`): Keras' SGD (lr 1e-3, momentum 0.9, Nesterov, the
//! legacy `decay` 1e-6 of the rate per batch), batches of 32 in a fresh
//! order every epoch, and `EarlyStopping(monitor="loss", min_delta=1e-5,
//! patience=10, restore_best_weights=True)` within 600 epochs.

use crate::layer::{Features, SparseNet, Weights};
use nnbench_core::Rng;
use rand::RngExt;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd {
    pub learning_rate: f64,
    pub momentum: f64,
    pub nesterov: bool,
    /// Keras' legacy decay: the rate at batch t is lr / (1 + decay t).
    pub decay: f64,
    pub batch: usize,
    pub epochs: usize,
    pub min_delta: f64,
    pub patience: usize,
}

impl Sgd {
    pub const AUTHORS: Sgd = Sgd {
        learning_rate: 1e-3,
        momentum: 0.9,
        nesterov: true,
        decay: 1e-6,
        batch: 32,
        epochs: 600,
        min_delta: 1e-5,
        patience: 10,
    };
}

/// What training gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub weights: Weights,
    /// Epochs run.
    pub epochs: usize,
    /// The lowest epoch loss seen.
    pub best_loss: f64,
    pub stopped_early: bool,
}

/// Trains `weights` of `net` on `data`. An epoch's loss is the mean of its
/// rows' losses as each batch saw them (Keras' logged `loss`). As Keras 2
/// does, the best weights are restored when training stops early; after
/// the last epoch the last weights stay.
pub fn train(
    net: &SparseNet,
    mut weights: Weights,
    data: &Features,
    sgd: &Sgd,
    rng: &mut Rng,
) -> Fit {
    let mut velocity = weights.zeros_like();
    let mut grad = weights.zeros_like();
    let mut order: Vec<usize> = (0..data.rows()).collect();
    let mut stopping = EarlyStopping::new(sgd.min_delta, sgd.patience);
    let mut iterations = 0u64;
    for epoch in 0..sgd.epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut total = 0.0;
        for batch in order.chunks(sgd.batch.max(1)) {
            total += net.loss_and_gradient(&weights, data, batch, &mut grad) * batch.len() as f64;
            let lr = sgd.learning_rate / (1.0 + sgd.decay * iterations as f64);
            iterations += 1;
            let arrays = weights
                .arrays_mut()
                .into_iter()
                .zip(velocity.arrays_mut())
                .zip(grad.arrays_mut());
            for ((w, v), g) in arrays {
                for ((w, v), &g) in w.iter_mut().zip(v.iter_mut()).zip(g.iter()) {
                    *v = sgd.momentum * *v - lr * g;
                    *w += if sgd.nesterov {
                        sgd.momentum * *v - lr * g
                    } else {
                        *v
                    };
                }
            }
        }
        let loss = total / data.rows().max(1) as f64;
        if stopping.stop(epoch, loss, &weights) {
            return Fit {
                weights: stopping.best_weights.unwrap_or(weights),
                epochs: epoch + 1,
                best_loss: stopping.best,
                stopped_early: true,
            };
        }
    }
    Fit {
        weights,
        epochs: sgd.epochs,
        best_loss: stopping.best,
        stopped_early: false,
    }
}

/// Keras 2's `EarlyStopping` in mode min: an epoch improves when its loss
/// is below the best by more than `min_delta`; after `patience` epochs
/// without one (and never at the first epoch) training stops.
#[derive(Debug, Clone)]
pub struct EarlyStopping<W> {
    min_delta: f64,
    patience: usize,
    wait: usize,
    pub best: f64,
    pub best_weights: Option<W>,
}

impl<W: Clone> EarlyStopping<W> {
    pub fn new(min_delta: f64, patience: usize) -> Self {
        EarlyStopping {
            min_delta,
            patience,
            wait: 0,
            best: f64::INFINITY,
            best_weights: None,
        }
    }

    /// Takes epoch `epoch`'s loss and weights; true when training stops.
    pub fn stop(&mut self, epoch: usize, loss: f64, weights: &W) -> bool {
        self.wait += 1;
        if loss < self.best - self.min_delta {
            self.best = loss;
            self.best_weights = Some(weights.clone());
            self.wait = 0;
        }
        self.wait >= self.patience && epoch > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Mode;
    use nnbench_core::seed::rng;

    /// Two classes split by the sign of the first feature.
    fn separable(rows: usize, rng: &mut Rng) -> Features {
        let d = 3;
        let x: Vec<f64> = (0..rows * d).map(|_| rng.random_range(-1.0..1.0)).collect();
        let y = (0..rows).map(|r| usize::from(x[r * d] > 0.0)).collect();
        Features { d, x, y }
    }

    #[test]
    fn training_learns_a_separable_task_and_stops_early_when_the_loss_settles() {
        let mut r = rng(7);
        let data = separable(200, &mut r);
        let net = SparseNet {
            d: 3,
            h: 8,
            k: 2,
            mode: Mode::First,
            mask: vec![true; 3],
        };
        let w = Weights::glorot(3, 8, 2, &mut r);
        let sgd = Sgd {
            learning_rate: 0.05,
            epochs: 400,
            ..Sgd::AUTHORS
        };
        let fit = train(&net, w, &data, &sgd, &mut r);
        let logits = net.logits(&fit.weights, &data);
        let right = (0..data.rows())
            .filter(|&i| usize::from(logits[2 * i + 1] > logits[2 * i]) == data.y[i])
            .count();
        assert!(right >= 190, "{right} of 200");
        // With the feature that decides the class masked, nothing is learnt
        // and the loss stops improving: early stopping ends the run.
        let blind = SparseNet {
            mask: vec![false, true, true],
            ..net
        };
        let fit = train(
            &blind,
            Weights::glorot(3, 8, 2, &mut r),
            &data,
            &sgd,
            &mut r,
        );
        assert!(
            fit.stopped_early && fit.epochs < 400,
            "{} epochs",
            fit.epochs
        );
    }

    #[test]
    fn early_stopping_keeps_the_best_and_waits_its_patience() {
        let mut stopping = EarlyStopping::new(1e-5, 3);
        // Epoch 2 improves by less than min_delta: not an improvement.
        let losses = [1.0, 0.5, 0.499_995, 0.6, 0.7];
        let stops: Vec<bool> = losses
            .iter()
            .enumerate()
            .map(|(epoch, &loss)| stopping.stop(epoch, loss, &epoch))
            .collect();
        assert_eq!(stops, [false, false, false, false, true]);
        assert_eq!((stopping.best, stopping.best_weights), (0.5, Some(1)));
        // Patience 1 never stops at the first epoch.
        let mut eager = EarlyStopping::new(0.0, 1);
        assert!(!eager.stop(0, f64::NAN, &0));
        assert!(eager.stop(1, f64::NAN, &1));
        assert_eq!(eager.best_weights, None);
    }
}
