//! GENETIC: the genetic-algorithm baseline of Tsoulos et al. (2023), a real-
//! coded GA on the SSE followed by BFGS from the best chromosome, with the
//! operators of the authors' OPTIMUS code (itsoulos/OPTIMUS@80d45a05,
//! `src/Genetic/genetic.cpp`; algorithms.md section 2): elitism of the best
//! 10 %, tournament selection, the "double" crossover, non-uniform mutation
//! (the best chromosome never mutates) and, every 10th generation, a random
//! one-point repair of 20 chromosomes kept only if it improves them.
//! Deviation, as for PROPOSED: the final local search is a projected BFGS
//! with TOLMIN's 2001-evaluation cap.

mod operators;
mod params;

pub use operators::{crossover, mutate, tournament};
pub use params::{GeneticParams, Stopping};

use nnbench_core::{
    Method, MethodParams, Network, NetworkModel, ParamError, Problem, Rng, Seeds, Shape,
    StopReason, Trained,
};
use nnbench_optim::{Bounds, Doublebox, bfgs};
use rand::RngExt;

impl MethodParams for GeneticParams {
    const NAME: &'static str = "GENETIC";
    const SUMMARY: &'static str = "genetic algorithm (200 x 200, OPTIMUS operators) on the SSE, then BFGS from the best chromosome";
    // 2 and 3 were changes of the core's network kernel (fused multiply-adds,
    // then the Pade sigmoid), which core's ALGORITHM_VERSION now carries into
    // every cell key: bump this only for a change of this method itself.
    const VERSION: u32 = 3;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        self.check()?;
        Ok(Box::new(Genetic(self.clone())))
    }
}

struct Population {
    genes: Vec<Vec<f64>>,
    fitness: Vec<f64>,
}

impl Population {
    /// Best first; ties keep their order, so runs are reproducible.
    fn sort(&mut self) {
        let mut order: Vec<usize> = (0..self.genes.len()).collect();
        order.sort_by(|&a, &b| self.fitness[a].total_cmp(&self.fitness[b]));
        self.genes = order
            .iter()
            .map(|&i| std::mem::take(&mut self.genes[i]))
            .collect();
        self.fitness = order.iter().map(|&i| self.fitness[i]).collect();
    }
}

/// The checked parameters: only `build` makes one, so only checked values train.
struct Genetic(GeneticParams);

impl Method for Genetic {
    fn network(&self, inputs: usize) -> Option<Network> {
        Some(Network::new(inputs, self.0.hidden))
    }

    /// The population and its offspring: two chromosomes of all weights each.
    fn footprint(&self, shape: Shape) -> f64 {
        let weights = Network::new(shape.inputs, self.0.hidden).weights() as f64;
        2.0 * self.0.chromosomes as f64 * weights + shape.rows as f64 * self.0.hidden as f64
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let network = problem.network();
        let bounds = Bounds::symmetric(network.weights(), self.0.init_range);
        let mut rng = seeds.run();
        let count = self.0.chromosomes;
        let mut population = Population {
            genes: (0..count)
                .map(|_| {
                    (0..bounds.len())
                        .map(|_| rng.random_range(-self.0.init_range..=self.0.init_range))
                        .collect()
                })
                .collect(),
            fitness: vec![f64::INFINITY; count],
        };
        // The worst ceil(0.9 count), rounded up to even, are replaced by children.
        let replaced =
            (((1.0 - self.0.selection_rate) * count as f64).ceil() as usize).div_ceil(2) * 2;
        let elite = count.saturating_sub(replaced).max(1);
        let mut doublebox = Doublebox::new(50);
        let mut interrupted = false;
        for g in 0..self.0.generations {
            if g > 0 {
                // The best chromosome never mutates; a mutated one is evaluated again.
                for (x, f) in population
                    .genes
                    .iter_mut()
                    .zip(population.fitness.iter_mut())
                    .skip(1)
                {
                    if mutate(
                        x,
                        self.0.mutation_rate,
                        g,
                        self.0.generations,
                        &bounds,
                        &mut rng,
                    ) {
                        *f = f64::INFINITY;
                    }
                }
            }
            if !evaluate(problem, &mut population) {
                interrupted = true;
                break;
            }
            population.sort();
            if self.0.stopping == Stopping::Doublebox
                && doublebox.converged(population.fitness[0], g)
            {
                break;
            }
            self.0.breed(&mut population, elite, &bounds, &mut rng);
            if (g + 1) % 10 == 0 && !self.0.repair(problem, &mut population, &mut rng) {
                interrupted = true;
                break;
            }
        }
        if !interrupted {
            interrupted = !evaluate(problem, &mut population);
        }
        population.sort();
        let cap = problem.remaining().map_or(self.0.bfgs_evaluations, |r| {
            self.0.bfgs_evaluations.min(r as usize)
        });
        let best = population.genes[0].clone();
        let weights = if cap == 0 {
            best
        } else {
            let options = bfgs::BfgsOptions {
                max_evaluations: cap,
                ..bfgs::BfgsOptions::default()
            };
            bfgs::minimise(
                |w, grad| problem.sse_gradient(w, grad),
                &best,
                &bounds,
                &options,
            )
            .x
        };
        let stop = if interrupted || problem.exhausted() {
            StopReason::BudgetExhausted
        } else {
            StopReason::MaxIterations
        };
        Trained {
            model: Box::new(NetworkModel { network, weights }),
            stop,
        }
    }
}

impl GeneticParams {
    /// Children of tournament-chosen parents replace everyone past the elite.
    fn breed(&self, population: &mut Population, elite: usize, bounds: &Bounds, rng: &mut Rng) {
        let count = population.genes.len();
        let mut children = Vec::with_capacity(count - elite + 1);
        while children.len() < count - elite {
            let a = tournament(count, self.tournament, rng);
            let b = tournament(count, self.tournament, rng);
            let (c1, c2) = crossover(&population.genes[a], &population.genes[b], bounds, rng);
            children.push(c1);
            children.push(c2);
        }
        for (slot, child) in (elite..count).zip(children) {
            population.genes[slot] = child;
            population.fitness[slot] = f64::INFINITY;
        }
    }

    /// One-point mixing of 20 random chromosomes with random partners, each
    /// kept only if better. False when the budget ran out.
    fn repair(
        &self,
        problem: &mut Problem<'_>,
        population: &mut Population,
        rng: &mut Rng,
    ) -> bool {
        if !evaluate(problem, population) {
            return false;
        }
        let count = population.genes.len();
        let n = population.genes[0].len();
        for _ in 0..20 {
            let (i, partner, cut) = (
                rng.random_range(0..count),
                rng.random_range(0..count),
                rng.random_range(0..n),
            );
            let mut trial = population.genes[i].clone();
            trial[cut..].copy_from_slice(&population.genes[partner][cut..]);
            if problem.exhausted() {
                return false;
            }
            let f = problem.sse(&trial);
            if f < population.fitness[i] {
                population.genes[i] = trial;
                population.fitness[i] = f;
            }
        }
        population.sort();
        true
    }
}

/// Evaluates every chromosome not yet evaluated; false when the budget ran out.
fn evaluate(problem: &mut Problem<'_>, population: &mut Population) -> bool {
    for (x, f) in population.genes.iter().zip(population.fitness.iter_mut()) {
        if f.is_infinite() {
            if problem.exhausted() {
                return false;
            }
            *f = problem.sse(x);
        }
    }
    true
}
