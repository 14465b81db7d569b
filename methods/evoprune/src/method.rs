//! EVOPRUNE, the method experiments name: the search of [`crate::prune`]
//! on the cell's training part. Adapted where the harness's protocol
//! requires: the authors score accuracy and AUROC on the test fold while
//! searching; here the search scores them on a seeded, stratified
//! `validation` share of the training part, so the test part stays unseen.
//! Its result is the last population's first front; `member` picks the one
//! the error tables show.

use crate::fitness::{Task, objectives};
use crate::layer::{Features, Mode, SparseNet, Weights, argmax};
use crate::prune::{Search, prune};
use crate::sgd::Sgd;
use nnbench_core::{
    Front, Member, MemberRule, Method, MethodParams, Model, ParamError, Patterns, Problem, Seeds,
    Shape, StopReason, Trained, check,
};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModeName {
    First,
    Second,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvopruneParams {
    /// `first`: the mask removes input features of the sparse layer (the
    /// authors' configuration); `second`: its hidden units.
    pub mode: ModeName,
    /// Units of the sparse layer (the authors' 512).
    pub hidden: usize,
    pub population: usize,
    /// Fitness evaluations, the initial population's included.
    pub evaluations: usize,
    /// T of the maximum-softmax score (ODIN's 1000).
    pub temperature: f64,
    /// The share of the training part the search scores on.
    pub validation: f64,
    pub learning_rate: f64,
    pub momentum: f64,
    pub decay: f64,
    pub batch: usize,
    /// At most this many epochs per evaluation (the authors' 600).
    pub epochs: usize,
    pub patience: usize,
    pub min_delta: f64,
    pub member: MemberRule,
}

impl Default for EvopruneParams {
    fn default() -> Self {
        let (search, sgd) = (Search::AUTHORS, Sgd::AUTHORS);
        EvopruneParams {
            mode: ModeName::First,
            hidden: 512,
            population: search.population,
            evaluations: search.evaluations,
            temperature: 1000.0,
            validation: 0.2,
            learning_rate: sgd.learning_rate,
            momentum: sgd.momentum,
            decay: sgd.decay,
            batch: sgd.batch,
            epochs: sgd.epochs,
            patience: sgd.patience,
            min_delta: sgd.min_delta,
            member: MemberRule::LowestError,
        }
    }
}

impl MethodParams for EvopruneParams {
    const NAME: &'static str = "EVOPRUNE";
    const SUMMARY: &'static str = "MO-EvoPruneDeepTL (Poyatos et al. 2024): NSGA-II over the mask of a sparse last layer on error, density and out-of-distribution AUROC";
    const VERSION: u32 = 1;
    const NEEDS_OOD: bool = true;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        use nnbench_core::check::{MAX_POPULATION, MAX_SAMPLES, MAX_STEPS, MAX_UNITS};
        check::count("hidden", self.hidden, 1, MAX_UNITS)?;
        check::count("population", self.population, 2, MAX_POPULATION)?;
        check::count("evaluations", self.evaluations, self.population, MAX_STEPS)?;
        check::count("batch", self.batch, 1, MAX_SAMPLES)?;
        check::count("epochs", self.epochs, 1, MAX_STEPS)?;
        check::count("patience", self.patience, 1, MAX_STEPS)?;
        check::positive("temperature", self.temperature)?;
        check::positive("learning_rate", self.learning_rate)?;
        check::fraction("momentum", self.momentum)?;
        check::non_negative("decay", self.decay)?;
        check::non_negative("min_delta", self.min_delta)?;
        if !(self.validation > 0.0 && self.validation < 1.0) {
            return Err(ParamError::new(
                "validation",
                self.validation,
                "must be in (0, 1)",
            ));
        }
        Ok(Box::new(Evoprune(self.clone())))
    }
}

struct Evoprune(EvopruneParams);

impl Evoprune {
    fn mode(&self) -> Mode {
        match self.0.mode {
            ModeName::First => Mode::First,
            ModeName::Second => Mode::Second,
        }
    }

    fn sgd(&self) -> Sgd {
        let p = &self.0;
        Sgd {
            learning_rate: p.learning_rate,
            momentum: p.momentum,
            nesterov: true,
            decay: p.decay,
            batch: p.batch,
            epochs: p.epochs,
            min_delta: p.min_delta,
            patience: p.patience,
        }
    }
}

impl Method for Evoprune {
    /// The cache's weights (one network per mask trained) dominate.
    fn footprint(&self, shape: Shape) -> f64 {
        let p = &self.0;
        let weights =
            ((shape.inputs + 1) * p.hidden + (p.hidden + 1) * shape.outputs.max(1)) as f64;
        (p.evaluations as f64 + 4.0) * weights
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let p = &self.0;
        let labels = problem.classes().map(<[f64]>::to_vec).unwrap_or_default();
        let data = features(problem.data(), &labels);
        let ood = problem
            .ood()
            .map(|o| features(o, &labels))
            .unwrap_or(Features {
                d: data.d,
                x: Vec::new(),
                y: Vec::new(),
            });
        let mut rng = seeds.run();
        let (train, validation) = stratified(&data, p.validation, &mut rng);
        let task = Task {
            train: &train,
            validation: &validation,
            ood: &ood,
            classes: labels.len(),
            hidden: p.hidden,
            mode: self.mode(),
            sgd: self.sgd(),
            temperature: p.temperature,
            seed: seeds.stream("masks").random(),
        };
        let outcome = prune(
            task.clone(),
            Search {
                population: p.population,
                evaluations: p.evaluations,
            },
            &mut rng,
        );
        // Each trained mask: its epochs over the inner training rows, forward
        // and backward, in passes over the training part.
        let rows = (train.rows() as u64).max(1);
        let passes = outcome.epochs * rows / problem.data().len().max(1) as u64;
        problem.charge(passes, passes);
        let scores: Vec<Vec<f64>> = outcome.front.iter().map(|m| m.objectives.clone()).collect();
        let members: Vec<Box<dyn Member>> = outcome
            .front
            .into_iter()
            .map(|m| {
                Box::new(PrunedModel {
                    net: task.net(&m.mask),
                    weights: m.weights,
                    labels: labels.clone(),
                    temperature: p.temperature,
                }) as Box<dyn Member>
            })
            .collect();
        Trained {
            model: Box::new(Front {
                objectives: vec!["density", "error", "ood"],
                chosen: p.member.choose(&scores, 1),
                members,
                rule: p.member,
            }),
            stop: StopReason::MaxIterations,
        }
    }
}

/// The rows of `data` as features, the labels as indices into `labels`
/// (a label the training part never had gets an index no class has).
fn features(data: &Patterns, labels: &[f64]) -> Features {
    let y = data
        .targets()
        .iter()
        .map(|&t| {
            labels
                .iter()
                .position(|&l| (l - t).abs() < 1e-5)
                .unwrap_or(usize::MAX)
        })
        .collect();
    Features {
        d: data.inputs(),
        x: data.rows(),
        y,
    }
}

/// A seeded split of `data` into (inner training rows, validation rows),
/// each class contributing round(`share` x its rows) to the validation, at
/// least one, and keeping one for training.
fn stratified(data: &Features, share: f64, rng: &mut nnbench_core::Rng) -> (Features, Features) {
    let classes = data
        .y
        .iter()
        .copied()
        .filter(|&c| c != usize::MAX)
        .max()
        .map_or(0, |m| m + 1);
    let mut held = vec![false; data.rows()];
    for c in 0..classes {
        let mut rows: Vec<usize> = (0..data.rows()).filter(|&r| data.y[r] == c).collect();
        for i in (1..rows.len()).rev() {
            rows.swap(i, rng.random_range(0..=i));
        }
        let take = ((share * rows.len() as f64).round() as usize)
            .clamp(1, rows.len().saturating_sub(1).max(1));
        for &r in rows.iter().take(take.min(rows.len().saturating_sub(1))) {
            held[r] = true;
        }
    }
    let pick = |want: bool| {
        let rows: Vec<usize> = (0..data.rows()).filter(|&r| held[r] == want).collect();
        Features {
            d: data.d,
            x: rows
                .iter()
                .flat_map(|&r| data.row(r).iter().copied())
                .collect(),
            y: rows.iter().map(|&r| data.y[r]).collect(),
        }
    };
    (pick(false), pick(true))
}

/// A member of the front: a masked network and the labels of its classes.
struct PrunedModel {
    net: SparseNet,
    weights: Arc<Weights>,
    labels: Vec<f64>,
    temperature: f64,
}

impl Model for PrunedModel {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        let rows = features(data, &self.labels);
        self.net
            .logits(&self.weights, &rows)
            .chunks(self.net.k)
            .map(|row| self.labels[argmax(row)])
            .collect()
    }
}

impl Member for PrunedModel {
    fn objectives(&self, data: &Patterns, ood: Option<&Patterns>) -> Vec<f64> {
        let rows = features(data, &self.labels);
        let ood = ood.map_or(
            Features {
                d: rows.d,
                x: Vec::new(),
                y: Vec::new(),
            },
            |o| features(o, &self.labels),
        );
        objectives(&self.net, &self.weights, &rows, &ood, self.temperature)
    }
}
