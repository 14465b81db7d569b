//! Parameters of PROPOSED and PROPOSED_ADAM, with every point where the
//! paper and the authors' code disagree as a named preset (algorithms.md 1).

use nnbench_core::{ParamError, check};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// Penalty E (1 + alpha B^q), B the saturated fraction (algorithms.md 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Penalty {
    /// The paper: alpha = 100, q = 1.
    Paper,
    /// The authors' NeuralTrain code: alpha = 100, q = 2.
    Code,
}

impl Penalty {
    pub fn apply(self, sse: f64, fraction: f64) -> f64 {
        match self {
            Penalty::Paper => sse * (1.0 + 100.0 * fraction),
            Penalty::Code => sse * (1.0 + 100.0 * fraction * fraction),
        }
    }
}

/// The phase-2 box around the best particle p (algorithms.md 1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BoundsPreset {
    /// The paper: [-F max(|p_i|, floor), +F max(|p_i|, floor)].
    #[serde(rename = "paper")]
    Paper,
    /// The driver's first version: [-2|p_i|, 2|p_i|].
    #[serde(rename = "code-2x")]
    Code2x,
    /// The driver from 2023-03-08 on: between 0.9 p_i and 1.1 p_i (ordered
    /// correctly for negative p_i).
    #[serde(rename = "code-0.9-1.1")]
    Code09To11,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Local {
    /// Bound-constrained BFGS, at most `bfgs_evaluations` evaluations.
    Bfgs,
    /// The authors' box-clipped Adam, `adam_iterations` steps.
    Adam,
}

/// What one repetition repeats (algorithms.md 0.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Repetition {
    /// The paper: every run does both phases with its own seed.
    Paper,
    /// The authors' driver: the bounding phase once per (dataset, fold),
    /// then each repetition trains from a random point of the phase-2 box.
    Code,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stopping {
    /// k_max iterations, as the paper.
    Fixed,
    /// The authors' variance ("doublebox") rule after 10 iterations, or k_max.
    Doublebox,
}

/// Which phase 2 a registered name defaults to.
pub trait Phase: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static {
    const NAME: &'static str;
    const SUMMARY: &'static str;
    const LOCAL: Local;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithBfgs;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithAdam;

impl Phase for WithBfgs {
    const NAME: &'static str = "PROPOSED";
    const SUMMARY: &'static str = "Tsoulos et al. 2023: PSO bounds the weights on a penalised error, then BFGS trains inside the bounds";
    const LOCAL: Local = Local::Bfgs;
}

impl Phase for WithAdam {
    const NAME: &'static str = "PROPOSED_ADAM";
    const SUMMARY: &'static str =
        "PROPOSED with the authors' box-clipped Adam (lr 0.01, eps 0.1) as phase 2";
    const LOCAL: Local = Local::Adam;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, bound = "")]
pub struct ProposedParams<P: Phase> {
    /// Hidden units H (paper: 10).
    pub hidden: usize,
    /// Swarm size m (paper: 200).
    pub particles: usize,
    /// k_max (paper: 200).
    pub iterations: usize,
    pub inertia_max: f64,
    pub inertia_min: f64,
    /// Cognitive and social constants (the code's 1.0; the paper says "in [1, 2]").
    pub c1: f64,
    pub c2: f64,
    /// The phase-1 box is [-init_range, init_range] in every weight. Default
    /// 10, GlobalOptimus's `mlp_leftmargin`/`rightmargin`; the NeuralTrain
    /// driver of the paper era used 100, which on min-max scaled inputs
    /// saturates nearly every sigmoid of nearly every particle, so the swarm
    /// ends on a flat plateau BFGS cannot leave (README, "PROPOSED's box").
    pub init_range: f64,
    /// L of the saturation count B(L) (paper: 10).
    pub limit: f64,
    pub penalty: Penalty,
    pub stopping: Stopping,
    pub bounds: BoundsPreset,
    /// F of the paper's phase-2 box (paper: 5).
    pub factor: f64,
    /// Floor on |p_i| in the paper's phase-2 box, so a zero weight can move.
    pub floor: f64,
    pub local: Local,
    /// Cap of the BFGS phase (TOLMIN's 2001).
    pub bfgs_evaluations: usize,
    /// Steps of the Adam phase (the authors' optimizer default 10 000).
    pub adam_iterations: usize,
    pub repetition: Repetition,
    #[serde(skip)]
    pub phase: PhantomData<P>,
}

impl<P: Phase> Default for ProposedParams<P> {
    fn default() -> Self {
        ProposedParams {
            hidden: 10,
            particles: 200,
            iterations: 200,
            inertia_max: 0.9,
            inertia_min: 0.4,
            c1: 1.0,
            c2: 1.0,
            init_range: 10.0,
            limit: 10.0,
            penalty: Penalty::Paper,
            stopping: Stopping::Fixed,
            bounds: BoundsPreset::Paper,
            factor: 5.0,
            floor: 0.01,
            local: P::LOCAL,
            bfgs_evaluations: 2001,
            adam_iterations: 10_000,
            repetition: Repetition::Paper,
            phase: PhantomData,
        }
    }
}

impl<P: Phase> ProposedParams<P> {
    pub fn check(&self) -> Result<(), ParamError> {
        check::count("hidden", self.hidden, 1, check::MAX_UNITS)?;
        check::count("particles", self.particles, 2, check::MAX_POPULATION)?;
        check::count("iterations", self.iterations, 1, check::MAX_STEPS)?;
        check::fraction("inertia_min", self.inertia_min)?;
        if !(self.inertia_min..=1.0).contains(&self.inertia_max) {
            return Err(ParamError::new(
                "inertia_max",
                self.inertia_max,
                "must be in [inertia_min, 1]",
            ));
        }
        check::non_negative("c1", self.c1)?;
        check::non_negative("c2", self.c2)?;
        check::positive("init_range", self.init_range)?;
        check::positive("limit", self.limit)?;
        check::positive("factor", self.factor)?;
        check::positive("floor", self.floor)?;
        check::count(
            "bfgs_evaluations",
            self.bfgs_evaluations,
            1,
            check::MAX_STEPS,
        )?;
        check::count("adam_iterations", self.adam_iterations, 1, check::MAX_STEPS)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_penalty_presets_on_a_hand_computed_example() {
        // E = 2, B = 0.1: paper 2 (1 + 100 * 0.1) = 22; code 2 (1 + 100 * 0.01) = 4.
        assert!((Penalty::Paper.apply(2.0, 0.1) - 22.0).abs() < 1e-12);
        assert!((Penalty::Code.apply(2.0, 0.1) - 4.0).abs() < 1e-12);
        assert_eq!(Penalty::Paper.apply(3.0, 0.0), 3.0);
    }

    #[test]
    fn the_two_names_differ_only_in_their_phase_2_default() {
        let a = ProposedParams::<WithBfgs>::default();
        let b = ProposedParams::<WithAdam>::default();
        assert_eq!((a.local, b.local), (Local::Bfgs, Local::Adam));
        let b_as_toml = toml::to_string(&b).unwrap();
        let parsed: ProposedParams<WithAdam> = toml::from_str("particles = 50").unwrap();
        assert_eq!(parsed.local, Local::Adam);
        assert!(b_as_toml.contains("local = \"adam\""));
    }

    #[test]
    fn every_parameter_constraint_is_checked() {
        type P = ProposedParams<WithBfgs>;
        let d = P::default;
        let key = |p: P| p.check().expect_err("refused").key;
        assert!(d().check().is_ok());
        assert_eq!(key(P { hidden: 0, ..d() }), "hidden");
        assert_eq!(
            key(P {
                particles: 1,
                ..d()
            }),
            "particles"
        );
        assert_eq!(
            key(P {
                iterations: 0,
                ..d()
            }),
            "iterations"
        );
        assert_eq!(
            key(P {
                inertia_min: 1.0,
                ..d()
            }),
            "inertia_min"
        );
        assert_eq!(
            key(P {
                inertia_max: 0.3,
                ..d()
            }),
            "inertia_max"
        );
        assert_eq!(key(P { c1: -1.0, ..d() }), "c1");
        assert_eq!(
            key(P {
                c2: f64::NAN,
                ..d()
            }),
            "c2"
        );
        assert_eq!(
            key(P {
                init_range: 0.0,
                ..d()
            }),
            "init_range"
        );
        assert_eq!(key(P { limit: 0.0, ..d() }), "limit");
        assert_eq!(
            key(P {
                factor: -5.0,
                ..d()
            }),
            "factor"
        );
        assert_eq!(key(P { floor: 0.0, ..d() }), "floor");
        assert_eq!(
            key(P {
                bfgs_evaluations: 0,
                ..d()
            }),
            "bfgs_evaluations"
        );
        assert_eq!(
            key(P {
                adam_iterations: 0,
                ..d()
            }),
            "adam_iterations"
        );
    }
}
