//! Parameters of GENETIC: the paper's m and k_max with the OPTIMUS code's
//! operator defaults (`src/Genetic/genetic.cpp`, algorithms.md 2).

use nnbench_core::{ParamError, check};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stopping {
    /// `generations` generations, as the paper.
    Fixed,
    /// The code's variance rule after 50 generations, or `generations`.
    Doublebox,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GeneticParams {
    pub hidden: usize,
    /// m (paper: 200).
    pub chromosomes: usize,
    /// k_max (paper: 200).
    pub generations: usize,
    /// Fraction kept unchanged each generation (elitism; code: 0.1).
    pub selection_rate: f64,
    /// Per-gene mutation probability (code: 0.05).
    pub mutation_rate: f64,
    /// Tournament size (code: 4 up to 100 chromosomes, else 10).
    pub tournament: usize,
    /// Genes start uniform in [-init_range, init_range], the problem's box
    /// (10, as PROPOSED's; see its `init_range`).
    pub init_range: f64,
    /// Cap of the final BFGS from the best chromosome.
    pub bfgs_evaluations: usize,
    pub stopping: Stopping,
}

impl Default for GeneticParams {
    fn default() -> Self {
        GeneticParams {
            hidden: 10,
            chromosomes: 200,
            generations: 200,
            selection_rate: 0.1,
            mutation_rate: 0.05,
            tournament: 10,
            init_range: 10.0,
            bfgs_evaluations: 2001,
            stopping: Stopping::Fixed,
        }
    }
}

impl GeneticParams {
    pub fn check(&self) -> Result<(), ParamError> {
        check::count("hidden", self.hidden, 1, check::MAX_UNITS)?;
        check::count("chromosomes", self.chromosomes, 4, check::MAX_POPULATION)?;
        check::count("generations", self.generations, 1, check::MAX_STEPS)?;
        check::fraction("selection_rate", self.selection_rate)?;
        check::fraction("mutation_rate", self.mutation_rate)?;
        check::count("tournament", self.tournament, 1, check::MAX_POPULATION)?;
        if self.tournament > self.chromosomes {
            return Err(ParamError::new(
                "tournament",
                self.tournament,
                "must be <= chromosomes",
            ));
        }
        check::positive("init_range", self.init_range)?;
        check::count(
            "bfgs_evaluations",
            self.bfgs_evaluations,
            1,
            check::MAX_STEPS,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_constraint_is_checked() {
        let d = GeneticParams::default;
        let key = |p: GeneticParams| p.check().expect_err("refused").key;
        assert!(d().check().is_ok());
        assert_eq!(key(GeneticParams { hidden: 0, ..d() }), "hidden");
        assert_eq!(
            key(GeneticParams {
                chromosomes: 3,
                ..d()
            }),
            "chromosomes"
        );
        assert_eq!(
            key(GeneticParams {
                generations: 0,
                ..d()
            }),
            "generations"
        );
        assert_eq!(
            key(GeneticParams {
                selection_rate: 1.0,
                ..d()
            }),
            "selection_rate"
        );
        assert_eq!(
            key(GeneticParams {
                mutation_rate: -0.1,
                ..d()
            }),
            "mutation_rate"
        );
        assert_eq!(
            key(GeneticParams {
                tournament: 0,
                ..d()
            }),
            "tournament"
        );
        assert_eq!(
            key(GeneticParams {
                tournament: 300,
                ..d()
            }),
            "tournament"
        );
        assert_eq!(
            key(GeneticParams {
                init_range: 0.0,
                ..d()
            }),
            "init_range"
        );
        assert_eq!(
            key(GeneticParams {
                bfgs_evaluations: 0,
                ..d()
            }),
            "bfgs_evaluations"
        );
    }
}
