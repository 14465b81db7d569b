//! The statistics of one table: ranks and the Friedman / Nemenyi analysis
//! across datasets, each method against the control (Wilcoxon with Holm,
//! Bayesian signed-rank), and per-dataset tests over the repeated runs.
//! Reads a `Table`, writes numbers; the report formats them.

use crate::analysis::{Run, Table};
use crate::plan::TestSettings;
use crate::stats::{self, Friedman, Posterior, SignedRank, holm};

/// Monte Carlo samples of the Bayesian signed-rank posterior.
const BAYES_SAMPLES: usize = 20_000;

#[derive(Debug, Clone)]
pub struct Tests {
    pub control: usize,
    pub alpha: f64,
    /// Over the rows (datasets) with a value for every method.
    pub friedman: Option<Friedman>,
    /// Nemenyi critical difference of mean ranks at `alpha`.
    pub cd: Option<f64>,
    /// Per method; None for the control.
    pub versus: Vec<Option<Versus>>,
}

/// One method against the control.
#[derive(Debug, Clone)]
pub struct Versus {
    /// Wilcoxon signed-rank over the complete rows' means.
    pub wilcoxon: Option<SignedRank>,
    /// Its p after Holm's correction over the methods compared with the control.
    pub wilcoxon_holm: Option<f64>,
    /// Bayesian signed-rank on relative differences (method - control):
    /// `left` means the method's values are smaller.
    pub bayes: Option<Posterior>,
    /// Per row: the test over repeated runs, or None where a side has no runs.
    pub per_dataset: Vec<Option<DatasetTest>>,
    /// As the literature counts: on how many datasets the method's mean is
    /// better than, equal to or worse than the control's.
    pub by_mean: Record,
    /// The per-dataset tests' outcomes after Holm (ties: not significant).
    pub significant: Record,
}

/// Wins, ties and losses against the control, over datasets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Record {
    pub wins: usize,
    pub ties: usize,
    pub losses: usize,
}

impl Record {
    fn count(outcomes: impl Iterator<Item = Outcome>) -> Record {
        let mut r = Record::default();
        for o in outcomes {
            match o {
                Outcome::Win => r.wins += 1,
                Outcome::Tie => r.ties += 1,
                Outcome::Loss => r.losses += 1,
            }
        }
        r
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DatasetTest {
    /// "Wilcoxon" (runs paired by repetition and fold) or "Mann-Whitney".
    pub test: &'static str,
    pub p: f64,
    /// After Holm's correction over the table's datasets.
    pub p_holm: f64,
    pub outcome: Outcome,
}

/// The method against the control on one dataset, at the chosen level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Win,
    Tie,
    Loss,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Win => "better",
            Outcome::Tie => "no difference",
            Outcome::Loss => "worse",
        }
    }
}

pub fn tests(table: &Table, settings: &TestSettings, seed: u64) -> Tests {
    let k = table.methods.len();
    let lower = table.lower_is_better();
    // Ranks and signed tests want "smaller is better".
    let oriented = |v: f64| if lower { v } else { -v };
    let complete: Vec<usize> = (0..table.rows.len())
        .filter(|&r| table.rows[r].2.iter().all(Option::is_some))
        .collect();
    let means: Vec<Vec<f64>> = complete
        .iter()
        .map(|&r| {
            table.rows[r]
                .2
                .iter()
                .map(|s| oriented(s.expect("complete").mean))
                .collect()
        })
        .collect();
    let friedman = Friedman::test(&means);
    let cd = (complete.len() >= 2 && k >= 2)
        .then(|| stats::nemenyi_cd(k, complete.len(), settings.alpha));
    let control = settings.control;
    let mut versus: Vec<Option<Versus>> = (0..k)
        .map(|m| {
            (m != control).then(|| versus(table, &means, m, control, settings, seed, oriented))
        })
        .collect();
    let raw: Vec<(usize, f64)> = versus
        .iter()
        .enumerate()
        .filter_map(|(m, v)| Some((m, v.as_ref()?.wilcoxon?.p)))
        .collect();
    let adjusted = holm(&raw.iter().map(|(_, p)| *p).collect::<Vec<_>>());
    for ((m, _), p) in raw.iter().zip(adjusted) {
        if let Some(v) = versus[*m].as_mut() {
            v.wilcoxon_holm = Some(p);
        }
    }
    Tests {
        control,
        alpha: settings.alpha,
        friedman,
        cd,
        versus,
    }
}

fn versus(
    table: &Table,
    means: &[Vec<f64>],
    m: usize,
    control: usize,
    settings: &TestSettings,
    seed: u64,
    oriented: impl Fn(f64) -> f64,
) -> Versus {
    let ours: Vec<f64> = means.iter().map(|row| row[m]).collect();
    let theirs: Vec<f64> = means.iter().map(|row| row[control]).collect();
    let relative: Vec<f64> = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| {
            let scale = (a.abs() + b.abs()) / 2.0;
            if scale == 0.0 { 0.0 } else { (a - b) / scale }
        })
        .collect();
    let bayes = (!relative.is_empty()).then(|| {
        let stream = nnbench_core::seed::derive(seed, &["bayes", &table.key, &table.methods[m]]);
        stats::bayes::signed_rank(&relative, settings.rope, BAYES_SAMPLES, stream)
    });
    let raw: Vec<Option<(&'static str, f64, f64)>> = table
        .runs
        .iter()
        .map(|row| per_dataset(&row[m], &row[control], &oriented))
        .collect();
    let present: Vec<f64> = raw.iter().flatten().map(|(_, p, _)| *p).collect();
    let mut adjusted = holm(&present).into_iter();
    let per_dataset: Vec<Option<DatasetTest>> = raw
        .iter()
        .map(|t| {
            let (test, p, shift) = (*t)?;
            let p_holm = adjusted.next().expect("one adjusted p per test");
            let outcome = if p_holm >= settings.alpha || shift == 0.0 {
                Outcome::Tie
            } else if shift < 0.0 {
                Outcome::Win
            } else {
                Outcome::Loss
            };
            Some(DatasetTest {
                test,
                p,
                p_holm,
                outcome,
            })
        })
        .collect();
    let by_mean = Record::count(table.rows.iter().filter_map(|(_, _, stats)| {
        let (a, b) = (oriented(stats[m]?.mean), oriented(stats[control]?.mean));
        Some(match a.total_cmp(&b) {
            std::cmp::Ordering::Less => Outcome::Win,
            std::cmp::Ordering::Equal => Outcome::Tie,
            std::cmp::Ordering::Greater => Outcome::Loss,
        })
    }));
    Versus {
        wilcoxon: stats::wilcoxon(&ours, &theirs),
        wilcoxon_holm: None,
        bayes,
        by_mean,
        significant: Record::count(per_dataset.iter().flatten().map(|t| t.outcome)),
        per_dataset,
    }
}

/// (test, p, oriented mean difference) of `ours` against `theirs`: Wilcoxon
/// when the runs pair up one to one by (repetition, fold), else Mann-Whitney.
fn per_dataset(
    ours: &[Run],
    theirs: &[Run],
    oriented: &impl Fn(f64) -> f64,
) -> Option<(&'static str, f64, f64)> {
    if ours.is_empty() || theirs.is_empty() {
        return None;
    }
    let a: Vec<f64> = ours.iter().map(|r| oriented(r.value)).collect();
    let b: Vec<f64> = theirs.iter().map(|r| oriented(r.value)).collect();
    let shift = a.iter().sum::<f64>() / a.len() as f64 - b.iter().sum::<f64>() / b.len() as f64;
    let paired = ours.len() == theirs.len()
        && ours
            .iter()
            .zip(theirs)
            .all(|(x, y)| (x.repetition, x.fold) == (y.repetition, y.fold));
    if paired {
        // Every difference zero: the samples are identical, nothing to test.
        let p = stats::wilcoxon(&a, &b).map_or(1.0, |w| w.p);
        Some(("Wilcoxon", p, shift))
    } else {
        let p = stats::mann_whitney(&a, &b).map_or(1.0, |u| u.p);
        Some(("Mann-Whitney", p, shift))
    }
}

/// Methods whose mean ranks differ by less than `cd`, as maximal runs of
/// the rank order: (first, last) positions in `order` (Demsar's thick bars).
pub fn cliques(sorted_ranks: &[f64], cd: f64) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for i in 0..sorted_ranks.len() {
        let mut j = i;
        while j + 1 < sorted_ranks.len() && sorted_ranks[j + 1] - sorted_ranks[i] < cd {
            j += 1;
        }
        // Keep a run only if it has two members and no earlier run contains it.
        if j > i && out.last().is_none_or(|&(_, end)| end < j) {
            out.push((i, j));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Stat;
    use nnbench_datasets::Task;

    /// A table of `values[dataset][method]` runs, paired by fold.
    fn table(values: &[Vec<Vec<f64>>], key: &str) -> Table {
        let k = values[0].len();
        let runs: Vec<Vec<Vec<Run>>> = values
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| {
                        v.iter()
                            .enumerate()
                            .map(|(i, &value)| Run {
                                repetition: 0,
                                fold: i as i64,
                                value,
                                wall_s: 1.0,
                                trace: Vec::new(),
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let rows = runs
            .iter()
            .enumerate()
            .map(|(d, row)| {
                let stats = row
                    .iter()
                    .map(|r: &Vec<Run>| Stat::of(&r.iter().map(|r| r.value).collect::<Vec<_>>()))
                    .collect();
                (format!("d{d}"), String::new(), stats)
            })
            .collect();
        Table {
            task: Task::Classification,
            metric: key.into(),
            methods: (0..k).map(|m| format!("M{m}")).collect(),
            rows,
            average: vec![None; k],
            published: Vec::new(),
            published_average: vec![None; k],
            runs,
            spend: vec![None; k],
            key: key.into(),
            title: None,
            traces: Vec::new(),
        }
    }

    fn settings(control: usize) -> TestSettings {
        TestSettings {
            control,
            alpha: 0.05,
            rope: 0.01,
            time_dataset: None,
            front_reference: None,
        }
    }

    #[test]
    fn a_clearly_better_method_wins_everywhere_and_ranks_first() {
        // M0 has errors 10 to 11 lower than M1 on every dataset and fold.
        let values: Vec<Vec<Vec<f64>>> = (0..8)
            .map(|d| {
                let base = 20.0 + d as f64;
                let noise = |i: usize| (i as f64 * 0.37).sin();
                vec![
                    (0..10)
                        .map(|i| base - 10.0 - 0.1 * d as f64 + noise(i))
                        .collect(),
                    (0..10).map(|i| base + noise(i + 3)).collect(),
                ]
            })
            .collect();
        let t = tests(&table(&values, "test_error"), &settings(1), 1);
        assert_eq!(t.friedman.as_ref().unwrap().mean_ranks, vec![1.0, 2.0]);
        let v = t.versus[0].as_ref().unwrap();
        let all_won = Record {
            wins: 8,
            ties: 0,
            losses: 0,
        };
        assert_eq!((v.by_mean, v.significant), (all_won, all_won));
        assert!(v.per_dataset.iter().all(|d| d.unwrap().test == "Wilcoxon"));
        assert!(v.bayes.unwrap().left > 0.95);
        // Eight datasets all one way: exact p = 2 / 256.
        assert_eq!(v.wilcoxon.unwrap().p, 2.0 / 256.0);
        assert!(t.versus[1].is_none());
    }

    #[test]
    fn for_r2_larger_is_better() {
        let values: Vec<Vec<Vec<f64>>> = (0..6)
            .map(|d| {
                vec![
                    (0..10).map(|i| 0.9 - 0.001 * (i + d) as f64).collect(),
                    (0..10).map(|i| 0.5 - 0.001 * (i * d) as f64).collect(),
                ]
            })
            .collect();
        let t = tests(&table(&values, "r2"), &settings(1), 1);
        let v = t.versus[0].as_ref().unwrap();
        assert_eq!((v.by_mean.wins, v.significant.wins), (6, 6));
        assert!(
            v.bayes.unwrap().left > 0.95,
            "oriented: higher r2 counts as smaller"
        );
    }

    #[test]
    fn identical_methods_tie_and_sit_in_the_rope() {
        let values: Vec<Vec<Vec<f64>>> = (0..6)
            .map(|d| vec![(0..10).map(|i| (d * 10 + i) as f64).collect(); 3])
            .collect();
        let t = tests(&table(&values, "test_error"), &settings(0), 1);
        for v in t.versus.iter().flatten() {
            let tied = Record {
                wins: 0,
                ties: 6,
                losses: 0,
            };
            assert_eq!((v.by_mean, v.significant), (tied, tied));
            assert!(v.wilcoxon.is_none(), "no non-zero difference to rank");
            assert!(v.bayes.unwrap().rope > 0.99);
        }
        assert_eq!(t.friedman.unwrap().mean_ranks, vec![2.0; 3]);
    }

    #[test]
    fn a_lower_mean_is_a_win_by_mean_but_not_a_significant_one() {
        // M0 equals M1 except one run 0.5 lower: its mean is lower on every
        // dataset, but a single non-zero paired difference cannot be significant.
        let values: Vec<Vec<Vec<f64>>> = (0..5)
            .map(|d| {
                let theirs: Vec<f64> = (0..10).map(|i| (d * 10 + i) as f64).collect();
                let mut ours = theirs.clone();
                ours[d] -= 0.5;
                vec![ours, theirs]
            })
            .collect();
        let t = tests(&table(&values, "test_error"), &settings(1), 1);
        let v = t.versus[0].as_ref().unwrap();
        assert_eq!(
            v.by_mean,
            Record {
                wins: 5,
                ties: 0,
                losses: 0
            }
        );
        assert_eq!(
            v.significant,
            Record {
                wins: 0,
                ties: 5,
                losses: 0
            }
        );
    }

    #[test]
    fn unpaired_runs_use_mann_whitney_and_missing_runs_give_no_test() {
        let mut tab = table(
            &[vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0, 7.0]]],
            "test_error",
        );
        let t = tests(&tab, &settings(1), 1);
        let d = t.versus[0].as_ref().unwrap().per_dataset[0].unwrap();
        assert_eq!(d.test, "Mann-Whitney");
        tab.runs[0][0].clear();
        tab.rows[0].2[0] = None;
        let t = tests(&tab, &settings(1), 1);
        assert!(t.friedman.is_none() && t.cd.is_none());
        assert!(t.versus[0].as_ref().unwrap().per_dataset[0].is_none());
    }

    #[test]
    fn cliques_join_ranks_closer_than_the_cd() {
        assert_eq!(cliques(&[1.0, 1.5, 3.0, 3.2], 1.0), vec![(0, 1), (2, 3)]);
        assert_eq!(cliques(&[1.0, 1.9, 2.8], 1.0), vec![(0, 1), (1, 2)]);
        assert_eq!(cliques(&[1.0, 2.0, 3.0], 0.5), vec![]);
        assert_eq!(cliques(&[1.0, 1.1, 1.2], 1.0), vec![(0, 2)]);
    }
}
