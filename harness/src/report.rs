//! Rendering: one serialisable context per report, filled with numbers
//! already formatted, and minijinja templates (templates/) for the layout.
//! Writes report.md, report.html (self-contained), report.tex (booktabs
//! tables) and results.csv into the output folder.

use crate::analysis::{PartResults, Stat, Table};
use crate::export;
use crate::plan::Plan;
use crate::store::Row;
use anyhow::{Context, Result};
use nnbench_datasets::Task;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// (template, output file) for every format a report is written in.
const TEMPLATES: [(&str, &str, &str); 3] = [
    (
        "report.md",
        include_str!("../../templates/report.md.j2"),
        "report.md",
    ),
    (
        "report.html",
        include_str!("../../templates/report.html.j2"),
        "report.html",
    ),
    (
        "report.tex",
        include_str!("../../templates/report.tex.j2"),
        "report.tex",
    ),
];

#[derive(Serialize)]
struct ReportView {
    title: String,
    version: &'static str,
    file: String,
    parts: Vec<PartView>,
}

#[derive(Serialize)]
struct PartView {
    title: String,
    file: String,
    seed: u64,
    scaling: String,
    budget: String,
    coverage: String,
    split_manifest: String,
    tables: Vec<TableView>,
    failed: Vec<Row>,
    methods: Vec<MethodView>,
    datasets: Vec<DatasetView>,
}

#[derive(Serialize)]
struct TableView {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    average: Vec<String>,
    /// Regenerated beside published, when the experiment names published tables.
    comparison: Option<Comparison>,
}

#[derive(Serialize)]
struct Comparison {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    average: Vec<String>,
    covered: usize,
}

#[derive(Serialize)]
struct MethodView {
    label: String,
    name: &'static str,
    version: u32,
    params: String,
}

#[derive(Serialize)]
struct DatasetView {
    id: String,
    task: &'static str,
    rows: usize,
    features: usize,
    protocol: String,
    hash: String,
    notes: String,
}

/// Writes `report.md` and `results.csv` into `out`; returns the report's path.
/// Writes every format and `results.csv` into `out`; returns report.md's path.
pub fn write(plan: &Plan, results: &[PartResults], rows: &[Row], out: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the report folder {}", out.display()))?;
    export::write(rows, export::Format::Csv, &out.join("results.csv"))?;
    for (name, text) in render(plan, results)? {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(out.join("report.md"))
}

/// Every format's (file name, text), rendered from one context.
pub fn render(plan: &Plan, results: &[PartResults]) -> Result<Vec<(&'static str, String)>> {
    let top_title = results
        .iter()
        .find(|r| r.name == plan.name)
        .map_or(plan.name.clone(), |r| r.title.clone());
    let view = ReportView {
        title: top_title,
        version: env!("CARGO_PKG_VERSION"),
        file: plan.file.display().to_string(),
        parts: plan
            .parts
            .iter()
            .zip(results)
            .map(|(part, r)| part_view(plan, part, r))
            .collect(),
    };
    let mut env = minijinja::Environment::new();
    env.add_filter("tex", tex_escape);
    TEMPLATES
        .iter()
        .map(|(name, source, file)| {
            env.add_template(name, source)
                .with_context(|| format!("templates/{name}.j2 does not parse"))?;
            let text = env
                .get_template(name)?
                .render(minijinja::value::Serde(&view))
                .with_context(|| format!("cannot render {file}"))?;
            Ok((*file, text))
        })
        .collect()
}

/// LaTeX's special characters escaped, for names like `wine/tsoulos` or
/// `PROPOSED_ADAM` in the .tex report.
fn tex_escape(text: String) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '—' => out.push_str("---"),
            _ => out.push(c),
        }
    }
    out
}

fn part_view(plan: &Plan, part: &crate::plan::Part, r: &PartResults) -> PartView {
    PartView {
        title: r.title.clone(),
        file: part.file.display().to_string(),
        seed: part.seed,
        scaling: part.scaling.as_str().into(),
        budget: part.budget.max_evaluations.map_or(String::new(), |m| {
            format!("at most {m} objective evaluations")
        }),
        coverage: coverage(r),
        split_manifest: r.split_manifest.clone(),
        tables: r.tables.iter().map(table_view).collect(),
        failed: r.failed.clone(),
        methods: part
            .methods
            .iter()
            .map(|&m| {
                let c = &plan.methods[m];
                MethodView {
                    label: c.label.clone(),
                    name: c.name,
                    version: c.version,
                    params: c.params_json.clone(),
                }
            })
            .collect(),
        datasets: part
            .datasets
            .iter()
            .map(|(d, protocol)| {
                let ds = &plan.datasets[*d];
                let full = ds.full();
                DatasetView {
                    id: ds.id.clone(),
                    task: ds.task.as_str(),
                    rows: full.rows(),
                    features: full.d,
                    protocol: protocol.describe(),
                    hash: ds.content_hash[..12].to_string(),
                    notes: summarise_notes(&ds.notes),
                }
            })
            .collect(),
    }
}

fn coverage(r: &PartResults) -> String {
    let mut s = format!("{} of {} finished", r.finished, r.planned);
    if !r.failed.is_empty() {
        s.push_str(&format!(", {} failed", r.failed.len()));
    }
    let missing = r.planned - r.finished - r.failed.len();
    if missing > 0 {
        s.push_str(&format!(
            ", {missing} not run yet (run the experiment, or merge the other shards)"
        ));
    }
    s
}

fn summarise_notes(notes: &[String]) -> String {
    match notes.len() {
        0 => String::new(),
        1 => notes[0].clone(),
        n => format!("{} (and {} more reader notes)", notes[0], n - 1),
    }
}

fn table_view(t: &Table) -> TableView {
    let unit = if t.task == Task::Classification && t.metric == "class_error_pct" {
        " (%)"
    } else {
        ""
    };
    let n = t
        .rows
        .iter()
        .flat_map(|(_, _, s)| s.iter().flatten().map(|s| s.n))
        .max()
        .unwrap_or(0);
    TableView {
        title: format!(
            "{}: test {}{unit}, mean over {n} runs per cell",
            title_case(t.task.as_str()),
            t.metric
        ),
        header: ["dataset".to_string(), "protocol".to_string()]
            .into_iter()
            .chain(t.methods.iter().cloned())
            .collect(),
        rows: t
            .rows
            .iter()
            .map(|(d, p, stats)| {
                [d.clone(), p.clone()]
                    .into_iter()
                    .chain(
                        stats
                            .iter()
                            .map(|s| s.map_or("—".into(), |s: Stat| number(s.mean))),
                    )
                    .collect()
            })
            .collect(),
        average: t
            .average
            .iter()
            .map(|a| a.map_or("—".into(), number))
            .collect(),
        comparison: comparison(t),
    }
}

/// "regenerated / published (difference)" per dataset and method, and the
/// averages over the datasets where both exist (not the paper's AVERAGE row,
/// which covers all of its datasets).
fn comparison(t: &Table) -> Option<Comparison> {
    let methods: Vec<usize> = (0..t.methods.len())
        .filter(|&m| t.published.iter().any(|row| row[m].is_some()))
        .collect();
    if methods.is_empty() {
        return None;
    }
    let mut sums = vec![(0.0, 0.0, 0usize); t.methods.len()];
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .zip(&t.published)
        .filter(|(_, p)| p.iter().any(Option::is_some))
        .map(|((dataset, _, stats), published)| {
            std::iter::once(dataset.clone())
                .chain(methods.iter().map(|&m| match (stats[m], published[m]) {
                    (Some(s), Some(p)) => {
                        sums[m] = (sums[m].0 + s.mean, sums[m].1 + p, sums[m].2 + 1);
                        pair(s.mean, p)
                    }
                    (None, Some(p)) => format!("— / {}", number(p)),
                    _ => "—".into(),
                }))
                .collect()
        })
        .collect();
    Some(Comparison {
        header: std::iter::once("dataset".to_string())
            .chain(methods.iter().map(|&m| t.methods[m].clone()))
            .collect(),
        average: methods
            .iter()
            .map(|&m| {
                let (ours, paper, n) = sums[m];
                if n == 0 {
                    "—".into()
                } else {
                    pair(ours / n as f64, paper / n as f64)
                }
            })
            .collect(),
        covered: rows.len(),
        rows,
    })
}

/// `ours / paper (+difference)`.
fn pair(ours: f64, paper: f64) -> String {
    let d = ours - paper;
    let sign = if d < 0.0 { "-" } else { "+" };
    format!(
        "{} / {} ({sign}{})",
        number(ours),
        number(paper),
        number(d.abs())
    )
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// Two decimals, or three significant digits for small values (the papers
/// print 0.002 for airfoil and 18.10 for appendicitis).
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == 0.0 || v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        let decimals = (2 - v.abs().log10().floor() as i32).max(2) as usize;
        format!("{v:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::{number, tex_escape};

    #[test]
    fn tex_special_characters_are_escaped() {
        assert_eq!(
            tex_escape("PROPOSED_ADAM 50% & #1".into()),
            "PROPOSED\\_ADAM 50\\% \\& \\#1"
        );
        assert_eq!(tex_escape("a\\b".into()), "a\\textbackslash{}b");
    }

    #[test]
    fn numbers_keep_three_significant_digits_when_small() {
        assert_eq!(number(18.1), "18.10");
        assert_eq!(number(0.00234), "0.00234");
        assert_eq!(number(0.5), "0.500");
        assert_eq!(number(0.0), "0.00");
        assert_eq!(number(-0.031), "-0.0310");
    }
}
