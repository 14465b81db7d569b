//! RBF: the radial-basis-function baseline of Tsoulos et al. (2023), as
//! GlobalOptimus trains it by default ("original training",
//! `MLMODELS/rbfproblem.cpp`, itsoulos/GlobalOptimus@76877809; algorithms.md
//! section 3): K = 10 Gaussian units phi_k(x) = exp(-|x - c_k|^2 / (2 s_k^2))
//! with centres from seeded k-means, widths from the clusters, and output
//! weights (no bias) by least squares.
//!
//! Widths: preset `authors` (default) sets every width to the SUM of the
//! clusters' RMS distances, as the code does; `standard` gives each unit its
//! own cluster's RMS distance. Either way a width is floored at 0.01 (the
//! code's value for an empty cluster), so a one-point cluster stays usable.
//! Least squares by nalgebra's SVD with a relative cutoff, never the normal
//! equations.

mod kmeans;

pub use kmeans::{Clusters, kmeans};

use nalgebra::{DMatrix, DVector};
use nnbench_core::{
    Method, MethodParams, Model, ParamError, Patterns, Problem, Seeds, Shape, StopReason, Trained,
    check,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Widths {
    Authors,
    Standard,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RbfParams {
    /// K, the Gaussian units ("number of weights was set to 10").
    pub units: usize,
    pub widths: Widths,
    /// Lloyd steps at most.
    pub max_iterations: usize,
    /// Stop once the centres move less than this in total.
    pub tolerance: f64,
}

impl Default for RbfParams {
    fn default() -> Self {
        RbfParams {
            units: 10,
            widths: Widths::Authors,
            max_iterations: 100,
            tolerance: 1e-6,
        }
    }
}

impl MethodParams for RbfParams {
    const NAME: &'static str = "RBF";
    const SUMMARY: &'static str = "RBF network: 10 Gaussian units, k-means centres, cluster widths (`authors` sum quirk or `standard`), least-squares output";
    // 2: spend counted (k-means steps and the solve as passes); results unchanged.
    const VERSION: u32 = 2;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        check::count("units", self.units, 1, check::MAX_UNITS)?;
        check::count("max_iterations", self.max_iterations, 1, check::MAX_STEPS)?;
        check::positive("tolerance", self.tolerance)?;
        Ok(Box::new(Rbf(self.clone())))
    }
}

/// A trained RBF network.
#[derive(Debug, Clone, PartialEq)]
pub struct RbfModel {
    pub centres: Vec<f64>,
    pub widths: Vec<f64>,
    pub weights: Vec<f64>,
}

impl RbfModel {
    /// Output weights for fixed centres and widths, by least squares on `data`.
    pub fn fit(data: &Patterns, centres: Vec<f64>, widths: Vec<f64>) -> RbfModel {
        let mut model = RbfModel {
            weights: vec![0.0; widths.len()],
            centres,
            widths,
        };
        let design = model.design(data);
        let y = DVector::from_column_slice(data.targets());
        model.weights = least_squares(design, y);
        model
    }

    /// The M x K matrix of unit activations.
    fn design(&self, data: &Patterns) -> DMatrix<f64> {
        let d = data.inputs();
        DMatrix::from_fn(data.len(), self.widths.len(), |p, k| {
            let r2 = kmeans::distance2(data, p, &self.centres[k * d..]);
            (-r2 / (2.0 * self.widths[k] * self.widths[k])).exp()
        })
    }
}

impl Model for RbfModel {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        let w = DVector::from_column_slice(&self.weights);
        (self.design(data) * w).iter().copied().collect()
    }
}

/// min |A w - y| by SVD, singular values below 1e-12 of the largest dropped.
pub fn least_squares(a: DMatrix<f64>, y: DVector<f64>) -> Vec<f64> {
    let svd = a.svd(true, true);
    let cutoff = 1e-12 * svd.singular_values.max();
    match svd.solve(&y, cutoff) {
        Ok(w) => w.iter().copied().collect(),
        Err(_) => vec![0.0; svd.singular_values.len()],
    }
}

const WIDTH_FLOOR: f64 = 0.01;

/// The checked parameters: only `build` makes one, so only checked values train.
struct Rbf(RbfParams);

impl Method for Rbf {
    /// The design matrix (a row per pattern, a column per unit), twice for
    /// its SVD, and the centres.
    fn footprint(&self, shape: Shape) -> f64 {
        let units = self.0.units as f64;
        units * (2.0 * shape.rows as f64 + shape.inputs as f64)
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let data = problem.data();
        let d = data.inputs();
        let clusters = kmeans(
            data,
            self.0.units,
            self.0.max_iterations,
            self.0.tolerance,
            &mut seeds.run(),
        );
        let (mut sums, mut counts) = (vec![0.0; self.0.units], vec![0usize; self.0.units]);
        for (p, &c) in clusters.assignment.iter().enumerate() {
            sums[c] += kmeans::distance2(data, p, &clusters.centres[c * d..]);
            counts[c] += 1;
        }
        let rms: Vec<f64> = sums
            .iter()
            .zip(&counts)
            .map(|(s, &n)| {
                if n == 0 {
                    WIDTH_FLOOR
                } else {
                    (s / n as f64).sqrt()
                }
            })
            .collect();
        let widths = match self.0.widths {
            Widths::Authors => vec![rms.iter().sum::<f64>(); self.0.units],
            Widths::Standard => rms,
        };
        let widths = widths.into_iter().map(|w| w.max(WIDTH_FLOOR)).collect();
        // Each k-means step is a pass over the training part, and so is the
        // least-squares solve on its design matrix.
        problem.charge(clusters.iterations as u64 + 1, 0);
        let stop = if clusters.iterations < self.0.max_iterations {
            StopReason::Converged
        } else {
            StopReason::MaxIterations
        };
        Trained {
            model: Box::new(RbfModel::fit(data, clusters.centres, widths)),
            stop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::{Budget, seed};

    #[test]
    fn least_squares_recovers_a_known_solution() {
        // y = 2 a - 3 b exactly, overdetermined.
        let a = DMatrix::from_row_slice(4, 2, &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, -1.0]);
        let y = DVector::from_column_slice(&[2.0, -3.0, -1.0, 7.0]);
        let w = least_squares(a, y);
        assert!(
            (w[0] - 2.0).abs() < 1e-12 && (w[1] + 3.0).abs() < 1e-12,
            "{w:?}"
        );
    }

    #[test]
    fn centres_on_the_training_points_interpolate_a_smooth_function() {
        let xs: Vec<f64> = (0..21)
            .map(|i| i as f64 * std::f64::consts::PI / 20.0)
            .collect();
        let train = Patterns::from_rows(1, &xs, &xs.iter().map(|x| x.sin()).collect::<Vec<_>>());
        let model = RbfModel::fit(&train, xs.clone(), vec![0.3; 21]);
        // Between the points the interpolant stays close to sin; least so
        // in the end intervals, as Gaussian interpolation without a bias is.
        let mid: Vec<f64> = (0..20)
            .map(|i| (i as f64 + 0.5) * std::f64::consts::PI / 20.0)
            .collect();
        let test = Patterns::from_rows(1, &mid, &[0.0; 20]);
        for (i, (x, o)) in mid.iter().zip(model.outputs(&test)).enumerate() {
            let tolerance = if i == 0 || i == 19 { 1e-2 } else { 1e-3 };
            assert!(
                (o - x.sin()).abs() < tolerance,
                "at {x}: {o} vs {}",
                x.sin()
            );
        }
        for (o, t) in model.outputs(&train).iter().zip(train.targets()) {
            assert!((o - t).abs() < 1e-8);
        }
    }

    #[test]
    fn the_authors_preset_gives_every_unit_the_summed_width() {
        let rows: Vec<f64> = (0..40)
            .map(|i| (i % 10) as f64 + if i < 20 { 0.0 } else { 50.0 })
            .collect();
        let data = Patterns::from_rows(1, &rows, &rows);
        let fit = |widths| {
            let mut problem = Problem::new(None, &data, Budget::default());
            let rbf = RbfParams {
                units: 2,
                widths,
                ..RbfParams::default()
            }
            .build()
            .unwrap();
            rbf.train(&mut problem, Seeds::new(3, 0))
                .model
                .outputs(&data)
        };
        assert_ne!(fit(Widths::Authors), fit(Widths::Standard));
        // Deterministic for a seed.
        assert_eq!(fit(Widths::Authors), fit(Widths::Authors));
    }

    #[test]
    fn every_parameter_constraint_is_checked() {
        let d = RbfParams::default;
        let key = |p: RbfParams| p.build().err().expect("refused").key;
        assert!(d().build().is_ok());
        assert_eq!(key(RbfParams { units: 0, ..d() }), "units");
        assert_eq!(
            key(RbfParams {
                max_iterations: 0,
                ..d()
            }),
            "max_iterations"
        );
        assert_eq!(
            key(RbfParams {
                tolerance: 0.0,
                ..d()
            }),
            "tolerance"
        );
        let _ = seed::rng(0);
    }
}
