//! The authors' (1 + lambda) evolution strategy (`CGPNet/methods.py`
//! `Evolution.start`): a random population, then each generation the
//! parent and population - 1 mutants of it; the parent is replaced only by
//! a strictly better candidate; the search stops after `generations` or
//! once the fitness is at most `target`.
//!
//! Two ways to pick the candidate from the mutants, as the authors have:
//! `chromosome_select` (their regression runs) fits every mutant's linear
//! map layer by layer and assembles the best chromosome of each layer,
//! feeding the next layer the assembled outputs; `fitness_select` (plain
//! (1 + lambda), their classification runs) fits each mutant alone and
//! keeps the best whole one. Selection scores on the training points and
//! the synthetic validation points together, the Newton steps use the
//! training points only. The last layer is scored by MSE (regression) or by
//! cross-entropy against the network's class (classification; the linear
//! maps are still fitted by the Newton step on the MSE, where the authors
//! run L-BFGS every 100 generations).

use crate::cgp::Grid;
use crate::net::{Columns, Layer, SrNet, mse, weighted};
use nnbench_core::Rng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    ChromosomeSelect,
    FitnessSelect,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evolution {
    pub population: usize,
    pub generations: usize,
    /// Per gene.
    pub mutation: f64,
    /// Stop once the fitness is at most this.
    pub target: f64,
    pub strategy: Strategy,
    /// How many of the best distinct parents to keep.
    pub archive: usize,
}

impl Evolution {
    /// The regression runs (`cgp_net_experiments.py`).
    pub const AUTHORS: Evolution = Evolution {
        population: 200,
        generations: 5000,
        mutation: 0.4,
        target: 1e-5,
        strategy: Strategy::ChromosomeSelect,
        archive: 20,
    };
}

/// The points an SRNet is fitted to: the network's inputs and each layer's
/// activations, as columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub x: Columns,
    pub layers: Vec<Columns>,
    /// How the last layer is scored.
    pub output: OutputLoss,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputLoss {
    /// Mean squared difference from the network's outputs (regression).
    Mse,
    /// Cross-entropy of the SRNet's outputs as logits against the class the
    /// network picks (its largest output), as the authors' classification
    /// runs score it (`srnet-clas/CGPNet/algorithms.py _loss_func`).
    CrossEntropy,
}

impl Target {
    pub fn points(&self) -> usize {
        self.x.first().map_or(0, Vec::len)
    }

    /// These points followed by `other`'s.
    pub fn join(&self, other: &Target) -> Target {
        let cat = |a: &Columns, b: &Columns| -> Columns {
            a.iter()
                .zip(b)
                .map(|(a, b)| a.iter().chain(b).copied().collect())
                .collect()
        };
        Target {
            x: cat(&self.x, &other.x),
            layers: self
                .layers
                .iter()
                .zip(&other.layers)
                .map(|(a, b)| cat(a, b))
                .collect(),
            output: self.output,
        }
    }

    /// Layer `l`'s loss for the SRNet's outputs `out` there.
    pub fn loss(&self, l: usize, out: &Columns) -> f64 {
        let want = &self.layers[l];
        if l + 1 < self.layers.len() || self.output == OutputLoss::Mse {
            return mse(out, want);
        }
        let points = want.first().map_or(0, Vec::len);
        let mut sum = 0.0;
        for i in 0..points {
            let label = (0..want.len())
                .max_by(|&a, &b| want[a][i].total_cmp(&want[b][i]).then(b.cmp(&a)))
                .unwrap_or(0);
            let top = out.iter().map(|c| c[i]).fold(f64::NEG_INFINITY, f64::max);
            let log_sum = top + libm::log(out.iter().map(|c| libm::exp(c[i] - top)).sum::<f64>());
            sum += log_sum - out[label][i];
        }
        let ce = sum / points.max(1) as f64;
        if ce.is_finite() { ce } else { f64::INFINITY }
    }
}

/// A scored SRNet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub net: SrNet,
    /// Per layer, on the selection points.
    pub losses: Vec<f64>,
    pub fitness: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub best: Scored,
    /// The parent's fitness after each generation.
    pub trace: Vec<f64>,
    /// The best distinct parents met, best first.
    pub archive: Vec<Scored>,
    /// Candidate networks scored (each a pass over the selection points).
    pub evaluations: u64,
}

fn score(net: SrNet, grids: &[Grid], on: &Target) -> Scored {
    let losses: Vec<f64> = net
        .forward(grids, &on.x)
        .iter()
        .enumerate()
        .map(|(l, out)| on.loss(l, out))
        .collect();
    Scored {
        fitness: weighted(&losses),
        losses,
        net,
    }
}

/// The first `n` points of each column.
fn head(columns: &Columns, n: usize) -> Vec<Vec<f64>> {
    columns.iter().map(|c| c[..n].to_vec()).collect()
}

/// The authors' `chromosome_select`, over `candidates` (their linear maps
/// are fitted in place).
fn chromosome_select(
    candidates: &mut [SrNet],
    grids: &[Grid],
    train: usize,
    all: &Target,
) -> Scored {
    let mut input = all.x.clone();
    let mut layers = Vec::with_capacity(grids.len());
    for (l, grid) in grids.iter().enumerate() {
        let want = &all.layers[l];
        let train_want = head(want, train);
        let mut best: Option<(f64, usize)> = None;
        for (i, c) in candidates.iter_mut().enumerate() {
            let layer = &mut c.layers[l];
            let f = layer.expression_values(grid, &input);
            layer.linear.newton(&f[..train], &train_want);
            let loss = all.loss(l, &layer.linear.apply(&f));
            // np.argmin: the first of equal losses.
            if best.is_none_or(|(b, _)| loss < b) {
                best = Some((loss, i));
            }
        }
        let (_, i) = best.expect("a generation has candidates");
        let chosen: Layer = candidates[i].layers[l].clone();
        input = chosen.forward(grid, &input);
        layers.push(chosen);
    }
    score(SrNet { layers }, grids, all)
}

/// Plain (1 + lambda): each candidate's maps fitted on its own chain (all
/// layers from one forward pass, as the authors' `NewtonTrainer.train`),
/// the best whole candidate kept.
fn fitness_select(candidates: &mut [SrNet], grids: &[Grid], train: usize, all: &Target) -> Scored {
    let mut best: Option<Scored> = None;
    let x = head(&all.x, train);
    for c in candidates.iter_mut() {
        let mut input = x.clone();
        for (l, (layer, grid)) in c.layers.iter_mut().zip(grids).enumerate() {
            let f = layer.expression_values(grid, &input);
            input = layer.linear.apply(&f);
            layer.linear.newton(&f, &head(&all.layers[l], train));
        }
        let scored = score(c.clone(), grids, all);
        if best.as_ref().is_none_or(|b| scored.fitness < b.fitness) {
            best = Some(scored);
        }
    }
    best.expect("a generation has candidates")
}

/// Evolves an SRNet of `grids` (one per layer) to `train`, selecting on
/// `train` and `valid` together.
pub fn evolve(
    grids: &[Grid],
    sizes: &[usize],
    train: &Target,
    valid: Option<&Target>,
    e: &Evolution,
    rng: &mut Rng,
) -> Outcome {
    let all = valid.map_or_else(|| train.clone(), |v| train.join(v));
    let n = train.points();
    let select = |candidates: &mut [SrNet]| match e.strategy {
        Strategy::ChromosomeSelect => chromosome_select(candidates, grids, n, &all),
        Strategy::FitnessSelect => fitness_select(candidates, grids, n, &all),
    };
    let mut population: Vec<SrNet> = (0..e.population.max(1))
        .map(|_| SrNet::random(grids, sizes, rng))
        .collect();
    let mut evaluations = population.len() as u64;
    let mut parent = select(&mut population);
    let mut trace = vec![parent.fitness];
    let mut archive = vec![parent.clone()];
    for _ in 1..e.generations {
        if parent.fitness <= e.target {
            break;
        }
        let mut mutants: Vec<SrNet> = (1..e.population.max(2))
            .map(|_| parent.net.mutate(grids, e.mutation, rng))
            .collect();
        evaluations += mutants.len() as u64;
        let candidate = select(&mut mutants);
        if candidate.fitness < parent.fitness {
            parent = candidate;
            archive.push(parent.clone());
        }
        trace.push(parent.fitness);
    }
    archive.sort_by(|a, b| a.fitness.total_cmp(&b.fitness));
    archive.truncate(e.archive.max(1));
    Outcome {
        best: parent,
        trace,
        archive,
        evaluations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Function;
    use crate::net::grids;
    use nnbench_core::seed::rng;

    /// A "network" whose one hidden unit is x0 x1 + sin(x2) and whose
    /// output is twice it minus one: an SRNet can match it exactly.
    fn planted(points: usize, r: &mut Rng) -> Target {
        use rand::RngExt;
        let x: Columns = (0..3)
            .map(|_| (0..points).map(|_| r.random_range(-2.0..2.0)).collect())
            .collect();
        let h: Vec<f64> = (0..points)
            .map(|i| x[0][i] * x[1][i] + x[2][i].sin())
            .collect();
        let out = h.iter().map(|h| 2.0 * h - 1.0).collect();
        Target {
            x,
            layers: vec![vec![h], vec![out]],
            output: OutputLoss::Mse,
        }
    }

    #[test]
    fn the_strategy_recovers_a_planted_expression() {
        let mut r = rng(4);
        let train = planted(60, &mut r);
        let sizes = [3, 1, 1];
        let functions = [Function::Add, Function::Mul, Function::Sin];
        let grids = grids(&sizes, 5, 5, &functions);
        let e = Evolution {
            population: 50,
            generations: 300,
            ..Evolution::AUTHORS
        };
        let outcome = evolve(&grids, &sizes, &train, None, &e, &mut rng(9));
        assert!(outcome.best.fitness <= 1e-5, "{}", outcome.best.fitness);
        assert!(outcome.trace.len() < 300, "{}", outcome.trace.len());
        // The trace never worsens, and ends at the best.
        assert!(outcome.trace.windows(2).all(|w| w[1] <= w[0]));
        assert_eq!(*outcome.trace.last().unwrap(), outcome.best.fitness);
        let names: Vec<String> = ["x0", "x1", "x2"].map(String::from).to_vec();
        let exprs = outcome.best.net.expressions(&grids, &names);
        let text = exprs[0][0].to_string();
        // The planted form, up to the fitted map's last digits (the search
        // stops at an MSE of 1e-5), and so the planted function off the
        // training points too.
        assert!(text.contains("sin(x2)") && text.contains("x0*x1"), "{text}");
        for (a, b, c) in [(0.5, -1.5, 0.3), (3.0, 2.0, -4.0)] {
            let at = exprs[0][0].eval(&|n| match n {
                "x0" => a,
                "x1" => b,
                _ => c,
            });
            let want = a * b + f64::sin(c);
            assert!(
                (at - want).abs() < 0.01 * (1.0 + want.abs()),
                "{text}: {at}"
            );
        }
    }

    #[test]
    fn both_strategies_are_deterministic_and_never_worsen() {
        let mut r = rng(5);
        let (train, valid) = (planted(40, &mut r), planted(12, &mut r));
        let sizes = [3, 1, 1];
        let grids = grids(&sizes, 3, 3, &Function::AUTHORS);
        for strategy in [Strategy::ChromosomeSelect, Strategy::FitnessSelect] {
            let e = Evolution {
                population: 20,
                generations: 30,
                strategy,
                archive: 5,
                ..Evolution::AUTHORS
            };
            let a = evolve(&grids, &sizes, &train, Some(&valid), &e, &mut rng(1));
            let b = evolve(&grids, &sizes, &train, Some(&valid), &e, &mut rng(1));
            assert_eq!(a, b);
            assert!(a.trace.windows(2).all(|w| w[1] <= w[0]), "{strategy:?}");
            assert_eq!(a.evaluations, 20 + 19 * (a.trace.len() as u64 - 1));
            assert!(a.archive.len() <= 5);
            assert_eq!(a.archive[0], a.best);
            // The fitness is the one its own forward pass gives on every point.
            let all = train.join(&valid);
            assert_eq!(
                score(a.best.net.clone(), &grids, &all).fitness,
                a.best.fitness
            );
        }
    }

    #[test]
    fn cross_entropy_scores_the_last_layer_against_the_networks_class() {
        // Two points, two classes; the network picks class 1, then 0.
        let target = Target {
            x: vec![vec![0.0, 0.0]],
            layers: vec![vec![vec![0.2, 0.9], vec![0.7, 0.1]]],
            output: OutputLoss::CrossEntropy,
        };
        // Logits (0, ln 3) and (ln 3, 0): softmax 3/4 on each point's class.
        let l3 = 3f64.ln();
        let out = vec![vec![0.0, l3], vec![l3, 0.0]];
        assert!((target.loss(0, &out) - (4.0f64 / 3.0).ln()).abs() < 1e-12);
        // Large logits do not overflow.
        let big = vec![vec![0.0, 1000.0], vec![1000.0, 0.0]];
        assert!(target.loss(0, &big) < 1e-12);
        let nan = vec![vec![f64::NAN, 0.0], vec![0.0, 0.0]];
        assert_eq!(target.loss(0, &nan), f64::INFINITY);
    }
}
