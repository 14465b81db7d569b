//! The network an explainer explains: a dense MLP the harness trains once
//! per cell from the dataset's declared settings and a seed every
//! explainer of that cell shares, then hands to the explainer through the
//! [`crate::Problem`]. An explainer reads its layers' activations and
//! queries it at points of its own; the harness scores the explainer's
//! surrogate against it.

use crate::data::Patterns;
use crate::dense::{Activation, Mlp, Optimiser, Output, Rule, TrainingSet, epoch, initial_weights};
use crate::method::{Model, ParamError, check};
use crate::seed::Rng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimiserKind {
    Sgd,
    Adam,
}

/// How the black box is trained: the settings each SRNet benchmark's
/// `settings.json` records (algorithms.md 8a.1), for a dataset declared
/// with `blackbox = { ... }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlackBoxSpec {
    /// Units of each hidden layer.
    pub hidden: Vec<usize>,
    #[serde(default = "sigmoid")]
    pub activation: Activation,
    pub optimiser: OptimiserKind,
    pub learning_rate: f64,
    pub epochs: usize,
    #[serde(default = "batch")]
    pub batch: usize,
}

fn sigmoid() -> Activation {
    Activation::Sigmoid
}

fn batch() -> usize {
    300
}

impl BlackBoxSpec {
    pub fn check(&self) -> Result<(), ParamError> {
        use crate::method::check::{MAX_SAMPLES, MAX_STEPS, MAX_UNITS};
        check::count("blackbox.hidden", self.hidden.len(), 1, 100)?;
        for &units in &self.hidden {
            check::count("blackbox.hidden", units, 1, MAX_UNITS)?;
        }
        check::positive("blackbox.learning_rate", self.learning_rate)?;
        check::count("blackbox.epochs", self.epochs, 1, MAX_STEPS)?;
        check::count("blackbox.batch", self.batch, 1, MAX_SAMPLES)
    }

    /// The network trained on `data` (its targets, or their classes among
    /// `classes`) by plain mini-batch SGD or Adam, PyTorch's defaults, for
    /// `epochs` epochs: MSE for values, softmax cross-entropy for classes.
    pub fn train(&self, data: &Patterns, classes: Option<&[f64]>, rng: &mut Rng) -> BlackBox {
        let output = classes.map_or(Output::Value, |c| Output::Classes(c.len()));
        let net = Mlp::new(data.inputs(), &self.hidden, self.activation, output);
        let mut weights = initial_weights(&net, rng);
        let rule = match self.optimiser {
            OptimiserKind::Sgd => Rule::Sgd { momentum: 0.0 },
            OptimiserKind::Adam => Rule::Adam {
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8,
            },
        };
        let mut optimiser = Optimiser::new(rule, weights.len());
        let targets: Vec<f64> = match classes {
            None => data.targets().to_vec(),
            Some(c) => data
                .targets()
                .iter()
                .map(|t| c.iter().position(|l| l == t).unwrap_or(0) as f64)
                .collect(),
        };
        let rows = data.rows();
        let set = TrainingSet {
            x: &rows,
            targets: &targets,
            first_layer: None,
        };
        for _ in 0..self.epochs {
            epoch(
                &net,
                &mut weights,
                &set,
                self.batch,
                self.learning_rate,
                &mut optimiser,
                rng,
            );
        }
        BlackBox {
            net,
            weights,
            labels: classes.map(<[f64]>::to_vec),
        }
    }
}

/// A trained network with fixed weights.
#[derive(Debug, Clone, PartialEq)]
pub struct BlackBox {
    net: Mlp,
    weights: Vec<f64>,
    /// The class labels, for a classifier.
    labels: Option<Vec<f64>>,
}

impl BlackBox {
    /// Units per layer, the inputs first.
    pub fn sizes(&self) -> &[usize] {
        &self.net.sizes
    }

    /// The class labels of a classifier; None for regression.
    pub fn labels(&self) -> Option<&[f64]> {
        self.labels.as_deref()
    }

    /// Every layer after the inputs at each pattern, as columns: per layer,
    /// per unit, the unit's value at every pattern (hidden layers after
    /// their activation, the output layer's values or logits).
    pub fn layers(&self, data: &Patterns) -> Vec<Vec<Vec<f64>>> {
        let rows = data.rows();
        let sizes = &self.net.sizes;
        let mut out: Vec<Vec<Vec<f64>>> = sizes[1..]
            .iter()
            .map(|&n| vec![Vec::with_capacity(data.len()); n])
            .collect();
        let mut s = self.net.scratch();
        for x in rows.chunks_exact(sizes[0].max(1)).take(data.len()) {
            let layers = self.net.activations(&self.weights, x, &mut s);
            for (columns, values) in out.iter_mut().zip(&layers[1..]) {
                for (column, v) in columns.iter_mut().zip(values) {
                    column.push(*v);
                }
            }
        }
        out
    }

    /// The outputs at row-major points: the value, or the class label.
    pub fn predict(&self, rows: &[f64]) -> Vec<f64> {
        match &self.labels {
            None => self.map(rows, |out| out[0]),
            Some(labels) => self.classes(rows).into_iter().map(|c| labels[c]).collect(),
        }
    }

    /// A classifier's class index at row-major points (the largest logit).
    pub fn classes(&self, rows: &[f64]) -> Vec<usize> {
        self.map(rows, crate::metrics::argmax)
    }

    /// A classifier's class probabilities at row-major points (the
    /// softmax of its logits), row-major.
    pub fn probabilities(&self, rows: &[f64]) -> Vec<f64> {
        self.map(rows, crate::dense::softmax).concat()
    }

    fn map<T>(&self, rows: &[f64], f: impl Fn(&[f64]) -> T) -> Vec<T> {
        let mut s = self.net.scratch();
        rows.chunks_exact(self.net.sizes[0].max(1))
            .map(|x| f(self.net.forward(&self.weights, x, &mut s)))
            .collect()
    }
}

impl Model for BlackBox {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        self.predict(&data.rows())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::rng;

    fn spec(optimiser: OptimiserKind) -> BlackBoxSpec {
        BlackBoxSpec {
            hidden: vec![4, 3],
            activation: Activation::Sigmoid,
            optimiser,
            learning_rate: 0.05,
            epochs: 300,
            batch: 300,
        }
    }

    #[test]
    fn it_learns_a_line_and_its_layers_are_its_forward_pass() {
        let x: Vec<f64> = (0..40).map(|i| i as f64 / 20.0 - 1.0).collect();
        let y: Vec<f64> = x.iter().map(|v| 0.5 * v + 0.2).collect();
        let data = Patterns::from_rows(1, &x, &y);
        let bb = spec(OptimiserKind::Adam).train(&data, None, &mut rng(3));
        let out = bb.outputs(&data);
        let mse = out
            .iter()
            .zip(&y)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            / 40.0;
        assert!(mse < 1e-3, "mse {mse}");
        let layers = bb.layers(&data);
        assert_eq!(layers.len(), 3);
        assert_eq!(layers.iter().map(Vec::len).collect::<Vec<_>>(), [4, 3, 1]);
        assert_eq!(layers[2][0], out);
        // Sigmoid units lie in (0, 1).
        assert!(layers[0].iter().flatten().all(|&a| a > 0.0 && a < 1.0));
        // Same seed, same bits.
        assert_eq!(
            spec(OptimiserKind::Adam).train(&data, None, &mut rng(3)),
            bb
        );
    }

    #[test]
    fn a_classifier_predicts_labels() {
        let x: Vec<f64> = (0..40).map(|i| i as f64 / 20.0 - 1.0).collect();
        let y: Vec<f64> = x.iter().map(|&v| if v < 0.0 { 3.0 } else { 7.0 }).collect();
        let data = Patterns::from_rows(1, &x, &y);
        let mut s = spec(OptimiserKind::Adam);
        s.epochs = 1000;
        let bb = s.train(&data, Some(&[3.0, 7.0]), &mut rng(1));
        let agree = bb
            .outputs(&data)
            .iter()
            .zip(&y)
            .filter(|(a, b)| a == b)
            .count();
        assert!(agree >= 38, "{agree} of 40");
        assert_eq!(bb.layers(&data)[2].len(), 2, "two logits");
        let p = bb.probabilities(&x);
        let classes = bb.classes(&x);
        for (i, pair) in p.chunks(2).enumerate() {
            assert!((pair[0] + pair[1] - 1.0).abs() < 1e-12);
            assert_eq!(classes[i], usize::from(pair[1] > pair[0]));
        }
    }

    #[test]
    fn bad_settings_name_their_key() {
        let mut s = spec(OptimiserKind::Sgd);
        s.hidden = vec![3, 0];
        assert_eq!(s.check().unwrap_err().key, "blackbox.hidden");
        let mut s = spec(OptimiserKind::Sgd);
        s.learning_rate = 0.0;
        assert_eq!(s.check().unwrap_err().key, "blackbox.learning_rate");
    }
}
