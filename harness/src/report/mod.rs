//! Writing a report: the context from `view`, rendered through the minijinja
//! templates in templates/, into reports/<name>/: index.html (one
//! self-contained file, figures inline), report.md (figures as files in
//! plots/), report.tex, tables/*.csv and *.tex, and results.csv.

mod context;
mod format;
mod plots;
mod provenance;
mod tables;

use crate::analysis::PartResults;
use crate::plan::Plan;
use crate::store::{Row, export};
use anyhow::{Context, Result};
use context::{PartView, TableView};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// (template name, source) of every template.
const TEMPLATES: [(&str, &str); 4] = [
    ("report.md", include_str!("../../../templates/report.md.j2")),
    (
        "index.html",
        include_str!("../../../templates/index.html.j2"),
    ),
    (
        "report.tex",
        include_str!("../../../templates/report.tex.j2"),
    ),
    ("table.tex", include_str!("../../../templates/table.tex.j2")),
];

/// Writes every file of the report into `out`; returns index.html's path.
pub fn write(plan: &Plan, results: &[PartResults], rows: &[Row], out: &Path) -> Result<PathBuf> {
    for dir in [out.to_path_buf(), out.join("plots"), out.join("tables")] {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the report folder {}", dir.display()))?;
    }
    export::write(rows, export::Format::Csv, &out.join("results.csv"))?;
    let view = context::build(plan, results)?;
    let env = environment()?;
    let put = |file: PathBuf, text: &str| {
        std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))
    };
    for part in &view.parts {
        let figures = part.figures.iter();
        let table_figures = part
            .tables
            .iter()
            .flat_map(|t| t.figures.iter().chain(&t.boxes).chain(&t.convergence));
        for figure in figures.chain(table_figures) {
            put(out.join(&figure.file), &figure.svg)?;
        }
        for table in &part.tables {
            let csv = out.join("tables").join(format!("{}.csv", table.id));
            export::write_frame(tables::table_frame(&table.long)?, export::Format::Csv, &csv)?;
            let methods = out.join("tables").join(format!("{}-methods.csv", table.id));
            export::write_frame(
                tables::summary_frame(&table.summaries)?,
                export::Format::Csv,
                &methods,
            )?;
            let tex = render(&env, "table.tex", &TableContext { table, part })?;
            put(out.join("tables").join(format!("{}.tex", table.id)), &tex)?;
        }
    }
    for name in ["report.md", "index.html", "report.tex"] {
        put(out.join(name), &render(&env, name, &view)?)?;
    }
    Ok(out.join("index.html"))
}

/// What table.tex sees when rendered on its own (report.tex includes it in its loop).
#[derive(Serialize)]
struct TableContext<'a> {
    table: &'a TableView,
    part: &'a PartView,
}

fn render<S: Serialize>(env: &minijinja::Environment, name: &str, context: &S) -> Result<String> {
    env.get_template(name)?
        .render(minijinja::value::Serde(context))
        .with_context(|| format!("cannot render templates/{name}.j2"))
}

fn environment() -> Result<minijinja::Environment<'static>> {
    let mut env = minijinja::Environment::new();
    env.add_filter("tex", tex_escape);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .with_context(|| format!("templates/{name}.j2 does not parse"))?;
    }
    Ok(env)
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
            '±' => out.push_str("$\\pm$"),
            '▲' => out.push_str("$\\blacktriangle$"),
            '▼' => out.push_str("$\\blacktriangledown$"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::tex_escape;

    #[test]
    fn tex_special_characters_are_escaped() {
        assert_eq!(
            tex_escape("PROPOSED_ADAM 50% & #1".into()),
            "PROPOSED\\_ADAM 50\\% \\& \\#1"
        );
        assert_eq!(tex_escape("a\\b".into()), "a\\textbackslash{}b");
        assert_eq!(tex_escape("1 ± 2".into()), "1 $\\pm$ 2");
    }
}
