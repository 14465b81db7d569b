//! GEMONN (Yang, Tian, He, Zhang, Tan, Jin; IEEE TNNLS 2021) as the authors'
//! code does it, and the plain NSGA-II it is compared with, on the same
//! sparse one-hidden-layer networks. The result of either is a Pareto front
//! of networks trading density (the fraction of non-zero weights) against
//! training MSE; the member a rule picks stands in the error tables.

mod adam;
mod descent;
mod ledger;
pub mod net;
pub mod operators;
mod params;
mod train;

pub use descent::{DescentParams, Optimiser};
pub use params::{EvolutionParams, Guided, Kind, Plain};

use nnbench_core::{Method, MethodParams, ParamError, Problem, Seeds, Shape, Trained};

/// GEMONN's parameters.
pub type GemonnParams = EvolutionParams<Guided>;
/// The plain NSGA-II baseline's parameters.
pub type Nsga2Params = EvolutionParams<Plain>;

impl<K: Kind> MethodParams for EvolutionParams<K> {
    const NAME: &'static str = K::NAME;
    const SUMMARY: &'static str = K::SUMMARY;
    const VERSION: u32 = K::VERSION;
    const RECONSTRUCTS: bool = true;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        self.check()?;
        Ok(Box::new(Evolution(self.clone())))
    }
}

/// The checked parameters: only `build` makes one.
struct Evolution<K: Kind>(EvolutionParams<K>);

impl<K: Kind> Method for Evolution<K> {
    /// The population and its offspring, each a network's weights and mask,
    /// and one batch's activations.
    fn footprint(&self, shape: Shape) -> f64 {
        let p = &self.0;
        let weights = (p.hidden * (shape.inputs + shape.outputs + 2)) as f64;
        4.0 * p.population as f64 * weights + (p.batch * p.hidden) as f64
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        train::train(&self.0, K::VARIATION, problem, seeds)
    }
}

#[cfg(test)]
mod tests;
