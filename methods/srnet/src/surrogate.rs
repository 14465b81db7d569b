//! LIME and MAPLE, the methods experiments name: the local surrogates of
//! `nnbench-surrogates` explaining the cell's black box, used as the
//! authors' comparison script uses them (algorithms.md 8a.2). Each point a
//! surrogate is asked about gets a local linear model explained there and
//! evaluated there; `pairing = "authors"` keeps the script's slip instead,
//! predicting the i-th point of any set by the model explained at the i-th
//! extrapolation point (it explains at `x_test[i]` and evaluates at
//! `x_valid[i]`; on a dataset without an extrapolation domain, the i-th
//! training point).
//!
//! On a classifier each takes the classification form the authors' script
//! uses (`srnet-clas/run_maple_lime.py`): LIME explains every class's
//! probability at the point and gives the class of the largest local
//! prediction; MAPLE is the forest-classifier form with a local logistic
//! regression.

use nnbench_core::metrics::argmax;
use nnbench_core::seed::{derive, rng};
use nnbench_core::{
    BlackBox, Method, MethodParams, Model, ParamError, Patterns, Problem, Seeds, StopReason,
    Trained, check,
};
use nnbench_surrogates::forest::ForestSettings;
use nnbench_surrogates::{Lime, Maple, MapleClassifier, MapleSettings, Quartiles, Scaler};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pairing {
    /// Explained where evaluated.
    Own,
    /// Explained at the extrapolation point of the same index.
    Authors,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimeParams {
    /// Perturbations per explanation.
    pub samples: usize,
    /// None: 0.75 sqrt(d), LIME's default.
    pub kernel_width: Option<f64>,
    /// The weighted ridge's penalty (LIME's `Ridge(alpha=1)`).
    pub alpha: f64,
    /// The inputs the classification form keeps (lime's `num_features`);
    /// the regression form keeps them all, as the authors ask.
    pub features: usize,
    pub pairing: Pairing,
}

impl Default for LimeParams {
    fn default() -> Self {
        let l = Lime::DEFAULTS;
        LimeParams {
            samples: l.samples,
            kernel_width: l.kernel_width,
            alpha: l.alpha,
            features: l.features,
            pairing: Pairing::Own,
        }
    }
}

impl LimeParams {
    fn lime(&self) -> Lime {
        Lime {
            samples: self.samples,
            kernel_width: self.kernel_width,
            alpha: self.alpha,
            features: self.features,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MapleParams {
    pub trees: usize,
    /// The share of inputs each split draws from.
    pub max_features: f64,
    pub min_leaf: usize,
    /// The regression form's local ridge penalty (the classification
    /// form's logistic regression is scikit-learn's default, C = 1).
    pub regularization: f64,
    pub pairing: Pairing,
}

impl Default for MapleParams {
    fn default() -> Self {
        let m = MapleSettings::DEFAULTS;
        MapleParams {
            trees: m.forest.trees,
            max_features: m.forest.max_features,
            min_leaf: m.forest.min_leaf,
            regularization: m.regularization,
            pairing: Pairing::Own,
        }
    }
}

impl MethodParams for LimeParams {
    const NAME: &'static str = "LIME";
    const SUMMARY: &'static str = "LIME tabular (Ribeiro et al. 2016) explaining a trained network: a ridge on Gaussian perturbations from the training mean and sd, weighted by their nearness to each point, seeded";
    const VERSION: u32 = 1;
    const EXPLAINS: bool = true;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        check::count("samples", self.samples, 2, check::MAX_SAMPLES)?;
        check::count("features", self.features, 1, check::MAX_UNITS)?;
        if let Some(w) = self.kernel_width {
            check::positive("kernel_width", w)?;
        }
        check::positive("alpha", self.alpha)?;
        Ok(Box::new(LimeMethod(self.clone())))
    }
}

impl MethodParams for MapleParams {
    const NAME: &'static str = "MAPLE";
    const SUMMARY: &'static str = "MAPLE (Plumb et al. 2018) explaining a trained network: random-forest leaf weights, DStump feature selection, a local ridge, seeded";
    const VERSION: u32 = 1;
    const EXPLAINS: bool = true;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        check::count("trees", self.trees, 1, check::MAX_POPULATION)?;
        check::count("min_leaf", self.min_leaf, 1, check::MAX_SAMPLES)?;
        if !(self.max_features > 0.0 && self.max_features <= 1.0) {
            return Err(ParamError::new(
                "max_features",
                self.max_features,
                "must be in (0, 1]",
            ));
        }
        check::positive("regularization", self.regularization)?;
        Ok(Box::new(MapleMethod(self.clone())))
    }
}

struct LimeMethod(LimeParams);
struct MapleMethod(MapleParams);

fn black_box<'a>(problem: &Problem<'a>) -> &'a BlackBox {
    problem
        .black_box()
        .expect("the plan gives an explainer its black box (EXPLAINS)")
}

/// The extrapolation points, for the authors' pairing.
fn anchor(problem: &Problem<'_>, pairing: Pairing) -> Option<Vec<f64>> {
    match pairing {
        Pairing::Own => None,
        Pairing::Authors => Some(
            problem
                .domains()
                .map_or_else(|| problem.data().rows(), |d| d.extrapolation.rows()),
        ),
    }
}

impl Method for LimeMethod {
    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let p = &self.0;
        let black_box = black_box(problem).clone();
        let data = problem.data();
        let (rows, d) = (data.rows(), data.inputs());
        let seed = seeds.run().random();
        let lime = p.lime();
        let model: Box<dyn Model> = match black_box.labels().map(<[f64]>::to_vec) {
            None => local(
                problem,
                p.pairing,
                LimeAt {
                    lime,
                    scaler: Scaler::fit(&rows, d),
                    black_box,
                    seed,
                },
            ),
            Some(labels) => local(
                problem,
                p.pairing,
                LimeClassesAt {
                    lime,
                    quartiles: Quartiles::fit(&rows, d),
                    black_box,
                    labels,
                    seed,
                },
            ),
        };
        Trained {
            model,
            stop: StopReason::MaxIterations,
        }
    }
}

impl Method for MapleMethod {
    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let p = &self.0;
        let black_box = black_box(problem);
        let data = problem.data();
        let (x, d) = (data.rows(), data.inputs());
        let forest = ForestSettings {
            trees: p.trees,
            max_features: p.max_features,
            min_leaf: p.min_leaf,
        };
        if let Some(labels) = black_box.labels() {
            let maple =
                MapleClassifier::fit(&x, d, &black_box.classes(&x), forest, &mut seeds.run());
            problem.charge(1, 0);
            return Trained {
                model: local(
                    problem,
                    p.pairing,
                    MapleClassesAt {
                        maple,
                        labels: labels.to_vec(),
                    },
                ),
                stop: StopReason::MaxIterations,
            };
        }
        // MAPLE selects its inputs on held points: the validation domain's,
        // as the authors pass theirs, or the training part's own.
        let x_valid = problem
            .domains()
            .map_or_else(|| x.clone(), |dom| dom.validation.rows());
        let settings = MapleSettings {
            forest,
            regularization: p.regularization,
        };
        let maple = Maple::fit(
            &x,
            d,
            &black_box.predict(&x),
            &x_valid,
            &black_box.predict(&x_valid),
            settings,
            &mut seeds.run(),
        );
        // The forest's fit and each forward-selection step each read every
        // training point once.
        let passes = 1 + maple.ranking.len() as u64;
        problem.charge(passes, 0);
        Trained {
            model: local(problem, p.pairing, maple),
            stop: StopReason::MaxIterations,
        }
    }
}

/// The explainer's local models as the cell's model.
fn local<E: ExplainAt + Sync + 'static>(
    problem: &Problem<'_>,
    pairing: Pairing,
    explainer: E,
) -> Box<dyn Model> {
    Box::new(Local {
        d: problem.data().inputs(),
        anchor: anchor(problem, pairing),
        explainer,
        explanations: AtomicU64::new(0),
    })
}

/// A local explainer: the value at `x` of the local model explained at
/// `at` (for a classifier, the class label it gives).
trait ExplainAt: Send {
    fn value(&self, at: &[f64], x: &[f64]) -> f64;
    /// Black-box queries one explanation makes.
    fn queries(&self) -> u64;
}

struct LimeAt {
    lime: Lime,
    scaler: Scaler,
    black_box: BlackBox,
    seed: u64,
}

/// A stream per explained point, so a point's explanation is the same
/// whichever set asks for it.
fn stream(seed: u64, at: &[f64]) -> nnbench_core::Rng {
    let bits: Vec<String> = at.iter().map(|v| v.to_bits().to_string()).collect();
    rng(derive(seed, &[&bits.join(",")]))
}

impl ExplainAt for LimeAt {
    fn value(&self, at: &[f64], x: &[f64]) -> f64 {
        let mut rng = stream(self.seed, at);
        let model = |rows: &[f64]| self.black_box.predict(rows);
        self.lime
            .explain(&model, &self.scaler, at, &mut rng)
            .map_or(f64::NAN, |e| e.at(x))
    }

    fn queries(&self) -> u64 {
        self.lime.samples as u64
    }
}

struct LimeClassesAt {
    lime: Lime,
    quartiles: Quartiles,
    black_box: BlackBox,
    labels: Vec<f64>,
    seed: u64,
}

impl ExplainAt for LimeClassesAt {
    /// Each class's probability explained in turn from one stream (lime's
    /// `random_state` runs on across the calls), the class of the largest
    /// local prediction given.
    fn value(&self, at: &[f64], x: &[f64]) -> f64 {
        let mut rng = stream(self.seed, at);
        let k = self.labels.len();
        let model = |rows: &[f64]| self.black_box.probabilities(rows);
        let local: Option<Vec<f64>> = (0..k)
            .map(|label| {
                self.lime
                    .explain_label(&model, k, &self.quartiles, at, label, &mut rng)
                    .map(|e| e.at(&self.quartiles, x))
            })
            .collect();
        local.map_or(f64::NAN, |l| self.labels[argmax(&l)])
    }

    fn queries(&self) -> u64 {
        (self.lime.samples * self.labels.len()) as u64
    }
}

struct MapleClassesAt {
    maple: MapleClassifier,
    labels: Vec<f64>,
}

impl ExplainAt for MapleClassesAt {
    fn value(&self, at: &[f64], x: &[f64]) -> f64 {
        self.labels[self.maple.predict(at, x)]
    }

    fn queries(&self) -> u64 {
        0
    }
}

impl ExplainAt for Maple {
    fn value(&self, at: &[f64], x: &[f64]) -> f64 {
        self.explain(at).map_or(f64::NAN, |local| {
            local.intercept + local.coef.iter().zip(x).map(|(c, v)| c * v).sum::<f64>()
        })
    }

    fn queries(&self) -> u64 {
        0
    }
}

/// Local explanations as a model: every point predicted by its own.
struct Local<E> {
    d: usize,
    anchor: Option<Vec<f64>>,
    explainer: E,
    explanations: AtomicU64,
}

impl<E: ExplainAt> Model for Local<E> {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        let rows = data.rows();
        let d = self.d.max(1);
        self.explanations
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        rows.chunks_exact(d)
            .enumerate()
            .map(|(i, x)| {
                let at = self.anchor.as_ref().map_or(x, |a| {
                    let m = a.len() / d;
                    &a[(i % m.max(1)) * d..(i % m.max(1) + 1) * d]
                });
                self.explainer.value(at, x)
            })
            .collect()
    }

    /// Explanations made for the points scored, and the black-box queries
    /// they cost (they happen when points are scored, after training).
    fn notes(&self) -> Vec<(&'static str, f64)> {
        let n = self.explanations.load(Ordering::Relaxed);
        vec![
            ("explanations", n as f64),
            ("blackbox_queries", (n * self.explainer.queries()) as f64),
        ]
    }
}
