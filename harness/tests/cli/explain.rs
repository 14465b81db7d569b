//! Explanation cells end to end on the generated kkk0 benchmark: a black
//! box trained once per split and shared by every explainer, each
//! surrogate scored against it on the test part and the wider domains,
//! SRNet's expressions and convergence in the report, the same bits on one
//! and two threads, and bad settings refused with their line.

use crate::util::*;
use std::collections::HashMap;
use std::path::Path;

const EXPERIMENT: &str = "name = \"explain\"\nseed = 5\nscaling = \"none\"\n\
    protocol = { kind = \"kfold\", folds = 3, repetitions = 1 }\n\
    metrics = [\"fidelity_mse_interpolation\", \"fidelity_mse_extrapolation\"]\n\
    [[datasets]]\nname = \"kkk0\"\n\
    blackbox = { hidden = [3, 3], optimiser = \"adam\", learning_rate = 0.01, epochs = 300 }\n\
    [[methods]]\nname = \"SRNET\"\nparams = { generations = 20, population = 20 }\n\
    [[methods]]\nname = \"LIME\"\nparams = { samples = 200 }\n\
    [[methods]]\nname = \"MAPLE\"\nparams = { trees = 10 }\n";

fn run(dir: &Path, text: &str, extra: &[&str]) -> std::process::Output {
    run_embedded(dir, "explain.toml", text, extra)
}

#[test]
fn explainers_share_a_black_box_and_are_scored_against_it() {
    let dir = tempfile::tempdir().unwrap();
    ok(&run(dir.path(), EXPERIMENT, &["--jobs", "1"]));
    let out = dir.path().join("out");
    // fold -> the network's test MSE, which every explainer must see alike.
    let mut network: HashMap<String, f64> = HashMap::new();
    let mut cells = 0;
    for row in csv_rows(&out.join("results.csv")) {
        cells += 1;
        assert_eq!(&row["status"], "ok", "{row:?}");
        let metrics = metrics_of(&row);
        let note = |k: &str| metrics["notes"][k].as_f64().unwrap_or(f64::NAN);
        let bb = note("blackbox_mse");
        let seen = *network.entry(row["fold"].to_string()).or_insert(bb);
        assert_eq!(seen.to_bits(), bb.to_bits(), "one network per split");
        // On the same test points, RMS distances obey the triangle
        // inequality: surrogate to truth <= surrogate to network + network
        // to truth. A fidelity scored on other points would break it.
        let (fidelity, error) = (note("fidelity_mse_interpolation"), note("mse"));
        let error = if error.is_nan() {
            metrics["test"]["mse"].as_f64().unwrap()
        } else {
            error
        };
        assert!(fidelity >= 0.0, "{metrics}");
        assert!(
            error.sqrt() <= fidelity.sqrt() + bb.sqrt() + 1e-12,
            "{metrics}"
        );
        for k in [
            "fidelity_mse_validation",
            "fidelity_mse_extrapolation",
            "extrapolation_mse",
            "blackbox_extrapolation_mse",
        ] {
            assert!(note(k) >= 0.0, "{k}: {metrics}");
        }
        match row["label"].as_str() {
            "SRNET" => {
                let lines = metrics["expressions"].as_array().unwrap();
                assert!(lines.len() >= 3, "a line per layer: {metrics}");
                assert!(lines[0].as_str().unwrap().starts_with("h1 = "));
                // The convergence curve: the parent's fitness never rises.
                let trace: Vec<f64> = metrics["trace"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p[1].as_f64().unwrap())
                    .collect();
                assert!(trace.len() >= 4, "{metrics}");
                assert!(trace.windows(2).all(|w| w[1] <= w[0]), "{trace:?}");
                assert!(note("srnet_fitness") <= trace[0]);
            }
            "LIME" => assert_eq!(note("blackbox_queries"), note("explanations") * 200.0),
            _ => assert!(metrics.get("expressions").is_none(), "{metrics}"),
        }
    }
    assert_eq!(cells, 9);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for needle in [
        "### Expressions",
        "#### SRNET on kkk0/generated",
        "the median of 3 runs by fidelity_mse_interpolation (",
        "Regression: test fidelity_mse_extrapolation",
        "black box: MLP [3, 3] (Sigmoid), Adam lr 0.01 for 300 epochs of batch 300",
        "explain-regression-mse-convergence-kkk0-generated.svg",
    ] {
        assert!(
            report.contains(needle),
            "report lacks {needle:?}:\n{report}"
        );
    }
    let two = tempfile::tempdir().unwrap();
    ok(&run(two.path(), EXPERIMENT, &["--jobs", "2"]));
    assert_eq!(
        exported(dir.path(), "explain.toml"),
        exported(two.path(), "explain.toml")
    );
}

#[test]
fn explainers_refuse_what_they_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    // (what to replace, with what, what the refusal says)
    let cases = [
        (
            "blackbox = { hidden = [3, 3], optimiser = \"adam\", learning_rate = 0.01, epochs = 300 }\n",
            "",
            "explain.toml:9: method SRNET explains a network, and dataset kkk0/generated declares none",
        ),
        (
            "hidden = [3, 3]",
            "hidden = [3, 0]",
            "explain.toml:8: blackbox: parameter `blackbox.hidden` = 0: must be >= 1",
        ),
        (
            "optimiser = \"adam\"",
            "optimiser = \"lbfgs\"",
            "unknown variant `lbfgs`, expected `sgd` or `adam`",
        ),
        (
            "generations = 20,",
            "rows = 0, cols = 5,",
            "parameter `rows` = 0: must be >= 1",
        ),
        (
            "generations = 20,",
            "functions = \"add,exp\",",
            "parameter `functions` = \"add,exp\": \"exp\" is not a function",
        ),
        (
            "params = { samples = 200 }",
            "tune = { samples = [100, 200] }",
            "explain.toml:14: method LIME explains the split's network, and tuning would need one per inner split",
        ),
        (
            "samples = 200",
            "samples = 200, pairing = \"nearest\"",
            "unknown variant `nearest`, expected `own` or `authors`",
        ),
    ];
    refused_each(EXPERIMENT, &cases, |text| run(dir.path(), text, &[]));
}

/// The classification forms on iris: every explainer agrees with the
/// network's classes well above chance, and its accuracy is the network's
/// within the share where they disagree.
#[test]
fn every_explainer_explains_a_classifier() {
    let text = "name = \"classes\"\nseed = 5\n\
        protocol = { kind = \"kfold\", folds = 3, repetitions = 1 }\n\
        metrics = [\"fidelity_agreement_pct_interpolation\", \"blackbox_accuracy_pct\"]\n\
        [[datasets]]\nname = \"iris\"\n\
        blackbox = { hidden = [5], optimiser = \"adam\", learning_rate = 0.05, epochs = 200, batch = 32 }\n\
        [[methods]]\nname = \"SRNET\"\nparams = { generations = 10, population = 10, rows = 3, cols = 3 }\n\
        [[methods]]\nname = \"LIME\"\nparams = { samples = 300 }\n\
        [[methods]]\nname = \"MAPLE\"\nparams = { trees = 20 }\n";
    let dir = tempfile::tempdir().unwrap();
    ok(&run_embedded(dir.path(), "classes.toml", text, &[]));
    let mut cells = 0;
    for row in csv_rows(&dir.path().join("out/results.csv")) {
        cells += 1;
        let metrics = metrics_of(&row);
        let note = |k: &str| metrics["notes"][k].as_f64().unwrap();
        let agree = note("fidelity_agreement_pct_interpolation");
        let network = note("blackbox_accuracy_pct");
        let surrogate = metrics["test"]["accuracy_pct"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&agree), "{metrics}");
        assert!(network > 70.0, "{metrics}");
        assert!(
            (surrogate - network).abs() <= 100.0 - agree + 1e-9,
            "{metrics}"
        );
        match row["label"].as_str() {
            // A local model per point, fitted to the network there: most
            // of the 50 test points get the network's class (chance is a
            // third).
            "LIME" | "MAPLE" => assert!(agree >= 80.0, "{metrics}"),
            _ => {}
        }
        if row["label"] == "LIME" {
            // One explanation per class, each of 300 samples.
            assert_eq!(note("blackbox_queries"), note("explanations") * 300.0 * 3.0);
        }
    }
    assert_eq!(cells, 9);
    // SRNet's expressions are those of its median run by agreement.
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(
        report.contains("the median of 3 runs by fidelity_agreement_pct_interpolation ("),
        "{report}"
    );
}
