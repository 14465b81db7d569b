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
