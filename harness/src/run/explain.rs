//! What makes a cell an explanation: the black box it explains, trained
//! once per split (every explainer of that split gets the same network,
//! from a seed of the split's own), and the surrogate's fidelity to it on
//! the test part (the training domain), and on the dataset's wider domains
//! where it has them.

use nnbench_core::metrics;
use nnbench_core::seed::{derive, rng};
use nnbench_core::{BlackBox, BlackBoxSpec, Model, Patterns};
use nnbench_datasets::{Domains, Scaler, Table};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Networks trained in this process, by what they were trained from: the
/// explainers of one split run as separate cells, often on separate threads.
type Trained = Arc<OnceLock<Arc<BlackBox>>>;
static TRAINED: OnceLock<Mutex<HashMap<String, Trained>>> = OnceLock::new();

/// The black box of a split: `spec` trained on `train` (its classes
/// `labels`, for a classifier) from the split's seed. The same arguments
/// give the same network, whichever cell asks first.
pub fn black_box(
    spec: &BlackBoxSpec,
    train: &Patterns,
    labels: Option<&[f64]>,
    master: u64,
    split: &[&str],
) -> Arc<BlackBox> {
    let seed = derive(master, &[&["blackbox"], split].concat());
    let key = format!(
        "{seed} {:?} {:?} {}",
        spec,
        labels,
        nnbench_datasets::sha256_hex(
            &train
                .rows()
                .iter()
                .chain(train.targets())
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<u8>>()
        )
    );
    let slot = TRAINED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(key)
        .or_default()
        .clone();
    slot.get_or_init(|| Arc::new(spec.train(train, labels, &mut rng(seed))))
        .clone()
}

/// A set of points the surrogate is scored on, with its name in the notes.
pub struct Probe<'a> {
    pub name: &'static str,
    pub points: &'a Patterns,
    /// The surrogate's outputs there, where the cell has them already (a
    /// local explainer explains afresh at every point it is asked about).
    pub known: Option<&'a [f64]>,
}

/// A dataset's wider domains as patterns, scaled as the training part:
/// (validation, extrapolation).
pub fn scaled(domains: &Domains, scaler: &Scaler) -> (Patterns, Patterns) {
    let patterns = |t: &Table| {
        let mut t = t.clone();
        scaler.apply(&mut t);
        Patterns::from_rows(t.d, &t.x, &t.y)
    };
    (
        patterns(&domains.validation),
        patterns(&domains.extrapolation),
    )
}

/// What a surrogate is scored on: the test part (where the cell has its
/// outputs already), then the wider domains where the dataset has them.
pub fn probes<'a>(
    test: &'a Patterns,
    test_outputs: &'a [f64],
    domains: Option<&'a (Patterns, Patterns)>,
) -> Vec<Probe<'a>> {
    let mut probes = vec![Probe {
        name: "interpolation",
        points: test,
        known: Some(test_outputs),
    }];
    if let Some((validation, extrapolation)) = domains {
        probes.extend([
            Probe {
                name: "validation",
                points: validation,
                known: None,
            },
            Probe {
                name: "extrapolation",
                points: extrapolation,
                known: None,
            },
        ]);
    }
    probes
}

/// The notes of an explanation: per probe, the surrogate's agreement with
/// the network (MSE and R^2 of the network's outputs for regression,
/// agreement in percent for classes); on the wider domains, the
/// surrogate's and the network's MSE against the true values.
pub fn fidelity(
    black_box: &BlackBox,
    surrogate: &dyn Model,
    probes: &[Probe],
) -> Vec<(String, f64)> {
    let mut notes = Vec::new();
    for probe in probes {
        let network = black_box.outputs(probe.points);
        let explained = probe
            .known
            .map_or_else(|| surrogate.outputs(probe.points), <[f64]>::to_vec);
        let name = probe.name;
        if name == "interpolation" {
            // The network's own score on the test part, for context.
            let truth = probe.points.targets();
            notes.push(match black_box.labels() {
                Some(labels) => (
                    "blackbox_accuracy_pct".into(),
                    metrics::classification(&network, truth, labels).accuracy_pct,
                ),
                None => (
                    "blackbox_mse".into(),
                    metrics::regression(&network, truth).mse,
                ),
            });
        }
        match black_box.labels() {
            Some(labels) => {
                let agree = metrics::classification(&explained, &network, labels);
                notes.push((format!("fidelity_agreement_pct_{name}"), agree.accuracy_pct));
            }
            None => {
                let fit = metrics::regression(&explained, &network);
                notes.push((format!("fidelity_mse_{name}"), finite_or_inf(fit.mse)));
                // Infinitely bad where the surrogate's outputs are not finite.
                let r2 = if fit.r2.is_finite() {
                    fit.r2
                } else {
                    f64::NEG_INFINITY
                };
                notes.push((format!("fidelity_r2_{name}"), r2));
                if name != "interpolation" {
                    // Over the points where the true function is defined: a
                    // wider domain may leave it (feynman0's v beyond c).
                    let truth = probe.points.targets();
                    let defined: Vec<usize> =
                        (0..truth.len()).filter(|&i| truth[i].is_finite()).collect();
                    let pick = |v: &[f64]| defined.iter().map(|&i| v[i]).collect::<Vec<f64>>();
                    let truth = pick(truth);
                    let error =
                        |out: &[f64]| finite_or_inf(metrics::regression(&pick(out), &truth).mse);
                    notes.push((format!("{name}_mse"), error(&explained)));
                    notes.push((format!("blackbox_{name}_mse"), error(&network)));
                }
            }
        }
    }
    notes
}

/// A surrogate whose outputs overflow or are undefined somewhere (an
/// expression's log of a negative number) is infinitely far off there.
fn finite_or_inf(v: f64) -> f64 {
    if v.is_finite() { v } else { f64::INFINITY }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::OptimiserKind;
    use nnbench_core::dense::Activation;

    fn data() -> Patterns {
        let x: Vec<f64> = (0..30).map(|i| i as f64 / 10.0 - 1.5).collect();
        let y: Vec<f64> = x.iter().map(|v| v * v).collect();
        Patterns::from_rows(1, &x, &y)
    }

    fn spec() -> BlackBoxSpec {
        BlackBoxSpec {
            hidden: vec![4],
            activation: Activation::Sigmoid,
            optimiser: OptimiserKind::Adam,
            learning_rate: 0.05,
            epochs: 50,
            batch: 10,
        }
    }

    /// The network's mean output on `points`, everywhere.
    struct Mean(f64);

    impl Model for Mean {
        fn outputs(&self, data: &Patterns) -> Vec<f64> {
            vec![self.0; data.len()]
        }
    }

    #[test]
    fn the_network_itself_is_perfectly_faithful_and_its_mean_explains_nothing() {
        let d = data();
        let bb = black_box(&spec(), &d, None, 1, &["d", "0", "0"]);
        let probes = [Probe {
            name: "interpolation",
            points: &d,
            known: None,
        }];
        let notes: HashMap<String, f64> = fidelity(&bb, bb.as_ref(), &probes).into_iter().collect();
        assert_eq!(notes["fidelity_mse_interpolation"], 0.0);
        assert_eq!(notes["fidelity_r2_interpolation"], 1.0);
        let out = bb.outputs(&d);
        let mean = out.iter().sum::<f64>() / out.len() as f64;
        let variance = out.iter().map(|o| (o - mean).powi(2)).sum::<f64>() / out.len() as f64;
        let notes: HashMap<String, f64> = fidelity(&bb, &Mean(mean), &probes).into_iter().collect();
        assert!((notes["fidelity_mse_interpolation"] - variance).abs() < 1e-12 * variance.max(1.0));
        assert!(notes["fidelity_r2_interpolation"].abs() < 1e-9);
        // The network's own error against the truth, beside.
        let mse = out
            .iter()
            .zip(d.targets())
            .map(|(o, t)| (o - t).powi(2))
            .sum::<f64>()
            / 30.0;
        assert!((notes["blackbox_mse"] - mse).abs() < 1e-12);
    }

    #[test]
    fn a_split_trains_its_network_once_and_another_split_its_own() {
        let d = data();
        let a = black_box(&spec(), &d, None, 1, &["d", "0", "1"]);
        let again = black_box(&spec(), &d, None, 1, &["d", "0", "1"]);
        assert!(Arc::ptr_eq(&a, &again));
        let other = black_box(&spec(), &d, None, 1, &["d", "0", "2"]);
        assert_ne!(a.outputs(&d), other.outputs(&d));
    }
}
