//! The harness end to end on smoke.toml: the report, determinism across
//! thread counts, resume after a kill, and shards merged.

use crate::util::*;
use std::path::Path;

fn run_smoke(dir: &Path, store: &str, extra: &[&str]) {
    let smoke = experiment("smoke.toml");
    let out = dir.display().to_string();
    let mut args = vec![smoke.as_str(), "--out", &out, "--store", store];
    args.extend_from_slice(extra);
    ok(&harness(&args, dir));
}

/// The store's export equals that of one uninterrupted smoke run.
fn assert_equals_one_run(dir: &Path, store: &Path) {
    let whole = dir.join("whole.sqlite");
    run_smoke(dir, &whole.display().to_string(), &[]);
    let smoke = experiment("smoke.toml");
    assert_eq!(
        export_without_timing(dir, store, &smoke),
        export_without_timing(dir, &whole, &smoke)
    );
}

#[test]
fn smoke_writes_a_report_with_both_methods_on_both_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let smoke = experiment("smoke.toml");
    let out = dir.path().display().to_string();
    // The bare form: `harness EXPERIMENT.toml` is `harness run EXPERIMENT.toml`.
    let o = harness(&[&smoke, "--out", &out], dir.path());
    ok(&o);
    assert!(stdout(&o).contains("120 cells: 120 ran"), "{}", stdout(&o));
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for needle in [
        "Classification: test class_error_pct (%)",
        "Regression: test mse",
        "| dataset | protocol | ADAM | RPROP |",
        "wine/tsoulos",
        "dee/keel",
        "120 of 120 finished",
        "**AVERAGE**",
    ] {
        assert!(
            report.contains(needle),
            "report lacks {needle:?}:\n{report}"
        );
    }
    let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<td>wine&#x2f;tsoulos</td>"),
        "{html}"
    );
    let tex = std::fs::read_to_string(dir.path().join("report.tex")).unwrap();
    assert!(
        tex.contains("\\begin{tabular}{llrr}") && tex.contains("heart/keel\\_headerless &"),
        "{tex}"
    );
    // Per task: the paper-style table, its robust view and the
    // methods-compared table.
    assert_eq!(tex.matches("\\begin{table}").count(), 6);
    for file in [
        "tables/smoke-classification-class-error-pct.csv",
        "tables/smoke-regression-mse.tex",
        "plots/smoke-classification-class-error-pct-per-dataset.svg",
        "plots/smoke-regression-mse-cd.svg",
        "plots/smoke-regression-mse-convergence-dee-keel.svg",
    ] {
        assert!(dir.path().join(file).is_file(), "no {file}");
    }
    let table =
        std::fs::read_to_string(dir.path().join("tables/smoke-regression-mse.csv")).unwrap();
    assert!(
        table.starts_with("dataset,method,n,mean,sd,se,median,q1,q3,tail,published\n"),
        "{table}"
    );
    // The robust view's quartiles bracket the median, and at most every run is in the tail.
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let number = |i: usize| f[i].parse::<f64>().unwrap();
        assert!(number(7) <= number(6) && number(6) <= number(8), "{line}");
        assert!(
            f[9].parse::<usize>().unwrap() <= f[2].parse::<usize>().unwrap(),
            "{line}"
        );
    }
    // Two datasets per task x two methods.
    assert_eq!(table.lines().count(), 1 + 2 * 2, "{table}");
    let methods =
        std::fs::read_to_string(dir.path().join("tables/smoke-regression-mse-methods.csv"))
            .unwrap();
    assert!(
        methods.starts_with(
            "method,control,mean_rank,wins,ties,losses,significant_wins,significant_losses,"
        ),
        "{methods}"
    );
    assert!(methods.contains("\nRPROP,true,"), "{methods}");
    // The CD diagram shows the mean ranks the methods table gives.
    let svg =
        std::fs::read_to_string(dir.path().join("plots/smoke-regression-mse-cd.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    for line in methods.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let drawn = doc
            .descendants()
            .find(|n| n.attribute("data-label") == Some(cells[0]))
            .and_then(|n| n.attribute("data-rank"))
            .unwrap_or_else(|| panic!("{} is not in the diagram", cells[0]));
        assert_eq!(
            drawn.parse::<f64>().unwrap(),
            cells[2].parse::<f64>().unwrap()
        );
    }
    // Every figure report.md links to was written, and every entry of the
    // table of contents leads to an anchor, in both documents.
    for link in report.split("](").skip(1) {
        let target = link.split(')').next().unwrap();
        if let Some(anchor) = target.strip_prefix('#') {
            let id = format!(r#"id="{anchor}""#);
            assert!(report.contains(&id), "report.md has no anchor {anchor}");
            assert!(html.contains(&id), "index.html has no anchor {anchor}");
            assert!(html.contains(&format!(r##"href="#{anchor}""##)));
        } else {
            assert!(
                dir.path().join(target).is_file(),
                "report.md links to a missing {target}"
            );
        }
    }
    assert!(report.contains("- [Datasets](#smoke-datasets)"), "{report}");
    // The report checks every figure for labels reaching outside it
    // (report/plots/extent.rs); the smoke figures have none.
    assert!(!report.contains("may be cut off"), "{report}");
    // Inline figures: the HTML needs no other file.
    assert!(
        html.matches("<svg").count() >= 4 && !html.contains("<img"),
        "figures inline"
    );
    let csv = std::fs::read_to_string(dir.path().join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 121);
    // A rerun computes nothing.
    let again = harness(&[&smoke, "--out", &out], dir.path());
    assert!(
        stdout(&again).contains("0 ran, 120 were already stored"),
        "{}",
        stdout(&again)
    );
    let fresh = harness(&[&smoke, "--out", &out, "--fresh"], dir.path());
    assert!(
        stdout(&fresh).contains("120 ran, 0 were already stored"),
        "{}",
        stdout(&fresh)
    );
    // The header's date aside, `report` rebuilds the same report from the store.
    let undated = |text: String| -> String {
        text.lines()
            .filter(|l| !l.starts_with("Generated by"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let path = dir.path().join("report.md");
    let after_run = undated(std::fs::read_to_string(&path).unwrap());
    std::fs::remove_file(&path).unwrap();
    ok(&harness(&["report", &smoke, "--out", &out], dir.path()));
    assert_eq!(undated(std::fs::read_to_string(&path).unwrap()), after_run);
    // Parquet export: a file polars wrote, with parquet's magic bytes at both ends.
    let pq = dir.path().join("r.parquet").display().to_string();
    ok(&harness(
        &[
            "export", &smoke, "--out", &out, "--format", "parquet", "--output", &pq,
        ],
        dir.path(),
    ));
    let bytes = std::fs::read(&pq).unwrap();
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one.sqlite"), dir.path().join("two.sqlite"));
    run_smoke(dir.path(), &one.display().to_string(), &["--jobs", "1"]);
    run_smoke(dir.path(), &two.display().to_string(), &["--jobs", "2"]);
    let smoke = experiment("smoke.toml");
    let a = export_without_timing(dir.path(), &one, &smoke);
    let b = export_without_timing(dir.path(), &two, &smoke);
    assert_eq!(a.len(), 121);
    assert_eq!(a, b);
}

#[test]
fn a_killed_run_resumes_to_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let smoke = experiment("smoke.toml");
    let killed = dir.path().join("killed.sqlite");
    let out = dir.path().display().to_string();
    let after_kill = run_until_killed(
        &[
            &smoke,
            "--jobs",
            "1",
            "--out",
            &out,
            "--store",
            &killed.display().to_string(),
        ],
        &killed,
        5,
        &shared_data(),
    );
    assert!(
        (5..120).contains(&after_kill),
        "killed after {after_kill} of 120 cells"
    );
    let o = harness(
        &[
            &smoke,
            "--out",
            &dir.path().display().to_string(),
            "--store",
            &killed.display().to_string(),
        ],
        dir.path(),
    );
    ok(&o);
    assert!(
        stdout(&o).contains(&format!(
            "{} ran, {after_kill} were already stored",
            120 - after_kill
        )),
        "{}",
        stdout(&o)
    );
    assert_equals_one_run(dir.path(), &killed);
}

#[test]
fn shards_merged_equal_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let smoke = experiment("smoke.toml");
    let out = dir.path().display().to_string();
    for shard in ["1/2", "2/2"] {
        ok(&harness(
            &[&smoke, "--out", &out, "--shard", shard],
            dir.path(),
        ));
    }
    let (s1, s2) = (
        dir.path().join("results.shard-1-of-2.sqlite"),
        dir.path().join("results.shard-2-of-2.sqlite"),
    );
    assert_eq!(count(&s1), 60);
    assert_eq!(count(&s2), 60);
    let merged = dir.path().join("merged.sqlite");
    let o = harness(
        &[
            "merge",
            &merged.display().to_string(),
            &s1.display().to_string(),
            &s2.display().to_string(),
        ],
        dir.path(),
    );
    ok(&o);
    // Merging a shard again adds nothing and is no conflict.
    ok(&harness(
        &[
            "merge",
            &merged.display().to_string(),
            &s1.display().to_string(),
        ],
        dir.path(),
    ));
    // The merged store alone makes the whole report: no data files needed.
    let empty = tempfile::tempdir().unwrap();
    let report_dir = dir.path().join("from-the-store");
    let o = harness_with_data(
        &[
            "report",
            &smoke,
            "--store",
            &merged.display().to_string(),
            "--out",
            &report_dir.display().to_string(),
        ],
        dir.path(),
        empty.path(),
    );
    ok(&o);
    let report = std::fs::read_to_string(report_dir.join("report.md")).unwrap();
    assert!(report.contains("120 of 120 finished"), "{report}");
    assert!(report.contains("| wine/tsoulos |"), "{report}");
    assert_equals_one_run(dir.path(), &merged);
}

#[test]
fn merge_refuses_two_results_for_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    let smoke = experiment("smoke.toml");
    let out = dir.path().display().to_string();
    ok(&harness(
        &[&smoke, "--out", &out, "--shard", "1/2"],
        dir.path(),
    ));
    let shard = dir.path().join("results.shard-1-of-2.sqlite");
    let tampered = dir.path().join("tampered.sqlite");
    std::fs::copy(&shard, &tampered).unwrap();
    tamper(&tampered);
    let merged = dir.path().join("merged.sqlite").display().to_string();
    ok(&harness(
        &["merge", &merged, &shard.display().to_string()],
        dir.path(),
    ));
    let e = refused(&harness(
        &["merge", &merged, &tampered.display().to_string()],
        dir.path(),
    ));
    assert!(e.contains("different result for cell"), "{e}");
}

/// Changes one stored result, as a shard from another nnbench version might.
fn tamper(store: &Path) {
    let c = rusqlite::Connection::open(store).unwrap();
    let n = c
        .execute("UPDATE cells SET test_error = test_error + 1 WHERE rowid = (SELECT min(rowid) FROM cells)", [])
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn proposed_and_genetic_give_the_same_bits_on_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("small.toml");
    std::fs::write(
        &file,
        "name = \"small\"\nprotocol = { kind = \"kfold\", folds = 4, repetitions = 1 }\n\
         [[datasets]]\nname = \"iris\"\n[[datasets]]\nname = \"diabetes_sklearn\"\nvariant = \"embedded\"\n\
         [[methods]]\nname = \"PROPOSED\"\nparams = { particles = 20, iterations = 10, bfgs_evaluations = 50 }\n\
         [[methods]]\nname = \"PROPOSED_ADAM\"\nparams = { particles = 20, iterations = 10, adam_iterations = 50, repetition = \"code\" }\n\
         [[methods]]\nname = \"GENETIC\"\nparams = { chromosomes = 20, generations = 10, bfgs_evaluations = 50 }\n",
    )
    .unwrap();
    let small = file.display().to_string();
    let (one, two) = (dir.path().join("one.sqlite"), dir.path().join("two.sqlite"));
    for (store, jobs) in [(&one, "1"), (&two, "2")] {
        let out = dir.path().display().to_string();
        ok(&harness(
            &[
                &small,
                "--out",
                &out,
                "--store",
                &store.display().to_string(),
                "--jobs",
                jobs,
            ],
            dir.path(),
        ));
    }
    let a = export_without_timing(dir.path(), &one, &small);
    assert_eq!(a.len(), 25);
    assert_eq!(a, export_without_timing(dir.path(), &two, &small));
}
