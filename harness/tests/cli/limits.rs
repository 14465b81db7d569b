//! Issue 14's battery: sizes that would exhaust memory, duplicates that
//! would be counted twice, flags out of range and files that are not files
//! are refused at plan time, before anything is allocated for them, with a
//! message naming the file and line (`refused` also checks no panic).

use crate::util::*;
use std::path::Path;

/// Runs `text` as bad.toml under `--dry-run` (refusals come from the plan,
/// so nothing may need to run) with `args` after it; the refusal.
fn refuse_plan(text: &str, args: &[&str], data: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, text).unwrap();
    let file = file.display().to_string();
    let mut all = vec![file.as_str(), "--dry-run"];
    all.extend(args);
    refused(&harness_with_data(&all, dir.path(), data))
}

/// An experiment on iris with `protocol` and `methods` (TOML).
fn iris(protocol: &str, methods: &str) -> String {
    format!("name = \"bad\"\nprotocol = {protocol}\n[[datasets]]\nname = \"iris\"\n{methods}")
}

const MEAN: &str = "[[methods]]\nname = \"MEAN\"\n";

#[test]
fn astronomical_repetitions_are_refused_naming_the_limit() {
    for protocol in [
        "{ kind = \"kfold\", folds = 2, repetitions = 1000000000000 }",
        "{ kind = \"authors\", repetitions = 1000000000000 }",
    ] {
        let text = format!(
            "name = \"bad\"\nprotocol = {protocol}\n[[datasets]]\nname = \"wine\"\nvariant = \"tsoulos\"\n{MEAN}"
        );
        let e = refuse_plan(&text, &[], &shared_data());
        assert!(
            e.contains("bad.toml:2:")
                && e.contains("repetitions = 1000000000000 is above nnbench's limit of 10000"),
            "{e}"
        );
    }
}

#[test]
fn folds_beyond_the_rows_are_refused() {
    let text = iris(
        "{ kind = \"kfold\", folds = 1000000000000, repetitions = 1 }",
        MEAN,
    );
    let e = refuse_plan(&text, &[], &shared_data());
    assert!(e.contains("bad.toml:2:") && e.contains("folds"), "{e}");
}

#[test]
fn a_grid_too_large_to_expand_is_refused_before_it_is() {
    // 10^20 points: the product alone would overflow.
    let axis = format!(
        "[{}]",
        (1..=100)
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let grid = (0..10)
        .map(|k| format!("a{k} = {axis}"))
        .collect::<Vec<_>>()
        .join(", ");
    let text = iris(
        "{ kind = \"kfold\", folds = 2 }",
        &format!("[[methods]]\nname = \"ADAM\"\nparams = {{ {grid} }}\n"),
    );
    let e = refuse_plan(&text, &[], &shared_data());
    assert!(
        e.contains("bad.toml:7:") && e.contains("above nnbench's limit of 100000"),
        "{e}"
    );
}

#[test]
fn an_empty_grid_or_tune_axis_is_refused() {
    for (key, what) in [("params", "grid"), ("tune", "tune")] {
        let text = iris(
            "{ kind = \"kfold\", folds = 2 }",
            &format!("[[methods]]\nname = \"ADAM\"\n{key} = {{ step = [] }}\n"),
        );
        let e = refuse_plan(&text, &[], &shared_data());
        assert!(
            e.contains("bad.toml:7:") && e.contains("`step` is an empty list"),
            "{what}: {e}"
        );
    }
}

#[test]
fn a_size_parameter_in_the_billions_is_refused_naming_the_key_and_the_maximum() {
    for (method, key) in [
        ("RPROP", "hidden"),
        ("GENETIC", "chromosomes"),
        ("NEAT", "population"),
        ("MLP", "batch_size"),
    ] {
        let text = iris(
            "{ kind = \"kfold\", folds = 2 }",
            &format!("[[methods]]\nname = \"{method}\"\nparams = {{ {key} = 3000000000 }}\n"),
        );
        let e = refuse_plan(&text, &[], &shared_data());
        assert!(
            e.contains("bad.toml:7:")
                && e.contains(&format!("`{key}` = 3000000000: must be at most")),
            "{method}: {e}"
        );
    }
}

/// Each size within its maximum, their product beyond any memory: refused
/// before the run would be killed (or kill the machine's other work).
#[test]
fn a_configuration_no_memory_holds_is_refused_before_it_runs() {
    for (method, params) in [
        ("GENETIC", "chromosomes = 100000, hidden = 100000"),
        ("PROPOSED", "particles = 100000, hidden = 100000"),
        ("GEMONN", "population = 100000, hidden = 100000"),
        ("MLP", "hidden = \"100000,100000,100000\""),
    ] {
        let text = iris(
            "{ kind = \"kfold\", folds = 2 }",
            &format!("[[methods]]\nname = \"{method}\"\nparams = {{ {params} }}\n"),
        );
        let e = refuse_plan(&text, &[], &shared_data());
        assert!(
            e.contains(&format!(
                "bad.toml:6: method {method} on iris/embedded would hold about"
            )) && e.contains("more than this machine's memory"),
            "{method}: {e}"
        );
    }
}

#[test]
fn more_cells_than_the_cap_need_the_flag_that_says_so() {
    let text = iris(
        "{ kind = \"kfold\", folds = 10, repetitions = 30 }",
        "[[methods]]\nname = \"MEAN\"\n[[methods]]\nname = \"ADAM\"\n",
    );
    let e = refuse_plan(&text, &["--max-cells", "100"], &shared_data());
    assert!(
        e.contains("the experiment has 600 cells, above the limit of 100")
            && e.contains("--max-cells 600"),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ok.toml");
    std::fs::write(&file, &text).unwrap();
    let o = harness(
        &[
            &file.display().to_string(),
            "--dry-run",
            "--max-cells",
            "600",
        ],
        dir.path(),
    );
    ok(&o);
}

#[test]
fn the_same_dataset_or_method_twice_is_refused_naming_both_lines() {
    let text = format!(
        "{}[[datasets]]\nname = \"iris\"\n",
        iris("{ kind = \"kfold\", folds = 2 }", MEAN)
    );
    let e = refuse_plan(&text, &[], &shared_data());
    assert!(
        e.contains("bad.toml:8:")
            && e.contains("iris/embedded is listed twice")
            && e.contains("bad.toml:4"),
        "{e}"
    );
    let text = iris(
        "{ kind = \"kfold\", folds = 2 }",
        "[[methods]]\nname = \"ADAM\"\nparams = { step = 0.1 }\n[[methods]]\nname = \"ADAM\"\nparams = { step = 0.1 }\n",
    );
    let e = refuse_plan(&text, &[], &shared_data());
    assert!(
        e.contains("bad.toml:9: the method label \"ADAM\" is used twice")
            && e.contains("bad.toml:6"),
        "{e}"
    );
}

#[test]
fn jobs_out_of_range_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for jobs in ["0", "100000"] {
        let o = harness(
            &[&experiment("smoke.toml"), "--dry-run", "--jobs", jobs],
            dir.path(),
        );
        let e = stderr(&o);
        assert!(!o.status.success() && !e.contains("panicked"), "{e}");
        assert!(e.contains("--jobs") && e.contains("1..=1024"), "{e}");
    }
}

#[test]
fn includes_and_published_tables_must_be_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    for (text, what) in [
        (
            format!(
                "include = [\"/dev/zero\"]\n{}",
                iris("{ kind = \"kfold\", folds = 2 }", MEAN)
            ),
            "experiment file /dev/zero is not a regular file",
        ),
        (
            format!(
                "include = [\"{}\"]\n{}",
                dir.path().display(),
                iris("{ kind = \"kfold\", folds = 2 }", MEAN)
            ),
            "is not a regular file",
        ),
        (
            format!(
                "name = \"bad\"\n[report]\npublished = [{{ file = \"/dev/zero\" }}]\n[[datasets]]\nname = \"iris\"\n{MEAN}"
            ),
            "published table /dev/zero is not a regular file",
        ),
    ] {
        let e = refuse_plan(&text, &[], &shared_data());
        assert!(e.contains(what), "{e}");
    }
}

/// `[[dataset_def]]` of a user's own data in `data` (files written first).
fn own(entry: &str, files: &[(&str, &str)]) -> String {
    own_read(entry, files, "")
}

/// `own`, with `options` (TOML lines) on the dataset.
fn own_read(entry: &str, files: &[(&str, &str)], options: &str) -> String {
    let data = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(data.path().join(name), text).unwrap();
    }
    let text = format!(
        "name = \"bad\"\nprotocol = {{ kind = \"kfold\", folds = 2 }}\n[[datasets]]\nname = \"mine\"\n{options}{MEAN}\
         [[dataset_def]]\nname = \"mine\"\n{entry}"
    );
    refuse_plan(&text, &[], data.path())
}

#[test]
fn dataset_files_stay_inside_the_data_directory() {
    for path in ["../escape.csv", "/etc/passwd"] {
        let e = own(
            &format!("task = \"regression\"\ntarget = \"y\"\nfiles = [{{ path = \"{path}\" }}]\n"),
            &[],
        );
        assert!(
            e.contains("bad.toml:7:") && e.contains("must be a path inside the data directory"),
            "{path}: {e}"
        );
    }
}

const PAIR: &str = "task = \"regression\"\nformat = \"tsoulos-train-test\"\n\
                    files = [{ path = \"m_1.train\" }, { path = \"m_1.test\" }]\n";

#[test]
fn a_train_test_pair_with_different_inputs_is_refused() {
    let e = own(
        PAIR,
        &[
            ("m_1.train", "2\n4\n1 2 3\n2 3 4\n3 4 5\n4 5 7\n"),
            ("m_1.test", "3\n2\n1 2 3 4\n2 3 4 5\n"),
        ],
    );
    assert!(
        e.contains("the test file of pair 1 has 3 inputs and the first training file 2"),
        "{e}"
    );
}

#[test]
fn a_header_declaring_more_than_the_file_holds_is_refused_before_allocating() {
    let e = own(
        PAIR,
        &[
            ("m_1.train", "5200000000004\n4\n1 2 3\n"),
            ("m_1.test", "2\n1\n1 2 3\n"),
        ],
    );
    assert!(
        e.contains("m_1.train:1") && e.contains("more than a file of"),
        "{e}"
    );
    // The authors' reader pads a short file with zero rows: not 10^15 of them.
    let e = own_read(
        PAIR,
        &[
            ("m_1.train", "2\n1000000000000000\n1 2 3\n2 3 4\n"),
            ("m_1.test", "2\n1\n1 2 3\n"),
        ],
        "reader = \"authors\"\n",
    );
    assert!(
        e.contains("m_1.train")
            && e.contains("the header declares 1000000000000000 rows and the file holds 2"),
        "{e}"
    );
}

#[test]
fn a_csv_that_does_not_hold_what_its_entry_declares_is_refused() {
    let rows: String = (0..20)
        .map(|i| format!("{i},{},{}\n", i % 4, i % 2))
        .collect();
    let csv = format!("a,b,y\n{rows}");
    for (declared, says) in [
        ("rows = 30", "declares rows = 30 and the files hold 20 rows"),
        ("features = 3", "declares features = 3 and the files hold 2"),
        (
            "classes = 3",
            "declares classes = 3 and the files hold 2 classes",
        ),
    ] {
        let e = own(
            &format!(
                "task = \"classification\"\ntarget = \"y\"\n{declared}\nfiles = [{{ path = \"m.csv\" }}]\n"
            ),
            &[("m.csv", &csv)],
        );
        assert!(e.contains("bad.toml:4:") && e.contains(says), "{e}");
    }
}
