//! The parameters of GEMONN and of its plain NSGA-II baseline, with the
//! authors' defaults (`Main.py`, `Private_function.py`), and their checks.

use crate::net::Gradient;
use crate::train::Variation;
use nnbench_core::{MemberRule, ParamError, check};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// Which operators a registered name uses, and its defaults.
pub trait Kind: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static {
    const NAME: &'static str;
    const SUMMARY: &'static str;
    const VARIATION: Variation;
    /// The registered name's own algorithm version (part of every cell key).
    const VERSION: u32;
    /// Whether the final refinement is on by default (GEMONN's own step).
    const REFINE: bool;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guided;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plain;

impl Kind for Guided {
    const NAME: &'static str = "GEMONN";
    const SUMMARY: &'static str = "Yang et al. 2021: NSGA-II over sparse one-hidden-layer networks with gradient-guided SBX and zeroing mutation, objectives density and mini-batch MSE; a front";
    const VARIATION: Variation = Variation::Guided;
    // 2: the refinement on a fresh batch, as the code's own evaluation call.
    const VERSION: u32 = 2;
    const REFINE: bool = true;
}

impl Kind for Plain {
    const NAME: &'static str = "NSGA2";
    const SUMMARY: &'static str = "plain NSGA-II (SBX, polynomial mutation) over GEMONN's networks, objectives and budget: its baseline; a front";
    const VARIATION: Variation = Variation::Plain;
    const VERSION: u32 = 1;
    const REFINE: bool = false;
}

/// The parameters of GEMONN (`EvolutionParams<Guided>`) and of NSGA2
/// (`EvolutionParams<Plain>`): the network, the search and the front's rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, bound = "")]
pub struct EvolutionParams<K: Kind> {
    /// Hidden sigmoid units of the network (the paper's auto-encoder has 500;
    /// 10 for the tabular datasets, as the Tsoulos network).
    pub hidden: usize,
    /// Individuals (the authors' 50); even, as children come in pairs.
    pub population: usize,
    /// Generations after the initial population (the authors' 500).
    pub generations: usize,
    /// Rows of the training part each evaluation sees: one mini-batch,
    /// drawn afresh for every generation (the authors' 128).
    pub batch: usize,
    /// Which member of the final front stands in the error tables.
    pub member: MemberRule,
    /// The authors' final refinement: masked Adam (lr 1e-3) on every member
    /// of the last population, zeros kept, steps proportional to density
    /// (1000 at the densest member, 20 below density 0.05).
    pub refine: bool,
    /// `full`: every gene's gradient, zero genes too (the authors' dense
    /// autograd; the guided crossover reads it); `active`: only the
    /// non-zero genes', so an evaluation costs in proportion to density.
    pub gradient: Gradient,
    #[serde(skip)]
    pub kind: PhantomData<K>,
}

impl<K: Kind> Default for EvolutionParams<K> {
    fn default() -> Self {
        EvolutionParams {
            hidden: 10,
            population: 50,
            generations: 500,
            batch: 128,
            member: MemberRule::LowestError,
            refine: K::REFINE,
            gradient: Gradient::Full,
            kind: PhantomData,
        }
    }
}

impl<K: Kind> EvolutionParams<K> {
    pub fn check(&self) -> Result<(), ParamError> {
        check::count("hidden", self.hidden, 1, check::MAX_UNITS)?;
        check::count("population", self.population, 2, check::MAX_POPULATION)?;
        if !self.population.is_multiple_of(2) {
            return Err(ParamError::new(
                "population",
                self.population,
                "must be even: children are made in pairs",
            ));
        }
        check::count("batch", self.batch, 1, check::MAX_SAMPLES)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_constraint_is_checked() {
        let d = EvolutionParams::<Guided>::default;
        let key = |p: EvolutionParams<Guided>| p.check().expect_err("refused").key;
        assert!(d().check().is_ok());
        assert_eq!(key(EvolutionParams { hidden: 0, ..d() }), "hidden");
        assert_eq!(
            key(EvolutionParams {
                population: 1,
                ..d()
            }),
            "population"
        );
        assert_eq!(
            key(EvolutionParams {
                population: 51,
                ..d()
            }),
            "population"
        );
        assert_eq!(key(EvolutionParams { batch: 0, ..d() }), "batch");
        assert!(d().refine && !EvolutionParams::<Plain>::default().refine);
    }
}
