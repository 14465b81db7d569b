//! One run: the initial population, NSGA-II with GEMONN's guided operators
//! (or SBX and polynomial mutation for the NSGA2 baseline), every
//! generation's evaluations on one fresh mini-batch with the gradient
//! beside the loss, the optional masked-Adam refinement, and the final
//! front scored on the whole training part.
//!
//! Spend is charged in passes over the training part: a batch of b of n
//! rows is b / n of an objective pass (and of a gradient pass where the
//! gradient is computed), summed exactly and charged as whole passes.

use crate::adam::Adam;
use crate::ledger::Ledger;
use crate::net::{Gradient, SparseNet};
use crate::operators::{Genome, Guided, initial};
use crate::params::{EvolutionParams, Kind};
use nnbench_core::{Front, Member, Model, Patterns, Problem, Rng, Seeds, StopReason, Trained};
use nnbench_moea::real::RealOperators;
use nnbench_moea::{Individual, Nsga2, Operators, nsga2};
use rand::RngExt;

/// How children are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variation {
    /// GEMONN's gradient-guided SBX and zeroing mutation.
    Guided,
    /// Plain NSGA-II: SBX and polynomial mutation, no gradient.
    Plain,
}

/// A member of the front: the network with its weights.
pub struct SparseModel {
    pub net: SparseNet,
    pub weights: Vec<f64>,
}

impl Model for SparseModel {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        self.net.outputs(&self.weights, &data.rows())
    }
}

impl Member for SparseModel {
    fn objectives(&self, data: &Patterns, _ood: Option<&Patterns>) -> Vec<f64> {
        let loss = self
            .net
            .loss(&self.weights, &data.rows(), data.targets(), None);
        vec![SparseNet::density(&self.weights), loss]
    }
}

/// The names of the objectives, in order.
pub const OBJECTIVES: [&str; 2] = ["density", "mse"];

struct PlainOperators(RealOperators);

impl Operators<Genome> for PlainOperators {
    fn crossover(
        &mut self,
        a: &Individual<Genome>,
        b: &Individual<Genome>,
        rng: &mut Rng,
    ) -> (Genome, Genome) {
        let strip = |i: &Individual<Genome>| Individual {
            genome: i.genome.weights.clone(),
            objectives: Vec::new(),
        };
        let (x, y) = self.0.crossover(&strip(a), &strip(b), rng);
        let blank = vec![0.0; x.len()];
        (
            Genome {
                weights: x,
                gradient: blank.clone(),
            },
            Genome {
                weights: y,
                gradient: blank,
            },
        )
    }

    fn mutate(&mut self, child: &mut Genome, rng: &mut Rng) {
        self.0.mutate(&mut child.weights, rng);
    }
}

/// Evaluations on mini-batches: a fresh batch for every `per_batch`
/// evaluations (one generation), each charged to the ledger.
struct Evaluator<'p, 'a> {
    net: SparseNet,
    /// None for a search that reads no gradient (plain NSGA-II).
    gradient: Option<Gradient>,
    rows: Vec<f64>,
    targets: Vec<f64>,
    size: usize,
    per_batch: usize,
    batches: Rng,
    batch: Batch,
    evaluated: usize,
    ledger: Ledger<'p, 'a>,
}

impl Evaluator<'_, '_> {
    fn fresh_batch(&mut self) {
        let (rows, targets) = draw_batch(
            &self.rows,
            &self.targets,
            self.net.inputs,
            self.size,
            &mut self.batches,
        );
        self.batch = Batch { rows, targets };
    }

    /// Objectives (density, batch MSE) of `genome`, its gradient stored in
    /// it; None once the budget is spent.
    fn evaluate(&mut self, genome: &mut Genome) -> Option<Vec<f64>> {
        if self.evaluated.is_multiple_of(self.per_batch) {
            self.fresh_batch();
        }
        self.evaluated += 1;
        if !self.ledger.spend(self.batch.len(), self.gradient.is_some()) {
            return None;
        }
        let grad = self.gradient.map(|mode| {
            genome.gradient.resize(genome.weights.len(), 0.0);
            (&mut genome.gradient[..], mode)
        });
        let loss = self
            .net
            .loss(&genome.weights, &self.batch.rows, &self.batch.targets, grad);
        Some(vec![SparseNet::density(&genome.weights), loss])
    }
}

pub fn train<K: Kind>(
    params: &EvolutionParams<K>,
    variation: Variation,
    problem: &mut Problem<'_>,
    seeds: Seeds,
) -> Trained {
    let data = problem.data();
    let net = SparseNet::for_problem(problem, params.hidden);
    let mut rng = seeds.run();
    let mut evaluator = Evaluator {
        net,
        gradient: (variation == Variation::Guided).then_some(params.gradient),
        rows: data.rows(),
        targets: data.targets().to_vec(),
        size: params.batch,
        per_batch: params.population,
        batches: seeds.stream("batches"),
        batch: Batch::default(),
        evaluated: 0,
        ledger: Ledger::new(problem),
    };
    let start: Vec<Genome> = initial(&net, params.population, &mut rng)
        .into_iter()
        .map(|weights| Genome {
            gradient: vec![0.0; weights.len()],
            weights,
        })
        .collect();
    let engine = Nsga2 {
        population: params.population,
        offspring: params.population,
        generations: params.generations,
    };
    let evaluate = |g: &mut Genome| evaluator.evaluate(g);
    let outcome = match variation {
        Variation::Guided => engine.run(start, evaluate, &mut Guided::new(net.bounds()), &mut rng),
        Variation::Plain => engine.run(
            start,
            evaluate,
            &mut PlainOperators(RealOperators::new(net.bounds())),
            &mut rng,
        ),
    };
    let mut stop = match outcome.end {
        nsga2::End::Generations => StopReason::MaxIterations,
        nsga2::End::Budget => StopReason::BudgetExhausted,
    };
    let mut population = outcome.population;
    if params.refine && stop == StopReason::MaxIterations {
        // The code's refinement is an evaluation call of its own: a fresh
        // batch; the refined members are then evaluated on the next one.
        evaluator.fresh_batch();
        let refined = refine(&net, &population, &mut evaluator);
        let mut extra = Vec::new();
        for mut genome in refined {
            match evaluator.evaluate(&mut genome) {
                Some(objectives) => extra.push(Individual { genome, objectives }),
                None => {
                    stop = StopReason::BudgetExhausted;
                    break;
                }
            }
        }
        population.extend(extra);
        population = nsga2::select(population, params.population);
    }
    // The final front, scored on the whole training part; like the harness's
    // scoring of any model, this is not charged.
    let members: Vec<SparseModel> = population
        .into_iter()
        .map(|i| SparseModel {
            net,
            weights: i.genome.weights,
        })
        .collect();
    // Rows held by the evaluator: no conversion per member.
    let scored: Vec<Vec<f64>> = members
        .iter()
        .map(|m| {
            let loss = net.loss(&m.weights, &evaluator.rows, &evaluator.targets, None);
            vec![SparseNet::density(&m.weights), loss]
        })
        .collect();
    let front_index = nnbench_moea::sort::fronts(&scored).remove(0);
    let objectives: Vec<Vec<f64>> = front_index.iter().map(|&i| scored[i].clone()).collect();
    let chosen = params.member.choose(&objectives, 1);
    let mut slots: Vec<Option<SparseModel>> = members.into_iter().map(Some).collect();
    let members: Vec<Box<dyn Member>> = front_index
        .iter()
        .map(|&i| Box::new(slots[i].take().expect("each member once")) as Box<dyn Member>)
        .collect();
    Trained {
        model: Box::new(Front {
            objectives: OBJECTIVES.to_vec(),
            members,
            chosen,
            rule: params.member,
        }),
        stop,
    }
}

/// One mini-batch of rows.
#[derive(Debug, Default)]
struct Batch {
    rows: Vec<f64>,
    targets: Vec<f64>,
}

impl Batch {
    fn len(&self) -> usize {
        self.targets.len()
    }
}

/// `size` distinct rows of `rows` (row-major, `d` per row) with their
/// targets, in row order; all of them if there are fewer.
pub fn draw_batch(
    rows: &[f64],
    targets: &[f64],
    d: usize,
    size: usize,
    rng: &mut Rng,
) -> (Vec<f64>, Vec<f64>) {
    let n = targets.len();
    let mut order: Vec<usize> = (0..n).collect();
    let take = size.min(n);
    for i in 0..take {
        let j = rng.random_range(i..n);
        order.swap(i, j);
    }
    order.truncate(take);
    order.sort_unstable();
    let x = order
        .iter()
        .flat_map(|&i| rows[i * d..(i + 1) * d].iter().copied())
        .collect();
    (x, order.iter().map(|&i| targets[i]).collect())
}

/// The authors' final refinement of every member on the current batch: masked
/// Adam (lr 1e-3, torch's betas and epsilon), zeros kept at zero, steps
/// 1000 x density / the densest member's (20 below density 0.05), the
/// lowest-loss weights kept. Each Adam starts fresh (the code reuses one
/// optimiser across individuals, a side effect this leaves out).
fn refine(
    net: &SparseNet,
    population: &[Individual<Genome>],
    evaluator: &mut Evaluator,
) -> Vec<Genome> {
    let densest = population
        .iter()
        .map(|i| i.objectives[0])
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut out = Vec::with_capacity(population.len());
    for individual in population {
        let density = individual.objectives[0];
        let steps = if density < 0.05 {
            20
        } else {
            (density / densest * 1000.0) as usize
        };
        let mask: Vec<bool> = individual
            .genome
            .weights
            .iter()
            .map(|v| *v != 0.0)
            .collect();
        let mut w = individual.genome.weights.clone();
        let mut g = vec![0.0; w.len()];
        let mut adam = Adam::new(1e-3, w.len());
        let mut best = (f64::INFINITY, w.clone());
        for _ in 0..steps {
            if !evaluator.ledger.spend(evaluator.batch.len(), true) {
                break;
            }
            let batch = &evaluator.batch;
            let loss = net.loss(
                &w,
                &batch.rows,
                &batch.targets,
                Some((&mut g, Gradient::Active)),
            );
            if loss < best.0 {
                best = (loss, w.clone());
            }
            adam.step(&mut w, &g, Some(&mask));
        }
        out.push(Genome {
            gradient: vec![0.0; best.1.len()],
            weights: best.1,
        });
    }
    out
}
