//! The report's context: every number formatted, every figure drawn, in one
//! serialisable value that all templates render. Built from the plan, the
//! analysis, the tests and the ledger; nothing here computes a statistic.

use super::format::{number, p_value, signed, slug, title_case};
use super::plots;
use super::provenance::Provenance;
use crate::analysis::compare::{Outcome, Tests};
use crate::analysis::ledger::{self, Ledger, Verdict};
use crate::analysis::{PartResults, Robust, Stat, TAIL_MULTIPLE, Table};
use crate::plan::meta::PlanMeta;
use crate::plan::{Deviation, Part};
use crate::store::record::CellRecord;
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
pub struct ReportView {
    pub title: String,
    pub version: &'static str,
    pub commit: String,
    pub machine: String,
    pub date: String,
    pub file: String,
    pub parts: Vec<PartView>,
}

#[derive(Serialize)]
pub struct PartView {
    /// Anchor for the table of contents.
    pub id: String,
    pub title: String,
    /// The experiment's own account of itself, where it gives one.
    pub about: Option<String>,
    pub file: String,
    pub file_hash: String,
    pub seed: u64,
    pub scaling: String,
    pub budget: String,
    pub coverage: String,
    pub split_manifest: String,
    pub control: String,
    pub alpha: f64,
    pub rope: f64,
    pub tables: Vec<TableView>,
    /// How fronts are scored, when a method returns them.
    pub fronts: String,
    pub warnings: Vec<String>,
    /// Run time and parameter sweeps, and fronts.
    pub figures: Vec<Figure>,
    pub failed: Vec<CellRecord>,
    /// (method, "choice (n cells)", ...) for tuned methods.
    pub tuning: Vec<(String, String)>,
    pub methods: Vec<MethodView>,
    pub datasets: Vec<DatasetView>,
    /// The explainers' expressions of their median runs, each with the
    /// value that ranked it, formatted.
    pub expressions: Vec<(crate::analysis::expressions::MedianExpression, String)>,
}

#[derive(Serialize)]
pub struct TableView {
    /// File stem for tables/ and plots/.
    pub id: String,
    pub title: String,
    /// The column the others are tested against.
    pub control: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub average: Vec<Cell>,
    /// Per row, the median of each cell, its interquartile range and its
    /// tail (runs above TAIL_MULTIPLE x the median) as the detail.
    pub robust: Vec<Vec<Cell>>,
    /// The tail's multiple, as the report states it.
    pub tail_multiple: String,
    /// Mean, sd, se and n of every cell, long format, for tables/*.csv.
    pub long: Vec<LongRow>,
    pub ledger: Option<LedgerView>,
    pub summary: Vec<Vec<String>>,
    pub summary_header: Vec<String>,
    /// The same as numbers, for tables/<id>-methods.csv.
    pub summaries: Vec<MethodSummary>,
    pub friedman: String,
    pub per_dataset: Option<Grid>,
    pub figures: Vec<Figure>,
    pub boxes: Vec<Figure>,
    pub convergence: Vec<Figure>,
}

#[derive(Serialize)]
pub struct LongRow {
    pub dataset: String,
    pub method: String,
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
    pub se: f64,
    /// The robust view's numbers; None where every run's value is NaN.
    pub median: Option<f64>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    /// Runs above TAIL_MULTIPLE x the median (lower-is-better metrics only).
    pub tail: Option<usize>,
    pub published: Option<f64>,
}

#[derive(Serialize)]
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Serialize)]
pub struct LedgerView {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub average: Vec<Cell>,
    /// "[1] zoo/tsoulos, PROPOSED: why", one per explained cell, in table order.
    pub notes: Vec<String>,
    /// "zoo/tsoulos (GENETIC)" for each worse verdict that no note explains.
    pub unexplained: Vec<String>,
}

/// One table cell and how each format marks it (templates/ decide the looks).
#[derive(Serialize, Clone, Default)]
pub struct Cell {
    pub text: String,
    /// Secondary text: a smaller second line in HTML, in brackets elsewhere.
    pub detail: String,
    /// The best value of its row, in the metric's direction: bold.
    pub best: bool,
    pub badge: Option<Badge>,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell {
            text,
            ..Cell::default()
        }
    }
}

/// A verdict: its word always (for Markdown, LaTeX and colour-blind
/// readers), a shape mark, and a tone that HTML colours.
#[derive(Serialize, Clone)]
pub struct Badge {
    pub word: &'static str,
    /// "▲" for better, "▼" for worse, "" otherwise.
    pub mark: &'static str,
    /// "better", "worse", "same" or "none": the HTML class.
    pub tone: &'static str,
}

impl Badge {
    /// The mark follows the tone: ▲ for better, ▼ for worse.
    fn new(word: &'static str, tone: &'static str) -> Badge {
        let mark = match tone {
            "better" => "▲",
            "worse" => "▼",
            _ => "",
        };
        Badge { word, mark, tone }
    }

    fn of_outcome(o: Outcome) -> Badge {
        let tone = match o {
            Outcome::Win => "better",
            Outcome::Loss => "worse",
            Outcome::Tie => "same",
        };
        Badge::new(o.as_str(), tone)
    }

    fn of_verdict(v: Verdict) -> Badge {
        let tone = match v {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Consistent => "same",
            Verdict::TooFewRuns => "none",
        };
        Badge::new(v.as_str(), tone)
    }
}

/// A row of means as cells, the best one(s) marked: every value that
/// prints as the best does, since a reader sees the printed digits.
fn mark_best(values: &[Option<f64>], lower_is_better: bool) -> Vec<Cell> {
    let better = |a: f64, b: f64| if lower_is_better { a < b } else { a > b };
    let best = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .reduce(|a, b| if better(b, a) { b } else { a })
        .map(number);
    values
        .iter()
        .map(|v| match v {
            Some(v) => {
                let text = number(*v);
                Cell {
                    best: best.as_deref() == Some(text.as_str()),
                    text,
                    ..Cell::default()
                }
            }
            None => Cell::from("—".to_string()),
        })
        .collect()
}

#[derive(Serialize, Clone)]
pub struct Figure {
    pub title: String,
    /// Relative to the report folder.
    pub file: String,
    pub svg: String,
}

#[derive(Serialize)]
pub struct MethodView {
    pub label: String,
    pub name: String,
    pub version: u32,
    pub params: String,
}

#[derive(Serialize)]
pub struct DatasetView {
    pub id: String,
    pub task: &'static str,
    pub rows: usize,
    pub features: usize,
    pub protocol: String,
    pub hash: String,
    pub notes: String,
}

pub fn build(
    plan: &PlanMeta,
    results: &[PartResults],
    provenance: &Provenance,
) -> Result<ReportView> {
    let title = results
        .iter()
        .find(|r| r.name == plan.name)
        .map_or(plan.name.clone(), |r| r.title.clone());
    Ok(ReportView {
        title,
        version: env!("CARGO_PKG_VERSION"),
        commit: provenance.commit.clone(),
        machine: provenance.machine.clone(),
        date: provenance.date.clone(),
        file: plan.file.clone(),
        parts: plan
            .parts
            .iter()
            .zip(results)
            .map(|(part, r)| part_view(plan, part, r))
            .collect::<Result<_>>()?,
    })
}

fn part_view(plan: &PlanMeta, part: &Part, r: &PartResults) -> Result<PartView> {
    let labels: Vec<String> = part
        .methods
        .iter()
        .map(|&m| plan.methods[m].label.clone())
        .collect();
    let tables = r
        .tables
        .iter()
        .zip(&r.tests)
        .map(|(t, tests)| table_view(&r.name, part, t, tests))
        .collect::<Result<Vec<_>>>()?;
    let mut figures = Vec::new();
    if let Some(f) = time_figure(plan, part, r)? {
        figures.push(f);
    }
    figures.extend(sweep_figures(plan, part, r)?);
    figures.extend(front_figures(&labels, r)?);
    let mut warnings = r.warnings.clone();
    let table_figures = tables
        .iter()
        .flat_map(|t| t.figures.iter().chain(&t.boxes).chain(&t.convergence));
    for figure in figures.iter().chain(table_figures) {
        warnings.extend(clipped_labels(figure));
    }
    Ok(PartView {
        id: slug(&r.name),
        title: r.title.clone(),
        about: part.about.clone(),
        file: part.file.display().to_string(),
        file_hash: part.file_hash.clone(),
        seed: part.seed,
        scaling: part.scaling.as_str().into(),
        budget: part.budget.max_evaluations.map_or(String::new(), |m| {
            format!("at most {m} objective evaluations")
        }),
        coverage: coverage(r),
        fronts: front_protocol(part, r),
        warnings,
        split_manifest: r.split_manifest.clone(),
        control: labels.get(part.tests.control).cloned().unwrap_or_default(),
        alpha: part.tests.alpha,
        rope: part.tests.rope,
        tables,
        figures,
        failed: r.failed.clone(),
        expressions: r
            .expressions
            .iter()
            .map(|e| (e.clone(), number(e.value)))
            .collect(),
        tuning: r
            .tuning
            .iter()
            .map(|(label, counts)| {
                let choices: Vec<String> = counts
                    .iter()
                    .map(|(c, n)| format!("{c} ({n} cells)"))
                    .collect();
                (label.clone(), choices.join(", "))
            })
            .collect(),
        methods: part
            .methods
            .iter()
            .map(|&m| {
                let c = &plan.methods[m];
                MethodView {
                    label: c.label.clone(),
                    name: c.name.clone(),
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
                DatasetView {
                    id: ds.id.clone(),
                    task: ds.task.as_str(),
                    rows: ds.rows,
                    features: ds.features,
                    protocol: protocol.describe(),
                    hash: ds.content_hash[..12].to_string(),
                    notes: summarise_notes(&ds.notes),
                }
            })
            .collect(),
    })
}

fn table_view(part_name: &str, part: &Part, t: &Table, tests: &Tests) -> Result<TableView> {
    let name = t.title.as_deref().unwrap_or(&t.metric);
    let id = slug(&format!("{part_name}-{}-{name}", t.task.as_str()));
    let unit = if t.metric == "class_error_pct" {
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
    let title = match &t.title {
        Some(own) => format!(
            "{}: {own}, mean over {n} runs per cell",
            title_case(t.task.as_str())
        ),
        None => format!(
            "{}: test {}{unit}, mean over {n} runs per cell",
            title_case(t.task.as_str()),
            t.metric
        ),
    };
    let summaries = method_summaries(t, tests);
    let dataset_names: Vec<String> = t.rows.iter().map(|(d, _, _)| d.clone()).collect();
    let mut figures = Vec::new();
    let mut boxes = Vec::new();
    let mut convergence = Vec::new();
    // Figures for the papers' number only: one set per task, not per extra metric.
    if t.key == "test_error" {
        let means: Vec<Vec<Option<f64>>> = t
            .rows
            .iter()
            .map(|(_, _, s)| s.iter().map(|s| s.map(|s| s.mean)).collect())
            .collect();
        figures.push(Figure {
            title: format!("{title}: every dataset"),
            file: format!("plots/{id}-per-dataset.svg"),
            svg: plots::per_dataset(
                &format!("{} per dataset", t.metric),
                &t.metric,
                &t.methods,
                &dataset_names,
                &means,
            )?,
        });
        if let (Some(f), Some(cd)) = (&tests.friedman, tests.cd) {
            figures.push(Figure {
                title: format!(
                    "Critical difference diagram (Nemenyi, alpha = {}, {} datasets)",
                    tests.alpha, f.datasets
                ),
                file: format!("plots/{id}-cd.svg"),
                svg: plots::cd_diagram(&t.methods, &f.mean_ranks, cd, tests.alpha),
            });
        }
        for (row, name) in dataset_names.iter().enumerate() {
            let runs: Vec<Vec<f64>> = t.runs[row]
                .iter()
                .map(|r| r.iter().map(|r| r.value).collect())
                .collect();
            if runs.iter().all(Vec::is_empty) {
                continue;
            }
            boxes.push(Figure {
                title: format!("{name}: {} of every run", t.metric),
                file: format!("plots/{id}-box-{}.svg", slug(name)),
                svg: plots::boxes(name, &t.metric, &t.methods, &runs)?,
            });
            let curves = &t.traces[row];
            if curves.iter().any(|c| !c.is_empty()) {
                convergence.push(Figure {
                    title: format!("{name}: best training SSE so far, mean over runs"),
                    file: format!("plots/{id}-convergence-{}.svg", slug(name)),
                    svg: plots::convergence(name, &t.methods, curves)?,
                });
            }
        }
    }
    Ok(TableView {
        id,
        title,
        control: t.methods.get(tests.control).cloned().unwrap_or_default(),
        header: ["dataset".to_string(), "protocol".to_string()]
            .into_iter()
            .chain(t.methods.iter().cloned())
            .collect(),
        rows: t
            .rows
            .iter()
            .map(|(d, p, stats)| {
                let means: Vec<Option<f64>> = stats.iter().map(|s| s.map(|s| s.mean)).collect();
                [Cell::from(d.clone()), Cell::from(p.clone())]
                    .into_iter()
                    .chain(mark_best(&means, t.lower_is_better()))
                    .collect()
            })
            .collect(),
        average: mark_best(&t.average, t.lower_is_better()),
        robust: robust_rows(t),
        tail_multiple: format!("{TAIL_MULTIPLE}"),
        long: long_rows(t),
        ledger: ledger::ledger(t, part.tests.alpha).map(|l| ledger_view(t, &l, &part.deviations)),
        summary_header: [
            "method",
            "mean rank",
            "W/T/L vs control",
            "significant W/L",
            "Wilcoxon p (Holm)",
            "P(better) / P(equivalent) / P(worse)",
            "s per run",
            "objective evals",
            "gradient evals",
        ]
        .map(String::from)
        .to_vec(),
        summary: summaries.iter().map(summary_cells).collect(),
        summaries,
        friedman: friedman_sentence(tests),
        per_dataset: per_dataset_grid(t, tests),
        figures,
        boxes,
        convergence,
    })
}

/// The robust view of a table: a row's medians, the best marked, each
/// with its quartiles and tail beneath.
fn robust_rows(t: &Table) -> Vec<Vec<Cell>> {
    t.rows
        .iter()
        .enumerate()
        .map(|(r, (d, p, _))| {
            let robust: Vec<Option<Robust>> =
                (0..t.methods.len()).map(|m| t.robust(r, m)).collect();
            let medians: Vec<Option<f64>> = robust.iter().map(|x| x.map(|x| x.median)).collect();
            let cells = mark_best(&medians, t.lower_is_better())
                .into_iter()
                .zip(&robust)
                .map(|(cell, x)| match x {
                    Some(x) => Cell {
                        detail: robust_detail(x),
                        ..cell
                    },
                    None => cell,
                });
            [Cell::from(d.clone()), Cell::from(p.clone())]
                .into_iter()
                .chain(cells)
                .collect()
        })
        .collect()
}

/// "IQR 0.05–0.11, 8 in the tail".
fn robust_detail(x: &Robust) -> String {
    let iqr = format!("IQR {}–{}", number(x.q1), number(x.q3));
    match x.tail {
        Some(k) => format!("{iqr}, {k} in the tail"),
        None => iqr,
    }
}

fn long_rows(t: &Table) -> Vec<LongRow> {
    t.rows
        .iter()
        .enumerate()
        .flat_map(|(r, (dataset, _, stats))| {
            stats.iter().enumerate().filter_map(move |(m, s)| {
                let s = (*s)?;
                let robust = t.robust(r, m);
                Some(LongRow {
                    dataset: dataset.clone(),
                    method: t.methods[m].clone(),
                    n: s.n,
                    mean: s.mean,
                    sd: s.sd,
                    se: s.se,
                    median: robust.map(|x| x.median),
                    q1: robust.map(|x| x.q1),
                    q3: robust.map(|x| x.q3),
                    tail: robust.and_then(|x| x.tail),
                    published: t.published.get(r).and_then(|p| p[m]),
                })
            })
        })
        .collect()
}

/// One method's line of the methods-compared table, as numbers.
#[derive(Serialize)]
pub struct MethodSummary {
    pub method: String,
    pub control: bool,
    pub mean_rank: Option<f64>,
    /// Datasets where the method's mean is better than, equal to or worse
    /// than the control's.
    pub wins: Option<usize>,
    pub ties: Option<usize>,
    pub losses: Option<usize>,
    /// Datasets where the per-dataset test (Holm) finds it better or worse.
    pub significant_wins: Option<usize>,
    pub significant_losses: Option<usize>,
    pub wilcoxon_p: Option<f64>,
    pub wilcoxon_p_holm: Option<f64>,
    pub p_better: Option<f64>,
    pub p_equivalent: Option<f64>,
    pub p_worse: Option<f64>,
    pub seconds_per_run: Option<f64>,
    pub objective_evals: Option<f64>,
    pub gradient_evals: Option<f64>,
}

fn method_summaries(t: &Table, tests: &Tests) -> Vec<MethodSummary> {
    (0..t.methods.len())
        .map(|m| {
            let v = tests.versus[m].as_ref();
            let spend = t.spend[m];
            MethodSummary {
                method: t.methods[m].clone(),
                control: m == tests.control,
                mean_rank: tests.friedman.as_ref().map(|f| f.mean_ranks[m]),
                wins: v.map(|v| v.by_mean.wins),
                ties: v.map(|v| v.by_mean.ties),
                losses: v.map(|v| v.by_mean.losses),
                significant_wins: v.map(|v| v.significant.wins),
                significant_losses: v.map(|v| v.significant.losses),
                wilcoxon_p: v.and_then(|v| Some(v.wilcoxon?.p)),
                wilcoxon_p_holm: v.and_then(|v| v.wilcoxon_holm),
                p_better: v.and_then(|v| Some(v.bayes?.left)),
                p_equivalent: v.and_then(|v| Some(v.bayes?.rope)),
                p_worse: v.and_then(|v| Some(v.bayes?.right)),
                seconds_per_run: spend.map(|s| s.wall_s),
                objective_evals: spend.map(|s| s.objective_evals),
                gradient_evals: spend.map(|s| s.gradient_evals),
            }
        })
        .collect()
}

fn summary_cells(s: &MethodSummary) -> Vec<String> {
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    vec![
        if s.control {
            format!("{} (control)", s.method)
        } else {
            s.method.clone()
        },
        or_dash(s.mean_rank.map(|r| format!("{r:.2}"))),
        or_dash((|| Some(format!("{}/{}/{}", s.wins?, s.ties?, s.losses?)))()),
        or_dash((|| {
            Some(format!("{}/{}", s.significant_wins?, s.significant_losses?))
        })()),
        or_dash(
            s.wilcoxon_p
                .zip(s.wilcoxon_p_holm)
                .map(|(p, h)| format!("{} ({})", p_value(p), p_value(h))),
        ),
        or_dash(s.p_better.map(|b| {
            format!(
                "{b:.3} / {:.3} / {:.3}",
                s.p_equivalent.unwrap_or_default(),
                s.p_worse.unwrap_or_default()
            )
        })),
        or_dash(s.seconds_per_run.map(number)),
        or_dash(s.objective_evals.map(|e| format!("{e:.0}"))),
        or_dash(s.gradient_evals.map(|e| format!("{e:.0}"))),
    ]
}

fn friedman_sentence(tests: &Tests) -> String {
    match (&tests.friedman, tests.cd) {
        (Some(f), Some(cd)) => format!(
            "Friedman test over the {} datasets where every method has a result: chi2 = {:.3} (p = {}), Iman-Davenport F = {:.3} (p = {}); Nemenyi critical difference of mean ranks at alpha = {}: {:.3}.",
            f.datasets,
            f.chi2,
            p_value(f.chi2_p),
            f.f,
            p_value(f.f_p),
            tests.alpha,
            cd
        ),
        _ => "Too few datasets with a result for every method (two are needed) for the Friedman test.".into(),
    }
}

fn per_dataset_grid(t: &Table, tests: &Tests) -> Option<Grid> {
    let others: Vec<usize> = (0..t.methods.len())
        .filter(|&m| tests.versus[m].is_some())
        .collect();
    if others.is_empty() {
        return None;
    }
    let rows = t
        .rows
        .iter()
        .enumerate()
        .map(|(r, (dataset, _, _))| {
            std::iter::once(Cell::from(dataset.clone()))
                .chain(others.iter().map(|&m| {
                    let v = tests.versus[m].as_ref().expect("a compared method");
                    v.per_dataset[r].map_or(Cell::from("—".to_string()), |d| Cell {
                        text: format!("p = {}", p_value(d.p_holm)),
                        detail: d.test.to_string(),
                        best: false,
                        badge: Some(Badge::of_outcome(d.outcome)),
                    })
                }))
                .collect()
        })
        .collect();
    Some(Grid {
        header: std::iter::once("dataset".to_string())
            .chain(others.iter().map(|&m| t.methods[m].clone()))
            .collect(),
        rows,
    })
}

fn ledger_view(t: &Table, l: &Ledger, deviations: &[Deviation]) -> LedgerView {
    // "mean ± se", then the paper's value and the difference, then the verdict.
    let cell = |regenerated: Stat, published: f64, verdict: Option<Verdict>| Cell {
        text: format!("{} ± {}", number(regenerated.mean), number(regenerated.se)),
        detail: format!(
            "paper {}, difference {}",
            number(published),
            signed(regenerated.mean - published)
        ),
        best: false,
        badge: verdict.map(Badge::of_verdict),
    };
    let plain = |text: String, detail: String| Cell {
        text,
        detail,
        ..Cell::default()
    };
    let entry = |e: &ledger::Entry| match e.regenerated {
        Some(s) => cell(s, e.published, e.verdict),
        None => plain("not run".into(), format!("paper {}", number(e.published))),
    };
    let (mut notes, mut unexplained) = (Vec::new(), Vec::new());
    let rows = l
        .rows
        .iter()
        .map(|(r, entries)| {
            let dataset = &t.rows[*r].0;
            let cells = entries.iter().zip(&l.methods).map(|(e, &m)| {
                let Some(e) = e else {
                    return Cell::from("—".to_string());
                };
                let mut cell = entry(e);
                let method = &t.methods[m];
                match deviations
                    .iter()
                    .find(|d| (&d.method, &d.dataset) == (method, dataset))
                {
                    Some(d) => {
                        notes.push(format!(
                            "[{}] {dataset}, {method}: {}",
                            notes.len() + 1,
                            d.why
                        ));
                        cell.detail = format!("{}; see note [{}]", cell.detail, notes.len());
                    }
                    None if e.verdict == Some(Verdict::Worse) => {
                        unexplained.push(format!("{dataset} ({method})"));
                    }
                    None => {}
                }
                cell
            });
            std::iter::once(Cell::from(dataset.clone()))
                .chain(cells)
                .collect()
        })
        .collect();
    LedgerView {
        header: std::iter::once("dataset".to_string())
            .chain(l.methods.iter().map(|&m| t.methods[m].clone()))
            .collect(),
        rows,
        notes,
        unexplained,
        average: l
            .average
            .iter()
            .map(|a| match (a.regenerated, a.published) {
                (Some(s), Some(p)) if a.verdict.is_some() => cell(s, p, a.verdict),
                (Some(s), Some(p)) => plain(
                    format!(
                        "{} over {} of the paper's {} datasets",
                        number(s.mean),
                        a.covered,
                        a.paper_datasets
                    ),
                    format!("paper {}, not comparable", number(p)),
                ),
                (Some(s), None) => plain(
                    format!("{} over {} datasets", number(s.mean), a.covered),
                    String::new(),
                ),
                (None, Some(p)) => plain("—".into(), format!("paper {}", number(p))),
                (None, None) => Cell::from("—".to_string()),
            })
            .collect(),
    }
}

/// Mean run time per method on one dataset: the chosen one, else the one
/// with most rows (Tsoulos et al. Fig 3).
fn time_figure(plan: &PlanMeta, part: &Part, r: &PartResults) -> Result<Option<Figure>> {
    let chosen = part.tests.time_dataset.or_else(|| {
        (0..part.datasets.len()).max_by_key(|&i| plan.datasets[part.datasets[i].0].rows)
    });
    let Some(i) = chosen else { return Ok(None) };
    let id = &plan.datasets[part.datasets[i].0].id;
    let Some((t, row)) = r
        .tables
        .iter()
        .filter(|t| t.key == "test_error")
        .find_map(|t| {
            t.rows
                .iter()
                .position(|(d, _, _)| d == id)
                .map(|row| (t, row))
        })
    else {
        return Ok(None);
    };
    let seconds: Vec<Option<f64>> = (0..t.methods.len())
        .map(|m| t.time(row, m).map(|s| s.mean))
        .collect();
    if seconds.iter().all(Option::is_none) {
        return Ok(None);
    }
    Ok(Some(Figure {
        title: format!("Mean time per run on {id}"),
        file: format!("plots/{}-time.svg", slug(&r.name)),
        svg: plots::time_bars(&format!("seconds per run on {id}"), &t.methods, &seconds)?,
    }))
}

/// One sentence on how fronts are scored, naming each method's member rule.
fn front_protocol(part: &Part, r: &PartResults) -> String {
    if r.front_rules.is_empty() {
        return String::new();
    }
    let rules: Vec<String> = r
        .front_rules
        .iter()
        .map(|(label, rule)| format!("{label}: {rule}"))
        .collect();
    let at = part
        .tests
        .front_reference
        .as_ref()
        .map_or(String::new(), |p| {
            let p: Vec<String> = p.iter().map(|v| number(*v)).collect();
            format!(
                "; `hypervolume_at` on the raw objectives at ({})",
                p.join(", ")
            )
        });
    format!(
        "indicators of each cell's test-part front against the union of every method's members on the dataset (non-dominated): `hypervolume` normalised as PlatEMO does (1.1 x the union's range, reference point 1){at}; `igd` and `igd_plus` with each objective scaled to the union's range. The member in the error tables, by method: {}",
        rules.join(", ")
    )
}

/// Per dataset with fronts: the fronts projected on each objective against
/// the first (density), every member of every run faint and the
/// median-hypervolume run bold (one figure for two objectives, two for
/// three), and every member's test error against the first objective.
fn front_figures(labels: &[String], r: &PartResults) -> Result<Vec<Figure>> {
    let mut out = Vec::new();
    for f in &r.fronts {
        let name = slug(&f.dataset);
        let x = f.objectives.first().cloned().unwrap_or_default();
        for k in 1..f.objectives.len().max(2) {
            let y = f.objectives.get(k).cloned().unwrap_or_default();
            let pair = |p: &[f64]| (p[0], p.get(k).copied().unwrap_or(f64::NAN));
            let faint: Vec<Vec<(f64, f64)>> = f
                .members
                .iter()
                .map(|ms| ms.iter().map(|(o, _)| pair(o)).collect())
                .collect();
            let bold: Vec<Vec<(f64, f64)>> = f
                .median
                .iter()
                .map(|ms| ms.iter().map(|o| pair(o)).collect())
                .collect();
            // The first projection keeps the name two-objective fronts had.
            let file = if k == 1 {
                format!("plots/{}-front-{name}.svg", slug(&r.name))
            } else {
                format!("plots/{}-front-{}-{name}.svg", slug(&r.name), slug(&y))
            };
            out.push(Figure {
                title: format!("{}: test-part fronts, {y} against {x} (every run faint, the median-hypervolume run bold)", f.dataset),
                file,
                svg: plots::fronts(&format!("{} fronts", f.dataset), (&x, &y), labels, &faint, &bold)?,
            });
        }
        if let Some(y) = f.objectives.get(1) {
            let union: Vec<Vec<(f64, f64)>> = f
                .union
                .iter()
                .map(|ms| ms.iter().map(|o| (o[0], o[1])).collect())
                .collect();
            out.push(Figure {
                title: format!(
                    "{}: the union of every run's test-part front per method (non-dominated on all objectives), {y} against {x}",
                    f.dataset
                ),
                file: format!("plots/{}-front-union-{name}.svg", slug(&r.name)),
                svg: plots::fronts(&format!("{} joint front", f.dataset), (&x, y), labels, &[], &union)?,
            });
        }
        let errors: Vec<Vec<(f64, f64)>> = f
            .members
            .iter()
            .map(|ms| ms.iter().map(|(o, e)| (o[0], *e)).collect())
            .collect();
        out.push(Figure {
            title: format!(
                "{}: every front member's test error against its {x}",
                f.dataset
            ),
            file: format!("plots/{}-front-error-{name}.svg", slug(&r.name)),
            svg: plots::fronts(
                &format!("{} members", f.dataset),
                (&x, "test error"),
                labels,
                &errors,
                &[],
            )?,
        });
    }
    Ok(out)
}

/// One line plot per one-parameter grid and test-error table: the average
/// over datasets of the mean error at each value (Tsoulos et al. Figs 4-6).
fn sweep_figures(plan: &PlanMeta, part: &Part, r: &PartResults) -> Result<Vec<Figure>> {
    let mut grids: Vec<&str> = part
        .methods
        .iter()
        .filter_map(|&m| plan.methods[m].sweep.as_ref().map(|s| s.grid.as_str()))
        .collect();
    grids.dedup();
    let mut out = Vec::new();
    for grid in grids {
        for t in r.tables.iter().filter(|t| t.key == "test_error") {
            let mut points: Vec<(f64, f64)> = Vec::new();
            let mut parameter = String::new();
            for (column, &m) in part.methods.iter().enumerate() {
                let Some(s) = plan.methods[m].sweep.as_ref().filter(|s| s.grid == grid) else {
                    continue;
                };
                parameter.clone_from(&s.parameter);
                if let Some(avg) = t.average[column] {
                    points.push((s.value, avg));
                }
            }
            if points.len() < 2 {
                continue;
            }
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            out.push(Figure {
                title: format!(
                    "{grid}: average {} over the {} datasets",
                    t.metric,
                    t.task.as_str()
                ),
                file: format!(
                    "plots/{}-{}-sweep-{}.svg",
                    slug(&r.name),
                    t.task.as_str(),
                    slug(grid)
                ),
                svg: plots::sweep(
                    &format!("{grid} ({} datasets)", t.task.as_str()),
                    &parameter,
                    &format!("average {}", t.metric),
                    &points,
                )?,
            });
        }
    }
    Ok(out)
}

/// A warning per label of `figure` that its layout let reach outside it
/// (a long user label, say), so that no clipped figure passes unnoticed.
fn clipped_labels(figure: &Figure) -> Vec<String> {
    match plots::clipped(&figure.svg) {
        Ok(found) => found
            .into_iter()
            .map(|f| format!("{}: the label {f}; it may be cut off", figure.file))
            .collect(),
        Err(e) => vec![format!("{}: {e}", figure.file)],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Run;
    use nnbench_datasets::Task;

    /// One method on two datasets, both well above their published errors.
    fn worse_on_both() -> Table {
        let runs = [vec![10.0, 11.0, 12.0], vec![20.0, 21.0, 22.0]];
        let run = |&value: &f64| Run {
            repetition: 0,
            fold: 0,
            value,
            wall_s: 0.0,
            trace: Vec::new(),
        };
        Table {
            task: Task::Classification,
            metric: "class_error_pct".into(),
            methods: vec!["PROPOSED".into()],
            rows: ["zoo/tsoulos", "pageblocks/tsoulos"]
                .iter()
                .zip(&runs)
                .map(|(d, r)| (d.to_string(), String::new(), vec![Stat::of(r)]))
                .collect(),
            average: vec![None],
            published: vec![vec![Some(5.0)], vec![Some(6.0)]],
            published_average: vec![None],
            runs: runs
                .iter()
                .map(|r| vec![r.iter().map(run).collect()])
                .collect(),
            spend: vec![None],
            key: "test_error".into(),
            title: None,
            traces: Vec::new(),
        }
    }

    #[test]
    fn an_explained_cell_points_to_its_note_and_an_unexplained_worse_one_is_named() {
        let t = worse_on_both();
        let l = ledger::ledger(&t, 0.05).unwrap();
        let deviations = [Deviation {
            method: "PROPOSED".into(),
            dataset: "zoo/tsoulos".into(),
            why: "the one output ranks seven classes".into(),
        }];
        let view = ledger_view(&t, &l, &deviations);
        assert!(
            view.rows[0][1].detail.ends_with("see note [1]"),
            "{}",
            view.rows[0][1].detail
        );
        assert_eq!(
            view.notes,
            ["[1] zoo/tsoulos, PROPOSED: the one output ranks seven classes"]
        );
        assert_eq!(view.unexplained, ["pageblocks/tsoulos (PROPOSED)"]);
        // Without deviations both worse verdicts are named, and nothing points to a note.
        let plain = ledger_view(&t, &l, &[]);
        assert!(plain.notes.is_empty() && !plain.rows[0][1].detail.contains("note"));
        assert_eq!(plain.unexplained.len(), 2);
    }

    fn bold(values: &[Option<f64>], lower: bool) -> Vec<bool> {
        mark_best(values, lower).iter().map(|c| c.best).collect()
    }

    #[test]
    fn the_best_value_follows_the_metric_direction_and_the_printed_digits() {
        let row = [Some(7.67), Some(6.0), None, Some(66.67)];
        assert_eq!(bold(&row, true), [false, true, false, false]);
        assert_eq!(bold(&row, false), [false, false, false, true]);
        // 6.001 prints as 6.00 beside 6.00: a reader sees a tie, both bold.
        assert_eq!(bold(&[Some(6.001), Some(6.0)], true), [true, true]);
        // A diverged run's NaN never wins; nothing at all marks nothing.
        assert_eq!(bold(&[Some(f64::NAN), Some(3.0)], true), [false, true]);
        assert_eq!(bold(&[None, None], true), [false, false]);
        assert_eq!(mark_best(&[None], true)[0].text, "—");
    }
}
