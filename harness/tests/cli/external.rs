//! EXTERNAL end to end: the pure-Python example through the protocol,
//! the same bits on one and two threads and from merged shards; each way
//! a program can misbehave as a failed cell carrying its standard error
//! while the grid goes on; the source hash in the key; bad programs
//! refused at plan time; check-method's verdicts.

use crate::util::*;
use std::path::Path;

/// An experiment of `program` (a TOML inline table) beside MEAN on iris
/// and diabetes.
fn with_program(program: &str, params: &str) -> String {
    format!(
        "name = \"external\"\nseed = 3\n\
         protocol = {{ kind = \"kfold\", folds = 3, repetitions = 1 }}\n\
         [[datasets]]\nname = \"iris\"\n\
         [[datasets]]\nname = \"diabetes_sklearn\"\nvariant = \"embedded\"\n\
         [[methods]]\nname = \"MEAN\"\n\
         [[methods]]\nname = \"EXTERNAL\"\nlabel = \"MINE\"\n\
         params = {{ program = {program}{params} }}\n"
    )
}

fn examples() -> String {
    repo().join("examples/external").display().to_string()
}

fn linear_sgd(params: &str) -> String {
    with_program(
        &format!(
            "{{ command = [\"python3\", \"linear_sgd.py\"], dir = {:?} }}",
            examples()
        ),
        params,
    )
}

fn rows_of(dir: &Path, label: &str) -> Vec<std::collections::HashMap<String, String>> {
    csv_rows(&dir.join("out/results.csv"))
        .into_iter()
        .filter(|r| r["label"] == label)
        .collect()
}

#[test]
fn the_python_example_runs_through_the_protocol_deterministically() {
    let text = linear_sgd(", epochs = 60, learning_rate = 0.5");
    let dir = tempfile::tempdir().unwrap();
    ok(&run_embedded(
        dir.path(),
        "external.toml",
        &text,
        &["--jobs", "1"],
    ));
    let mine = rows_of(dir.path(), "MINE");
    assert_eq!(mine.len(), 6);
    for row in &mine {
        assert_eq!(row["status"], "ok", "{row:?}");
        let metrics = metrics_of(row);
        // What the program reported: one evaluation a pass, its note and
        // its trace.
        assert_eq!(row["objective_evals"], "60", "{row:?}");
        assert_eq!(row["gradient_evals"], "60", "{row:?}");
        assert!(metrics["notes"]["final_training_loss"].as_f64().unwrap() > 0.0);
        // The program's own CPU counts in the cell's, which the harness's
        // thread clock alone would miss (Python's start-up is tens of ms).
        assert!(row["cpu_s"].parse::<f64>().unwrap() >= 0.01, "{row:?}");
        assert!(
            !metrics["trace"].as_array().unwrap().is_empty(),
            "{metrics}"
        );
        if row["dataset"].starts_with("iris") {
            // A softmax regression separates iris well.
            assert!(
                metrics["test"]["accuracy_pct"].as_f64().unwrap() > 80.0,
                "{metrics}"
            );
        }
    }
    // A linear model beats the mean on diabetes.
    let mean = rows_of(dir.path(), "MEAN");
    let error = |rows: &[std::collections::HashMap<String, String>]| -> f64 {
        rows.iter()
            .filter(|r| r["dataset"].starts_with("diabetes"))
            .map(|r| r["test_error"].parse::<f64>().unwrap())
            .sum()
    };
    assert!(
        error(&mine) < 0.8 * error(&mean),
        "{} {}",
        error(&mine),
        error(&mean)
    );
    let two = tempfile::tempdir().unwrap();
    ok(&run_embedded(
        two.path(),
        "external.toml",
        &text,
        &["--jobs", "2"],
    ));
    let one_run = exported(dir.path(), "external.toml");
    assert_eq!(one_run, exported(two.path(), "external.toml"));
    // Shards, merged, are the one run.
    let shards = tempfile::tempdir().unwrap();
    for shard in ["1/2", "2/2"] {
        ok(&run_embedded(
            shards.path(),
            "external.toml",
            &text,
            &["--shard", shard],
        ));
    }
    let out = shards.path().join("out");
    let merged = out.join("merged.sqlite");
    let store = |i| {
        out.join(format!("results.shard-{i}-of-2.sqlite"))
            .display()
            .to_string()
    };
    ok(&harness(
        &["merge", &merged.display().to_string(), &store(1), &store(2)],
        shards.path(),
    ));
    let file = shards.path().join("external.toml").display().to_string();
    assert_eq!(export_without_timing(&out, &merged, &file), one_run);
}

fn numpy() -> bool {
    let found = std::process::Command::new("python3")
        .args(["-c", "import numpy"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found || std::env::var("NNBENCH_REQUIRE_NUMPY").as_deref() != Ok("1"),
        "NNBENCH_REQUIRE_NUMPY=1 but python3 cannot import numpy (python3 -m pip install numpy)"
    );
    found
}

/// The shipped example experiment: the numpy method's column beside
/// PROPOSED, ADAM and RPROP in the paper's tables, with the statistics.
#[test]
fn the_numpy_example_takes_its_place_beside_the_baselines() {
    if !numpy() {
        eprintln!("skipped: python3 cannot import numpy");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ok(&harness(
        &[
            &crate::util::experiment("external-example.toml"),
            "--out",
            &out.display().to_string(),
        ],
        &repo(),
    ));
    let rows: Vec<_> = csv_rows(&out.join("results.csv"))
        .into_iter()
        .filter(|r| r["label"] == "NUMPY_MLP")
        .collect();
    assert_eq!(rows.len(), 50);
    assert!(rows.iter().all(|r| r["status"] == "ok"), "{rows:?}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for needle in [
        "| dataset | protocol | PROPOSED | ADAM | RPROP | NUMPY_MLP |",
        "W/T/L vs control",
        "#### Published beside regenerated",
    ] {
        assert!(
            report.contains(needle),
            "{needle:?} not in the report:\n{report}"
        );
    }
}

/// A program that answers the train message at once, then behaves as
/// `answer` (Python) for `predict`.
fn misbehaving(answer: &str) -> String {
    format!(
        "import json, struct, sys, time\n\
         def read():\n    h = json.loads(sys.stdin.buffer.readline())\n    for a in h['arrays']:\n        sys.stdin.buffer.read(8 * a['rows'] * a['cols'])\n    return h\n\
         def send(h, values=()):\n    sys.stdout.buffer.write((json.dumps(h) + '\\n').encode())\n    sys.stdout.buffer.write(struct.pack('<%dd' % len(values), *values))\n    sys.stdout.buffer.flush()\n\
         task = read()\n\
         print('training, all is well', file=sys.stderr)\n\
         send({{'type': 'trained', 'objective_evals': 1}})\n\
         while True:\n    line = sys.stdin.buffer.readline()\n    if not line:\n        break\n    h = json.loads(line)\n    n = h['arrays'][0]['rows']\n    sys.stdin.buffer.read(8 * n * h['arrays'][0]['cols'])\n{answer}\n"
    )
}

#[test]
fn a_misbehaving_program_fails_its_cells_with_its_stderr_and_the_grid_goes_on() {
    let good = "    send({'type': 'outputs', 'arrays': [{'name': 'y', 'rows': n, 'cols': 1}]}, [float(task['classes'][0] if task['classes'] else 0.0)] * n)";
    // (script body for predict, extra program settings, what the error says)
    let cases = [
        (
            "    print('about to fail', file=sys.stderr)\n    sys.exit(3)".to_string(),
            "",
            vec!["it ended without answering", "exited with exit status: 3", "about to fail", "training, all is well"],
        ),
        (
            "    time.sleep(30)".to_string(),
            ", timeout = 1",
            vec!["ran past its timeout of 1 s"],
        ),
        (
            "    print('hello')\n    sys.stdout.flush()".to_string(),
            "",
            vec!["not a protocol message", "\"hello\"", "standard error"],
        ),
        (
            "    send({'type': 'outputs', 'arrays': [{'name': 'y', 'rows': n - 1, 'cols': 1}]}, [0.0] * (n - 1))".to_string(),
            "",
            vec!["asked for y of ", " x 1, it answered [y of "],
        ),
        (
            "    send({'type': 'outputs', 'arrays': [{'name': 'y', 'rows': n, 'cols': 1}]}, [float('nan')] * n)".to_string(),
            "",
            vec!["not a finite number"],
        ),
        (
            "    send({'type': 'error', 'message': 'out of memory on the GPU'})".to_string(),
            "",
            vec!["it reported an error: out of memory on the GPU"],
        ),
    ];
    for (answer, settings, needles) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.py"), misbehaving(&answer)).unwrap();
        let text = with_program(
            &format!("{{ command = [\"python3\", \"bad.py\"]{settings} }}"),
            "",
        );
        let out = run_embedded(dir.path(), "external.toml", &text, &[]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
        for row in rows_of(dir.path(), "MINE") {
            assert_eq!(row["status"], "failed", "{answer}: {row:?}");
            for needle in &needles {
                assert!(
                    row["error"].contains(needle),
                    "{answer}: {needle:?} not in {}",
                    row["error"]
                );
            }
        }
        // The baseline's cells all finished.
        let mean = rows_of(dir.path(), "MEAN");
        assert!(mean.len() == 6 && mean.iter().all(|r| r["status"] == "ok"));
        let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
        assert!(report.contains(needles[0]), "the report shows the error");
    }
    // A program that behaves, progress on stderr and all, passes.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.py"), misbehaving(good)).unwrap();
    let text = with_program("{ command = [\"python3\", \"bad.py\"] }", "");
    ok(&run_embedded(dir.path(), "external.toml", &text, &[]));
}

#[test]
fn editing_the_script_reruns_its_cells_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["linear_sgd.py", "nnbench_protocol.py"] {
        std::fs::copy(
            repo().join("examples/external").join(file),
            dir.path().join(file),
        )
        .unwrap();
    }
    let text = with_program(
        "{ command = [\"python3\", \"linear_sgd.py\"], sources = [\"linear_sgd.py\", \"nnbench_protocol.py\"] }",
        ", epochs = 5",
    );
    ok(&run_embedded(dir.path(), "external.toml", &text, &[]));
    let again = run_embedded(dir.path(), "external.toml", &text, &[]);
    assert!(
        stdout(&again).contains("12 cells: 0 ran, 12 were already stored"),
        "{}",
        stdout(&again)
    );
    let script = dir.path().join("nnbench_protocol.py");
    let edited = std::fs::read_to_string(&script).unwrap() + "\n# edited\n";
    std::fs::write(&script, edited).unwrap();
    let after = run_embedded(dir.path(), "external.toml", &text, &[]);
    ok(&after);
    assert!(
        stdout(&after).contains("12 cells: 6 ran, 6 were already stored"),
        "{}",
        stdout(&after)
    );
}

#[test]
fn bad_programs_are_refused_at_plan_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.py"), "").unwrap();
    let base = with_program("{ command = [\"python3\", \"m.py\"] }", "");
    let cases = [
        (
            "[\"python3\", \"m.py\"] }",
            "[\"no-such-python\", \"m.py\"] }",
            "external.toml:14: method EXTERNAL: parameter `program` = command = [\"no-such-python\", \"m.py\"]: \"no-such-python\" is neither on PATH nor a file",
        ),
        (
            "\"m.py\"] }",
            "\"m.py\"], timeout = -1.0 }",
            "parameter `program` = timeout = -1: must be a number of seconds > 0",
        ),
        (
            "\"m.py\"] }",
            "\"m.py\"], dir = \"nowhere\" }",
            "parameter `program` = dir = \"nowhere\": is not a directory",
        ),
        (
            "\"m.py\"]",
            "\"n.py\"]",
            "no word of it names a file in . (a script not found?)",
        ),
    ];
    refused_each(&base, &cases, |text| {
        run_embedded(dir.path(), "external.toml", text, &[])
    });
}

#[test]
fn check_method_tells_a_deterministic_method_from_one_that_is_not() {
    let dir = tempfile::tempdir().unwrap();
    // Predicts a number drawn from an unseeded generator.
    let unseeded = misbehaving(
        "    import random\n    v = float(task['classes'][0]) if task['classes'] else random.random()\n    send({'type': 'outputs', 'arrays': [{'name': 'y', 'rows': n, 'cols': 1}]}, [v] * n)",
    );
    std::fs::write(dir.path().join("unseeded.py"), unseeded).unwrap();
    let file = dir.path().join("external.toml");
    let check = |text: &str, label: &str, dataset: &str| {
        std::fs::write(&file, text).unwrap();
        let out = harness_with_data(
            &[
                "check-method",
                &file.display().to_string(),
                "--method",
                label,
                "--dataset",
                dataset,
            ],
            dir.path(),
            tempfile::tempdir().unwrap().path(),
        );
        ok(&out);
        stdout(&out)
    };
    let same = check(&linear_sgd(", epochs = 5"), "MINE", "diabetes");
    assert!(
        same.starts_with("MINE on diabetes_sklearn/embedded, repetition 0, fold ")
            && same.contains(": two runs gave identical results, bit for bit (test error "),
        "{same}"
    );
    let mean = check(&linear_sgd(""), "MEAN", "iris");
    assert!(mean.contains("identical results"), "{mean}");
    let text = with_program("{ command = [\"python3\", \"unseeded.py\"] }", "");
    let differs = check(&text, "MINE", "diabetes");
    assert!(differs.contains("is not deterministic"), "{differs}");
    assert!(differs.contains("test_error: "), "{differs}");
    let unknown = refused(&harness_with_data(
        &[
            "check-method",
            &file.display().to_string(),
            "--method",
            "THEIRS",
        ],
        dir.path(),
        dir.path(),
    ));
    assert!(
        unknown.contains("no cell of method \"THEIRS\"; its method labels are MEAN, MINE"),
        "{unknown}"
    );
}
