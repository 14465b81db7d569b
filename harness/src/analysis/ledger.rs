//! The paper-vs-regenerated ledger: every published cell beside the
//! regenerated mean and its standard error, the difference and a verdict.
//! A paper's AVERAGE row is compared only when the experiment covers every
//! dataset the paper averaged; otherwise the regenerated average is shown
//! with its coverage and no verdict.

use crate::analysis::{Stat, Table};
use statrs::distribution::{ContinuousCDF, Normal};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The published value lies within the regenerated mean's confidence interval.
    Consistent,
    /// Regenerated is significantly better than published.
    Better,
    Worse,
    /// Fewer than two runs: no standard error, no verdict.
    TooFewRuns,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Consistent => "consistent",
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::TooFewRuns => "too few runs",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub published: f64,
    pub regenerated: Option<Stat>,
    pub verdict: Option<Verdict>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AverageEntry {
    /// None when the table has no AVERAGE for this method.
    pub published: Option<f64>,
    /// Mean of the regenerated per-dataset means over `covered` datasets.
    pub regenerated: Option<Stat>,
    pub covered: usize,
    /// Datasets the paper averaged.
    pub paper_datasets: usize,
    /// Only when every dataset of the paper's average is covered.
    pub verdict: Option<Verdict>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    /// Methods with at least one published value.
    pub methods: Vec<usize>,
    /// (row index, one entry per listed method).
    pub rows: Vec<(usize, Vec<Option<Entry>>)>,
    pub average: Vec<AverageEntry>,
}

/// None when nothing in the table has a published value.
pub fn ledger(table: &Table, alpha: f64) -> Option<Ledger> {
    let methods: Vec<usize> = (0..table.methods.len())
        .filter(|&m| {
            table.published.iter().any(|row| row[m].is_some())
                || table.published_average.get(m).is_some_and(Option::is_some)
        })
        .collect();
    if methods.is_empty() {
        return None;
    }
    let judge =
        |stat: Stat, published: f64| verdict(stat, published, alpha, table.lower_is_better());
    let rows = table
        .published
        .iter()
        .enumerate()
        .filter(|(_, p)| p.iter().any(Option::is_some))
        .map(|(r, published)| {
            let entries = methods
                .iter()
                .map(|&m| {
                    let published = published[m]?;
                    let regenerated = table.rows[r].2[m];
                    Some(Entry {
                        published,
                        regenerated,
                        verdict: regenerated.map(|s| judge(s, published)),
                    })
                })
                .collect();
            (r, entries)
        })
        .collect();
    let average = methods
        .iter()
        .map(|&m| {
            let paper = table.published_average.get(m).cloned().flatten();
            // The paper's datasets when it has an AVERAGE, else every row.
            let scope: Vec<usize> = match &paper {
                Some(a) => (0..table.rows.len())
                    .filter(|&r| a.matched.contains(&table.rows[r].0))
                    .collect(),
                None => (0..table.rows.len()).collect(),
            };
            let stats: Vec<Stat> = scope.iter().filter_map(|&r| table.rows[r].2[m]).collect();
            let regenerated = mean_of_means(&stats);
            let paper_datasets = paper.as_ref().map_or(0, |a| a.datasets);
            let full = paper.is_some() && stats.len() == paper_datasets;
            AverageEntry {
                published: paper.as_ref().map(|a| a.value),
                regenerated,
                covered: stats.len(),
                paper_datasets,
                verdict: match (full, regenerated, &paper) {
                    (true, Some(s), Some(a)) => Some(judge(s, a.value)),
                    _ => None,
                },
            }
        })
        .collect();
    Some(Ledger {
        methods,
        rows,
        average,
    })
}

/// The mean of per-dataset means, its standard error from theirs
/// (independent datasets), and the smallest run count behind it.
fn mean_of_means(stats: &[Stat]) -> Option<Stat> {
    let n = stats.len() as f64;
    if stats.is_empty() {
        return None;
    }
    let mean = stats.iter().map(|s| s.mean).sum::<f64>() / n;
    let se = stats.iter().map(|s| s.se * s.se).sum::<f64>().sqrt() / n;
    Some(Stat {
        mean,
        sd: f64::NAN,
        se,
        n: stats.iter().map(|s| s.n).min().unwrap_or(0),
    })
}

/// Consistent when |mean - published| <= z_(1 - alpha/2) se.
fn verdict(stat: Stat, published: f64, alpha: f64, lower_is_better: bool) -> Verdict {
    if stat.n < 2 {
        return Verdict::TooFewRuns;
    }
    let z = Normal::standard().inverse_cdf(1.0 - alpha / 2.0);
    let d = stat.mean - published;
    if d.abs() <= z * stat.se {
        Verdict::Consistent
    } else if (d < 0.0) == lower_is_better {
        Verdict::Better
    } else {
        Verdict::Worse
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Run;
    use crate::plan::published::Average;
    use nnbench_datasets::Task;

    fn stat(values: &[f64]) -> Option<Stat> {
        Stat::of(values)
    }

    /// Three datasets x two methods with known runs, and published values.
    fn synthetic() -> Table {
        let runs = [
            [vec![10.0, 12.0, 11.0, 13.0], vec![20.0, 20.5, 19.5, 20.0]],
            [vec![30.0, 30.0, 30.0, 30.2], vec![5.0, 6.0, 7.0, 6.0]],
            [vec![1.0, 1.2, 0.8, 1.0], vec![2.0]],
        ];
        Table {
            task: Task::Classification,
            metric: "class_error_pct".into(),
            methods: vec!["A".into(), "B".into()],
            rows: runs
                .iter()
                .enumerate()
                .map(|(d, r)| {
                    (
                        format!("d{d}"),
                        String::new(),
                        vec![stat(&r[0]), stat(&r[1])],
                    )
                })
                .collect(),
            average: vec![None, None],
            published: vec![
                vec![Some(11.6), Some(25.0)],
                vec![Some(31.0), None],
                vec![Some(1.0), Some(2.0)],
            ],
            published_average: vec![
                Some(Average {
                    value: 14.0,
                    datasets: 3,
                    matched: vec!["d0".into(), "d1".into(), "d2".into()],
                }),
                Some(Average {
                    value: 9.0,
                    datasets: 4,
                    matched: vec!["d0".into(), "d1".into(), "d2".into()],
                }),
            ],
            runs: runs
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| {
                            v.iter()
                                .map(|&value| Run {
                                    repetition: 0,
                                    fold: 0,
                                    value,
                                    wall_s: 0.0,
                                    trace: Vec::new(),
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect(),
            spend: vec![None, None],
            key: "test_error".into(),
            title: None,
            traces: Vec::new(),
        }
    }

    #[test]
    fn verdicts_follow_the_confidence_interval() {
        let l = ledger(&synthetic(), 0.05).unwrap();
        assert_eq!(l.methods, vec![0, 1]);
        let v = |r: usize, m: usize| l.rows[r].1[m].as_ref().map(|e| e.verdict.unwrap());
        // A on d0: mean 11.5, se 0.645; 11.6 is 0.15 se away.
        assert_eq!(v(0, 0), Some(Verdict::Consistent));
        // B on d0: mean 20, se 0.204; published 25 is far above: better (lower error).
        assert_eq!(v(0, 1), Some(Verdict::Better));
        // A on d1: mean 30.05, se 0.05; 31 is far above ours: better again.
        assert_eq!(v(1, 0), Some(Verdict::Better));
        assert_eq!(v(1, 1), None, "nothing published");
        assert_eq!(v(2, 1), Some(Verdict::TooFewRuns));
        let e = l.rows[0].1[1].as_ref().unwrap();
        assert_eq!((e.regenerated.unwrap().mean, e.published), (20.0, 25.0));
    }

    #[test]
    fn averages_are_judged_only_with_full_coverage() {
        let l = ledger(&synthetic(), 0.05).unwrap();
        // A: all three of the paper's datasets covered; mean of means (11.5 + 30.05 + 1) / 3.
        let a = &l.average[0];
        assert_eq!((a.covered, a.paper_datasets), (3, 3));
        assert!((a.regenerated.unwrap().mean - 42.55 / 3.0).abs() < 1e-12);
        assert!(a.verdict.is_some());
        // B: the paper averaged four datasets, we have three: no verdict.
        let b = &l.average[1];
        assert_eq!((b.covered, b.paper_datasets), (3, 4));
        assert_eq!(b.verdict, None);
    }

    #[test]
    fn larger_is_better_flips_better_and_worse() {
        let s = Stat::of(&[0.8, 0.82, 0.81]).unwrap();
        assert_eq!(verdict(s, 0.5, 0.05, false), Verdict::Better);
        assert_eq!(verdict(s, 0.5, 0.05, true), Verdict::Worse);
        assert_eq!(verdict(s, 0.81, 0.05, true), Verdict::Consistent);
    }
}
