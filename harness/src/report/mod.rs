//! Writing a report: the context (`context`: every number formatted, every
//! figure drawn) rendered through the minijinja templates in templates/;
//! every file is rendered to bytes first, then published into
//! reports/<name>/ at one moment (`publish`): index.html (one
//! self-contained file, figures inline), report.md (figures as files in
//! plots/), report.tex, tables/*.csv and *.tex, and results.csv.

mod context;
mod format;
mod plots;
mod provenance;
mod publish;
mod tables;

pub use format::number;
pub use provenance::Provenance;

use crate::analysis::PartResults;
use crate::plan::meta::PlanMeta;
use crate::store::export;
use crate::store::record::CellRecord;
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

/// Renders every file of the report, then publishes them into `out` at one
/// moment (publish.rs): a reader sees the old report or the new one whole,
/// and no figure of an older report lingers. Returns index.html's path.
pub fn write(
    plan: &PlanMeta,
    results: &[PartResults],
    records: &[CellRecord],
    provenance: &Provenance,
    out: &Path,
) -> Result<PathBuf> {
    let files = render_all(plan, results, records, provenance)?;
    publish::publish(out, &files)?;
    Ok(out.join("index.html"))
}

/// Every file of the report as (path inside the report folder, bytes).
fn render_all(
    plan: &PlanMeta,
    results: &[PartResults],
    records: &[CellRecord],
    provenance: &Provenance,
) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let csv = |df| export::encode(df, export::Format::Csv);
    let mut files = vec![(
        PathBuf::from("results.csv"),
        csv(export::frame(records, &plan.datasets)?)?,
    )];
    let view = context::build(plan, results, provenance)?;
    let env = environment()?;
    for part in &view.parts {
        let figures = part.figures.iter();
        let table_figures = part
            .tables
            .iter()
            .flat_map(|t| t.figures.iter().chain(&t.boxes).chain(&t.convergence));
        for figure in figures.chain(table_figures) {
            files.push((figure.file.clone().into(), figure.svg.clone().into_bytes()));
        }
        for table in &part.tables {
            let at = |suffix: &str| Path::new("tables").join(format!("{}{suffix}", table.id));
            files.push((at(".csv"), csv(tables::table_frame(&table.long)?)?));
            files.push((
                at("-methods.csv"),
                csv(tables::summary_frame(&table.summaries)?)?,
            ));
            let tex = render(&env, "table.tex", &TableContext { table, part })?;
            files.push((at(".tex"), tex.into_bytes()));
        }
    }
    for name in ["report.md", "index.html", "report.tex"] {
        files.push((name.into(), render(&env, name, &view)?.into_bytes()));
    }
    Ok(files)
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
            '×' => out.push_str("$\\times$"),
            // Not "--": beside a minus sign that would make "---", an em dash.
            '–' => out.push_str("\\textendash{}"),
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
        assert_eq!(
            tex_escape("IQR -3–-2, 2×".into()),
            "IQR -3\\textendash{}-2, 2$\\times$"
        );
    }
}
