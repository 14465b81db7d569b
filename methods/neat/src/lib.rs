//! NEAT, the neuroevolution baseline of Tsoulos et al. (2023), who ran
//! EvolutionNet by Biagio Festa. Written here: the one recent NEAT crate
//! draws from the OS-seeded thread RNG and has no speciation
//! (docs/crates.md). Defaults are EvolutionNet's `DefaultParamConfig`
//! (algorithms.md section 6); population and generations default to
//! 200 x 200, the evaluation budget of PROPOSED's swarm.
//!
//! Fitness is 1 / (1 + E) with E the training SSE, maximised. Deviations:
//! the output node is linear (EvolutionNet's is a sigmoid) so it can reach
//! regression targets of any range; survivors per species are read as
//! ceil(share of total adjusted fitness x species size). Regression
//! targets are standardised for training by default (`target_scaling`):
//! NEAT's weights, drawn and perturbed on unit scale, do not reach targets
//! in the tens (housing: MSE 292 raw, worse than the mean's 85). The
//! outputs and every metric stay in the data's units; `target_scaling =
//! "none"` is EvolutionNet as written.

mod evolve;
mod genome;
mod phenotype;

pub use evolve::{Outcome, evolve};
pub use genome::{Connection, Genome, Innovations, Kind};

use nnbench_core::{
    Method, MethodParams, Model, ParamError, Patterns, Problem, Seeds, Shape, StopReason,
    TargetMap, TargetScaling, Trained, check,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NeatParams {
    pub population: usize,
    pub generations: usize,
    /// Probability an offspring's weights mutate (each: 0.9 perturbed, else redrawn).
    pub weight_rate: f64,
    pub add_node_rate: f64,
    pub add_connection_rate: f64,
    /// Offspring by crossover rather than by mutation alone.
    pub crossover_rate: f64,
    pub interspecies_rate: f64,
    /// A gene disabled in either parent stays disabled with this probability.
    pub disabled_rate: f64,
    /// Compatibility threshold and coefficients (excess, disjoint, weight).
    pub threshold: f64,
    pub excess: f64,
    pub disjoint: f64,
    pub weight: f64,
    /// Genomes smaller than this are not normalised by size.
    pub normalise_from: usize,
    /// Generations without improvement before a species is removed.
    pub stagnation: usize,
    /// Regression only: train on standardised targets (default) or on the
    /// targets as the data holds them (EvolutionNet as written).
    pub target_scaling: TargetScaling,
}

impl Default for NeatParams {
    fn default() -> Self {
        NeatParams {
            population: 200,
            generations: 200,
            weight_rate: 0.8,
            add_node_rate: 0.02,
            add_connection_rate: 0.05,
            crossover_rate: 0.75,
            interspecies_rate: 0.001,
            disabled_rate: 0.75,
            threshold: 4.0,
            excess: 1.0,
            disjoint: 1.0,
            weight: 3.0,
            normalise_from: 20,
            stagnation: 15,
            target_scaling: TargetScaling::Standard,
        }
    }
}

impl MethodParams for NeatParams {
    const NAME: &'static str = "NEAT";
    const SUMMARY: &'static str = "NEAT with EvolutionNet's defaults (speciation, fitness sharing, stagnation), 200 genomes x 200 generations";
    // 1: as published.
    // 2: regression targets standardised for training by default; with
    //    target_scaling = "none" the results are version 1's.
    // 3: hidden units use the kernel's vectorisable sigmoid instead of std's
    //    exp (a few ulp apart, so runs diverge); with the compiled,
    //    column-wise evaluation a NEAT run is about 9x faster.
    const VERSION: u32 = 3;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        check::count("population", self.population, 2, check::MAX_POPULATION)?;
        check::count("generations", self.generations, 1, check::MAX_STEPS)?;
        for (key, v) in [
            ("weight_rate", self.weight_rate),
            ("add_node_rate", self.add_node_rate),
            ("add_connection_rate", self.add_connection_rate),
            ("crossover_rate", self.crossover_rate),
            ("interspecies_rate", self.interspecies_rate),
            ("disabled_rate", self.disabled_rate),
        ] {
            check::fraction(key, v)?;
        }
        check::positive("threshold", self.threshold)?;
        check::non_negative("excess", self.excess)?;
        check::non_negative("disjoint", self.disjoint)?;
        check::non_negative("weight", self.weight)?;
        check::count("stagnation", self.stagnation, 1, check::MAX_STEPS)?;
        Ok(Box::new(Neat(self.clone())))
    }
}

/// A trained NEAT network, and the map from its output to the target's units.
pub struct NeatModel {
    pub genome: Genome,
    pub target: TargetMap,
}

impl Model for NeatModel {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        let outputs = self.genome.outputs(data);
        if self.target == TargetMap::IDENTITY {
            // The outputs' own bits (decode would turn -0.0 into 0.0).
            return outputs;
        }
        outputs.into_iter().map(|z| self.target.decode(z)).collect()
    }
}

/// The checked parameters: only `build` makes one, so only checked values train.
struct Neat(NeatParams);

impl Method for Neat {
    /// Every genome starts with a connection from each input to each
    /// output, and grows: a few times that per member.
    fn footprint(&self, shape: Shape) -> f64 {
        let connections = ((shape.inputs + 1) * shape.outputs.max(1)) as f64;
        4.0 * self.0.population as f64 * connections
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let data = problem.data().clone();
        let target = match problem.classes() {
            Some(_) => TargetMap::IDENTITY,
            None => TargetMap::fit(self.0.target_scaling, data.targets()),
        };
        let targets = target.encode_all(data.targets());
        let outcome = evolve(data.inputs(), &self.0, &mut seeds.run(), |g| {
            if problem.exhausted() {
                return None;
            }
            problem.charge(1, 0);
            let sse: f64 = g
                .outputs(&data)
                .iter()
                .zip(&targets)
                .map(|(o, y)| (o - y) * (o - y))
                .sum();
            Some(if sse.is_finite() {
                1.0 / (1.0 + sse)
            } else {
                0.0
            })
        });
        let stop = if outcome.interrupted {
            StopReason::BudgetExhausted
        } else {
            StopReason::MaxIterations
        };
        Trained {
            model: Box::new(NeatModel {
                genome: outcome.best,
                target,
            }),
            stop,
        }
    }
}

#[cfg(test)]
mod tests;
