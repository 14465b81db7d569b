//! SHAP-informed learning rates (Graham & Sheng 2025). Every `every`
//! epochs the network is explained on a sample of training rows against a
//! background sample; mean |phi_i| over the sample, normalised to sum 1,
//! gives the importances s_i. The `global` variant multiplies the learning
//! rate by g(s); the `gradient` variant multiplies the gradient of the
//! first-layer weights of input i by h(s_i).
//!
//! ASSUMPTIONS, not the paper's (its formulas are not available to us,
//! algorithms.md section 7): the aggregation (mean |phi| normalised), the
//! forms g(s) = 1 + lambda max s (`one_plus`) or lambda d max s (`scaled`)
//! and h(s_i) = 1 + lambda s_i or lambda d s_i, the explained output (the
//! value for regression; the probability of the predicted class for
//! classification), and the recompute schedule (epochs 0, every, 2 every, ...).

use nnbench_core::dense::{Mlp, Output, softmax};
use nnbench_shapley::Explainer;
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShapMode {
    /// Plain training: no Shapley values.
    None,
    Global,
    Gradient,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExplainerKind {
    Exact,
    Kernel,
    Permutation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// g = 1 + lambda max_i s_i; h_i = 1 + lambda s_i.
    OnePlus,
    /// g = lambda d max_i s_i; h_i = lambda d s_i (1 for every input when s is uniform and lambda = 1).
    Scaled,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapSettings {
    pub mode: ShapMode,
    pub every: usize,
    pub explainer: ExplainerKind,
    /// Kernel SHAP coalitions or permutation orders per explained row.
    pub samples: usize,
    /// Training rows explained per recomputation.
    pub explain: usize,
    /// Background rows.
    pub background: usize,
    pub lambda: f64,
    pub form: Form,
}

impl ShapSettings {
    /// Learning-rate factor of the `global` variant.
    pub fn global_factor(&self, s: &[f64]) -> f64 {
        let top = s.iter().copied().fold(0.0, f64::max);
        match self.form {
            Form::OnePlus => 1.0 + self.lambda * top,
            Form::Scaled => self.lambda * s.len() as f64 * top,
        }
    }

    /// Per-input gradient factors of the `gradient` variant.
    pub fn gradient_factors(&self, s: &[f64]) -> Vec<f64> {
        s.iter()
            .map(|si| match self.form {
                Form::OnePlus => 1.0 + self.lambda * si,
                Form::Scaled => self.lambda * s.len() as f64 * si,
            })
            .collect()
    }
}

/// Normalised importances s_i (sum 1; uniform if every |phi| is 0) of the
/// network at `w`, and the model evaluations they cost.
pub fn importances(
    net: &Mlp,
    w: &[f64],
    x: &[f64],
    settings: &ShapSettings,
    rng: &mut nnbench_core::Rng,
) -> (Vec<f64>, u64) {
    let d = net.sizes[0];
    let n = x.len() / d;
    let pick = |count: usize, rng: &mut nnbench_core::Rng| -> Vec<usize> {
        (0..count.min(n)).map(|_| rng.random_range(0..n)).collect()
    };
    let background: Vec<f64> = pick(settings.background, rng)
        .iter()
        .flat_map(|&p| x[p * d..(p + 1) * d].iter().copied())
        .collect();
    let explained = pick(settings.explain, rng);
    let scratch = RefCell::new(net.scratch());
    let output_of = |point: &[f64], class: Option<usize>| -> f64 {
        let mut s = scratch.borrow_mut();
        let out = net.forward(w, point, &mut s);
        match (net.output, class) {
            (Output::Classes(_), Some(k)) => softmax(out)[k],
            _ => out[0],
        }
    };
    let mut total = vec![0.0; d];
    let mut evaluations = 0;
    for &p in &explained {
        let row = &x[p * d..(p + 1) * d];
        let class = match net.output {
            Output::Classes(_) => {
                let probabilities = softmax(net.forward(w, row, &mut scratch.borrow_mut()));
                Some((0..probabilities.len()).fold(0, |b, k| {
                    if probabilities[k] > probabilities[b] {
                        k
                    } else {
                        b
                    }
                }))
            }
            Output::Value => None,
        };
        let explainer = Explainer::new(|point: &[f64]| output_of(point, class), &background, d);
        let stream = rng.random::<u64>();
        let e = match settings.explainer {
            ExplainerKind::Exact => explainer.exact(row),
            ExplainerKind::Kernel => explainer.kernel(row, settings.samples, stream),
            ExplainerKind::Permutation => explainer.permutation(row, settings.samples, stream),
        };
        evaluations += e.evaluations;
        for (t, phi) in total.iter_mut().zip(&e.phi) {
            *t += phi.abs();
        }
    }
    let sum: f64 = total.iter().sum();
    let s = if sum > 0.0 {
        total.iter().map(|t| t / sum).collect()
    } else {
        vec![1.0 / d as f64; d]
    };
    (s, evaluations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::dense::Activation;

    fn settings(form: Form) -> ShapSettings {
        ShapSettings {
            mode: ShapMode::Global,
            every: 1,
            explainer: ExplainerKind::Exact,
            samples: 16,
            explain: 8,
            background: 8,
            lambda: 2.0,
            form,
        }
    }

    #[test]
    fn the_forms_of_g_and_h() {
        let s = [0.5, 0.3, 0.2];
        assert_eq!(settings(Form::OnePlus).global_factor(&s), 2.0);
        assert_eq!(settings(Form::Scaled).global_factor(&s), 3.0);
        assert_eq!(
            settings(Form::OnePlus).gradient_factors(&s),
            vec![2.0, 1.6, 1.4]
        );
        let h = settings(Form::Scaled).gradient_factors(&s);
        assert!((h[0] - 3.0).abs() < 1e-15 && (h[2] - 1.2).abs() < 1e-15);
    }

    #[test]
    fn an_input_the_network_ignores_gets_no_importance() {
        // One hidden unit fed by input 0 only: input 1's weight is zero.
        let net = Mlp::new(2, &[1], Activation::Tanh, Output::Value);
        let w = [1.5, 0.0, 0.1, 2.0, -0.3];
        let mut rng = nnbench_core::seed::rng(3);
        let x: Vec<f64> = (0..40).map(|_| rng.random_range(-1.0..1.0)).collect();
        for explainer in [
            ExplainerKind::Exact,
            ExplainerKind::Kernel,
            ExplainerKind::Permutation,
        ] {
            let (s, evaluations) = importances(
                &net,
                &w,
                &x,
                &ShapSettings {
                    explainer,
                    ..settings(Form::OnePlus)
                },
                &mut rng,
            );
            assert!(
                (s[0] - 1.0).abs() < 1e-12 && s[1].abs() < 1e-12,
                "{explainer:?}: {s:?}"
            );
            assert!(evaluations > 0);
        }
    }
}
