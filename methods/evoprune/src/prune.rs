//! The authors' search (`evoprune.py`, jMetalPy's NSGA-II): a population
//! of 30 initial masks, then steady-state generations of 2 children by
//! uniform crossover and bit-flip mutation, until 200 evaluations. An
//! evaluation is a call of the fitness (a mask met before is not trained
//! again, but counts, as jMetalPy's termination counts it).

use crate::fitness::{Fitness, Task};
use crate::layer::Weights;
use crate::mask::{Mask, MaskOperators, initial};
use nnbench_core::Rng;
use nnbench_moea::Nsga2;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Search {
    pub population: usize,
    pub evaluations: usize,
    /// A budget in training epochs: once the masks trained have spent it,
    /// the search ends with the population it has (the first mask is
    /// always trained, so there is a front).
    pub max_epochs: Option<u64>,
}

impl Search {
    pub const AUTHORS: Search = Search {
        population: 30,
        evaluations: 200,
        max_epochs: None,
    };
}

/// A member of the final front.
#[derive(Debug, Clone, PartialEq)]
pub struct Pruned {
    pub mask: Mask,
    pub objectives: Vec<f64>,
    pub weights: Arc<Weights>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The first front of the last population, in population order.
    pub front: Vec<Pruned>,
    pub evaluations: usize,
    /// Masks trained (evaluations less cache hits).
    pub trained: usize,
    /// Their training epochs, summed.
    pub epochs: u64,
}

pub fn prune(task: Task<'_>, search: Search, rng: &mut Rng) -> Outcome {
    let len = task.genome_len();
    let mut fitness = Fitness::new(task);
    let engine = Nsga2 {
        population: search.population,
        offspring: 2,
        generations: search
            .evaluations
            .saturating_sub(search.population)
            .div_ceil(2),
    };
    let start: Vec<Mask> = (0..search.population).map(|_| initial(len, rng)).collect();
    let mut evaluations = 0;
    let outcome = engine.run(
        start,
        |mask: &mut Mask| {
            let spent =
                fitness.trained > 0 && search.max_epochs.is_some_and(|m| fitness.epochs >= m);
            if evaluations == search.evaluations || spent {
                return None;
            }
            evaluations += 1;
            Some(fitness.evaluate(mask).objectives.clone())
        },
        &mut MaskOperators::authors(len),
        rng,
    );
    let front = outcome
        .front()
        .into_iter()
        .map(|i| Pruned {
            mask: i.genome.clone(),
            objectives: i.objectives.clone(),
            weights: fitness.evaluate(&i.genome).weights.clone(),
        })
        .collect();
    Outcome {
        front,
        evaluations,
        trained: fitness.trained,
        epochs: fitness.epochs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{Features, Mode};
    use crate::sgd::Sgd;
    use nnbench_core::seed::rng;
    use nnbench_moea::sort::dominates;
    use rand::RngExt;

    /// The class is decided by feature 0; features 1.. are noise; the
    /// out-of-distribution rows are shifted far on every feature.
    fn data(rows: usize, shift: f64, r: &mut Rng) -> Features {
        let d = 6;
        let x: Vec<f64> = (0..rows * d)
            .map(|_| r.random_range(-1.0..1.0) + shift)
            .collect();
        let y = (0..rows).map(|i| usize::from(x[i * d] > shift)).collect();
        Features { d, x, y }
    }

    /// (training, validation, out-of-distribution) rows of `data`.
    fn parts() -> [Features; 3] {
        let mut r = rng(21);
        [
            data(80, 0.0, &mut r),
            data(40, 0.0, &mut r),
            data(40, 4.0, &mut r),
        ]
    }

    fn task(parts: &[Features; 3]) -> Task<'_> {
        Task {
            train: &parts[0],
            validation: &parts[1],
            ood: &parts[2],
            classes: 2,
            hidden: 5,
            mode: Mode::First,
            sgd: Sgd {
                epochs: 15,
                learning_rate: 0.05,
                ..Sgd::AUTHORS
            },
            temperature: 1000.0,
            seed: 4,
        }
    }

    #[test]
    fn a_search_spends_its_evaluations_and_returns_a_front_of_its_masks() {
        let parts = parts();
        let task = task(&parts);
        let search = Search {
            population: 8,
            evaluations: 30,
            max_epochs: None,
        };
        let outcome = prune(task.clone(), search, &mut rng(5));
        assert_eq!(outcome.evaluations, 30);
        // Six features: at most 64 masks, so some children repeat a mask.
        assert!(
            outcome.trained <= 30 && outcome.trained >= 8,
            "{}",
            outcome.trained
        );
        assert!(!outcome.front.is_empty());
        for a in &outcome.front {
            assert_eq!(a.mask.len(), 6);
            assert!(
                outcome
                    .front
                    .iter()
                    .all(|b| !dominates(&b.objectives, &a.objectives))
            );
        }
        // The sparsest member is no more accurate than the most accurate one.
        let by = |k: usize| {
            outcome
                .front
                .iter()
                .min_by(|a, b| a.objectives[k].total_cmp(&b.objectives[k]))
                .unwrap()
        };
        assert!(by(0).objectives[1] >= by(1).objectives[1]);
        // The same seeds give the same front.
        assert_eq!(prune(task, search, &mut rng(5)), outcome);
    }

    #[test]
    fn a_budget_of_epochs_ends_the_search_at_its_next_check() {
        let parts = parts();
        let unlimited = Search {
            population: 8,
            evaluations: 30,
            max_epochs: None,
        };
        // Fifteen epochs a mask (no early stop at this rate): the budget
        // runs out after the fourth mask, inside the initial population.
        let outcome = prune(
            task(&parts),
            Search {
                max_epochs: Some(50),
                ..unlimited
            },
            &mut rng(5),
        );
        assert_eq!((outcome.trained, outcome.epochs), (4, 60));
        // A mask met again is a cache hit: an evaluation, not a training.
        assert!(
            (4..8).contains(&outcome.evaluations),
            "{}",
            outcome.evaluations
        );
        assert!(!outcome.front.is_empty() && outcome.front.len() <= 4);
        // A budget spent before anything ran still trains one mask.
        let one = prune(
            task(&parts),
            Search {
                max_epochs: Some(0),
                ..unlimited
            },
            &mut rng(5),
        );
        assert_eq!((one.trained, one.front.len()), (1, 1));
    }
}
