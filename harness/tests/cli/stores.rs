//! Issue 14: a result store that is not one, or not whole, is refused with
//! a message naming it, what it is not and what to do; values changed by
//! hand never panic a report; a refused merge adds nothing.

use crate::util::*;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

const TINY: &str = "name = \"tiny\"\nprotocol = { kind = \"kfold\", folds = 2, repetitions = 1 }\n\
                    [[datasets]]\nname = \"iris\"\n[[methods]]\nname = \"MEAN\"\n";

/// tiny.toml run into `dir`; (the experiment, its store).
fn tiny_store(dir: &Path) -> (String, PathBuf) {
    let file = dir.join("tiny.toml");
    std::fs::write(&file, TINY).unwrap();
    let file = file.display().to_string();
    let store = dir.join("out/results.sqlite");
    ok(&harness(
        &[&file, "--out", &dir.join("out").display().to_string()],
        dir,
    ));
    (file, store)
}

/// `harness report EXPERIMENT --store STORE` in `dir`.
fn report(dir: &Path, experiment: &str, store: &Path) -> std::process::Output {
    harness(
        &[
            "report",
            experiment,
            "--store",
            &store.display().to_string(),
            "--out",
            &dir.join("report").display().to_string(),
        ],
        dir,
    )
}

#[test]
fn a_file_that_is_not_a_store_is_named_with_what_it_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let (experiment, store) = tiny_store(dir.path());
    let garbage = dir.path().join("garbage.sqlite");
    std::fs::write(
        &garbage,
        "not a database at all, but long enough to have a header ".repeat(20),
    )
    .unwrap();
    let e = refused(&report(dir.path(), &experiment, &garbage));
    assert!(
        e.contains("garbage.sqlite is not an SQLite database, so not a result store")
            && e.contains("--store"),
        "{e}"
    );

    let foreign = dir.path().join("foreign.sqlite");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');")
        .unwrap();
    let e = refused(&report(dir.path(), &experiment, &foreign));
    assert!(
        e.contains("foreign.sqlite is an SQLite database but not an nnbench result store"),
        "{e}"
    );

    // Cut short, as by a full disk or an interrupted copy.
    let cut = dir.path().join("cut.sqlite");
    let bytes = std::fs::read(&store).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = refused(&report(dir.path(), &experiment, &cut));
    assert!(
        e.contains("cut.sqlite is damaged") || e.contains("cut.sqlite is not an SQLite database"),
        "{e}"
    );
}

#[test]
fn a_store_missing_a_column_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (experiment, store) = tiny_store(dir.path());
    Connection::open(&store)
        .unwrap()
        .execute_batch("ALTER TABLE cells DROP COLUMN train_error;")
        .unwrap();
    let e = refused(&report(dir.path(), &experiment, &store));
    assert!(
        e.contains("results.sqlite says it is an nnbench result store")
            && e.contains("has no column train_error"),
        "{e}"
    );
}

#[test]
fn a_mistyped_value_is_refused_with_its_cell_and_a_null_one_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (experiment, store) = tiny_store(dir.path());
    let conn = Connection::open(&store).unwrap();
    let key: String = conn
        .query_row("SELECT min(key) FROM cells", [], |r| r.get(0))
        .unwrap();
    conn.execute("UPDATE cells SET fold = 'two' WHERE key = ?1", [&key])
        .unwrap();
    let e = refused(&report(dir.path(), &experiment, &store));
    assert!(
        e.contains(&format!(
            "cell {key}: column fold does not hold what nnbench wrote"
        )),
        "{e}"
    );
    // NULL is how SQLite stores a NaN error (a method that diverged): the
    // report shows it, and draws its figures without it.
    conn.execute("UPDATE cells SET fold = 0 WHERE key = ?1", [&key])
        .unwrap();
    conn.execute("UPDATE cells SET test_error = NULL", [])
        .unwrap();
    let o = report(dir.path(), &experiment, &store);
    ok(&o);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn a_refused_merge_leaves_the_target_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = tiny_store(dir.path());
    // Two sources: the first has a cell the target lacks, the second a
    // different result for a cell the target has.
    let target = dir.path().join("target.sqlite");
    let new = dir.path().join("new.sqlite");
    let conflict = dir.path().join("conflict.sqlite");
    for copy in [&target, &new, &conflict] {
        std::fs::copy(&store, copy).unwrap();
    }
    let first = "SELECT min(key) FROM cells";
    Connection::open(&target)
        .unwrap()
        .execute(&format!("DELETE FROM cells WHERE key = ({first})"), [])
        .unwrap();
    Connection::open(&conflict)
        .unwrap()
        .execute(
            "UPDATE cells SET test_error = test_error + 1 WHERE key = (SELECT max(key) FROM cells)",
            [],
        )
        .unwrap();
    let before = count(&target);
    let o = harness(
        &[
            "merge",
            &target.display().to_string(),
            &new.display().to_string(),
            &conflict.display().to_string(),
        ],
        dir.path(),
    );
    let e = refused(&o);
    assert!(
        e.contains("conflict.sqlite holds a different result for cell")
            && e.contains("Merge refused; nothing was added"),
        "{e}"
    );
    assert_eq!(count(&target), before);
    // Without the conflicting source, the new cell is added.
    ok(&harness(
        &[
            "merge",
            &target.display().to_string(),
            &new.display().to_string(),
        ],
        dir.path(),
    ));
    assert_eq!(count(&target), before + 1);
}

/// A store's cells are found by their keys: a change to the key's recipe
/// would make every stored result unreachable. (A deliberate change bumps
/// KEY_SCHEMA in plan/cells.rs and these values.)
#[test]
fn the_keys_of_stored_cells_do_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = tiny_store(dir.path());
    let keys: Vec<String> = Connection::open(&store)
        .unwrap()
        .prepare("SELECT key FROM cells ORDER BY key")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        keys,
        [
            "3a701338d14009ccc5c4ecb1d04f86b85e5df9c84643d22e72eea1d9e4da7d69",
            "b3f9c4122acb27439271f42da2864aee60b9d10cef85b0068cec48adbb26d04a"
        ]
    );
}
