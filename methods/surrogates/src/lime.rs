//! LIME's tabular explainer for regression as SRNet's comparison calls it
//! (`LimeTabularExplainer(X_train, discretize_continuous=False,
//! mode="regression")`, `explain_instance(x, f, num_features=d,
//! num_samples=5000)`; lime 0.2.0.1, shared/docs/algorithms.md 8a.2-8a.3):
//! perturbations drawn N(0, 1) per input, scaled by the training part's
//! standard deviation and centred on its mean (not on the instance), the
//! first sample the instance itself; distances in standardised units;
//! weights sqrt(exp(-d^2 / w^2)) with w = 0.75 sqrt(d); a ridge (alpha 1)
//! on the standardised samples. With every input kept, LIME's feature
//! selection keeps all of them. Seeded, where the authors' was not.
//!
//! The classification form ([`Lime::explain_label`]) is lime's default,
//! as SRNet's classification comparison calls it
//! (`LimeTabularExplainer(X_train, mode="classification")`,
//! `explain_instance(x, f, labels=(label,))`): inputs discretised by
//! quartiles ([`Quartiles`]); each sample draws every input's bin with the
//! training shares and a value in it; a sample is described by which
//! inputs share the instance's bin (1) or not (0), all ones for the
//! instance, and weighted by the kernel on that description's distance;
//! `feature_selection="auto"` with `num_features=10` keeps the inputs of
//! the 10 largest coefficients of a ridge (alpha 0.01) on all of them;
//! the ridge (alpha 1) on those inputs predicts one class's probability,
//! and its value at the instance is `local_pred`.

use crate::quartiles::Quartiles;
use crate::ridge::Ridge;
use nnbench_core::Rng;
use nnbench_core::seed::normal;

#[derive(Debug, Clone, PartialEq)]
pub struct Lime {
    pub samples: usize,
    /// None: 0.75 sqrt(d).
    pub kernel_width: Option<f64>,
    pub alpha: f64,
    /// The inputs the classification form keeps (lime's `num_features`).
    pub features: usize,
}

impl Lime {
    pub const DEFAULTS: Lime = Lime {
        samples: 5000,
        kernel_width: None,
        alpha: 1.0,
        features: 10,
    };

    fn width(&self, d: usize) -> f64 {
        self.kernel_width.unwrap_or(0.75 * (d as f64).sqrt())
    }

    fn kernel(&self, distance: f64, d: usize) -> f64 {
        let width = self.width(d);
        libm::sqrt(libm::exp(-(distance * distance) / (width * width)))
    }
}

/// The training part's per-input mean and standard deviation (population,
/// as scikit-learn's StandardScaler; a constant input gets 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Scaler {
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
}

impl Scaler {
    pub fn fit(x: &[f64], d: usize) -> Scaler {
        let n = (x.len() / d.max(1)).max(1) as f64;
        let mean: Vec<f64> = (0..d)
            .map(|j| x.iter().skip(j).step_by(d).sum::<f64>() / n)
            .collect();
        let scale = (0..d)
            .map(|j| {
                let var = x
                    .iter()
                    .skip(j)
                    .step_by(d)
                    .map(|v| (v - mean[j]).powi(2))
                    .sum::<f64>()
                    / n;
                if var > 0.0 { var.sqrt() } else { 1.0 }
            })
            .collect();
        Scaler { mean, scale }
    }
}

/// A local linear model around one instance, in the data's units.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The local model's value at the instance (LIME's `local_pred`).
    pub prediction: f64,
    /// The same model unpacked to the data's units (the authors'
    /// `unpack_coefs`): y ~ intercept + coef . x.
    pub coef: Vec<f64>,
    pub intercept: f64,
}

impl Explanation {
    pub fn at(&self, x: &[f64]) -> f64 {
        self.intercept + self.coef.iter().zip(x).map(|(c, x)| c * x).sum::<f64>()
    }
}

impl Lime {
    /// Explains `model` at `instance`; None if the ridge cannot be fitted.
    /// `model` maps row-major points to one value each and is called once,
    /// on every sample together, as lime calls its `predict_fn`.
    pub fn explain(
        &self,
        model: &dyn Fn(&[f64]) -> Vec<f64>,
        scaler: &Scaler,
        instance: &[f64],
        rng: &mut Rng,
    ) -> Option<Explanation> {
        let d = instance.len();
        let samples = self.samples.max(1);
        let mut standard = Vec::with_capacity(samples * d);
        let (mut points, mut weights) =
            (Vec::with_capacity(samples * d), Vec::with_capacity(samples));
        let standard_instance: Vec<f64> = (0..d)
            .map(|j| (instance[j] - scaler.mean[j]) / scaler.scale[j])
            .collect();
        let mut row = vec![0.0; d];
        for s in 0..samples {
            for j in 0..d {
                // Drawn for the first sample too, as lime draws all at once.
                let z = normal(rng);
                row[j] = if s == 0 {
                    instance[j]
                } else {
                    z * scaler.scale[j] + scaler.mean[j]
                };
            }
            let scaled: Vec<f64> = (0..d)
                .map(|j| (row[j] - scaler.mean[j]) / scaler.scale[j])
                .collect();
            let distance = scaled
                .iter()
                .zip(&standard_instance)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
                .sqrt();
            weights.push(self.kernel(distance, d));
            points.extend_from_slice(&row);
            standard.extend(scaled);
        }
        let y = model(&points);
        let ridge = Ridge::fit(&standard, d, &y, &weights, self.alpha)?;
        let coef: Vec<f64> = ridge
            .coef
            .iter()
            .zip(&scaler.scale)
            .map(|(c, s)| c / s)
            .collect();
        let intercept = ridge.intercept
            - ridge
                .coef
                .iter()
                .zip(scaler.mean.iter().zip(&scaler.scale))
                .map(|(c, (m, s))| c * m / s)
                .sum::<f64>();
        Some(Explanation {
            prediction: ridge.predict(&standard_instance),
            coef,
            intercept,
        })
    }
}

/// One class's local model in lime's discretised form: a ridge on which
/// inputs share the explained instance's bin.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelExplanation {
    /// The bins of the explained instance.
    bins: Vec<usize>,
    /// The inputs kept, and the ridge on their 0/1 descriptions.
    kept: Vec<usize>,
    ridge: Ridge,
}

impl LabelExplanation {
    /// The local model's value at `x`: `local_pred` at the instance itself.
    pub fn at(&self, quartiles: &Quartiles, x: &[f64]) -> f64 {
        let description: Vec<f64> = self
            .kept
            .iter()
            .map(|&j| f64::from(u8::from(quartiles.bin(j, x[j]) == self.bins[j])))
            .collect();
        self.ridge.predict(&description)
    }
}

impl Lime {
    /// Explains class `label` of `probabilities` at `instance`; None if a
    /// ridge cannot be fitted. `probabilities` maps row-major points to
    /// `classes` probabilities each and is called once, on every sample.
    pub fn explain_label(
        &self,
        probabilities: &dyn Fn(&[f64]) -> Vec<f64>,
        classes: usize,
        quartiles: &Quartiles,
        instance: &[f64],
        label: usize,
        rng: &mut Rng,
    ) -> Option<LabelExplanation> {
        let d = instance.len();
        let samples = self.samples.max(1);
        let bins: Vec<usize> = (0..d).map(|j| quartiles.bin(j, instance[j])).collect();
        // As lime: every input's bins for every sample first (the first
        // sample's overwritten by the instance), then their values.
        let mut drawn = vec![0usize; samples * d];
        for j in 0..d {
            for s in 0..samples {
                drawn[s * d + j] = quartiles.draw_bin(j, rng);
            }
        }
        drawn[..d].copy_from_slice(&bins);
        let mut points = vec![0.0; samples * d];
        points[..d].copy_from_slice(instance);
        for j in 0..d {
            for s in 1..samples {
                points[s * d + j] = quartiles.draw_value(j, drawn[s * d + j], rng);
            }
        }
        let description: Vec<f64> = drawn
            .chunks_exact(d)
            .flat_map(|row| {
                row.iter()
                    .zip(&bins)
                    .map(|(a, b)| f64::from(u8::from(a == b)))
            })
            .collect();
        let weights: Vec<f64> = description
            .chunks_exact(d)
            .map(|row| {
                let differ = row.iter().filter(|&&v| v == 0.0).count();
                self.kernel((differ as f64).sqrt(), d)
            })
            .collect();
        let p = probabilities(&points);
        let y: Vec<f64> = (0..samples).map(|s| p[s * classes + label]).collect();
        let kept: Vec<usize> = if self.features >= d {
            (0..d).collect()
        } else {
            // `highest_weights`: the largest |coefficient| times the
            // instance's description (all ones); a stable sort, as Python's.
            let all = Ridge::fit(&description, d, &y, &weights, 0.01)?;
            let mut order: Vec<usize> = (0..d).collect();
            order.sort_by(|&a, &b| all.coef[b].abs().total_cmp(&all.coef[a].abs()));
            order.truncate(self.features.max(1));
            order
        };
        let columns: Vec<f64> = description
            .chunks_exact(d)
            .flat_map(|row| kept.iter().map(move |&j| row[j]))
            .collect();
        let ridge = Ridge::fit(&columns, kept.len(), &y, &weights, self.alpha)?;
        Some(LabelExplanation { bins, kept, ridge })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;

    /// 200 training rows of two inputs around 3, the second twice as spread.
    fn training_scaler() -> Scaler {
        let mut r = rng(1);
        let x: Vec<f64> = (0..400)
            .map(|i| normal(&mut r) * (1.0 + (i % 2) as f64) + 3.0)
            .collect();
        Scaler::fit(&x, 2)
    }

    #[test]
    fn a_linear_model_is_explained_by_its_own_coefficients() {
        let scaler = training_scaler();
        let f = |x: &[f64]| 4.0 - 2.0 * x[0] + 0.5 * x[1];
        let model = |rows: &[f64]| rows.chunks(2).map(f).collect::<Vec<f64>>();
        let e = Lime::DEFAULTS
            .explain(&model, &scaler, &[2.0, 5.0], &mut rng(2))
            .unwrap();
        // The ridge's penalty (alpha 1 against 5 000 weighted samples)
        // shrinks the coefficients by well under a percent.
        assert!(
            (e.coef[0] + 2.0).abs() < 0.02 && (e.coef[1] - 0.5).abs() < 0.01,
            "{e:?}"
        );
        assert!((e.prediction - f(&[2.0, 5.0])).abs() < 0.02, "{e:?}");
        assert!((e.at(&[2.0, 5.0]) - e.prediction).abs() < 1e-9);
        // Without the penalty, exactly.
        let exact = Lime {
            alpha: 0.0,
            ..Lime::DEFAULTS
        };
        let e = exact
            .explain(&model, &scaler, &[2.0, 5.0], &mut rng(2))
            .unwrap();
        assert!(
            (e.coef[0] + 2.0).abs() < 1e-9 && (e.intercept - 4.0).abs() < 1e-9,
            "{e:?}"
        );
    }

    #[test]
    fn a_curve_is_explained_by_its_slope_where_the_kernel_is_narrow() {
        let scaler = training_scaler();
        let model = |rows: &[f64]| rows.chunks(2).map(|x| x[0] * x[0]).collect::<Vec<f64>>();
        let narrow = Lime {
            kernel_width: Some(0.1),
            alpha: 0.0,
            ..Lime::DEFAULTS
        };
        let e = narrow
            .explain(&model, &scaler, &[3.0, 3.0], &mut rng(3))
            .unwrap();
        assert!((e.coef[0] - 6.0).abs() < 0.3, "{e:?}");
        assert_eq!(
            narrow.explain(&model, &scaler, &[3.0, 3.0], &mut rng(3)),
            Some(e)
        );
    }

    /// Twelve inputs of which only the first decides the class (above the
    /// median: class 1), as a network's probabilities.
    fn step_classifier(rows: &[f64]) -> Vec<f64> {
        rows.chunks(12)
            .flat_map(|x| {
                let p = if x[0] > 0.0 { 0.9 } else { 0.1 };
                [1.0 - p, p]
            })
            .collect()
    }

    #[test]
    fn a_class_is_explained_by_the_input_that_decides_it() {
        let mut r = rng(4);
        let x: Vec<f64> = (0..12 * 300).map(|_| normal(&mut r)).collect();
        let quartiles = Quartiles::fit(&x, 12);
        let instance: Vec<f64> = (0..12).map(|j| if j == 0 { 1.0 } else { 0.1 }).collect();
        let explain = |label| {
            Lime::DEFAULTS
                .explain_label(
                    &step_classifier,
                    2,
                    &quartiles,
                    &instance,
                    label,
                    &mut rng(5),
                )
                .unwrap()
        };
        let (zero, one) = (explain(0), explain(1));
        // Ten of the twelve inputs kept, the deciding one among them.
        assert_eq!(one.kept.len(), 10);
        assert_eq!(one.kept[0], 0, "{:?}", one.kept);
        // Sharing the instance's top-quartile bin of x0 makes class 1 about
        // 0.9 likely; elsewhere x0 is above the median a third of the time.
        let local = one.at(&quartiles, &instance);
        assert!((local - 0.9).abs() < 0.05, "{local}");
        assert!(zero.at(&quartiles, &instance) < 0.2);
        // Off the instance's bin of x0 the local model says class 0.
        let mut other = instance.clone();
        other[0] = -1.5;
        assert!(one.at(&quartiles, &other) < 0.5);
        assert_eq!(explain(1), one);
    }

    #[test]
    fn the_scaler_is_the_population_mean_and_deviation() {
        let s = Scaler::fit(&[1.0, 5.0, 3.0, 5.0], 2);
        assert_eq!(s.mean, [2.0, 5.0]);
        assert_eq!(s.scale, [1.0, 1.0]);
    }
}
