//! Bad input gets a clear message naming the file (and line), and a non-zero
//! exit: never a panic.

use crate::util::*;
use std::path::Path;

/// Writes `text` as an experiment and runs it; returns the refusal message.
fn refuse(text: &str, dir: &Path, data: &Path) -> String {
    let file = dir.join("bad.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.join("out").display().to_string();
    refused(&harness_with_data(
        &[&file.display().to_string(), "--out", &out],
        dir,
        data,
    ))
}

const IRIS: &str = "name = \"bad\"\n[[datasets]]\nname = \"iris\"\n";

#[test]
fn an_unknown_method_is_named_with_its_line_and_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let e = refuse(
        &format!("{IRIS}[[methods]]\nname = \"ADAMW\"\n"),
        dir.path(),
        &shared_data(),
    );
    assert!(e.contains("bad.toml:5: unknown method \"ADAMW\""), "{e}");
    assert!(
        e.contains("ADAM, RPROP, MLP, GEMONN, NSGA2, DESCENT, EVOPRUNE, SRNET, LIME, MAPLE, MEAN"),
        "{e}"
    );
}

#[test]
fn an_unknown_parameter_is_named_with_the_accepted_ones() {
    let dir = tempfile::tempdir().unwrap();
    let e = refuse(
        &format!("{IRIS}[[methods]]\nname = \"ADAM\"\nparams = {{ stepsize = 0.1 }}\n"),
        dir.path(),
        &shared_data(),
    );
    assert!(
        e.contains("bad.toml:6: method ADAM: unknown field `stepsize`"),
        "{e}"
    );
    assert!(e.contains("`step`"), "{e}");
}

#[test]
fn a_wrong_type_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let e = refuse(
        &format!("{IRIS}[[methods]]\nname = \"RPROP\"\nparams = {{ iterations = \"many\" }}\n"),
        dir.path(),
        &shared_data(),
    );
    assert!(
        e.contains("bad.toml:6: method RPROP: invalid type: string \"many\""),
        "{e}"
    );
}

#[test]
fn a_value_out_of_range_names_the_key_and_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let e = refuse(
        &format!("{IRIS}[[methods]]\nname = \"ADAM\"\nparams = {{ beta1 = 1.5 }}\n"),
        dir.path(),
        &shared_data(),
    );
    assert!(
        e.contains("parameter `beta1` = 1.5: must be in [0, 1)"),
        "{e}"
    );
}

#[test]
fn a_toml_typo_gives_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let e = refuse("name = \"bad\"\nsede = 3\n", dir.path(), &shared_data());
    assert!(e.contains("bad.toml:2: unknown field `sede`"), "{e}");
    let e = refuse(
        "name = \"bad\"\nseed = \"three\"\n",
        dir.path(),
        &shared_data(),
    );
    assert!(e.contains("bad.toml:2:"), "{e}");
}

#[test]
fn a_missing_data_file_says_where_it_looked_and_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let e = refuse(
        "name = \"bad\"\n[[datasets]]\nname = \"pima\"\nvariant = \"keel\"\n[[methods]]\nname = \"MEAN\"\n",
        dir.path(),
        empty.path(),
    );
    assert!(
        e.contains("bad.toml:3: dataset pima/keel: data file pima/keel/pima.dat is missing"),
        "{e}"
    );
    assert!(e.contains(&empty.path().display().to_string()), "{e}");
    assert!(e.contains("harness datasets fetch pima"), "{e}");
}

#[test]
fn a_corrupt_data_file_is_caught_by_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let original = std::fs::read(shared_data().join("pima/keel/pima.dat")).unwrap();
    std::fs::create_dir_all(data.path().join("pima/keel")).unwrap();
    let mut corrupt = original.clone();
    corrupt[500] ^= 1;
    std::fs::write(data.path().join("pima/keel/pima.dat"), corrupt).unwrap();
    let e = refuse(
        "name = \"bad\"\n[[datasets]]\nname = \"pima\"\nvariant = \"keel\"\n[[methods]]\nname = \"MEAN\"\n",
        dir.path(),
        data.path(),
    );
    assert!(e.contains("pima.dat is corrupt: its sha256 is"), "{e}");
    assert!(e.contains("harness datasets fetch pima"), "{e}");
}

#[test]
fn a_malformed_row_names_the_data_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("mine.csv"), "a,b,y\n1,2,3\n4,five,6\n").unwrap();
    let text = "name = \"bad\"\n[[datasets]]\nname = \"mine\"\n[[methods]]\nname = \"MEAN\"\n\
                [[dataset_def]]\nname = \"mine\"\nvariant = \"local\"\ntask = \"regression\"\nformat = \"csv\"\ntarget = \"y\"\n\
                files = [{ path = \"mine.csv\" }]\n";
    let e = refuse(text, dir.path(), data.path());
    assert!(
        e.contains("mine.csv:3: column 2 (\"b\"): \"five\" is not a number; list the column in `categorical = [...]`"),
        "{e}"
    );
}

#[test]
fn a_class_too_small_for_the_folds_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let text = "name = \"bad\"\nprotocol = { kind = \"kfold\", folds = 10, repetitions = 1 }\n[[datasets]]\nname = \"zoo\"\nvariant = \"tsoulos\"\n[[methods]]\nname = \"MEAN\"\n";
    let e = refuse(text, dir.path(), &shared_data());
    assert!(
        e.contains("bad.toml:2:")
            && e.contains("dataset at ")
            && e.contains("bad.toml:4")
            && e.contains("fewer than the 10 folds"),
        "{e}"
    );
}

#[test]
fn the_authors_protocol_needs_the_authors_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let text = "name = \"bad\"\nprotocol = { kind = \"authors\", repetitions = 1 }\n[[datasets]]\nname = \"iris\"\n[[methods]]\nname = \"MEAN\"\n";
    let e = refuse(text, dir.path(), &shared_data());
    assert!(e.contains("needs the authors' train/test pairs"), "{e}");
}

#[test]
fn bad_flags_and_missing_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = harness(&["run", "nowhere.toml"], dir.path());
    let e = refused(&o);
    assert!(
        e.contains("cannot open experiment file nowhere.toml"),
        "{e}"
    );
    let o = harness(
        &[&experiment("quickstart.toml"), "--shard", "3/2"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not a shard") && !stderr(&o).contains("panicked"));
}

#[test]
fn a_users_own_csv_dataset_runs() {
    let rows: String = (0..40)
        .map(|i| format!("{i},{},{}\n", i % 7, 2 * i))
        .collect();
    let text = "name = \"mine\"\nprotocol = { kind = \"kfold\", folds = 4, repetitions = 1 }\n\
                [[datasets]]\nname = \"mine\"\n[[methods]]\nname = \"MEAN\"\n\
                [[dataset_def]]\nname = \"mine\"\nvariant = \"local\"\ntask = \"regression\"\nformat = \"csv\"\ntarget = \"y\"\n\
                files = [{ path = \"mine.csv\" }]\n";
    let (report, _) = run_own(text, "mine.csv", &format!("a,b,y\n{rows}"));
    assert!(
        report.contains("| mine/local | 4-fold CV x 1 repetitions |"),
        "{report}"
    );
}

#[test]
fn bad_report_settings_name_the_setting_and_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    for (setting, message) in [
        (
            "control = \"ADAM\"",
            "bad.toml:7: control method \"ADAM\" is not in this experiment; it has: MEAN",
        ),
        (
            "alpha = 5.0",
            "bad.toml: [report] alpha = 5 is not a significance level",
        ),
        (
            "time_dataset = \"wine\"",
            "time_dataset \"wine\" is not in this experiment; it has: iris",
        ),
        (
            "deviations = [{ method = \"ADAM\", dataset = \"iris\", why = \"x\" }]",
            "bad.toml:7: method label \"ADAM\" is not in this experiment; it has: MEAN",
        ),
        (
            "deviations = [{ method = \"MEAN\", dataset = \"wine\", why = \"x\" }]",
            "bad.toml:7: dataset \"wine\" is not in this experiment; it has: iris",
        ),
        (
            "deviations = [{ method = \"MEAN\", dataset = \"iris\", why = \" \" }]",
            "bad.toml:7: a deviation needs its `why`",
        ),
        (
            "deviations = [{ method = \"MEAN\", dataset = \"iris\", why = \"a\" }, { method = \"MEAN\", dataset = \"iris\", why = \"b\" }]",
            "MEAN on iris is explained twice",
        ),
    ] {
        let e = refuse(
            &format!("{IRIS}[[methods]]\nname = \"MEAN\"\n[report]\n{setting}\n"),
            dir.path(),
            &shared_data(),
        );
        assert!(e.contains(message), "{setting}: {e}");
    }
}

#[test]
fn a_dataset_with_several_variants_and_none_named_gets_the_line_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let e = refuse(
        "name = \"bad\"\n[[datasets]]\nname = \"wine\"\n[[methods]]\nname = \"MEAN\"\n",
        dir.path(),
        &shared_data(),
    );
    assert!(
        e.contains("bad.toml:3: dataset \"wine\" has several variants: tsoulos, keel, embedded; pick one with a line under its name, such as `variant = \"tsoulos\"`"),
        "{e}"
    );
}

#[test]
fn a_kfold_protocol_without_numbers_is_ten_folds_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cv.toml");
    let text = format!("{IRIS}protocol = {{ kind = \"kfold\" }}\n[[methods]]\nname = \"MEAN\"\n");
    std::fs::write(&file, text).unwrap();
    let o = harness(&[&file.display().to_string(), "--dry-run"], dir.path());
    ok(&o);
    assert!(
        stdout(&o).contains("1 datasets, 1 method configurations, 10 cells"),
        "{}",
        stdout(&o)
    );
}

/// A user's CSV as `[[dataset_def]]` with `task`, refused with `refuse`.
fn refuse_own_csv(task: &str, csv: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("mine.csv"), csv).unwrap();
    let text = format!(
        "name = \"bad\"\nprotocol = {{ kind = \"kfold\", folds = 2 }}\n[[datasets]]\nname = \"mine\"\n[[methods]]\nname = \"MEAN\"\n\
         [[dataset_def]]\nname = \"mine\"\nvariant = \"local\"\ntask = \"{task}\"\nformat = \"csv\"\ntarget = \"y\"\n\
         files = [{{ path = \"mine.csv\" }}]\n"
    );
    refuse(&text, dir.path(), data.path())
}

#[test]
fn a_dataset_with_nothing_to_learn_is_refused_before_anything_runs() {
    let rows: String = (0..12).map(|i| format!("{i},{},1\n", i % 3)).collect();
    let e = refuse_own_csv("classification", &format!("a,b,y\n{rows}"));
    assert!(
        e.contains("bad.toml:4: dataset mine/local: every row of the dataset has class 1, and classification needs two classes at least; there is nothing to learn"),
        "{e}"
    );
    let e = refuse_own_csv("regression", &format!("a,b,y\n{rows}"));
    assert!(
        e.contains("mine/local: the target is 1 in every row of the dataset"),
        "{e}"
    );
}

/// Issue 13's "done when": a spreadsheet's export (semicolons, quoted text
/// labels, CRLF, missing cells) runs from four lines of `[[dataset_def]]`,
/// and the report says how it was read.
#[test]
fn a_spreadsheet_export_runs_and_the_report_says_how_it_was_read() {
    let mut csv = String::from("\"preg\";\"plas\";\"mass\";\"class\"\r\n");
    for i in 0..30 {
        let plas = if i == 7 {
            String::new()
        } else {
            (80 + 3 * i).to_string()
        };
        let mass = if i == 12 {
            "?".to_string()
        } else {
            format!("{}.5", 20 + i % 9)
        };
        let class = if i % 3 == 0 {
            "\"tested_positive\""
        } else {
            "tested_negative"
        };
        csv.push_str(&format!("{};{plas};{mass};{class}\r\n", i % 6));
    }
    let text = "name = \"mine\"\nprotocol = { kind = \"kfold\", folds = 3 }\n\
                [[datasets]]\nname = \"pima-export\"\n[[methods]]\nname = \"MEAN\"\n\
                [[dataset_def]]\nname = \"pima-export\"\ntask = \"classification\"\ntarget = \"class\"\n\
                files = [{ path = \"pima-export.csv\" }]\n";
    let (report, results) = run_own(text, "pima-export.csv", &csv);
    // The export says, on every row, which class each label stands for and
    // how the file was read.
    for row in &results {
        assert_eq!(row["classes"], r#"["tested_negative","tested_positive"]"#);
        assert!(
            row["reader_notes"].starts_with("read as CSV with delimiter ';'"),
            "{row:?}"
        );
    }
    assert!(
        report.contains("| pima-export/local | classification | 28 | 3 |"),
        "{report}"
    );
    assert!(
        report.contains("read as CSV with delimiter ';'; target classes: tested_negative = 0, tested_positive = 1; 2 rows with missing values dropped"),
        "{report}"
    );
    // The same rows kept, their gaps filled from each training part.
    // (RPROP reads the inputs: a NaN left in them would fail its cells.)
    let filled = text
        .replace(
            "name = \"pima-export\"\n[[methods]]",
            "name = \"pima-export\"\nmissing = \"mean\"\n[[methods]]",
        )
        .replace("name = \"MEAN\"", "name = \"RPROP\"");
    let (report, _) = run_own(&filled, "pima-export.csv", &csv);
    assert!(
        report.contains("| pima-export/local | classification | 30 | 3 |")
            && report.contains("2 rows with missing inputs kept")
            && !report.contains("non_finite"),
        "{report}"
    );
}

/// Runs the experiment `text` with `csv` as the data file `name`; the
/// report's Markdown and the rows of its results.csv.
fn run_own(
    text: &str,
    name: &str,
    csv: &str,
) -> (String, Vec<std::collections::HashMap<String, String>>) {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join(name), csv).unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let o = harness_with_data(
        &[
            &file.display().to_string(),
            "--out",
            &out.display().to_string(),
        ],
        dir.path(),
        data.path(),
    );
    ok(&o);
    let results = csv::Reader::from_path(out.join("results.csv"))
        .unwrap()
        .into_deserialize()
        .map(Result::unwrap)
        .collect();
    (
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        results,
    )
}
