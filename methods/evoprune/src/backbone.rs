//! The frozen feature extractor, made here: the paper's is a ResNet-50
//! with ImageNet weights, which this machine can neither download nor run
//! at that scale. This one is a ReLU layer with a softmax head, trained
//! with a fixed seed on a source task (Fashion-MNIST, say) by the same SGD
//! as the pruned layer, then frozen: its activations are the features the
//! sparse layer reads, for the target task and its out-of-distribution
//! rows alike.

use crate::layer::{Features, Mode, SparseNet, Weights};
use crate::sgd::{Sgd, train};
use nnbench_core::seed;

#[derive(Debug, Clone, PartialEq)]
pub struct Backbone {
    net: SparseNet,
    weights: Weights,
}

impl Backbone {
    /// Trains `hidden` units (and a head of `classes`) on `source`.
    pub fn pretrain(
        source: &Features,
        classes: usize,
        hidden: usize,
        sgd: &Sgd,
        seed_: u64,
    ) -> Backbone {
        let net = SparseNet {
            d: source.d,
            h: hidden,
            k: classes,
            mode: Mode::First,
            mask: vec![true; source.d],
        };
        let mut rng = seed::rng(seed_);
        let initial = Weights::glorot(net.d, net.h, net.k, &mut rng);
        let weights = train(&net, initial, source, sgd, &mut rng).weights;
        Backbone { net, weights }
    }

    /// The inputs the backbone reads.
    pub fn inputs(&self) -> usize {
        self.net.d
    }

    /// The features it gives.
    pub fn outputs(&self) -> usize {
        self.net.h
    }

    /// The features of `rows` (row-major, `inputs()` each): `outputs()` each.
    pub fn features(&self, rows: &[f64]) -> Vec<f64> {
        let n = rows.len() / self.net.d.max(1);
        let data = Features {
            d: self.net.d,
            x: rows.to_vec(),
            y: vec![0; n],
        };
        self.net.activations(&self.weights, &data)
    }

    /// The source task's accuracy of the backbone with its head, on `data`.
    pub fn accuracy(&self, data: &Features) -> f64 {
        crate::fitness::accuracy(&self.net.logits(&self.weights, data), self.net.k, &data.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;
    use rand::RngExt;

    #[test]
    fn a_pretrained_backbone_learns_its_source_and_gives_fixed_features() {
        let mut r = rng(41);
        let d = 5;
        let x: Vec<f64> = (0..300 * d).map(|_| r.random_range(-1.0..1.0)).collect();
        let y = (0..300)
            .map(|i| usize::from(x[i * d] + x[i * d + 1] > 0.0))
            .collect();
        let source = Features { d, x, y };
        let sgd = Sgd {
            learning_rate: 0.05,
            epochs: 60,
            ..Sgd::AUTHORS
        };
        let backbone = Backbone::pretrain(&source, 2, 8, &sgd, 7);
        assert!(
            backbone.accuracy(&source) > 0.9,
            "{}",
            backbone.accuracy(&source)
        );
        let features = backbone.features(&source.x[..2 * d]);
        assert_eq!(features.len(), 2 * backbone.outputs());
        assert!(features.iter().all(|&f| f >= 0.0));
        // Frozen and seeded: the same seed gives the same backbone.
        assert_eq!(Backbone::pretrain(&source, 2, 8, &sgd, 7), backbone);
    }
}
