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
    let groups: Vec<Vec<usize>> = match task {
        Task::Regression => vec![(0..y.len()).collect()],
        Task::Classification => distinct_labels(y)
            .into_iter()
            .map(|label| {
                (0..y.len())
                    .filter(|&i| (y[i] - label).abs() < 1e-5)
                    .collect()
            })
            .collect(),
    };
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
    fn a_class_smaller_than_k_is_refused_by_name() {
        let mut y = labels();
        y[0] = 2.0;
        let e = kfold(&y, Task::Classification, 5, 1, "zoo")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("zoo: class 2 has 1 rows"), "{e}");
    }
}
