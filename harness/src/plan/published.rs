//! Published numbers to compare against: CSV tables of a paper, read once at
//! plan time and matched to the experiment's datasets and method labels.

use super::experiment::{PublishedTable, Source};
use anyhow::{Context, Result, anyhow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// (metric, dataset id, method label) -> published value, and the papers'
/// AVERAGE rows with the datasets they cover. Stored with the plan, so the
/// keys are text (`key`) and the maps ordered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Published {
    values: BTreeMap<String, f64>,
    /// Several tables may give the same metric (one per task): one entry each.
    averages: BTreeMap<String, Vec<Average>>,
}

/// One text key for a tuple of names (a tab never occurs in them).
fn key(parts: &[&str]) -> String {
    parts.join("\t")
}

/// A paper's AVERAGE row entry: its value, how many datasets the paper
/// averaged, and which of them this experiment has (by id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Average {
    pub value: f64,
    pub datasets: usize,
    pub matched: Vec<String>,
}

impl Published {
    pub fn get(&self, metric: &str, dataset: &str, label: &str) -> Option<f64> {
        self.values.get(&key(&[metric, dataset, label])).copied()
    }

    /// The paper's AVERAGE for `metric` and `label` from the table that
    /// shares datasets with `datasets` (ids), if any.
    pub fn average(&self, metric: &str, label: &str, datasets: &[String]) -> Option<&Average> {
        self.averages
            .get(&key(&[metric, label]))?
            .iter()
            .find(|a| a.matched.iter().any(|m| datasets.contains(m)))
    }

    /// Reads `tables` and keeps the cells of `datasets` (id, name) and `labels`.
    pub fn load(
        source: &Source,
        tables: &[PublishedTable],
        datasets: &[(String, String)],
        labels: &[String],
    ) -> Result<Published> {
        let mut out = Published::default();
        let dir = source.path.parent().unwrap_or(std::path::Path::new("."));
        for table in tables {
            let at = source.at(table.file.span());
            super::metric::check(&table.metric).with_context(|| at.clone())?;
            let path = dir.join(table.file.get_ref());
            super::experiment::regular_file(&path, "published table")
                .with_context(|| at.clone())?;
            let mut reader = csv::Reader::from_path(&path)
                .with_context(|| format!("{at}: cannot read published table {}", path.display()))?;
            let headers = reader
                .headers()
                .with_context(|| format!("{}: no header row", path.display()))?
                .clone();
            if headers.get(0) != Some("dataset") {
                return Err(anyhow!(
                    "{}:1: the first column must be `dataset`",
                    path.display()
                ));
            }
            let (mut paper_rows, mut matched) = (0, Vec::new());
            let mut average_row = None;
            for (line, record) in reader.records().enumerate() {
                let record = record.with_context(|| format!("{}:{}", path.display(), line + 2))?;
                let id = if record[0].trim().eq_ignore_ascii_case("average") {
                    None
                } else {
                    paper_rows += 1;
                    match match_dataset(&record[0], datasets) {
                        Some(id) => Some(id),
                        None => continue,
                    }
                };
                for (column, value) in headers.iter().zip(record.iter()).skip(1) {
                    let label = table.columns.get(column).map_or(column, String::as_str);
                    if !labels.iter().any(|l| l == label) {
                        continue;
                    }
                    let v: f64 = value.trim().parse().map_err(|_| {
                        anyhow!(
                            "{}:{}: column {column}: {value:?} is not a number",
                            path.display(),
                            line + 2
                        )
                    })?;
                    match &id {
                        Some(id) => {
                            out.values.insert(key(&[&table.metric, id, label]), v);
                        }
                        None => average_row
                            .get_or_insert_with(Vec::new)
                            .push((key(&[&table.metric, label]), v)),
                    }
                }
                matched.extend(id);
            }
            for (key, value) in average_row.into_iter().flatten() {
                let average = Average {
                    value,
                    datasets: paper_rows,
                    matched: matched.clone(),
                };
                out.averages.entry(key).or_default().push(average);
            }
        }
        Ok(out)
    }
}

/// The paper's name of a dataset against the registry's: equal ignoring case,
/// else equal ignoring case and punctuation when that is unambiguous
/// (`HayesRoth` is hayes_roth; `ZO_NF_S` and `ZONF_S` stay apart).
fn match_dataset(paper: &str, datasets: &[(String, String)]) -> Option<String> {
    let lower = paper.trim().to_lowercase();
    if let Some((id, _)) = datasets.iter().find(|(_, name)| *name == lower) {
        return Some(id.clone());
    }
    let squash = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase()
    };
    let found: Vec<&String> = datasets
        .iter()
        .filter(|(_, n)| squash(n) == squash(paper))
        .map(|(id, _)| id)
        .collect();
    (found.len() == 1).then(|| found[0].clone())
}

#[cfg(test)]
mod tests {
    use super::match_dataset;

    #[test]
    fn paper_names_match_registry_names() {
        let ds: Vec<(String, String)> = ["hayes_roth", "zo_nf_s", "zonf_s", "z_f_s", "wine"]
            .iter()
            .map(|n| (format!("{n}/tsoulos"), n.to_string()))
            .collect();
        assert_eq!(
            match_dataset("HayesRoth", &ds).as_deref(),
            Some("hayes_roth/tsoulos")
        );
        assert_eq!(
            match_dataset("ZO_NF_S", &ds).as_deref(),
            Some("zo_nf_s/tsoulos")
        );
        assert_eq!(
            match_dataset("ZONF_S", &ds).as_deref(),
            Some("zonf_s/tsoulos")
        );
        assert_eq!(match_dataset("Wine", &ds).as_deref(), Some("wine/tsoulos"));
        assert_eq!(match_dataset("AVERAGE", &ds), None);
    }
}
