//! Seeded k-fold assignment, stratified for classification. A split is a
//! function of the seed and the data only, never of execution order.

use crate::error::{DataError, Result};
use crate::table::{Task, distinct_labels};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64Mcg;

/// The fold (0..k) of each row.
///
/// Classification: rows are grouped by class, each group shuffled, and the
/// groups dealt out in turn, so every fold holds each class in proportion.
pub fn kfold(y: &[f64], task: Task, k: usize, seed: u64, dataset: &str) -> Result<Vec<usize>> {
    if k < 2 || k > y.len() {
        return Err(DataError::Split(format!(
            "{dataset}: {k} folds asked for {} rows; use 2 <= folds <= rows",
            y.len()
        )));
    }
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let groups = groups(y, task);
    let mut fold = vec![0; y.len()];
    let mut position = 0;
    for mut group in groups {
        if task == Task::Classification && group.len() < k {
            return Err(DataError::Split(format!(
                "{dataset}: class {} has {} rows, fewer than the {k} folds of a stratified split; \
                 use fewer folds, or protocol \"authors\" on the tsoulos variant",
                y[group[0]],
                group.len()
            )));
        }
        group.shuffle(&mut rng);
        for i in group {
            fold[i] = position % k;
            position += 1;
        }
    }
    Ok(fold)
}

/// Row indices by class (classification) or all in one group.
fn groups(y: &[f64], task: Task) -> Vec<Vec<usize>> {
    match task {
        Task::Regression | Task::Reconstruction => vec![(0..y.len()).collect()],
        Task::Classification => distinct_labels(y)
            .into_iter()
            .map(|label| {
                (0..y.len())
                    .filter(|&i| (y[i] - label).abs() < 1e-5)
                    .collect()
            })
            .collect(),
    }
}

/// A seeded holdout of about `fraction` of the rows, stratified for
/// classification: the rows held out, ascending. Each class is shuffled and
/// the classes laid end to end; every 1/fraction-th position is held, so each
/// class gives its share to within one row. At least one row is held and,
/// with two rows or more, at least one kept.
pub fn holdout(y: &[f64], task: Task, fraction: f64, seed: u64) -> Vec<usize> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let order: Vec<usize> = groups(y, task)
        .into_iter()
        .flat_map(|mut group| {
            group.shuffle(&mut rng);
            group
        })
        .collect();
    let n = order.len();
    let wanted = ((n as f64 * fraction).round() as usize).clamp(1, n.saturating_sub(1).max(1));
    // Position i is held when floor((i + 1) k / n) steps up: k positions, evenly spread.
    let mut held: Vec<usize> = (0..n)
        .filter(|&i| (i + 1) * wanted / n > i * wanted / n)
        .map(|i| order[i])
        .collect();
    held.sort_unstable();
    held
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<f64> {
        (0..30).map(|i| if i < 20 { 0.0 } else { 1.0 }).collect()
    }

    #[test]
    fn every_fold_holds_each_class_in_proportion() {
        let y = labels();
        let f = kfold(&y, Task::Classification, 5, 7, "t").unwrap();
        for k in 0..5 {
            let ones = (0..30).filter(|&i| f[i] == k && y[i] == 1.0).count();
            let zeros = (0..30).filter(|&i| f[i] == k && y[i] == 0.0).count();
            assert_eq!((zeros, ones), (4, 2));
        }
    }

    #[test]
    fn same_seed_same_split_other_seed_other_split() {
        let y = labels();
        let a = kfold(&y, Task::Regression, 3, 1, "t").unwrap();
        assert_eq!(a, kfold(&y, Task::Regression, 3, 1, "t").unwrap());
        assert_ne!(a, kfold(&y, Task::Regression, 3, 2, "t").unwrap());
    }

    #[test]
    fn a_holdout_keeps_each_class_in_proportion_and_is_seeded() {
        let y = labels();
        let held = holdout(&y, Task::Classification, 0.2, 3);
        assert_eq!(held.len(), 6);
        let ones = held.iter().filter(|&&i| y[i] == 1.0).count();
        assert_eq!((held.len() - ones, ones), (4, 2));
        assert_eq!(held, holdout(&y, Task::Classification, 0.2, 3));
        assert_ne!(held, holdout(&y, Task::Classification, 0.2, 4));
        assert!(held.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_holdout_holds_one_row_at_least_and_keeps_one() {
        let y = [1.0, 2.0, 3.0];
        assert_eq!(holdout(&y, Task::Regression, 0.01, 1).len(), 1);
        assert_eq!(holdout(&y, Task::Regression, 0.99, 1).len(), 2);
    }

    #[test]
    fn a_class_smaller_than_k_is_refused_by_name() {
        let mut y = labels();
        y[0] = 2.0;
        let e = kfold(&y, Task::Classification, 5, 1, "zoo")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("zoo: class 2 has 1 rows"), "{e}");
    }
}
