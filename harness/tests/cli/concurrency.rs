//! Two processes on one store: the second stops at once, naming the first;
//! and a report replaces the previous one whole.

use crate::util::*;
use std::io::Write;
use std::path::Path;

fn smoke_into(dir: &Path, command: &[&str]) -> std::process::Output {
    let smoke = experiment("smoke.toml");
    let out = dir.join("out").display().to_string();
    let mut args = command.to_vec();
    args.extend([smoke.as_str(), "--out", &out]);
    harness(&args, dir)
}

#[test]
fn a_second_process_on_a_store_in_use_stops_at_once_naming_the_first() {
    let dir = tempfile::tempdir().unwrap();
    ok(&smoke_into(dir.path(), &["run"]));
    // This test process plays the first harness: it holds the lock.
    let mut held = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("out/results.sqlite.lock"))
        .unwrap();
    held.lock().unwrap();
    held.set_len(0).unwrap();
    write!(held, "4242").unwrap();
    for command in ["run", "report", "export"] {
        let e = refused(&smoke_into(dir.path(), &[command]));
        assert!(
            e.contains("another harness process (pid 4242) is using the result store")
                && e.contains("out/results.sqlite; wait for it to finish"),
            "{command}: {e}"
        );
    }
    drop(held);
    ok(&smoke_into(dir.path(), &["report"]));
}

#[test]
fn a_report_replaces_the_previous_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    ok(&smoke_into(dir.path(), &["run"]));
    let out = dir.path().join("out");
    std::fs::write(out.join("plots/stale.svg"), "<svg/>").unwrap();
    ok(&smoke_into(dir.path(), &["report"]));
    let plots: Vec<String> = std::fs::read_dir(out.join("plots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !plots.is_empty() && !plots.contains(&"stale.svg".to_string()),
        "{plots:?}"
    );
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial") || n.contains(".old-"))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");
    assert!(out.join("index.html").is_file() && out.join("tables").is_dir());
}

/// Issue 14: killed at any instant, a report leaves every file of one
/// report, the old one or the new one. Reports from two stores that differ
/// by one cell alternate, so results.csv and report.md of different
/// moments would disagree on the count of finished cells. (Where the kills
/// land depends on the machine's speed; what is checked after each does
/// not.)
#[test]
fn a_report_killed_at_any_instant_leaves_one_report() {
    let dir = tempfile::tempdir().unwrap();
    ok(&smoke_into(dir.path(), &["run"]));
    let out = dir.path().join("out");
    let full = out.join("results.sqlite");
    let less = dir.path().join("less.sqlite");
    std::fs::copy(&full, &less).unwrap();
    rusqlite::Connection::open(&less)
        .unwrap()
        .execute(
            "DELETE FROM cells WHERE key = (SELECT min(key) FROM cells)",
            [],
        )
        .unwrap();
    let smoke = experiment("smoke.toml");
    let out_arg = out.display().to_string();
    let one_report = || {
        let report = std::fs::read_to_string(out.join("report.md")).unwrap();
        let rows = std::fs::read_to_string(out.join("results.csv"))
            .unwrap()
            .lines()
            .count()
            - 1;
        (report, rows)
    };
    for k in 0..16u64 {
        let store = if k % 2 == 0 { &less } else { &full };
        let store = store.display().to_string();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_harness"))
            .args(["report", &smoke, "--out", &out_arg, "--store", &store])
            .env("NNBENCH_DATA", shared_data())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(10 + 40 * k));
        child.kill().unwrap();
        child.wait().unwrap();
        let (report, rows) = one_report();
        assert!(
            report.contains(&format!("- Cells: {rows} of 120 finished")),
            "after a kill at report {k}: results.csv has {rows} rows and report.md says {:?}",
            report.lines().find(|l| l.starts_with("- Cells:"))
        );
    }
}
