//! EVOPRUNE, the method experiments name: the search of [`crate::prune`]
//! on the cell's training part. Adapted where the harness's protocol
//! requires: the authors score accuracy and AUROC on the test fold while
//! searching; here the search scores them on a seeded, stratified
//! `validation` share of the training part, so the test part stays unseen.
//! Its result is the last population's first front; `member` picks the one
//! the error tables show.

use crate::auroc::{auroc, max_softmax};
use crate::ensemble::{Votes, average, vote};
use crate::fitness::{Fitness, Task, accuracy, objectives};
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
        // An epoch over the inner training rows, forward and backward, is
        // charged as its share of a pass over the training part.
        let (inner, whole) = (
            (train.rows() as u64).max(1),
            (problem.data().len() as u64).max(1),
        );
        let passes = |epochs: u64| epochs * inner / whole;
        let outcome = prune(
            task.clone(),
            Search {
                population: p.population,
                evaluations: p.evaluations,
                max_epochs: problem.remaining().map(|r| r.saturating_mul(whole) / inner),
            },
            &mut rng,
        );
        problem.charge(passes(outcome.epochs), passes(outcome.epochs));
        // The unpruned layer, every unit kept: what pruning is measured
        // against, trained beside the search and charged on top of it.
        let full = vec![true; task.genome_len()];
        let unpruned = Fitness::new(task.clone()).evaluate(&full).clone();
        let epochs = unpruned.epochs as u64;
        problem.charge(passes(epochs), passes(epochs));
        let model = |mask: &[bool], weights: Arc<Weights>| PrunedModel {
            net: task.net(mask),
            weights,
            labels: labels.clone(),
            temperature: p.temperature,
        };
        let scores: Vec<Vec<f64>> = outcome.front.iter().map(|m| m.objectives.clone()).collect();
        let members: Vec<PrunedModel> = outcome
            .front
            .iter()
            .map(|m| model(&m.mask, m.weights.clone()))
            .collect();
        let chosen = p.member.choose(&scores, 1);
        Trained {
            model: Box::new(PrunedFront {
                nets: members
                    .iter()
                    .map(|m| (m.net.clone(), m.weights.clone()))
                    .collect(),
                chosen,
                unpruned: model(&full, unpruned.weights),
                front: Front {
                    objectives: vec!["density", "error", "ood"],
                    chosen,
                    members: members
                        .into_iter()
                        .map(|m| Box::new(m) as Box<dyn Member>)
                        .collect(),
                    rule: p.member,
                },
            }),
            stop: StopReason::MaxIterations,
        }
    }
}

/// The rows of `data` as features, the labels as indices into `labels`
/// (a label the training part never had gets an index no class has).
fn features(data: &Patterns, labels: &[f64]) -> Features {
    Features::labelled(data.inputs(), data.rows(), data.targets(), labels)
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
        let take = match rows.len() {
            0 | 1 => 0,
            n => ((share * n as f64).round() as usize).clamp(1, n - 1),
        };
        for &r in &rows[..take] {
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

/// EVOPRUNE's result: the front, and beside it what the test part's notes
/// compare it with (its members' networks for the ensembles, the unpruned
/// layer).
struct PrunedFront {
    front: Front,
    nets: Vec<(SparseNet, Arc<Weights>)>,
    chosen: usize,
    unpruned: PrunedModel,
}

impl Model for PrunedFront {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        self.front.outputs(data)
    }

    fn front(&self) -> Option<&Front> {
        Some(&self.front)
    }

    /// Accuracy (in percent) and AUROC on the test part of the members
    /// averaged and voting and of the unpruned layer; the chosen member's
    /// AUROC (its accuracy is the error tables').
    fn test_notes(&self, test: &Patterns, ood: Option<&Patterns>) -> Vec<(&'static str, f64)> {
        let u = &self.unpruned;
        let (rows, far) = (
            features(test, &u.labels),
            ood.map(|o| features(o, &u.labels)),
        );
        let members: Vec<(&SparseNet, &Weights)> =
            self.nets.iter().map(|(n, w)| (n, w.as_ref())).collect();
        let percent = |classes: &[usize]| {
            100.0 * classes.iter().zip(&rows.y).filter(|(a, b)| a == b).count() as f64
                / rows.rows().max(1) as f64
        };
        let area = |near: &[f64], far: &[f64]| auroc(near, far).unwrap_or(f64::NAN);
        let single = |net: &SparseNet, w: &Weights| {
            let logits = net.logits(w, &rows);
            let far = far.as_ref().map_or(Vec::new(), |f| {
                max_softmax(&net.logits(w, f), net.k, u.temperature)
            });
            (
                100.0 * accuracy(&logits, net.k, &rows.y),
                area(&max_softmax(&logits, net.k, u.temperature), &far),
            )
        };
        let ensemble = |near: Votes, far: Option<Votes>| {
            (
                percent(&near.classes),
                area(&near.scores, &far.map_or(Vec::new(), |f| f.scores)),
            )
        };
        let (net, w) = (&self.nets[self.chosen].0, self.nets[self.chosen].1.as_ref());
        let (_, member_auroc) = single(net, w);
        let (avg_acc, avg_auroc) = ensemble(
            average(&members, &rows, u.temperature),
            far.as_ref().map(|f| average(&members, f, u.temperature)),
        );
        let (vote_acc, vote_auroc) = ensemble(
            vote(&members, &rows),
            far.as_ref().map(|f| vote(&members, f)),
        );
        let (full_acc, full_auroc) = single(&u.net, &u.weights);
        vec![
            ("member_auroc", member_auroc),
            ("ensemble_average_accuracy_pct", avg_acc),
            ("ensemble_average_auroc", avg_auroc),
            ("ensemble_vote_accuracy_pct", vote_acc),
            ("ensemble_vote_auroc", vote_auroc),
            ("unpruned_accuracy_pct", full_acc),
            ("unpruned_auroc", full_auroc),
        ]
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;

    #[test]
    fn the_validation_share_is_taken_per_class_and_leaves_each_a_training_row() {
        // Ten rows of class 0, five of class 1, one of class 2.
        let y: Vec<usize> = [vec![0; 10], vec![1; 5], vec![2]].concat();
        let data = Features {
            d: 1,
            x: (0..y.len()).map(|i| i as f64).collect(),
            y,
        };
        let (train, validation) = stratified(&data, 0.2, &mut rng(1));
        let count = |f: &Features, c: usize| f.y.iter().filter(|&&y| y == c).count();
        assert_eq!([0, 1, 2].map(|c| count(&validation, c)), [2, 1, 0]);
        assert_eq!([0, 1, 2].map(|c| count(&train, c)), [8, 4, 1]);
        // Every row is in exactly one part.
        let mut all: Vec<f64> = train.x.iter().chain(&validation.x).copied().collect();
        all.sort_by(f64::total_cmp);
        assert_eq!(all, data.x);
    }
}
