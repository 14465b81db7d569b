//! The method plug-in. A method trains on a [`Problem`] with a seeded
//! generator and returns a model plus why it stopped; the runner owns
//! seeding, timing, storage, and the last word on the stop reason (budget
//! exhausted, non-finite outputs). Parameters are a serde struct with defaults
//! and unknown keys refused, checked into the method by [`MethodParams::build`].

use crate::data::Patterns;
use crate::front::Front;
use crate::network::Network;
use crate::problem::Problem;
use crate::seed::Seeds;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The method's own iteration or generation count.
    MaxIterations,
    /// A convergence test of the method.
    Converged,
    /// The runner's budget.
    BudgetExhausted,
    /// The objective or weights became NaN or infinite.
    NonFinite,
}

impl StopReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::MaxIterations => "max_iterations",
            StopReason::Converged => "converged",
            StopReason::BudgetExhausted => "budget_exhausted",
            StopReason::NonFinite => "non_finite",
        }
    }
}

/// A trained model: outputs for patterns.
pub trait Model: Send {
    fn outputs(&self, data: &Patterns) -> Vec<f64>;

    /// The model's own training loss on `data` (cross-entropy, say), where
    /// it has one beyond the error of its outputs.
    fn loss(&self, _data: &Patterns) -> Option<f64> {
        None
    }

    /// Numbers the method reports about its training run, stored with the
    /// cell (e.g. seconds spent computing Shapley values).
    fn notes(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// Numbers about the model on the test part (and the out-of-distribution
    /// rows beside it, where declared), stored with the cell's notes: what
    /// a method measures beyond its outputs' error (e.g. its front's
    /// ensembles). Each name must be in the harness's metric catalogue to
    /// get a table.
    fn test_notes(&self, _test: &Patterns, _ood: Option<&Patterns>) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// Why the model's outputs cannot be trusted, if they cannot (an
    /// external program that crashed or answered nonsense): the harness
    /// records the cell as failed with this text instead of scoring it.
    fn failure(&self) -> Option<String> {
        None
    }

    /// The model's readable form, for an explainer's surrogate: one line
    /// per layer (SRNet's expressions), stored with the cell and shown in
    /// the report.
    fn expressions(&self) -> Vec<String> {
        Vec::new()
    }

    /// The Pareto front this model stands for, if the method's result is one.
    fn front(&self) -> Option<&Front> {
        None
    }
}

/// The Tsoulos network with fixed weights.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkModel {
    pub network: Network,
    pub weights: Vec<f64>,
}

impl Model for NetworkModel {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        self.network.outputs(&self.weights, data)
    }

    /// The size of the trained weights: a run whose test error is far above
    /// its training error with large weights has fitted the training rows
    /// with a steep, wild function (README, "PROPOSED's heavy tail").
    fn notes(&self) -> Vec<(&'static str, f64)> {
        let n = self.weights.len().max(1) as f64;
        let max = self.weights.iter().fold(0.0, |m: f64, w| m.max(w.abs()));
        let rms = (self.weights.iter().map(|w| w * w).sum::<f64>() / n).sqrt();
        vec![("weight_max_abs", max), ("weight_rms", rms)]
    }
}

pub struct Trained {
    pub model: Box<dyn Model>,
    pub stop: StopReason,
}

/// What every method is to the harness. Only the checked form of a
/// method's parameters implements it (built by [`MethodParams::build`]).
pub trait Method: Send + Sync {
    /// The Tsoulos network this method trains on `inputs` features, which
    /// the problem then evaluates and counts; None (the default) for a method
    /// with a model of its own, which charges what it spends instead
    /// ([`Problem::charge`]).
    fn network(&self, _inputs: usize) -> Option<Network> {
        None
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained;

    /// Roughly how many numbers the method holds at once training on a
    /// problem of `shape`, so that the plan can refuse, before anything
    /// runs, a configuration no memory holds: each size parameter has its
    /// maximum, but their product (a population of 100 000 networks of
    /// 100 000 hidden units) can still be 10^10 weights. By default a few
    /// copies of the network's weights and an activation per row and hidden
    /// unit; methods with populations, layers or design matrices say more.
    fn footprint(&self, shape: Shape) -> f64 {
        self.network(shape.inputs).map_or(0.0, |n| {
            8.0 * n.weights() as f64 + shape.rows as f64 * n.hidden as f64
        })
    }
}

/// A problem's size as the plan knows it before anything runs: the
/// dataset's inputs, outputs (classes, 1 for a regression target, the
/// inputs for a reconstruction) and rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub inputs: usize,
    pub outputs: usize,
    pub rows: usize,
}

/// A method's parameter struct: `Default` gives the documented defaults,
/// `build` checks every value and is the only way to a runnable method.
pub trait MethodParams: Serialize + DeserializeOwned + Default + 'static {
    /// The name experiments use (upper case, as in the papers' tables).
    const NAME: &'static str;
    /// One line for `harness methods` and the README.
    const SUMMARY: &'static str;
    /// Bumped whenever a change alters results; part of every cell key.
    const VERSION: u32;
    /// Whether the method can reconstruct its inputs (one output per input
    /// of every row, an auto-encoder's); most give one output per row, and
    /// the harness refuses them a reconstruction task.
    const RECONSTRUCTS: bool = false;
    /// Whether the method needs out-of-distribution rows beside its data
    /// ([`Problem::ood`]); the harness refuses it a dataset without them.
    const NEEDS_OOD: bool = false;
    /// Whether the method explains a network ([`Problem::black_box`]); the
    /// harness refuses it a dataset without `blackbox` settings.
    const EXPLAINS: bool = false;

    /// Fills in what a run depends on beyond the values written (an
    /// external program's source files, by hash) before the parameters are
    /// built and become part of the cell key. Most methods have nothing.
    fn resolve(&mut self) -> Result<(), ParamError> {
        Ok(())
    }

    fn build(&self) -> Result<Box<dyn Method>, ParamError>;
}

/// A parameter out of range: names the key, the value and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("parameter `{key}` = {value}: {allowed}")]
pub struct ParamError {
    pub key: &'static str,
    pub value: String,
    pub allowed: String,
}

impl ParamError {
    pub fn new(
        key: &'static str,
        value: impl std::fmt::Display,
        allowed: impl Into<String>,
    ) -> Self {
        ParamError {
            key,
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }
}

/// Checks shared by many methods' parameters.
pub mod check {
    use super::ParamError;

    pub fn positive(key: &'static str, v: f64) -> Result<(), ParamError> {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(ParamError::new(key, v, "must be a finite number > 0"))
        }
    }

    /// The largest sizes a method accepts, so that a typing slip (a hidden
    /// layer in the billions) is refused at plan time instead of aborting
    /// the process when the memory is asked for. Each method declares which
    /// bound each of its counts has.
    pub const MAX_UNITS: usize = 100_000;
    /// Populations, swarms, tournaments.
    pub const MAX_POPULATION: usize = 100_000;
    /// Rows drawn per step (batches, SHAP samples).
    pub const MAX_SAMPLES: usize = 10_000_000;
    /// Iterations, generations, epochs, evaluations: time, not memory.
    pub const MAX_STEPS: usize = 1_000_000_000;

    /// `min <= v <= max`, for a count.
    pub fn count(key: &'static str, v: usize, min: usize, max: usize) -> Result<(), ParamError> {
        if (min..=max).contains(&v) {
            Ok(())
        } else if v < min {
            Err(ParamError::new(key, v, format!("must be >= {min}")))
        } else {
            Err(ParamError::new(
                key,
                v,
                format!("must be at most {max} (nnbench's limit for this parameter)"),
            ))
        }
    }

    pub fn non_negative(key: &'static str, v: f64) -> Result<(), ParamError> {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(ParamError::new(key, v, "must be a finite number >= 0"))
        }
    }

    /// 0 <= v < 1.
    pub fn fraction(key: &'static str, v: f64) -> Result<(), ParamError> {
        if (0.0..1.0).contains(&v) {
            Ok(())
        } else {
            Err(ParamError::new(key, v, "must be in [0, 1)"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_model_notes_the_largest_and_the_rms_weight() {
        let model = NetworkModel {
            network: Network::new(1, 2),
            weights: vec![3.0, -4.0, 0.0, 0.0, 0.0, 0.0],
        };
        let notes = model.notes();
        // max |w| = 4; rms = sqrt((9 + 16) / 6).
        assert_eq!(notes[0], ("weight_max_abs", 4.0));
        assert_eq!(notes[1], ("weight_rms", (25.0f64 / 6.0).sqrt()));
    }
}
