//! MLP: a general multilayer perceptron trained by mini-batch SGD (with
//! momentum) or Adam under a learning-rate schedule (constant, step decay,
//! exponential annealing), the base of the SHAP-informed methods of Graham
//! & Sheng (2025). Softmax cross-entropy when the task has classes, mean
//! squared error otherwise. The paper's architecture, batch size, epochs
//! and rates are not available (algorithms.md section 7): the defaults here
//! are common choices, named as such.

mod shap;

pub use nnbench_core::dense::{
    Activation, Mlp, Optimiser, Output, Rule, Schedule, TrainingSet, epoch, initial_weights,
    softmax,
};
pub use nnbench_core::{TargetMap, TargetScaling};
pub use shap::{ExplainerKind, Form, ShapMode, ShapSettings, importances};

use nnbench_core::{
    Method, MethodParams, Model, ParamError, Patterns, Problem, Seeds, Shape, StopReason, Trained,
    check,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimiserName {
    Sgd,
    Adam,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleName {
    Constant,
    Step,
    Exponential,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MlpParams {
    /// Units per hidden layer, comma-separated (our choice: "32,16"). A
    /// string, because a list in an experiment file is a grid axis.
    pub hidden: String,
    pub activation: Activation,
    pub optimiser: OptimiserName,
    /// eta0 (our choice: 0.001, Adam's usual rate).
    pub learning_rate: f64,
    /// SGD only.
    pub momentum: f64,
    /// Adam only.
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    pub schedule: ScheduleName,
    /// Step decay and exponential annealing factor.
    pub gamma: f64,
    /// Step decay: epochs between decays.
    pub step_every: usize,
    pub epochs: usize,
    pub batch_size: usize,
    /// Regression only: train on standardised targets (default) or raw ones;
    /// outputs, loss and metrics are always in the data's units.
    pub target_scaling: TargetScaling,
    /// SHAP-informed learning rates: none (plain training), global or gradient.
    pub shap: ShapMode,
    /// Recompute the importances at epochs 0, shap_every, 2 shap_every, ...
    pub shap_every: usize,
    pub shap_explainer: ExplainerKind,
    /// Kernel SHAP coalitions or permutation orders per explained row.
    pub shap_samples: usize,
    /// Training rows explained per recomputation.
    pub shap_explain: usize,
    /// Background rows of the interventional expectation.
    pub shap_background: usize,
    pub shap_lambda: f64,
    /// g and h: one_plus (1 + lambda ...) or scaled (lambda d ...).
    pub shap_form: Form,
}

impl Default for MlpParams {
    fn default() -> Self {
        MlpParams {
            hidden: "32,16".into(),
            activation: Activation::Relu,
            optimiser: OptimiserName::Adam,
            learning_rate: 0.001,
            momentum: 0.9,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            schedule: ScheduleName::Constant,
            gamma: 0.5,
            step_every: 20,
            epochs: 100,
            batch_size: 32,
            target_scaling: TargetScaling::Standard,
            shap: ShapMode::None,
            shap_every: 5,
            shap_explainer: ExplainerKind::Kernel,
            shap_samples: 32,
            shap_explain: 32,
            shap_background: 32,
            shap_lambda: 1.0,
            shap_form: Form::OnePlus,
        }
    }
}

impl MlpParams {
    pub fn schedule(&self) -> Schedule {
        match self.schedule {
            ScheduleName::Constant => Schedule::Constant,
            ScheduleName::Step => Schedule::Step {
                gamma: self.gamma,
                every: self.step_every,
            },
            ScheduleName::Exponential => Schedule::Exponential { gamma: self.gamma },
        }
    }

    /// The hidden layer sizes of `hidden`.
    pub fn layers(&self) -> Result<Vec<usize>, ParamError> {
        let sizes: Option<Vec<usize>> = self
            .hidden
            .split(',')
            .map(|n| {
                n.trim()
                    .parse()
                    .ok()
                    .filter(|&n| (1..=check::MAX_UNITS).contains(&n))
            })
            .collect();
        sizes.ok_or_else(|| {
            ParamError::new(
                "hidden",
                format!("{:?}", self.hidden),
                format!(
                    "must list layer sizes from 1 to {} separated by commas, e.g. \"32,16\"",
                    check::MAX_UNITS
                ),
            )
        })
    }

    pub fn shap_settings(&self) -> ShapSettings {
        ShapSettings {
            mode: self.shap,
            every: self.shap_every,
            explainer: self.shap_explainer,
            samples: self.shap_samples,
            explain: self.shap_explain,
            background: self.shap_background,
            lambda: self.shap_lambda,
            form: self.shap_form,
        }
    }

    pub fn rule(&self) -> Rule {
        match self.optimiser {
            OptimiserName::Sgd => Rule::Sgd {
                momentum: self.momentum,
            },
            OptimiserName::Adam => Rule::Adam {
                beta1: self.beta1,
                beta2: self.beta2,
                epsilon: self.epsilon,
            },
        }
    }
}

impl MethodParams for MlpParams {
    const NAME: &'static str = "MLP";
    const SUMMARY: &'static str = "A multilayer perceptron, mini-batch SGD (momentum) or Adam, constant / step-decay / exponential learning rate; softmax cross-entropy or MSE";
    // 2: regression targets standardised for training.
    // 3: spend counted in passes over the training part: an epoch is one
    //    objective and one gradient pass, SHAP's model evaluations are
    //    charged as passes (results unchanged, the counts move).
    const VERSION: u32 = 3;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        let layers = self.layers()?;
        check::positive("learning_rate", self.learning_rate)?;
        check::fraction("momentum", self.momentum)?;
        check::fraction("beta1", self.beta1)?;
        check::fraction("beta2", self.beta2)?;
        check::positive("epsilon", self.epsilon)?;
        check::positive("gamma", self.gamma)?;
        check::count("step_every", self.step_every, 1, check::MAX_STEPS)?;
        check::count("epochs", self.epochs, 1, check::MAX_STEPS)?;
        check::count("batch_size", self.batch_size, 1, check::MAX_SAMPLES)?;
        check::count("shap_every", self.shap_every, 1, check::MAX_STEPS)?;
        check::count("shap_samples", self.shap_samples, 1, check::MAX_SAMPLES)?;
        check::count("shap_explain", self.shap_explain, 1, check::MAX_SAMPLES)?;
        check::count(
            "shap_background",
            self.shap_background,
            1,
            check::MAX_SAMPLES,
        )?;
        check::non_negative("shap_lambda", self.shap_lambda)?;
        Ok(Box::new(Trainer {
            params: self.clone(),
            layers,
        }))
    }
}

/// A trained MLP; for classes it outputs the label of the most probable one.
pub struct MlpModel {
    pub net: Mlp,
    pub weights: Vec<f64>,
    pub classes: Option<Vec<f64>>,
    /// From the network's output to the data's units (regression).
    pub target: TargetMap,
    pub shap: ShapRecord,
}

/// What the Shapley computations of a run cost.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ShapRecord {
    pub seconds: f64,
    pub evaluations: u64,
    pub recomputations: u64,
}

impl MlpModel {
    /// The network's raw outputs for every pattern (logits or values).
    pub fn raw(&self, data: &Patterns) -> Vec<Vec<f64>> {
        let mut s = self.net.scratch();
        data.rows()
            .chunks_exact(data.inputs().max(1))
            .map(|x| self.net.forward(&self.weights, x, &mut s).to_vec())
            .collect()
    }
}

impl Model for MlpModel {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        self.raw(data)
            .iter()
            .map(|o| match &self.classes {
                Some(labels) => {
                    let best = (0..o.len()).fold(0, |b, k| if o[k] > o[b] { k } else { b });
                    labels[best]
                }
                None => self.target.decode(o[0]),
            })
            .collect()
    }

    /// Mean cross-entropy (classes) or mean squared error (values, in the
    /// data's units: the squared scale undoes the standardisation).
    fn loss(&self, data: &Patterns) -> Option<f64> {
        let (targets, unit) = match &self.classes {
            Some(labels) => (class_indices(data.targets(), labels), 1.0),
            None => (
                self.target.encode_all(data.targets()),
                self.target.scale.powi(2),
            ),
        };
        let mut s = self.net.scratch();
        let x = data.rows();
        let total: f64 = x
            .chunks_exact(data.inputs().max(1))
            .zip(&targets)
            .map(|(xi, t)| self.net.loss(&self.weights, xi, *t, &mut s))
            .sum();
        Some(unit * total / targets.len().max(1) as f64)
    }

    fn notes(&self) -> Vec<(&'static str, f64)> {
        if self.shap.recomputations == 0 {
            return Vec::new();
        }
        vec![
            ("shap_seconds", self.shap.seconds),
            ("shap_evaluations", self.shap.evaluations as f64),
            ("shap_recomputations", self.shap.recomputations as f64),
        ]
    }
}

/// Class index of each target: the nearest label.
pub fn class_indices(y: &[f64], labels: &[f64]) -> Vec<f64> {
    y.iter()
        .map(|t| {
            let k = (0..labels.len())
                .min_by(|&a, &b| (labels[a] - t).abs().total_cmp(&(labels[b] - t).abs()))
                .unwrap_or(0);
            k as f64
        })
        .collect()
}

/// The checked parameters with the hidden layers parsed: only `build` makes
/// one, so only checked values train.
struct Trainer {
    params: MlpParams,
    layers: Vec<usize>,
}

impl Method for Trainer {
    /// The weights with their gradient and the optimiser's moments, a
    /// batch's activations of every layer, and SHAP's coalitions.
    fn footprint(&self, shape: Shape) -> f64 {
        let p = &self.params;
        let widths: Vec<f64> = std::iter::once(shape.inputs)
            .chain(self.layers.iter().copied())
            .chain(std::iter::once(shape.outputs.max(1)))
            .map(|w| w as f64)
            .collect();
        let weights: f64 = widths.windows(2).map(|w| (w[0] + 1.0) * w[1]).sum();
        let batch = p.batch_size.min(shape.rows.max(1)) as f64;
        let shap = match p.shap {
            ShapMode::None => 0.0,
            _ => (p.shap_samples * (shape.inputs + p.shap_background)) as f64,
        };
        4.0 * weights + 2.0 * batch * widths.iter().sum::<f64>() + shap
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let p = &self.params;
        let data = problem.data();
        let classes = problem.classes().map(<[f64]>::to_vec);
        let (output, target, targets) = match &classes {
            Some(labels) => (
                Output::Classes(labels.len()),
                TargetMap::IDENTITY,
                class_indices(data.targets(), labels),
            ),
            None => {
                let map = TargetMap::fit(p.target_scaling, data.targets());
                (Output::Value, map, map.encode_all(data.targets()))
            }
        };
        let net = Mlp::new(data.inputs(), &self.layers, p.activation, output);
        let mut rng = seeds.run();
        let mut w = initial_weights(&net, &mut rng);
        let x = data.rows();
        let mut optimiser = Optimiser::new(p.rule(), w.len());
        let schedule = p.schedule();
        let shap = p.shap_settings();
        let (mut record, mut lr_factor, mut factors) = (ShapRecord::default(), 1.0, None);
        let mut stop = StopReason::MaxIterations;
        for t in 0..p.epochs {
            if shap.mode != ShapMode::None && t % shap.every == 0 {
                let started = std::time::Instant::now();
                let (s, evaluations) = importances(&net, &w, &x, &shap, &mut rng);
                record.seconds += started.elapsed().as_secs_f64();
                record.evaluations += evaluations;
                // Row evaluations, charged as whole passes over the training part.
                problem.charge(evaluations.div_ceil(data.len().max(1) as u64), 0);
                record.recomputations += 1;
                match shap.mode {
                    ShapMode::Global => lr_factor = shap.global_factor(&s),
                    ShapMode::Gradient => factors = Some(shap.gradient_factors(&s)),
                    ShapMode::None => {}
                }
            }
            let set = TrainingSet {
                x: &x,
                targets: &targets,
                first_layer: factors.as_deref(),
            };
            let lr = schedule.rate(p.learning_rate, t) * lr_factor;
            let loss = epoch(
                &net,
                &mut w,
                &set,
                p.batch_size,
                lr,
                &mut optimiser,
                &mut rng,
            );
            // An epoch is one pass of objective and gradient over the training part.
            problem.charge(1, 1);
            if !loss.is_finite() || w.iter().any(|v| !v.is_finite()) {
                stop = StopReason::NonFinite;
                break;
            }
            if problem.exhausted() {
                stop = StopReason::BudgetExhausted;
                break;
            }
        }
        Trained {
            model: Box::new(MlpModel {
                net,
                weights: w,
                classes,
                target,
                shap: record,
            }),
            stop,
        }
    }
}

#[cfg(test)]
mod tests;
