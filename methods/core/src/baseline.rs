//! MEAN: the constant predictor that outputs the mean training target. The
//! floor any trained network must beat, and the fast method the harness's
//! own tests run.

use crate::data::Patterns;
use crate::method::{Method, MethodParams, Model, ParamError, StopReason, Trained};
use crate::problem::Problem;
use crate::seed::Seeds;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MeanParams {}

impl MethodParams for MeanParams {
    const NAME: &'static str = "MEAN";
    const SUMMARY: &'static str =
        "constant predictor: the mean training target (a floor, and the harness's test method)";
    const VERSION: u32 = 1;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        Ok(Box::new(Mean))
    }
}

struct Mean;

struct Constant(f64);

impl Model for Constant {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        vec![self.0; data.len()]
    }
}

impl Method for Mean {
    fn train(&self, problem: &mut Problem<'_>, _seeds: Seeds) -> Trained {
        let y = problem.data().targets();
        let mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
        Trained {
            model: Box::new(Constant(mean)),
            stop: StopReason::Converged,
        }
    }
}
