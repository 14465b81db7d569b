//! The three objectives of a mask, all minimised, in the order the
//! harness's fronts take (density first, then the error): the fraction of
//! active units, 1 - accuracy on the validation rows, and 1 - AUROC of telling
//! the validation rows (in distribution) from the out-of-distribution rows
//! by their maximum softmax at temperature T. Each new mask trains the
//! layer from its own seed (a function of the run's seed and the mask, so
//! a mask gives the same network whenever it is met); the cache keeps all
//! three objectives and the weights (the authors' cache kept only the
//! first, leaving the third unset on a hit).

use crate::auroc::{auroc, max_softmax};
use crate::layer::{Features, Mode, SparseNet, Weights, argmax};
use crate::mask::{Mask, density};
use crate::sgd::{Sgd, train};
use nnbench_core::seed;
use std::collections::HashMap;
use std::sync::Arc;

/// What every evaluation shares.
#[derive(Debug, Clone)]
pub struct Task<'a> {
    pub train: &'a Features,
    pub validation: &'a Features,
    /// Out-of-distribution rows, of the same width as the others.
    pub ood: &'a Features,
    pub classes: usize,
    pub hidden: usize,
    pub mode: Mode,
    pub sgd: Sgd,
    pub temperature: f64,
    pub seed: u64,
}

impl Task<'_> {
    /// The genome's length: features in mode first, hidden units in second.
    pub fn genome_len(&self) -> usize {
        match self.mode {
            Mode::First => self.train.d,
            Mode::Second => self.hidden,
        }
    }

    pub fn net(&self, mask: &[bool]) -> SparseNet {
        SparseNet {
            d: self.train.d,
            h: self.hidden,
            k: self.classes,
            mode: self.mode,
            mask: mask.to_vec(),
        }
    }
}

/// A trained mask.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub objectives: Vec<f64>,
    pub weights: Arc<Weights>,
    pub epochs: usize,
}

/// The objectives of masks, trained once each.
#[derive(Debug)]
pub struct Fitness<'a> {
    pub task: Task<'a>,
    cache: HashMap<Mask, Evaluated>,
    /// Masks trained (cache misses).
    pub trained: usize,
    /// Their epochs, summed.
    pub epochs: u64,
}

impl<'a> Fitness<'a> {
    pub fn new(task: Task<'a>) -> Self {
        Fitness {
            task,
            cache: HashMap::new(),
            trained: 0,
            epochs: 0,
        }
    }

    /// The evaluation of `mask`, from the cache when it was met before.
    pub fn evaluate(&mut self, mask: &Mask) -> &Evaluated {
        if !self.cache.contains_key(mask) {
            let evaluated = self.train(mask);
            self.trained += 1;
            self.epochs += evaluated.epochs as u64;
            self.cache.insert(mask.clone(), evaluated);
        }
        &self.cache[mask]
    }

    fn train(&self, mask: &Mask) -> Evaluated {
        let t = &self.task;
        let bits: String = mask.iter().map(|&b| if b { '1' } else { '0' }).collect();
        let mut rng = seed::rng(seed::derive(t.seed, &["mask", &bits]));
        let net = t.net(mask);
        let initial = Weights::glorot(net.d, net.h, net.k, &mut rng);
        let fit = train(&net, initial, t.train, &t.sgd, &mut rng);
        Evaluated {
            objectives: objectives(&net, &fit.weights, t.validation, t.ood, t.temperature),
            weights: Arc::new(fit.weights),
            epochs: fit.epochs,
        }
    }
}

/// [density, 1 - accuracy on `validation`, 1 - AUROC of `validation`
/// against `ood`].
pub fn objectives(
    net: &SparseNet,
    w: &Weights,
    validation: &Features,
    ood: &Features,
    temperature: f64,
) -> Vec<f64> {
    let logits = net.logits(w, validation);
    vec![
        density(&net.mask),
        1.0 - accuracy(&logits, net.k, &validation.y),
        1.0 - auroc(
            &max_softmax(&logits, net.k, temperature),
            &max_softmax(&net.logits(w, ood), net.k, temperature),
        )
        .unwrap_or(0.5),
    ]
}

/// The share of rows whose highest logit is their class (the first of
/// equal highest logits, as numpy's argmax).
pub fn accuracy(logits: &[f64], k: usize, y: &[usize]) -> f64 {
    let right = logits
        .chunks(k)
        .zip(y)
        .filter(|&(row, &class)| argmax(row) == class)
        .count();
    right as f64 / y.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;
    use rand::RngExt;

    fn features(rows: usize, d: usize, shift: f64, r: &mut nnbench_core::Rng) -> Features {
        let x: Vec<f64> = (0..rows * d)
            .map(|i| r.random_range(-1.0..1.0) + if i % d == 0 { shift } else { 0.0 })
            .collect();
        let y = (0..rows).map(|i| usize::from(x[i * d] > shift)).collect();
        Features { d, x, y }
    }

    #[test]
    fn the_cache_returns_all_three_objectives_without_training_again() {
        let mut r = rng(11);
        let (train, validation) = (features(60, 4, 0.0, &mut r), features(30, 4, 0.0, &mut r));
        let ood = features(30, 4, 6.0, &mut r);
        let sgd = Sgd {
            epochs: 20,
            learning_rate: 0.05,
            ..Sgd::AUTHORS
        };
        let mut fitness = Fitness::new(Task {
            train: &train,
            validation: &validation,
            ood: &ood,
            classes: 2,
            hidden: 6,
            mode: Mode::First,
            sgd,
            temperature: 1000.0,
            seed: 3,
        });
        let mask = vec![true, false, true, true];
        let first = fitness.evaluate(&mask).clone();
        assert_eq!(first.objectives.len(), 3);
        assert!(
            first.objectives.iter().all(|o| (0.0..=1.0).contains(o)),
            "{:?}",
            first.objectives
        );
        assert_eq!(first.objectives[0], 0.75);
        let again = fitness.evaluate(&mask).clone();
        assert_eq!((again, fitness.trained), (first.clone(), 1));
        // The same mask in a new cache trains to the same bits.
        let mut fresh = Fitness::new(fitness.task.clone());
        assert_eq!(fresh.evaluate(&mask), &first);
    }

    #[test]
    fn accuracy_takes_the_first_of_equal_logits() {
        let logits = [0.1, 0.9, 0.5, 0.5, 2.0, -1.0];
        assert_eq!(accuracy(&logits, 2, &[1, 0, 0]), 1.0);
        assert_eq!(accuracy(&logits, 2, &[1, 1, 1]), 1.0 / 3.0);
    }
}
