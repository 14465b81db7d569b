//! `harness slurm` and `harness status` without a cluster: the scripts
//! written with every flag, run by bash as SLURM would run them (each
//! array task with its SLURM_ARRAY_TASK_ID, then the merge job), their
//! merged store equal to one run; status on shard stores with one shard
//! never started, and its rerun command; bad values refused.

use crate::util::*;
use std::path::Path;
use std::process::Command;

const EXPERIMENT: &str = "name = \"cluster\"\nseed = 4\n\
    protocol = { kind = \"kfold\", folds = 3, repetitions = 2 }\n\
    [[datasets]]\nname = \"iris\"\n\
    [[methods]]\nname = \"MEAN\"\n\
    [[methods]]\nname = \"ADAM\"\nparams = { iterations = 20 }\n";

fn write(dir: &Path) -> String {
    let file = dir.join("cluster.toml");
    std::fs::write(&file, EXPERIMENT).unwrap();
    file.display().to_string()
}

fn slurm(dir: &Path, extra: &[&str]) -> std::process::Output {
    let file = write(dir);
    let out = dir.join("out").display().to_string();
    let mut args = vec![
        "slurm",
        file.as_str(),
        "--out",
        out.as_str(),
        "--shards",
        "3",
    ];
    args.extend_from_slice(extra);
    harness(&args, dir)
}

/// Runs a written script as SLURM would, with its task id.
fn bash(script: &Path, task: Option<u32>, cwd: &Path) {
    let mut c = Command::new("bash");
    c.arg(script).current_dir(cwd).env("NNBENCH_DATA", cwd);
    if let Some(i) = task {
        c.env("SLURM_ARRAY_TASK_ID", i.to_string())
            .env("SLURM_CPUS_PER_TASK", "1");
    }
    let o = c.output().unwrap();
    // A shard's run exits 0; the merge job's report too.
    assert!(o.status.success(), "{}: {}", script.display(), stderr(&o));
}

/// The merged store in `dir`/out is a single-process run of the same
/// experiment, but for timings.
fn assert_merged_is_one_run(dir: &Path) {
    let out = dir.join("out");
    let whole = tempfile::tempdir().unwrap();
    let file = write(whole.path());
    let whole_out = whole.path().join("out");
    ok(&harness(
        &[&file, "--out", &whole_out.display().to_string()],
        whole.path(),
    ));
    assert_eq!(
        export_without_timing(&out, &out.join("results.sqlite"), &write(dir)),
        export_without_timing(&whole_out, &whole_out.join("results.sqlite"), &file)
    );
}

#[test]
fn the_scripts_run_the_shards_and_merge_them_into_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let o = slurm(
        dir.path(),
        &[
            "--partition",
            "debug",
            "--time",
            "00:10:00",
            "--mem",
            "2G",
            "--extra",
            "#SBATCH --qos=low",
        ],
    );
    ok(&o);
    assert!(
        stdout(&o).contains("sbatch --dependency=afterany:"),
        "{}",
        stdout(&o)
    );
    let scripts = dir.path().join("out/slurm");
    let array = std::fs::read_to_string(scripts.join("array.sbatch")).unwrap();
    for line in [
        "#SBATCH --array=1-3",
        "#SBATCH --partition=debug",
        "#SBATCH --time=00:10:00",
        "#SBATCH --mem=2G",
        "#SBATCH --qos=low",
        "--shard \"$SLURM_ARRAY_TASK_ID/3\"",
        env!("CARGO_BIN_EXE_harness"),
    ] {
        assert!(array.contains(line), "{line:?} not in\n{array}");
    }
    for i in 1..=3 {
        bash(&scripts.join("array.sbatch"), Some(i), dir.path());
    }
    bash(&scripts.join("merge.sbatch"), None, dir.path());
    let out = dir.path().join("out");
    assert!(out.join("report.md").is_file());
    assert_merged_is_one_run(dir.path());
}

#[test]
fn status_names_the_shards_that_lack_cells_and_how_to_rerun_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path());
    let out = dir.path().join("out").display().to_string();
    let status = || harness(&["status", &file, "--out", &out], dir.path());
    let none = refused(&status());
    assert!(none.contains("no shard stores in"), "{none}");
    for shard in ["1/3", "3/3"] {
        ok(&harness(
            &[&file, "--out", &out, "--shard", shard],
            dir.path(),
        ));
    }
    let o = status();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("cluster: 12 cells in 3 shards"), "{text}");
    assert!(
        text.contains(
            "    2      4         0       0        4  (no store: the task never started)"
        ),
        "{text}"
    );
    assert!(
        text.contains("    1      4         4       0        0\n"),
        "{text}"
    );
    assert!(text.contains("--array=2 "), "{text}");
    ok(&harness(
        &[&file, "--out", &out, "--shard", "2/3"],
        dir.path(),
    ));
    let o = status();
    ok(&o);
    assert!(
        stdout(&o).contains("every cell is finished"),
        "{}",
        stdout(&o)
    );
    // With the cells stored, the scripts and --dry-run say how long shards take.
    ok(&harness(
        &["slurm", &file, "--out", &out, "--shards", "2"],
        dir.path(),
    ));
    let array = std::fs::read_to_string(dir.path().join("out/slurm/array.sbatch")).unwrap();
    assert!(
        array.contains("# Time: expected from 12 stored cells of an earlier run: "),
        "{array}"
    );
    assert!(array.contains("the longest of 2 shard(s) "), "{array}");
    let dry = harness(
        &[&file, "--out", &out, "--dry-run", "--shard", "1/2"],
        dir.path(),
    );
    ok(&dry);
    assert!(
        stdout(&dry).contains("expected from 12 stored cells"),
        "{}",
        stdout(&dry)
    );
}

#[test]
fn bad_cluster_settings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (extra, message) in [
        (
            vec!["--partition", "my queue"],
            "--partition \"my queue\": a SLURM name is letters",
        ),
        (
            vec!["--time", "2h"],
            "--time \"2h\": give minutes, or HH:MM:SS",
        ),
        (vec!["--mem", "lots"], "--mem \"lots\": give a size"),
        (
            vec!["--extra", "--qos=low"],
            "each extra line is a directive, starting \"#SBATCH \"",
        ),
    ] {
        let e = refused(&slurm(dir.path(), &extra));
        assert!(e.contains(message), "{message:?} not in {e}");
    }
    let file = write(dir.path());
    let too_many = refused(&harness(&["slurm", &file, "--shards", "13"], dir.path()));
    assert!(
        too_many.contains("--shards 13: cluster has only 12 cells"),
        "{too_many}"
    );
    let zero = harness(&["slurm", &file, "--shards", "0"], dir.path());
    assert!(
        !zero.status.success() && stderr(&zero).contains("0 is not in 1..=1000"),
        "{}",
        stderr(&zero)
    );
}

/// Waits until none of `jobs` is in SLURM's queue (at most five minutes).
fn wait_for(jobs: &[&str]) {
    let start = std::time::Instant::now();
    loop {
        let q = Command::new("squeue")
            .args(["-h", "-o", "%i %t", "-j", &jobs.join(",")])
            .output()
            .expect("squeue runs");
        let queued = String::from_utf8_lossy(&q.stdout).trim().to_string();
        if queued.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(300),
            "jobs still queued after five minutes:\n{queued}"
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// The whole route on a real SLURM (`.ci/slurm up` starts a single-node
/// one; NNBENCH_SLURM=1 with SLURM_CONF set runs this test, as .ci/run
/// does): submit the array and the merge, wait, compare the merged store
/// with one run; then an array with one task cancelled on purpose, which
/// status names and whose printed resubmission completes the grid.
#[test]
fn a_real_slurm_runs_the_array_merges_it_and_reruns_what_was_lost() {
    if std::env::var("NNBENCH_SLURM").as_deref() != Ok("1") {
        eprintln!("skipped: NNBENCH_SLURM=1 and a running SLURM (.ci/slurm up DIR) are needed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let o = slurm(
        dir.path(),
        &["--partition", "debug", "--time", "00:10:00", "--submit"],
    );
    ok(&o);
    let text = stdout(&o);
    let ids: Vec<&str> = text
        .split("as job ")
        .skip(1)
        .map(|s| s.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{text}");
    wait_for(&ids);
    let out = dir.path().join("out");
    assert_merged_is_one_run(dir.path());
    assert!(
        out.join("report.md").is_file(),
        "the merge job wrote the report"
    );

    // Task 3 of a held array is cancelled before anything runs.
    let lost = tempfile::tempdir().unwrap();
    ok(&slurm(lost.path(), &["--partition", "debug"]));
    let scripts = lost.path().join("out/slurm");
    let array = scripts.join("array.sbatch").display().to_string();
    let id = Command::new("sbatch")
        .args(["--parsable", "--hold", &array])
        .current_dir(lost.path())
        .output()
        .unwrap();
    let id = String::from_utf8_lossy(&id.stdout).trim().to_string();
    assert!(!id.is_empty());
    for (command, args) in [
        ("scancel", format!("{id}_3")),
        ("scontrol", format!("release {id}")),
    ] {
        let args: Vec<&str> = args.split(' ').collect();
        assert!(
            Command::new(command)
                .args(&args)
                .status()
                .unwrap()
                .success()
        );
    }
    wait_for(&[&id]);
    let file = write(lost.path());
    let out = lost.path().join("out").display().to_string();
    let status = || harness(&["status", &file, "--out", &out], lost.path());
    let o = status();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains(
            "    3      4         0       0        4  (no store: the task never started)"
        ),
        "{text}"
    );
    // The resubmission as status prints it, run as a user would paste it.
    let rerun: String = text
        .lines()
        .skip_while(|l| !l.starts_with("rerun"))
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(rerun.contains("--array=3 "), "{text}");
    let o = Command::new("bash")
        .args(["-c", &format!("set -e\n{rerun}\necho \"$id\"")])
        .current_dir(lost.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let resubmitted = stdout(&o);
    wait_for(&[resubmitted.trim().split(';').next().unwrap()]);
    // The merge job queued after it runs too; wait for the queue to empty.
    let start = std::time::Instant::now();
    while !status().status.success() || !lost.path().join("out/report.md").is_file() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(300),
            "{}",
            stdout(&status())
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    assert!(stdout(&status()).contains("every cell is finished"));
}
