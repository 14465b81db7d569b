//! Helpers for the end-to-end tests: run the real binary in a temporary
//! folder, read exports, find the shared data.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// NNBENCH_DATA (a relative path is taken from the workspace root, where
/// the README's test command runs), else the shared/ folder beside the checkout.
pub fn shared_data() -> PathBuf {
    let dir = std::env::var_os("NNBENCH_DATA")
        .map(|d| repo().join(d))
        .unwrap_or_else(|| repo().join("../shared/datasets"));
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    assert!(
        dir.join("MANIFEST.toml").is_file(),
        "set NNBENCH_DATA to the shared datasets (looked in {})",
        dir.display()
    );
    dir
}

pub fn harness(args: &[&str], cwd: &Path) -> Output {
    harness_with_data(args, cwd, &shared_data())
}

pub fn harness_with_data(args: &[&str], cwd: &Path, data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .current_dir(cwd)
        .env("NNBENCH_DATA", data)
        .env("CI", "true")
        .output()
        .expect("the harness binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "harness failed: {}\n{}",
        stdout(o),
        stderr(o)
    );
}

/// Exits non-zero with a message, never a panic; returns the message.
pub fn refused(o: &Output) -> String {
    let e = stderr(o);
    assert!(
        !o.status.success(),
        "expected a refusal, got success: {}",
        stdout(o)
    );
    assert!(!e.contains("panicked"), "a panic reached the user: {e}");
    assert!(e.starts_with("harness: error: "), "{e}");
    e
}

/// An experiment file's path in the repository.
pub fn experiment(name: &str) -> String {
    repo().join("experiments").join(name).display().to_string()
}

/// The CSV export without the timing columns, which differ run to run.
pub fn export_without_timing(out: &Path, store: &Path, experiment: &str) -> Vec<Vec<String>> {
    let file = out.join("export.csv");
    let o = harness(
        &[
            "export",
            experiment,
            "--store",
            &store.display().to_string(),
            "--out",
            &out.display().to_string(),
            "--output",
            &file.display().to_string(),
        ],
        out,
    );
    ok(&o);
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let headers = reader.headers().unwrap().clone();
    let keep: Vec<usize> = (0..headers.len())
        .filter(|&i| !matches!(&headers[i], "wall_s" | "cpu_s"))
        .collect();
    let mut rows = vec![keep.iter().map(|&i| headers[i].to_string()).collect()];
    for r in reader.records() {
        let r = r.unwrap();
        rows.push(keep.iter().map(|&i| r[i].to_string()).collect());
    }
    rows
}

/// Rows in a store (0 while it does not exist yet, or is being created).
pub fn count(store: &Path) -> usize {
    if !store.exists() {
        return 0;
    }
    rusqlite::Connection::open(store)
        .and_then(|c| c.query_row("SELECT count(*) FROM cells", [], |r| r.get::<_, i64>(0)))
        .map_or(0, |n| n as usize)
}

/// Starts `harness ARGS` and kills it once `store` holds at least `cells`
/// cells (or after two minutes); returns how many it held after the kill.
pub fn run_until_killed(args: &[&str], store: &Path, cells: usize, data: &Path) -> usize {
    let mut child = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .env("NNBENCH_DATA", data)
        .env("CI", "true")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the harness binary starts");
    let start = std::time::Instant::now();
    while count(store) < cells && start.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("the run can be killed");
    child.wait().expect("the killed run is reaped");
    count(store)
}

/// Writes `text` as `dir/<file>` and runs it into `dir/out` with an empty
/// data directory (embedded and generated datasets only), with `extra` flags.
pub fn run_embedded(dir: &Path, file: &str, text: &str, extra: &[&str]) -> Output {
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    let (path, out) = (
        path.display().to_string(),
        dir.join("out").display().to_string(),
    );
    let mut args = vec![path.as_str(), "--out", &out];
    args.extend_from_slice(extra);
    let empty = tempfile::tempdir().unwrap();
    harness_with_data(&args, dir, empty.path())
}

/// The export, without timings, of what [`run_embedded`] stored in `dir`.
pub fn exported(dir: &Path, file: &str) -> Vec<Vec<String>> {
    let out = dir.join("out");
    export_without_timing(
        &out,
        &out.join("results.sqlite"),
        &dir.join(file).display().to_string(),
    )
}

/// A CSV file's rows, each a map from column name to value.
pub fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A results.csv row's `metrics` column, parsed.
pub fn metrics_of(row: &std::collections::HashMap<String, String>) -> serde_json::Value {
    serde_json::from_str(&row["metrics"]).unwrap()
}

/// `base` with each `(from, to)` replacement is refused, naming `message`.
pub fn refused_each(base: &str, cases: &[(&str, &str, &str)], run: impl Fn(&str) -> Output) {
    for (from, to, message) in cases {
        assert!(base.contains(from), "{from}");
        let err = refused(&run(&base.replace(from, to)));
        assert!(err.contains(message), "{message:?} not in:\n{err}");
    }
}
