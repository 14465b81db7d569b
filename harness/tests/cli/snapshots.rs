//! The report's three documents, byte for byte, from a small run on
//! embedded data with zero timings and fixed provenance (`--deterministic`).
//! A change to the report's layout shows up here as a diff to review: set
//! NNBENCH_UPDATE_SNAPSHOTS=1 to write the new ones, then read the diff.

use crate::util::*;
use std::path::Path;

const DOCUMENTS: [&str; 3] = ["report.md", "report.tex", "index.html"];

fn snapshots() -> std::path::PathBuf {
    repo().join("harness/tests/snapshots")
}

/// Runs tiny.toml deterministically into `out` (from the repository root,
/// so the file paths the report names are the same everywhere).
fn run_tiny(out: &Path, extra: &[&str]) {
    let out = out.display().to_string();
    let mut args = vec![
        "run",
        "harness/tests/snapshots/tiny.toml",
        "--out",
        &out,
        "--deterministic",
    ];
    args.extend_from_slice(extra);
    let empty = tempfile::tempdir().unwrap();
    ok(&harness_with_data(&args, &repo(), empty.path()));
}

#[test]
fn the_report_documents_match_their_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    run_tiny(dir.path(), &["--jobs", "2"]);
    let update = std::env::var_os("NNBENCH_UPDATE_SNAPSHOTS").is_some();
    let mut stale = Vec::new();
    for name in DOCUMENTS {
        let made = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let file = snapshots().join(name);
        if update {
            std::fs::write(&file, &made).unwrap();
        } else if std::fs::read_to_string(&file).ok().as_deref() != Some(made.as_str()) {
            let kept = dir.path().join(format!("{name}.new"));
            std::fs::copy(dir.path().join(name), &kept).unwrap();
            stale.push(format!("{} differs from {}", file.display(), name));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nReview the change; NNBENCH_UPDATE_SNAPSHOTS=1 writes the new snapshots.",
        stale.join("\n")
    );
}

#[test]
fn a_deterministic_report_is_the_same_bytes_on_one_thread_and_from_the_store() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_tiny(a.path(), &["--jobs", "1"]);
    run_tiny(b.path(), &["--jobs", "2"]);
    // The report again, from the first run's store alone.
    let again = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let store = a.path().join("results.sqlite").display().to_string();
    let out = again.path().display().to_string();
    ok(&harness_with_data(
        &[
            "report",
            "harness/tests/snapshots/tiny.toml",
            "--store",
            &store,
            "--out",
            &out,
            "--deterministic",
        ],
        &repo(),
        empty.path(),
    ));
    for name in DOCUMENTS {
        let read = |d: &Path| std::fs::read(d.join(name)).unwrap();
        assert!(read(a.path()) == read(b.path()), "{name}: 1 vs 2 threads");
        assert!(
            read(a.path()) == read(again.path()),
            "{name}: run vs report"
        );
    }
}
