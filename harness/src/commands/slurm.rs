//! `harness slurm`: the two batch scripts that run an experiment on a SLURM
//! cluster, a job array of shards (each task its own shard store, so tasks
//! never write one file) and a merge-and-report job after it; with
//! `--submit`, both handed to sbatch, the second depending on the first.
//! `harness status` then reads the shard stores to say what is missing.

use crate::cli::{SlurmArgs, StatusArgs};
use crate::plan;
use crate::store::Store;
use crate::store::lock::Access;
use anyhow::{Context, Result, bail};
use nnbench_datasets::DataDir;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// SLURM's default `MaxArraySize` is 1001 (indices 0 to 1000).
pub const MAX_SHARDS: u32 = 1000;

/// What the scripts need, every path absolute.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub name: String,
    pub harness: PathBuf,
    pub workdir: PathBuf,
    pub experiment: PathBuf,
    pub out: PathBuf,
    pub data_dir: Option<PathBuf>,
    pub shards: u32,
    pub cells: usize,
    pub partition: Option<String>,
    pub time: Option<String>,
    pub cpus_per_task: u32,
    pub mem: Option<String>,
    pub account: Option<String>,
    pub extra: Vec<String>,
    /// The expected time, from an earlier run's stored cells.
    pub estimate: Option<String>,
}

/// A word for bash, quoted only where it needs it.
fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn path(p: &Path) -> String {
    quote(&p.display().to_string())
}

impl Job {
    /// The #SBATCH lines both scripts share.
    fn common(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut put = |flag: &str, value: &Option<String>| {
            if let Some(v) = value {
                lines.push(format!("#SBATCH --{flag}={}", quote(v)));
            }
        };
        put("partition", &self.partition);
        put("account", &self.account);
        put("time", &self.time);
        put("mem", &self.mem);
        lines.extend(self.extra.iter().cloned());
        lines
    }

    fn data_flag(&self) -> String {
        self.data_dir
            .as_ref()
            .map_or(String::new(), |d| format!(" --data-dir {}", path(d)))
    }

    /// A script: its header (`about`, the job's name, its own directives,
    /// then the shared ones), the move to the working folder, and `body`.
    fn script(&self, about: String, job: &str, own: &[String], body: Vec<String>) -> String {
        let mut s = vec![
            "#!/bin/bash".to_string(),
            format!("# nnbench: {about}; written by `harness slurm`."),
            format!(
                "# Time: {}",
                self.estimate.as_deref().unwrap_or(
                    "no earlier run is stored in the report folder to estimate it from (run a few cells first, e.g. one repetition, then write the scripts again)"
                )
            ),
            format!("#SBATCH --job-name={}", quote(job)),
        ];
        s.extend(own.iter().cloned());
        s.extend(self.common());
        s.push("set -euo pipefail".to_string());
        s.push(format!("cd {}", path(&self.workdir)));
        s.extend(body);
        s.join("\n") + "\n"
    }

    fn log(&self, name: &str) -> String {
        format!(
            "#SBATCH --output={}",
            quote(&format!("{}/slurm/{name}", self.out.display()))
        )
    }

    /// The job array: task I runs shard I of N into its own store.
    pub fn array_script(&self) -> String {
        let per = self.cells.div_ceil(self.shards as usize);
        self.script(
            format!(
                "{} as {} shards of about {per} cells ({} in all)",
                self.name, self.shards, self.cells
            ),
            &format!("nnbench-{}", self.name),
            &[
                format!("#SBATCH --array=1-{}", self.shards),
                format!("#SBATCH --cpus-per-task={}", self.cpus_per_task),
                self.log("shard-%a.log"),
            ],
            vec![format!(
                "exec {} run {} --out {}{} --shard \"$SLURM_ARRAY_TASK_ID/{}\" --jobs \"${{SLURM_CPUS_PER_TASK:-1}}\"",
                path(&self.harness),
                path(&self.experiment),
                path(&self.out),
                self.data_flag(),
                self.shards
            )],
        )
    }

    /// The merge-and-report job: every shard store that exists into
    /// OUT/results.sqlite, then the report from it.
    pub fn merge_script(&self) -> String {
        self.script(
            format!(
                "merges the {} shard stores of {} and writes the report",
                self.shards, self.name
            ),
            &format!("nnbench-{}-merge", self.name),
            &[
                "#SBATCH --cpus-per-task=1".to_string(),
                self.log("merge.log"),
            ],
            vec![
                "stores=()".to_string(),
                format!("for i in $(seq 1 {}); do", self.shards),
                format!(
                    "  store={}/results.shard-\"$i\"-of-{}.sqlite",
                    path(&self.out),
                    self.shards
                ),
                "  if [ -f \"$store\" ]; then stores+=(\"$store\"); fi".to_string(),
                "done".to_string(),
                "if [ ${#stores[@]} -gt 0 ]; then".to_string(),
                format!(
                    "  {} merge {} \"${{stores[@]}}\"",
                    path(&self.harness),
                    path(&self.out.join("results.sqlite"))
                ),
                "fi".to_string(),
                format!(
                    "exec {} report {} --out {}",
                    path(&self.harness),
                    path(&self.experiment),
                    path(&self.out)
                ),
            ],
        )
    }
}

/// A partition or account name as SLURM spells them.
fn check_name(flag: &str, v: &str) -> Result<()> {
    if v.is_empty()
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    {
        bail!("--{flag} {v:?}: a SLURM name is letters, digits, '_', '.' and '-'");
    }
    Ok(())
}

/// SLURM's time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
fn check_time(v: &str) -> Result<()> {
    let (days, rest) = v.split_once('-').map_or((None, v), |(d, r)| (Some(d), r));
    let fields: Vec<&str> = rest.split(':').collect();
    let digits = |f: &&str| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit());
    let ok = days.is_none_or(|d| digits(&d)) && fields.len() <= 3 && fields.iter().all(digits);
    if !ok {
        bail!("--time {v:?}: give minutes, or HH:MM:SS, or D-HH:MM:SS, e.g. 02:00:00");
    }
    Ok(())
}

/// Memory per node: a number with an optional K, M, G or T.
fn check_mem(v: &str) -> Result<()> {
    let number = v.trim_end_matches(['K', 'M', 'G', 'T']);
    if number.is_empty()
        || !number.chars().all(|c| c.is_ascii_digit())
        || v.len() - number.len() > 1
    {
        bail!("--mem {v:?}: give a size such as 4000 (MB) or 16G");
    }
    Ok(())
}

pub fn slurm(args: &SlurmArgs) -> Result<ExitCode> {
    let e = &args.experiment;
    for (flag, v) in [("partition", &args.partition), ("account", &args.account)] {
        if let Some(v) = v {
            check_name(flag, v)?;
        }
    }
    if let Some(t) = &args.time {
        check_time(t)?;
    }
    if let Some(m) = &args.mem {
        check_mem(m)?;
    }
    if let Some(bad) = args.extra.iter().find(|x| !x.starts_with("#SBATCH ")) {
        bail!("--extra {bad:?}: each extra line is a directive, starting \"#SBATCH \"");
    }
    let data_dir = DataDir::resolve(e.data.data_dir.as_deref());
    let plan = plan::build(&e.experiment, &data_dir, plan::limits::DEFAULT_MAX_CELLS)?;
    if args.shards as usize > plan.cells.len() {
        bail!(
            "--shards {}: {} has only {} cells; ask for at most that many shards",
            args.shards,
            plan.name,
            plan.cells.len()
        );
    }
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out = absolute(&super::out_dir(e, &plan.name));
    let job = Job {
        name: plan.name.clone(),
        harness: std::env::current_exe().context("finding the harness binary")?,
        workdir: absolute(Path::new(".")),
        experiment: absolute(&e.experiment),
        out: out.clone(),
        data_dir: e.data.data_dir.as_deref().map(absolute),
        shards: args.shards,
        cells: plan.cells.len(),
        partition: args.partition.clone(),
        time: args.time.clone(),
        cpus_per_task: args.cpus_per_task,
        mem: args.mem.clone(),
        account: args.account.clone(),
        extra: args.extra.clone(),
        estimate: super::estimate::summary(
            &plan,
            &out,
            args.shards as usize,
            args.cpus_per_task as usize,
        )?,
    };
    let dir = out.join("slurm");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let (array, merge) = (dir.join("array.sbatch"), dir.join("merge.sbatch"));
    for (file, text) in [(&array, job.array_script()), (&merge, job.merge_script())] {
        std::fs::write(file, text).with_context(|| format!("writing {}", file.display()))?;
    }
    println!(
        "wrote {} (a job array of {} shards) and {} (merge and report after it)",
        array.display(),
        args.shards,
        merge.display()
    );
    if !args.submit {
        println!(
            "submit them with:\n  id=$(sbatch --parsable {})\n  sbatch --dependency=afterany:${{id%%;*}} {}",
            path(&array),
            path(&merge)
        );
        return Ok(ExitCode::SUCCESS);
    }
    let array_id = sbatch(&[&array.display().to_string()])?;
    let merge_id = sbatch(&[
        &format!("--dependency=afterany:{array_id}"),
        &merge.display().to_string(),
    ])?;
    println!("submitted the array as job {array_id} and the merge as job {merge_id}");
    Ok(ExitCode::SUCCESS)
}

/// The shard counts of the shard stores in `out` (`results.shard-I-of-N.sqlite`).
fn shard_counts(out: &Path) -> Vec<u32> {
    let mut counts: Vec<u32> = std::fs::read_dir(out)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let rest = name
                .strip_prefix("results.shard-")?
                .strip_suffix(".sqlite")?;
            rest.split_once("-of-")?.1.parse().ok()
        })
        .collect();
    counts.sort_unstable();
    counts.dedup();
    counts
}

/// One shard's cells, as `status` counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShardStatus {
    pub cells: usize,
    pub finished: usize,
    pub failed: usize,
    /// False when the shard's store does not exist (the task never started).
    pub started: bool,
}

impl ShardStatus {
    pub fn missing(&self) -> usize {
        self.cells - self.finished - self.failed
    }
}

/// `harness status`: from the shard stores alone, each shard's finished,
/// failed and missing cells, and the command that reruns only the shards
/// that lack some. Exit code 0 when every cell is finished, 2 otherwise.
pub fn status(args: &StatusArgs) -> Result<ExitCode> {
    let e = &args.experiment;
    let name = plan::name_of(&e.experiment)?;
    let out = super::out_dir(e, &name);
    let n = match args.shards {
        Some(n) => n,
        None => match shard_counts(&out).as_slice() {
            [n] => *n,
            [] => bail!(
                "{}: no shard stores in {}; run the shards first (`harness slurm ... --submit`), or name the folder with --out",
                e.experiment.display(),
                out.display()
            ),
            several => bail!(
                "{}: shard stores of {several:?} shards each; say which with --shards",
                out.display()
            ),
        },
    };
    let store_of = |i: u32| out.join(format!("results.shard-{i}-of-{n}.sqlite"));
    let mut meta = None;
    for i in 1..=n {
        if store_of(i).is_file() {
            meta = Store::open(&store_of(i), Access::Read)?.plan(&name)?;
            if meta.is_some() {
                break;
            }
        }
    }
    let Some(meta) = meta else {
        bail!(
            "{}: none of its {n} shard stores has started yet; nothing to count (run `harness status` once a task has begun)",
            name
        );
    };
    let mut shards = vec![ShardStatus::default(); n as usize];
    let keys = meta.cell_keys();
    for (j, _) in keys.iter().enumerate() {
        shards[j % n as usize].cells += 1;
    }
    for (i, shard) in shards.iter_mut().enumerate() {
        let path = store_of(i as u32 + 1);
        if !path.is_file() {
            continue;
        }
        shard.started = true;
        let mine: std::collections::HashSet<&str> = keys
            .iter()
            .enumerate()
            .filter(|(j, _)| j % n as usize == i)
            .map(|(_, k)| *k)
            .collect();
        for r in Store::open(&path, Access::Read)?.records()? {
            if mine.contains(r.key.as_str()) {
                if r.is_ok() {
                    shard.finished += 1;
                } else {
                    shard.failed += 1;
                }
            }
        }
    }
    println!(
        "{name}: {} cells in {n} shards, stores in {}",
        keys.len(),
        out.display()
    );
    println!("shard  cells  finished  failed  missing");
    for (i, s) in shards.iter().enumerate() {
        println!(
            "{:>5}  {:>5}  {:>8}  {:>6}  {:>7}{}",
            i + 1,
            s.cells,
            s.finished,
            s.failed,
            s.missing(),
            if s.started {
                ""
            } else {
                "  (no store: the task never started)"
            }
        );
    }
    let rerun: Vec<String> = shards
        .iter()
        .enumerate()
        .filter(|(_, s)| s.finished < s.cells)
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if rerun.is_empty() {
        println!("every cell is finished; `harness report` (or the merge job) writes the report");
        return Ok(ExitCode::SUCCESS);
    }
    let slurm = out.join("slurm");
    println!(
        "rerun the shards that lack cells (finished cells are kept; failed ones run again):
  id=$(sbatch --parsable --array={} {})
  sbatch --dependency=afterany:${{id%%;*}} {}",
        rerun.join(","),
        path(&slurm.join("array.sbatch")),
        path(&slurm.join("merge.sbatch"))
    );
    Ok(ExitCode::from(2))
}

/// Runs `sbatch --parsable ARGS`; the job id it prints.
fn sbatch(args: &[&str]) -> Result<String> {
    let out = Command::new("sbatch")
        .arg("--parsable")
        .args(args)
        .output()
        .context("running sbatch (is SLURM installed here, and sbatch on PATH?)")?;
    if !out.status.success() {
        bail!(
            "sbatch {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // --parsable prints "id" or "id;cluster".
    Ok(text
        .trim()
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job {
            name: "smoke".into(),
            harness: "/opt/nnbench/harness".into(),
            workdir: "/home/me/nnbench".into(),
            experiment: "/home/me/nnbench/experiments/smoke.toml".into(),
            out: "/scratch/my runs/smoke".into(),
            data_dir: Some("/data/nnbench".into()),
            shards: 4,
            cells: 30,
            partition: Some("short".into()),
            time: Some("02:00:00".into()),
            cpus_per_task: 8,
            mem: Some("16G".into()),
            account: Some("lab-42".into()),
            extra: vec!["#SBATCH --qos=low".into()],
            estimate: Some("expected from 30 stored cells of an earlier run: 2 h 05 min of cell time in all; the longest of 4 shard(s) 32 min on one core, about 4 min on 8".into()),
        }
    }

    /// The scripts, byte for byte: every flag on its #SBATCH line, the path
    /// with a space quoted. NNBENCH_UPDATE_SNAPSHOTS=1 rewrites them.
    #[test]
    fn the_scripts_match_their_snapshots() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
        let j = job();
        for (name, text) in [
            ("slurm-array.sbatch", j.array_script()),
            ("slurm-merge.sbatch", j.merge_script()),
        ] {
            let file = dir.join(name);
            if std::env::var_os("NNBENCH_UPDATE_SNAPSHOTS").is_some() {
                std::fs::write(&file, &text).unwrap();
            }
            assert_eq!(text, std::fs::read_to_string(&file).unwrap(), "{name}");
        }
        let array = j.array_script();
        for line in [
            "#SBATCH --array=1-4",
            "#SBATCH --partition=short",
            "#SBATCH --account=lab-42",
            "#SBATCH --time=02:00:00",
            "#SBATCH --mem=16G",
            "#SBATCH --cpus-per-task=8",
            "#SBATCH --qos=low",
            "#SBATCH --output='/scratch/my runs/smoke/slurm/shard-%a.log'",
            "--out '/scratch/my runs/smoke' --data-dir /data/nnbench --shard \"$SLURM_ARRAY_TASK_ID/4\"",
        ] {
            assert!(array.contains(line), "{line:?} not in\n{array}");
        }
        let merge = j.merge_script();
        assert!(
            merge.contains("  store='/scratch/my runs/smoke'/results.shard-\"$i\"-of-4.sqlite"),
            "{merge}"
        );
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(check_name("partition", "gpu-a100").is_ok());
        assert!(
            check_name("partition", "gpu a100")
                .unwrap_err()
                .to_string()
                .contains("letters, digits")
        );
        assert!(check_name("account", "x;rm").is_err());
        for t in ["30", "02:00:00", "1-12:00:00", "1-12"] {
            assert!(check_time(t).is_ok(), "{t}");
        }
        for t in ["2h", "1:2:3:4", "", "-1"] {
            assert!(check_time(t).is_err(), "{t}");
        }
        assert!(check_mem("16G").is_ok() && check_mem("4000").is_ok());
        assert!(check_mem("16GB").is_err() && check_mem("G").is_err());
        assert_eq!(quote("plain/path-1.toml"), "plain/path-1.toml");
        assert_eq!(quote("it's here"), "'it'\\''s here'");
    }
}
