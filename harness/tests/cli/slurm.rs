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
    let whole = tempfile::tempdir().unwrap();
    let file = write(whole.path());
    ok(&harness(
        &[
            &file,
            "--out",
            &whole.path().join("out").display().to_string(),
        ],
        whole.path(),
    ));
    assert_eq!(
        export_without_timing(&out, &out.join("results.sqlite"), &write(dir.path())),
        export_without_timing(
            &whole.path().join("out"),
            &whole.path().join("out/results.sqlite"),
            &file
        )
    );
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
