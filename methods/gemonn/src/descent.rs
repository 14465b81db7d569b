//! The paper's gradient baselines: mini-batch SGD or Adam on GEMONN's
//! network and objectives, at GEMONN's budget of batch evaluations. The
//! result is one network, so a front of one point: it is stored, scored and
//! drawn with the fronts (a point on the front figures).

use crate::adam::Adam;
use crate::ledger::Ledger;
use crate::net::{Gradient, SparseNet};
use crate::train::{OBJECTIVES, SparseModel, draw_batch};
use nnbench_core::{
    Front, Member, MemberRule, Method, MethodParams, ParamError, Problem, Seeds, Shape, StopReason,
    Trained, check,
};
use rand::RngExt;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Optimiser {
    Sgd,
    Adam,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DescentParams {
    pub hidden: usize,
    pub optimiser: Optimiser,
    /// 0.01 for SGD, 1e-3 for Adam (torch's default, as GEMONN's refinement).
    pub learning_rate: f64,
    /// Steps, each on one fresh mini-batch: GEMONN's 50 x (500 + 1) batch
    /// evaluations by default, its budget without the refinement.
    pub steps: usize,
    pub batch: usize,
}

impl Default for DescentParams {
    fn default() -> Self {
        DescentParams {
            hidden: 10,
            optimiser: Optimiser::Adam,
            learning_rate: 1e-3,
            steps: 50 * 501,
            batch: 128,
        }
    }
}

impl MethodParams for DescentParams {
    const NAME: &'static str = "DESCENT";
    const SUMMARY: &'static str = "mini-batch SGD or Adam on GEMONN's network and objectives at GEMONN's budget: the paper's gradient baselines, a front of one point";
    const VERSION: u32 = 1;
    const RECONSTRUCTS: bool = true;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        check::count("hidden", self.hidden, 1, check::MAX_UNITS)?;
        check::positive("learning_rate", self.learning_rate)?;
        check::count("steps", self.steps, 1, check::MAX_STEPS)?;
        check::count("batch", self.batch, 1, check::MAX_SAMPLES)?;
        Ok(Box::new(Descent(self.clone())))
    }
}

/// The checked parameters: only `build` makes one.
struct Descent(DescentParams);

impl Method for Descent {
    /// The weights with their gradient and Adam's two moments, and one
    /// batch's activations.
    fn footprint(&self, shape: Shape) -> f64 {
        let p = &self.0;
        let weights = (p.hidden * (shape.inputs + shape.outputs + 2)) as f64;
        4.0 * weights + (p.batch * p.hidden) as f64
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let p = &self.0;
        let data = problem.data();
        let net = SparseNet::for_problem(problem, p.hidden);
        let (rows, targets) = (data.rows(), data.targets().to_vec());
        let mut rng = seeds.run();
        let mut batches = seeds.stream("batches");
        // GEMONN's initial range, every weight kept (density 1).
        let range = 6.0 / ((net.inputs + 1 + net.hidden) as f64).sqrt();
        let mut w: Vec<f64> = (0..net.genes())
            .map(|_| rng.random_range(-range..range))
            .collect();
        let mut g = vec![0.0; w.len()];
        let mut adam = Adam::new(p.learning_rate, w.len());
        let mut stop = StopReason::MaxIterations;
        let mut ledger = Ledger::new(problem);
        for _ in 0..p.steps {
            let (x, y) = draw_batch(&rows, &targets, net.inputs, p.batch, &mut batches);
            if !ledger.spend(y.len(), true) {
                stop = StopReason::BudgetExhausted;
                break;
            }
            let loss = net.loss(&w, &x, &y, Some((&mut g, Gradient::Full)));
            if !loss.is_finite() {
                stop = StopReason::NonFinite;
                break;
            }
            match p.optimiser {
                Optimiser::Sgd => w
                    .iter_mut()
                    .zip(&g)
                    .for_each(|(w, g)| *w -= p.learning_rate * g),
                Optimiser::Adam => adam.step(&mut w, &g, None),
            }
        }
        let member: Box<dyn Member> = Box::new(SparseModel { net, weights: w });
        Trained {
            model: Box::new(Front {
                objectives: OBJECTIVES.to_vec(),
                members: vec![member],
                chosen: 0,
                rule: MemberRule::LowestError,
            }),
            stop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::{Budget, Patterns};

    fn data() -> Patterns {
        let x: Vec<f64> = (0..200).map(|i| (i as f64 / 100.0) - 1.0).collect();
        let y: Vec<f64> = x.iter().map(|v| (3.0 * v).sin()).collect();
        Patterns::from_rows(1, &x, &y)
    }

    fn run(params: DescentParams) -> (f64, Trained) {
        let data = data();
        let method = params.build().unwrap();
        let mut problem = Problem::for_method(method.as_ref(), &data, Budget::default());
        let trained = method.train(&mut problem, Seeds::new(4, 5));
        let front = trained.model.front().unwrap();
        assert_eq!(front.members.len(), 1, "a point");
        (front.members[0].objectives(&data, None)[1], trained)
    }

    #[test]
    fn both_optimisers_fit_far_below_the_variance_and_stay_dense() {
        let data = data();
        let y = data.targets();
        let mean = y.iter().sum::<f64>() / y.len() as f64;
        let variance = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64;
        for (optimiser, learning_rate) in [(Optimiser::Adam, 0.01), (Optimiser::Sgd, 0.1)] {
            let (mse, trained) = run(DescentParams {
                optimiser,
                learning_rate,
                steps: 3000,
                batch: 32,
                ..DescentParams::default()
            });
            assert!(
                mse < 0.1 * variance,
                "{optimiser:?}: mse {mse} vs variance {variance}"
            );
            let density = trained.model.front().unwrap().members[0].objectives(&data, None)[0];
            assert_eq!(density, 1.0);
        }
    }

    #[test]
    fn every_parameter_constraint_is_checked() {
        let d = DescentParams::default;
        let key = |p: DescentParams| p.build().err().map(|e| e.key);
        assert_eq!(key(d()), None);
        assert_eq!(key(DescentParams { hidden: 0, ..d() }), Some("hidden"));
        assert_eq!(
            key(DescentParams {
                learning_rate: 0.0,
                ..d()
            }),
            Some("learning_rate")
        );
        assert_eq!(key(DescentParams { steps: 0, ..d() }), Some("steps"));
        assert_eq!(key(DescentParams { batch: 0, ..d() }), Some("batch"));
    }
}
