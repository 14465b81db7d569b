//! What `--dry-run` says a grid will cost: the built-in calibration for
//! methods at their defaults, an earlier run's stored cells where there
//! are some (of the same method on the same dataset first, then of the
//! same method on other datasets, scaled by size), per method and in all.

use crate::util::*;

/// The "total" line's (seconds per cell, CPU hours) of a `--dry-run` table.
fn total(text: &str) -> (f64, f64) {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("total"))
        .unwrap_or_else(|| panic!("no total line: {text}"));
    let numbers: Vec<&str> = line.split_whitespace().collect();
    (numbers[2].parse().unwrap(), numbers[3].parse().unwrap())
}

#[test]
fn the_full_grid_is_estimated_from_the_built_in_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let o = harness(&[&experiment("tsoulos2023.toml"), "--dry-run"], dir.path());
    ok(&o);
    let text = stdout(&o);
    assert!(
        text.contains("expected CPU time, from the built-in calibration (harness bench, "),
        "{text}"
    );
    for method in [
        "GENETIC",
        "PROPOSED",
        "PROPOSED_ADAM",
        "RBF",
        "NEAT",
        "ADAM",
        "RPROP",
    ] {
        let row = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(method))
            .unwrap_or_else(|| panic!("{method}: {text}"));
        assert!(row.contains(" 12600 "), "{row}");
    }
    assert!(!text.contains("not counted"), "{text}");
    // Thirty seeds cost thirty times one seed: the estimate is per cell.
    let file = dir.path().join("one-seed.toml");
    let grid = std::fs::read_to_string(experiment("tsoulos2023.toml")).unwrap();
    let published = repo().join("experiments/published").display().to_string();
    let one = grid
        .replace("repetitions = 30", "repetitions = 1")
        .replace("file = \"published/", &format!("file = \"{published}/"));
    std::fs::write(&file, one).unwrap();
    let o = harness(&[&file.display().to_string(), "--dry-run"], dir.path());
    ok(&o);
    let ratio = total(&text).1 / total(&stdout(&o)).1;
    assert!((ratio - 30.0).abs() < 0.1, "{ratio}: {}", stdout(&o));
}

#[test]
fn stored_cells_come_before_the_calibration() {
    let dir = tempfile::tempdir().unwrap();
    // ADAM at other than its defaults has no calibration; MEAN has none.
    let text = "name = \"estimates\"\nseed = 4\n\
        protocol = { kind = \"kfold\", folds = 3, repetitions = 1 }\n\
        [[datasets]]\nname = \"iris\"\n\
        [[methods]]\nname = \"ADAM\"\nparams = { iterations = 20 }\n";
    let o = run_embedded(dir.path(), "estimates.toml", text, &["--dry-run"]);
    ok(&o);
    assert!(!stdout(&o).contains("expected"), "{}", stdout(&o));
    ok(&run_embedded(dir.path(), "estimates.toml", text, &[]));
    // Now wine too: ADAM has run on iris only, so wine's cells are scaled
    // from iris's by size.
    let more = text.replace(
        "[[methods]]",
        "[[datasets]]\nname = \"wine\"\nvariant = \"embedded\"\n[[methods]]",
    );
    let o = run_embedded(dir.path(), "estimates.toml", &more, &["--dry-run"]);
    ok(&o);
    let out = stdout(&o);
    assert!(
        out.contains("expected CPU time, from 3 stored cells of an earlier run:"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("ADAM") && l.contains(" 6 ")),
        "{out}"
    );
    assert!(total(&out).0 > 0.0, "{out}");
}
