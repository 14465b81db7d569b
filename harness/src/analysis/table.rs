//! From stored records to the numbers a report shows: per part, task and
//! metric, every run's value, their mean, sd and standard error for every
//! dataset x method, an AVERAGE row, run times and budgets. Reads only the
//! store (records and the plan's metadata); never runner state. The tests
//! over these tables live in `compare`.

use super::compare::{self, Tests};
use super::fronts;
use crate::plan::meta::PlanMeta;
use crate::plan::metric;
use crate::plan::published::Average;
use crate::plan::{Comparison, TestSettings};
use crate::store::record::CellRecord;
use nnbench_datasets::{Task, sha256_hex};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    pub mean: f64,
    pub sd: f64,
    /// Standard error of the mean, sd / sqrt(n).
    pub se: f64,
    pub n: usize,
}

impl Stat {
    /// Sample sd (n - 1); 0 for one value.
    pub fn of(values: &[f64]) -> Option<Stat> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        Some(Stat {
            mean,
            sd,
            se: sd / (n as f64).sqrt(),
            n,
        })
    }
}

/// A run counts in a cell's tail when its value is beyond this multiple of
/// the cell's median, in the worse direction (README, "The robust view").
pub const TAIL_MULTIPLE: f64 = 2.0;

/// What a mean hides: the median, the quartiles and the runs in the tail.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Robust {
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
    /// Runs above TAIL_MULTIPLE x the median; None where that means nothing
    /// (a metric where higher is better, or a median that is not positive).
    pub tail: Option<usize>,
}

impl Robust {
    pub fn of(values: &[f64], lower_is_better: bool) -> Option<Robust> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let median = quantile(&sorted, 0.5);
        let tail = (lower_is_better && median > 0.0).then(|| {
            sorted
                .iter()
                .filter(|&&v| v > TAIL_MULTIPLE * median)
                .count()
        });
        Some(Robust {
            median,
            q1: quantile(&sorted, 0.25),
            q3: quantile(&sorted, 0.75),
            tail,
        })
    }
}

/// The q-quantile of sorted values, interpolating linearly between order
/// statistics: numpy's and pandas' default (Hyndman and Fan's type 7), so a
/// reader checking a report in pandas gets the same quartiles. statrs'
/// quantile is type 8, hence this.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = q * (sorted.len() - 1) as f64;
    let (below, frac) = (at.floor() as usize, at.fract());
    match sorted.get(below + 1) {
        Some(next) if frac > 0.0 => sorted[below] + frac * (next - sorted[below]),
        _ => sorted[below],
    }
}

/// One finished cell's value, with what pairs it to other methods' runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub repetition: i64,
    pub fold: i64,
    pub value: f64,
    pub wall_s: f64,
    /// (evaluations, best training SSE so far) at powers of two; empty for
    /// methods that do not train through the counted objective.
    pub trace: Vec<(u64, f64)>,
}

/// What a method spent per run, averaged over a table's runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spend {
    pub wall_s: f64,
    pub cpu_s: f64,
    pub objective_evals: f64,
    pub gradient_evals: f64,
}

/// Datasets x methods for one task and metric.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub task: Task,
    pub metric: String,
    pub methods: Vec<String>,
    /// (dataset, protocol description, one stat per method).
    pub rows: Vec<(String, String, Vec<Option<Stat>>)>,
    /// Mean over datasets of the per-dataset means; None where a dataset lacks a value.
    pub average: Vec<Option<f64>>,
    /// The published value per row and method, if any.
    pub published: Vec<Vec<Option<f64>>>,
    /// The paper's AVERAGE row entry per method, if any.
    pub published_average: Vec<Option<Average>>,
    /// Every run, per row and method, in (repetition, fold) order.
    pub runs: Vec<Vec<Vec<Run>>>,
    /// Per method, over all its runs in this table; None without runs.
    pub spend: Vec<Option<Spend>>,
    /// The metric's key (`test_error`, `r2`, ...), for its direction; a
    /// comparison's first metric.
    pub key: String,
    /// A comparison's own title; its columns are metrics, not methods.
    pub title: Option<String>,
    /// Per row and method, the mean over runs of the best training SSE so
    /// far at each recorded evaluation count (`mean_trace`).
    pub traces: Vec<Vec<Vec<(f64, f64)>>>,
}

impl Table {
    /// Whether a smaller value of this table's metric is better.
    pub fn lower_is_better(&self) -> bool {
        metric::lower_is_better(&self.key)
    }

    /// The median, quartiles and tail of the runs of a row and method.
    pub fn robust(&self, row: usize, method: usize) -> Option<Robust> {
        let values: Vec<f64> = self.runs[row][method].iter().map(|r| r.value).collect();
        Robust::of(&values, self.lower_is_better())
    }

    /// Mean run time per row and method.
    pub fn time(&self, row: usize, method: usize) -> Option<Stat> {
        Stat::of(
            &self.runs[row][method]
                .iter()
                .map(|r| r.wall_s)
                .collect::<Vec<_>>(),
        )
    }
}

#[derive(Debug, Clone)]
pub struct PartResults {
    pub name: String,
    pub title: String,
    pub tables: Vec<Table>,
    /// The tests over each table, in the same order.
    pub tests: Vec<Tests>,
    pub planned: usize,
    pub finished: usize,
    pub failed: Vec<CellRecord>,
    /// Hash of every cell's split in key order: equal hashes, equal splits.
    pub split_manifest: String,
    /// For each tuned method (label): how many cells chose each point.
    pub tuning: Vec<(String, Vec<(String, usize)>)>,
    /// The fronts of each dataset that has any, for the figures.
    pub fronts: Vec<fronts::DatasetFronts>,
    /// (method label, member rule) of each method with fronts.
    pub front_rules: Vec<(String, String)>,
    /// What the reader must know about this part's numbers.
    pub warnings: Vec<String>,
    /// The explainers' expressions of their median runs.
    pub expressions: Vec<super::expressions::MedianExpression>,
}

pub fn analyse(plan: &PlanMeta, records: &[CellRecord]) -> Vec<PartResults> {
    let by_key: HashMap<&str, &CellRecord> = records.iter().map(|r| (r.key.as_str(), r)).collect();
    plan.parts
        .iter()
        .enumerate()
        .map(|(p, part)| {
            let cells: Vec<_> = plan.cells.iter().filter(|c| c.part == p).collect();
            let found: Vec<&CellRecord> = cells
                .iter()
                .filter_map(|c| by_key.get(c.key.as_str()).copied())
                .collect();
            let ok: Vec<&CellRecord> = found.iter().copied().filter(|r| r.is_ok()).collect();
            let labels = plan.labels(p);
            let indicators = fronts::indicators(&ok, part.tests.front_reference.as_deref());
            let (front_rules, warnings) =
                fronts::protocol(&ok, &labels, part.tests.front_reference.as_deref());
            let ids: Vec<String> = part
                .datasets
                .iter()
                .map(|(d, _)| plan.datasets[*d].id.clone())
                .collect();
            let (mut tables, mut tests) = (Vec::new(), Vec::new());
            for task in [Task::Classification, Task::Regression, Task::Reconstruction] {
                let datasets: Vec<(String, String)> = part
                    .datasets
                    .iter()
                    .filter(|(d, _)| plan.datasets[*d].task == task)
                    .map(|(d, protocol)| (plan.datasets[*d].id.clone(), protocol.describe()))
                    .collect();
                if datasets.is_empty() {
                    continue;
                }
                // A front's indicator gets its table whenever a cell of this
                // task has a value of it.
                let indicator_tables = fronts::METRICS.iter().filter(|m| {
                    ok.iter().any(|r| {
                        r.task == task && indicators.get(&r.key).is_some_and(|v| v.contains_key(*m))
                    })
                });
                let metrics = std::iter::once("test_error".to_string())
                    .chain(
                        part.metrics
                            .iter()
                            .filter(|m| {
                                metric::applies(m, task)
                                    && *m != "test_error"
                                    && !fronts::METRICS.contains(&m.as_str())
                            })
                            .cloned(),
                    )
                    .chain(indicator_tables.map(|m| m.to_string()));
                for name in metrics {
                    let columns = method_columns(&labels, &name);
                    let mut t = table(task, &name, &columns, &datasets, &ok, &indicators);
                    t.published = datasets
                        .iter()
                        .map(|(d, _)| {
                            labels
                                .iter()
                                .map(|l| part.published.get(&name, d, l))
                                .collect()
                        })
                        .collect();
                    let ids: Vec<String> = datasets.iter().map(|(d, _)| d.clone()).collect();
                    t.published_average = labels
                        .iter()
                        .map(|l| part.published.average(&name, l, &ids).cloned())
                        .collect();
                    tests.push(compare::tests(&t, &part.tests, part.seed));
                    tables.push(t);
                }
                for c in &part.comparisons {
                    if !c.metrics.iter().all(|m| metric::applies(m, task)) {
                        continue;
                    }
                    let columns = comparison_columns(&labels, c);
                    let mut t = table(task, &c.metrics[0], &columns, &datasets, &ok, &indicators);
                    t.title = Some(c.title.clone());
                    // Each method's control metric against the others; the
                    // part's control method's when there are several.
                    let settings = TestSettings {
                        control: part.tests.control * c.metrics.len() + c.control,
                        ..part.tests.clone()
                    };
                    tests.push(compare::tests(&t, &settings, part.seed));
                    tables.push(t);
                }
            }
            let split_text: String = cells.iter().map(|c| c.split_hash.as_str()).collect();
            PartResults {
                name: part.name.clone(),
                title: part.title.clone(),
                tables,
                tests,
                planned: cells.len(),
                finished: ok.len(),
                failed: found.into_iter().filter(|r| !r.is_ok()).cloned().collect(),
                split_manifest: sha256_hex(split_text.as_bytes()),
                tuning: tuning(&labels, &ok),
                front_rules,
                warnings,
                fronts: fronts::dataset_fronts(&ok, &ids, &labels, &indicators),
                expressions: super::expressions::medians(&ids, &labels, &ok),
            }
        })
        .collect()
}

/// The choices the tuned cells made, counted per label, most frequent first.
fn tuning(labels: &[String], rows: &[&CellRecord]) -> Vec<(String, Vec<(String, usize)>)> {
    labels
        .iter()
        .filter_map(|label| {
            let mut counts: Vec<(String, usize)> = Vec::new();
            for r in rows.iter().filter(|r| &r.label == label) {
                let Some(tuned) = r.metrics.as_ref().and_then(|m| m.tuned.as_ref()) else {
                    continue;
                };
                let text = tuned.chosen.to_string();
                match counts.iter_mut().find(|(c, _)| *c == text) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((text, 1)),
                }
            }
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            (!counts.is_empty()).then(|| (label.clone(), counts))
        })
        .collect()
}

/// One column of a table: a method's values of one metric.
struct Column<'a> {
    label: &'a str,
    metric: &'a str,
    name: String,
}

/// The columns of one metric's table: every method.
fn method_columns<'a>(labels: &'a [String], metric: &'a str) -> Vec<Column<'a>> {
    labels
        .iter()
        .map(|label| Column {
            label,
            metric,
            name: label.clone(),
        })
        .collect()
}

/// The columns of a comparison: each method's value of each of its metrics,
/// named by the metric alone when the part has one method.
fn comparison_columns<'a>(labels: &'a [String], c: &'a Comparison) -> Vec<Column<'a>> {
    labels
        .iter()
        .flat_map(|label| {
            c.metrics.iter().map(move |metric| Column {
                label,
                metric,
                name: if labels.len() == 1 {
                    metric.clone()
                } else {
                    format!("{label}: {metric}")
                },
            })
        })
        .collect()
}

fn table(
    task: Task,
    key: &str,
    columns: &[Column],
    datasets: &[(String, String)],
    rows: &[&CellRecord],
    indicators: &HashMap<String, BTreeMap<&'static str, f64>>,
) -> Table {
    let value = |r: &CellRecord, name: &str| -> Option<(f64, Vec<(u64, f64)>)> {
        let m = r.metrics.as_ref()?;
        if name == "test_error" {
            return Some((r.test_error, m.trace.clone()));
        }
        if fronts::METRICS.contains(&name) {
            return Some((*indicators.get(&r.key)?.get(name)?, Vec::new()));
        }
        Some((m.value(name)?, Vec::new()))
    };
    let of = |dataset: &str, label: &str| -> Vec<&CellRecord> {
        rows.iter()
            .filter(|r| r.dataset == dataset && r.label == label)
            .copied()
            .collect()
    };
    let runs: Vec<Vec<Vec<Run>>> = datasets
        .iter()
        .map(|(dataset, _)| {
            columns
                .iter()
                .map(|column| {
                    let mut runs: Vec<Run> = of(dataset, column.label)
                        .into_iter()
                        .filter_map(|r| {
                            let (value, trace) = value(r, column.metric)?;
                            Some(Run {
                                repetition: r.repetition,
                                fold: r.fold,
                                value,
                                wall_s: r.wall_s,
                                trace,
                            })
                        })
                        .collect();
                    runs.sort_by_key(|r| (r.repetition, r.fold));
                    runs
                })
                .collect()
        })
        .collect();
    let table_rows: Vec<_> = datasets
        .iter()
        .zip(&runs)
        .map(|((dataset, protocol), per_method)| {
            let stats = per_method
                .iter()
                .map(|runs| Stat::of(&runs.iter().map(|r| r.value).collect::<Vec<_>>()))
                .collect();
            (dataset.clone(), protocol.clone(), stats)
        })
        .collect();
    let average = (0..columns.len())
        .map(|m| {
            let means: Option<Vec<f64>> = table_rows
                .iter()
                .map(|(_, _, s): &(String, String, Vec<Option<Stat>>)| s[m].map(|s| s.mean))
                .collect();
            means.map(|v| v.iter().sum::<f64>() / v.len() as f64)
        })
        .collect();
    let spend = columns
        .iter()
        .map(|column| {
            let mine: Vec<&CellRecord> = datasets
                .iter()
                .flat_map(|(d, _)| of(d, column.label))
                .collect();
            let mean = |f: fn(&CellRecord) -> f64| {
                mine.iter().map(|r| f(r)).sum::<f64>() / mine.len() as f64
            };
            (!mine.is_empty()).then(|| Spend {
                wall_s: mean(|r| r.wall_s),
                cpu_s: mean(|r| r.cpu_s),
                objective_evals: mean(|r| r.spent.objective_evals as f64),
                gradient_evals: mean(|r| r.spent.gradient_evals as f64),
            })
        })
        .collect();
    let traces = runs
        .iter()
        .map(|per_method| per_method.iter().map(|r| mean_trace(r)).collect())
        .collect();
    Table {
        traces,
        task,
        metric: if key == "test_error" {
            metric::test_error_name(task).to_string()
        } else {
            key.to_string()
        },
        title: None,
        methods: columns.iter().map(|c| c.name.clone()).collect(),
        rows: table_rows,
        average,
        published: Vec::new(),
        published_average: Vec::new(),
        runs,
        spend,
        key: key.to_string(),
    }
}

/// Mean over runs of the best SSE so far at each recorded evaluation count
/// (powers of two, so the runs line up), over the runs that got that far.
fn mean_trace(runs: &[Run]) -> Vec<(f64, f64)> {
    let mut sums: std::collections::BTreeMap<u64, (f64, usize)> = Default::default();
    for run in runs {
        for &(evals, best) in &run.trace {
            let entry = sums.entry(evals).or_default();
            *entry = (entry.0 + best, entry.1 + 1);
        }
    }
    sums.into_iter()
        .map(|(evals, (sum, n))| (evals as f64, sum / n as f64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_gives_mean_and_sample_sd() {
        let s = Stat::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(s.mean, 2.5);
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert!((s.se - s.sd / 2.0).abs() < 1e-15);
        assert_eq!(Stat::of(&[7.0]).unwrap().sd, 0.0);
        assert!(Stat::of(&[]).is_none());
    }

    #[test]
    fn quartiles_are_numpys_and_the_tail_counts_runs_past_twice_the_median() {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = 1.75, 2.5, 3.25.
        let r = Robust::of(&[4.0, 1.0, 3.0, 2.0], true).unwrap();
        assert_eq!((r.q1, r.median, r.q3), (1.75, 2.5, 3.25));
        assert_eq!(r.tail, Some(0));
        // Five runs near 1 and two wild ones: the mean (4.14) says nothing of the kind.
        let runs = [1.0, 0.9, 1.1, 1.0, 1.2, 10.0, 2.5];
        let r = Robust::of(&runs, true).unwrap();
        assert_eq!((r.median, r.tail), (1.1, Some(2)));
        // 2.2 is exactly twice the median: not above it.
        assert_eq!(Robust::of(&[1.1, 1.1, 2.2], true).unwrap().tail, Some(0));
        // Where higher is better, or the median is 0, a tail above means nothing.
        assert_eq!(Robust::of(&runs, false).unwrap().tail, None);
        assert_eq!(Robust::of(&[0.0, 0.0, 5.0], true).unwrap().tail, None);
        let one = Robust::of(&[3.0], true).unwrap();
        assert_eq!((one.q1, one.median, one.q3), (3.0, 3.0, 3.0));
        assert!(Robust::of(&[f64::NAN], true).is_none());
    }
}
