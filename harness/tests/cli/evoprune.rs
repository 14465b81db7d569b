//! EVOPRUNE end to end on scikit-learn's digits split by class (digits
//! 0-4 in distribution, 5-9 out of it): three objectives per member, both
//! projections of the front in the report, the same bits on one and two
//! threads, and bad settings refused.

use crate::util::*;
use std::path::Path;

const EXPERIMENT: &str = "name = \"prune\"\nseed = 3\n\
    metrics = [\"member_auroc\", \"ensemble_average_accuracy_pct\", \"ensemble_vote_auroc\", \"unpruned_accuracy_pct\"]\n\
    protocol = { kind = \"kfold\", folds = 2, repetitions = 2 }\n\
    [[datasets]]\nname = \"digits\"\nvariant = \"embedded\"\nood_classes = [5, 6, 7, 8, 9]\n\
    [[methods]]\nname = \"EVOPRUNE\"\n\
    params = { hidden = 16, population = 6, evaluations = 12, epochs = 10, learning_rate = 0.05 }\n\
    [report]\nabout = \"Adapted: digits split by class <not ImageNet>.\"\n\
    [[report.compare]]\ntitle = \"accuracy of the ensembles\"\n\
    metrics = [\"ensemble_average_accuracy_pct\", \"accuracy_pct\", \"unpruned_accuracy_pct\"]\n\
    control = \"unpruned_accuracy_pct\"\n";

fn run(dir: &Path, text: &str, extra: &[&str]) -> std::process::Output {
    run_embedded(dir, "prune.toml", text, extra)
}

#[test]
fn evoprune_stores_three_objectives_and_the_report_projects_the_front() {
    let dir = tempfile::tempdir().unwrap();
    ok(&run(dir.path(), EXPERIMENT, &["--jobs", "1"]));
    let out = dir.path().join("out");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for needle in [
        "Classification: test hypervolume",
        "plots/prune-front-digits-embedded.svg",
        "plots/prune-front-ood-digits-embedded.svg",
        "plots/prune-front-union-digits-embedded.svg",
        "error against density",
        "ood against density",
        "classes [5.0, 6.0, 7.0, 8.0, 9.0] held out as 896 out-of-distribution rows",
        "Classification: test ensemble_average_accuracy_pct",
        "Classification: test unpruned_accuracy_pct",
        "Adapted: digits split by class <not ImageNet>.",
        "Classification: accuracy of the ensembles, mean over 4 runs per cell",
        "unpruned_accuracy_pct (control)",
        "Per dataset against unpruned_accuracy_pct",
    ] {
        assert!(
            report.contains(needle),
            "report lacks {needle:?}:\n{report}"
        );
    }
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<p>Adapted: digits split by class &lt;not ImageNet&gt;.</p>"));
    let mut cells = 0;
    for row in csv_rows(&out.join("results.csv")) {
        cells += 1;
        let metrics = metrics_of(&row);
        let front = &metrics["front"];
        assert_eq!(
            front["objectives"],
            serde_json::json!(["density", "error", "ood"])
        );
        for m in front["members"].as_array().unwrap() {
            let test = m["test"].as_array().unwrap();
            assert_eq!(test.len(), 3);
            assert!(
                test.iter()
                    .all(|o| (0.0..=1.0).contains(&o.as_f64().unwrap())),
                "{m}"
            );
            // The test part's error objective is the member's test error.
            let error = m["test_error"].as_f64().unwrap();
            assert!(
                (test[1].as_f64().unwrap() * 100.0 - error).abs() < 1e-9,
                "{m}"
            );
        }
        // The chosen member's AUROC, noted on the test part, is its third
        // test objective, computed apart.
        let chosen = &front["members"][front["chosen"].as_u64().unwrap() as usize];
        let auroc = metrics["notes"]["member_auroc"].as_f64().unwrap();
        assert!(
            (1.0 - chosen["test"][2].as_f64().unwrap() - auroc).abs() < 1e-12,
            "{metrics}"
        );
        for note in [
            "ensemble_average_accuracy_pct",
            "ensemble_vote_auroc",
            "unpruned_accuracy_pct",
            "unpruned_auroc",
        ] {
            let v = metrics["notes"][note].as_f64().unwrap();
            assert!(v.is_finite() && v >= 0.0, "{note}: {v}");
        }
    }
    assert_eq!(cells, 4);
    // The comparison's columns are the cells' own values of each metric,
    // and its per-dataset test pairs the four runs.
    let mut means = std::collections::HashMap::new();
    for row in csv_rows(&out.join("results.csv")) {
        let metrics = metrics_of(&row);
        for (name, value) in [
            (
                "ensemble_average_accuracy_pct",
                &metrics["notes"]["ensemble_average_accuracy_pct"],
            ),
            ("accuracy_pct", &metrics["test"]["accuracy_pct"]),
            (
                "unpruned_accuracy_pct",
                &metrics["notes"]["unpruned_accuracy_pct"],
            ),
        ] {
            *means.entry(name).or_insert(0.0) += value.as_f64().unwrap() / 4.0;
        }
    }
    let table = std::fs::read_to_string(
        out.join("tables/prune-classification-accuracy-of-the-ensembles.csv"),
    )
    .unwrap();
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut seen = 0;
    for row in reader.records().map(Result::unwrap) {
        let mean: f64 = row[at("mean")].parse().unwrap();
        assert_eq!(&row[at("n")], "4");
        assert!((mean - means[&row[at("method")]]).abs() < 1e-9, "{table}");
        seen += 1;
    }
    assert_eq!(seen, 3, "{table}");
    assert!(report.contains("Wilcoxon"), "{report}");
    // One thread or two: the same bits.
    let two = tempfile::tempdir().unwrap();
    ok(&run(two.path(), EXPERIMENT, &["--jobs", "2"]));
    assert_eq!(
        exported(dir.path(), "prune.toml"),
        exported(two.path(), "prune.toml")
    );
}

#[test]
fn a_budget_ends_the_search() {
    let dir = tempfile::tempdir().unwrap();
    let text = EXPERIMENT.replace(
        "seed = 3\n",
        "seed = 3\nbudget = { max_evaluations = 20 }\n",
    );
    ok(&run(dir.path(), &text, &["--jobs", "2"]));
    for row in csv_rows(&dir.path().join("out/results.csv")) {
        assert_eq!(&row["stop_reason"], "budget_exhausted");
        // The search stops at its first check past 20 passes: 20 plus at
        // most one mask's 10 epochs (8 passes: a fifth is held out), plus
        // the unpruned layer's 8.
        let spent: u64 = row["objective_evals"].parse().unwrap();
        assert!((20..=36).contains(&spent), "{spent}");
    }
}

#[test]
fn evoprune_refuses_what_it_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    // (what to replace, with what, what the refusal says)
    let cases = [
        (
            "ood_classes = [5, 6, 7, 8, 9]\n",
            "",
            "prune.toml:9: method EVOPRUNE needs out-of-distribution rows beside those of digits/embedded",
        ),
        (
            "[5, 6, 7, 8, 9]",
            "[5, 16]",
            "prune.toml:8: digits/embedded: it has no class 16 to hold out",
        ),
        (
            "hidden = 16,",
            "mode = \"third\",",
            "unknown variant `third`, expected `first` or `second`",
        ),
        (
            "hidden = 16,",
            "temperature = 0.0,",
            "parameter `temperature` = 0",
        ),
        (
            "\"accuracy_pct\", \"unpruned",
            "\"test_error\", \"unpruned",
            "\"test_error\" and \"ensemble_average_accuracy_pct\" point different ways",
        ),
        (
            "control = \"unpruned_accuracy_pct\"",
            "control = \"r2\"",
            "prune.toml:17: control \"r2\" is not one of this comparison's metrics",
        ),
        (
            ", \"accuracy_pct\", \"unpruned_accuracy_pct\"]",
            "]",
            "prune.toml:16: a comparison needs at least two metrics",
        ),
        (
            "\"accuracy_pct\", \"unpruned",
            "\"r2\", \"unpruned",
            "prune.toml:16: no dataset of this file is of a task all of",
        ),
    ];
    refused_each(EXPERIMENT, &cases, |text| {
        run(dir.path(), text, &["--dry-run"])
    });
}

/// A CSV of `n` rows of `d` inputs (shifted by `shift`) and a class 0 / 1.
fn csv(n: usize, d: usize, shift: f64) -> String {
    let head: Vec<String> = (0..d)
        .map(|j| format!("x{j}"))
        .chain(["y".into()])
        .collect();
    let mut text = head.join(",") + "\n";
    for i in 0..n {
        let x: Vec<String> = (0..d)
            .map(|j| format!("{}", ((i * 7 + j * 3) % 11) as f64 / 10.0 + shift))
            .collect();
        text += &format!("{},{}\n", x.join(","), i % 2);
    }
    text
}

/// `ood` names other datasets whose rows are the out-of-distribution ones,
/// as the paper takes the other datasets' test images; one of other
/// inputs is refused, naming both widths.
#[test]
fn other_datasets_can_be_the_out_of_distribution_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("mine.csv"), csv(60, 3, 0.0)).unwrap();
    std::fs::write(data.path().join("far.csv"), csv(30, 3, 5.0)).unwrap();
    std::fs::write(data.path().join("wide.csv"), csv(30, 4, 5.0)).unwrap();
    let def = |name: &str| {
        format!(
            "[[dataset_def]]\nname = \"{name}\"\ntask = \"classification\"\ntarget = \"y\"\nfiles = [{{ path = \"{name}.csv\" }}]\n"
        )
    };
    let text = |ood: &str| {
        format!(
            "name = \"prune\"\nprotocol = {{ kind = \"kfold\", folds = 2 }}\n\
             [[datasets]]\nname = \"mine\"\nood = [\"{ood}\"]\n\
             [[methods]]\nname = \"EVOPRUNE\"\n\
             params = {{ hidden = 8, population = 4, evaluations = 6, epochs = 5 }}\n{}{}{}",
            def("mine"),
            def("far"),
            def("wide")
        )
    };
    let file = dir.path().join("prune.toml");
    let out = dir.path().join("out").display().to_string();
    let run = |ood: &str| {
        std::fs::write(&file, text(ood)).unwrap();
        harness_with_data(
            &[&file.display().to_string(), "--out", &out],
            dir.path(),
            data.path(),
        )
    };
    ok(&run("far"));
    // The dataset's notes, which name where its out-of-distribution rows are from.
    let results = std::fs::read_to_string(dir.path().join("out/results.csv")).unwrap();
    assert!(
        results.contains("30 out-of-distribution rows: the test parts of far"),
        "{results}"
    );
    let e = refused(&run("wide"));
    assert!(
        e.contains(
            "prune.toml:5: out-of-distribution set wide/local has 4 inputs and mine/local has 3"
        ),
        "{e}"
    );
}

/// `backbone` on a dataset: a layer pre-trained on another dataset, frozen,
/// whose activations are the features every method (and the
/// out-of-distribution rows) sees; a source of other inputs is refused.
#[test]
fn a_pretrained_backbone_gives_the_features() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    for (name, n, d, shift) in [
        ("src", 200, 4, 0.0),
        ("mine", 60, 4, 0.0),
        ("far", 30, 4, 3.0),
        ("wide", 30, 5, 0.0),
    ] {
        std::fs::write(data.path().join(format!("{name}.csv")), csv(n, d, shift)).unwrap();
    }
    let defs: String = ["src", "mine", "far", "wide"]
        .iter()
        .map(|name| {
            format!(
                "[[dataset_def]]\nname = \"{name}\"\ntask = \"classification\"\ntarget = \"y\"\nfiles = [{{ path = \"{name}.csv\" }}]\n"
            )
        })
        .collect();
    let file = dir.path().join("prune.toml");
    let out = dir.path().join("out").display().to_string();
    let run = |source: &str| {
        std::fs::write(
            &file,
            format!(
                "name = \"prune\"\nprotocol = {{ kind = \"kfold\", folds = 2 }}\n\
                 [[datasets]]\nname = \"mine\"\nood = [\"far\"]\n\
                 backbone = {{ source = \"{source}\", hidden = 3, epochs = 3 }}\n\
                 [[methods]]\nname = \"EVOPRUNE\"\n\
                 params = {{ hidden = 8, population = 4, evaluations = 6, epochs = 5 }}\n{defs}"
            ),
        )
        .unwrap();
        harness_with_data(
            &[&file.display().to_string(), "--out", &out],
            dir.path(),
            data.path(),
        )
    };
    ok(&run("src"));
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    // Three features, as the backbone gives, where the file has four.
    assert!(
        report.contains("| mine/local | classification | 60 | 3 |"),
        "{report}"
    );
    let results = std::fs::read_to_string(dir.path().join("out/results.csv")).unwrap();
    assert!(
        results.contains(
            "features: a 4-3 ReLU layer pre-trained on src/local's training part (3 epochs, seed 1;"
        ),
        "{results}"
    );
    let e = refused(&run("wide"));
    assert!(
        e.contains("prune.toml:6: backbone source wide/local has 5 inputs and mine/local has 4"),
        "{e}"
    );
}
