//! Methods whose result is a Pareto front, end to end: every member stored,
//! the indicators' tables and the front figures in the report, shards
//! merged equal to one run, and bad front settings refused.

use crate::util::*;
use std::path::Path;

const FRONTS: &str = "name = \"fronts\"\nseed = 5\n\
    protocol = { kind = \"kfold\", folds = 3, repetitions = 1 }\n\
    [report]\nfront_reference = [1.1, 2.0]\n\
    [[datasets]]\nname = \"iris\"\n\
    [[methods]]\nname = \"GEMONN\"\nparams = { population = 10, generations = 15, refine = false }\n\
    [[methods]]\nname = \"NSGA2\"\nparams = { population = 10, generations = 15 }\n";

fn run(dir: &Path, extra: &[&str]) -> Output2 {
    let file = dir.join("fronts.toml");
    std::fs::write(&file, FRONTS).unwrap();
    let (file, out) = (file.display().to_string(), dir.display().to_string());
    let mut args = vec![file.as_str(), "--out", &out];
    args.extend_from_slice(extra);
    let empty = tempfile::tempdir().unwrap();
    let o = harness_with_data(&args, dir, empty.path());
    ok(&o);
    Output2 { file }
}

struct Output2 {
    file: String,
}

#[test]
fn every_member_is_stored_and_the_report_shows_fronts_and_indicators() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &[]);
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for needle in [
        "Classification: test hypervolume",
        "Classification: test hypervolume_at",
        "Classification: test igd_plus",
        "plots/fronts-front-iris-embedded.svg",
        "plots/fronts-front-error-iris-embedded.svg",
    ] {
        assert!(
            report.contains(needle),
            "report lacks {needle:?}:\n{report}"
        );
    }
    assert!(!report.contains("may be cut off"), "{report}");
    let mut cells = 0;
    for row in csv_rows(&dir.path().join("results.csv")) {
        cells += 1;
        let metrics = metrics_of(&row);
        let front = &metrics["front"];
        assert_eq!(front["objectives"], serde_json::json!(["density", "mse"]));
        let members = front["members"].as_array().unwrap();
        assert!(!members.is_empty());
        let chosen = &members[front["chosen"].as_u64().unwrap() as usize];
        // The chosen member is the cell's own model: its test error is the cell's.
        let error: f64 = row["test_error"].parse().unwrap();
        assert_eq!(chosen["test_error"].as_f64().unwrap(), error);
        // lowest_error: no member has a lower training MSE.
        let mse = |m: &serde_json::Value| m["train"][1].as_f64().unwrap();
        assert!(members.iter().all(|m| mse(m) >= mse(chosen)));
        for m in members {
            assert_eq!(m["train"].as_array().unwrap().len(), 2);
            assert_eq!(
                m["test"][0], m["train"][0],
                "density does not depend on the data"
            );
        }
    }
    assert_eq!(cells, 6);
}

#[test]
fn front_shards_merged_equal_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--shard", "1/2"]);
    run(dir.path(), &["--shard", "2/2"]);
    let merged = dir.path().join("merged.sqlite").display().to_string();
    let shard = |i| {
        dir.path()
            .join(format!("results.shard-{i}-of-2.sqlite"))
            .display()
            .to_string()
    };
    ok(&harness(
        &["merge", &merged, &shard(1), &shard(2)],
        dir.path(),
    ));
    let whole = dir.path().join("whole.sqlite").display().to_string();
    run(dir.path(), &["--store", &whole]);
    assert_eq!(
        export_without_timing(dir.path(), Path::new(&merged), &out.file),
        export_without_timing(dir.path(), Path::new(&whole), &out.file)
    );
}

#[test]
fn bad_front_settings_are_refused_with_the_place_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    for (text, message) in [
        (
            FRONTS.replace("refine = false", "refine = false, member = \"best\""),
            "unknown variant `best`, expected `lowest_error` or `knee`",
        ),
        (
            FRONTS.replace("front_reference = [1.1, 2.0]", "front_reference = [1.1]"),
            "fronts.toml:5: [report] front_reference = [1.1] must give a finite value for each",
        ),
        (
            FRONTS.replace(
                "population = 10, generations",
                "population = 11, generations",
            ),
            "parameter `population` = 11: must be even",
        ),
    ] {
        let file = dir.path().join("fronts.toml");
        std::fs::write(&file, text).unwrap();
        let e = refused(&harness(
            &[&file.display().to_string(), "--dry-run"],
            dir.path(),
        ));
        assert!(e.contains(message), "{e}");
    }
}

#[test]
fn a_reference_point_of_the_wrong_dimension_is_a_warning_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let text = FRONTS.replace(
        "front_reference = [1.1, 2.0]",
        "front_reference = [1.1, 2.0, 3.0]",
    );
    let file = dir.path().join("fronts.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().display().to_string();
    ok(&harness(
        &[&file.display().to_string(), "--out", &out],
        dir.path(),
    ));
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        report.contains("**Warning:** [report] front_reference has 3 values but GEMONN's fronts have 2 objectives (density, mse)"),
        "{report}"
    );
    assert!(
        !report.contains("test hypervolume_at"),
        "no table of values that cannot be computed"
    );
}

#[test]
fn a_killed_front_run_resumes_to_the_same_fronts() {
    let dir = tempfile::tempdir().unwrap();
    // Slower cells, so the kill lands between the first and the last.
    let text = FRONTS
        .replace("repetitions = 1", "repetitions = 2")
        .replace("generations = 15", "generations = 400");
    let file = dir.path().join("fronts.toml");
    std::fs::write(&file, text).unwrap();
    let (file, out) = (file.display().to_string(), dir.path().display().to_string());
    let empty = tempfile::tempdir().unwrap();
    let killed = dir.path().join("killed.sqlite");
    let store = killed.display().to_string();
    let args = [
        file.as_str(),
        "--jobs",
        "1",
        "--out",
        &out,
        "--store",
        &store,
    ];
    let after_kill = run_until_killed(&args, &killed, 2, empty.path());
    assert!(
        (2..12).contains(&after_kill),
        "killed after {after_kill} of 12 cells"
    );
    ok(&harness_with_data(&args[..], dir.path(), empty.path()));
    let whole = dir.path().join("whole.sqlite").display().to_string();
    ok(&harness_with_data(
        &[file.as_str(), "--out", &out, "--store", &whole],
        dir.path(),
        empty.path(),
    ));
    assert_eq!(
        export_without_timing(dir.path(), &killed, &file),
        export_without_timing(dir.path(), Path::new(&whole), &file)
    );
}

#[test]
fn digits_reconstruction_trains_auto_encoders_and_refuses_one_output_methods() {
    let dir = tempfile::tempdir().unwrap();
    let text = "name = \"ae\"\nseed = 2\nprotocol = { kind = \"kfold\", folds = 3, repetitions = 1 }\n\
        [[datasets]]\nname = \"digits\"\nvariant = \"reconstruction\"\n\
        [[methods]]\nname = \"GEMONN\"\nparams = { population = 10, generations = 5, refine = false }\n";
    let file = dir.path().join("ae.toml");
    let empty = tempfile::tempdir().unwrap();
    let run = |text: &str| {
        std::fs::write(&file, text).unwrap();
        let out = dir.path().display().to_string();
        harness_with_data(
            &[&file.display().to_string(), "--out", &out],
            dir.path(),
            empty.path(),
        )
    };
    ok(&run(text));
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for needle in [
        "Reconstruction: test mse",
        "Reconstruction: test hypervolume",
        "3 of 3 finished",
    ] {
        assert!(
            report.contains(needle),
            "report lacks {needle:?}:\n{report}"
        );
    }
    // MEAN gives one output per row: refused before anything trains.
    let e = refused(&run(&format!("{text}[[methods]]\nname = \"MEAN\"\n")));
    assert!(
        e.contains("ae.toml:11: method MEAN gives one output per row and cannot reconstruct the inputs of digits/reconstruction")
            && e.contains("(GEMONN, NSGA2, DESCENT)"),
        "{e}"
    );
}
