//! How long the cells of a plan should take, from the cells an earlier run
//! stored: what `harness slurm` prints in its script's header and
//! `--dry-run` beside its count, so a user can choose shards and `--time`.

use crate::plan::Plan;
use crate::store::Store;
use crate::store::lock::Access;
use crate::store::record::CellRecord;
use anyhow::Result;
use std::collections::HashMap;
use std::path::Path;

/// The finished cells of every store in `out` (results.sqlite and shard
/// stores), each key once.
pub fn stored(out: &Path) -> Result<Vec<CellRecord>> {
    let mut by_key = HashMap::new();
    for entry in std::fs::read_dir(out).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("results") && name.ends_with(".sqlite") {
            for r in Store::open(&entry.path(), Access::Read)?.records()? {
                if r.is_ok() {
                    by_key.insert(r.key.clone(), r);
                }
            }
        }
    }
    Ok(by_key.into_values().collect())
}

/// Each planned cell's expected wall seconds on one core: the mean of the
/// stored cells of its method label on its dataset, else of its label on
/// any dataset; None where neither ran.
pub fn expected(plan: &Plan, records: &[CellRecord]) -> Vec<Option<f64>> {
    let mut pair: HashMap<(&str, &str), (f64, usize)> = HashMap::new();
    let mut label: HashMap<&str, (f64, usize)> = HashMap::new();
    for r in records {
        for sum in [
            pair.entry((&r.label, &r.dataset)).or_default(),
            label.entry(&r.label).or_default(),
        ] {
            sum.0 += r.wall_s;
            sum.1 += 1;
        }
    }
    let mean = |(sum, n): (f64, usize)| sum / n as f64;
    plan.cells
        .iter()
        .map(|c| {
            let l = plan.methods[c.method].label.as_str();
            let d = plan.datasets[c.dataset].id.as_str();
            pair.get(&(l, d)).or_else(|| label.get(l)).map(|&s| mean(s))
        })
        .collect()
}

/// Seconds as "2 h 05 min", "14 min", "40 s".
pub fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s.div_ceil(60)),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600).div_ceil(60).min(59)),
    }
}

/// One line on the expected time of `shards` shards of `plan`, each on
/// `cores` cores, or None when nothing is stored to go by.
pub fn summary(plan: &Plan, out: &Path, shards: usize, cores: usize) -> Result<Option<String>> {
    let records = stored(out)?;
    if records.is_empty() {
        return Ok(None);
    }
    let expected = expected(plan, &records);
    let mut per_shard = vec![0.0; shards.max(1)];
    for (j, e) in expected.iter().enumerate() {
        per_shard[j % shards.max(1)] += e.unwrap_or(0.0);
    }
    let longest = per_shard.iter().copied().fold(0.0, f64::max);
    let total: f64 = per_shard.iter().sum();
    let unmeasured = expected.iter().filter(|e| e.is_none()).count();
    Ok(Some(format!(
        "expected from {} stored cells of an earlier run: {} of cell time in all; the longest of {shards} shard(s) {} on one core, about {} on {cores}{}",
        records.len(),
        duration(total),
        duration(longest),
        duration(longest / cores.max(1) as f64),
        if unmeasured > 0 {
            format!(" ({unmeasured} cells of methods or datasets not yet run are not counted)")
        } else {
            String::new()
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_a_person_would_say_them() {
        assert_eq!(duration(40.2), "40 s");
        assert_eq!(duration(61.0), "2 min");
        assert_eq!(duration(7500.0), "2 h 05 min");
    }
}
