//! MAPLE's classification form as SRNet's classification comparison runs
//! it (`srnet-clas/maple/skmaple.py`, `MAPLE(RandomForestClassifier(
//! n_estimators=200, min_samples_leaf=10, max_features=0.5),
//! LogisticRegression())`, shared/docs/algorithms.md 8a.2): a random forest
//! classifier fitted to the network's classes on the training points; a
//! point's weight on each training point is the share of trees in which
//! they share a leaf (not SILO's 1 / leaf size of the regression form);
//! the local model a logistic regression fitted to every training point
//! with those weights, and the point's class its prediction there. There
//! is no feature selection. When the network gives the training points
//! one class, that class is every prediction (the authors'
//! `BadClassifierMAPLE`). Seeded, where theirs was not.

use crate::forest::{Forest, ForestSettings};
use crate::logistic::Logistic;
use nnbench_core::Rng;

#[derive(Debug, Clone, PartialEq)]
pub struct MapleClassifier {
    /// None when the training points have one class.
    forest: Option<Forest>,
    x: Vec<f64>,
    d: usize,
    /// Per training point, its class among `present`.
    classes: Vec<usize>,
    /// The classes the training points have, ascending (scikit-learn's
    /// `classes_`: a class the network never gives is never predicted).
    present: Vec<usize>,
    /// Per tree, each training point's leaf.
    leaves: Vec<Vec<usize>>,
}

impl MapleClassifier {
    /// `x` row-major with `d` columns; `classes` the network's class index
    /// at each point.
    pub fn fit(
        x: &[f64],
        d: usize,
        classes: &[usize],
        s: ForestSettings,
        rng: &mut Rng,
    ) -> MapleClassifier {
        let mut present = classes.to_vec();
        present.sort_unstable();
        present.dedup();
        let local: Vec<usize> = classes
            .iter()
            .map(|c| present.binary_search(c).expect("present holds every class"))
            .collect();
        let forest =
            (present.len() > 1).then(|| Forest::classifier(x, d, &local, present.len(), s, rng));
        let n = classes.len();
        let leaves = forest.as_ref().map_or_else(Vec::new, |f| {
            f.trees
                .iter()
                .map(|t| (0..n).map(|i| t.leaf(&x[i * d..(i + 1) * d])).collect())
                .collect()
        });
        MapleClassifier {
            forest,
            x: x.to_vec(),
            d,
            classes: local,
            present,
            leaves,
        }
    }

    /// Each training point's weight for `instance`: the share of trees in
    /// which it shares `instance`'s leaf.
    pub fn weights(&self, instance: &[f64]) -> Vec<f64> {
        let mut w = vec![0.0; self.classes.len()];
        let Some(forest) = &self.forest else {
            return w;
        };
        let trees = forest.trees.len() as f64;
        for (tree, ids) in forest.trees.iter().zip(&self.leaves) {
            let leaf = tree.leaf(instance);
            for (wi, &l) in w.iter_mut().zip(ids) {
                if l == leaf {
                    *wi += 1.0;
                }
            }
        }
        w.iter().map(|c| c / trees).collect()
    }

    /// The class of `x` by the local model explained at `at`.
    pub fn predict(&self, at: &[f64], x: &[f64]) -> usize {
        if self.forest.is_none() {
            return self.present[0];
        }
        let fit = Logistic::fit(
            &self.x,
            self.d,
            &self.classes,
            self.present.len(),
            &self.weights(at),
        );
        self.present[fit.predict(x)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;
    use rand::RngExt;

    fn settings() -> ForestSettings {
        ForestSettings {
            trees: 30,
            ..ForestSettings::MAPLE
        }
    }

    #[test]
    fn a_linear_boundary_is_reproduced_and_weights_are_tree_shares() {
        let mut r = rng(1);
        let x: Vec<f64> = (0..600).map(|_| r.random_range(-1.0..1.0)).collect();
        let class = |p: &[f64]| usize::from(p[0] + 0.5 * p[1] > 0.1);
        let classes: Vec<usize> = x.chunks(2).map(class).collect();
        let m = MapleClassifier::fit(&x, 2, &classes, settings(), &mut rng(2));
        let mut r = rng(3);
        let mut agree = 0;
        for _ in 0..200 {
            let p = [r.random_range(-1.0..1.0), r.random_range(-1.0..1.0)];
            agree += usize::from(m.predict(&p, &p) == class(&p));
        }
        // The local models are strongly penalised (C = 1 against weights
        // summing to some tens of rows), so points near the line can slip.
        assert!(agree >= 180, "{agree} of 200");
        // Every tree holds the point in one leaf, of at least 10 rows of
        // its bootstrap sample: the weights sum to more than a few rows.
        let w = m.weights(&[0.2, 0.2]);
        assert!(w.iter().all(|&v| (0.0..=1.0).contains(&v)));
        assert!(w.iter().sum::<f64>() > 5.0, "{}", w.iter().sum::<f64>());
        assert_eq!(
            MapleClassifier::fit(&x, 2, &classes, settings(), &mut rng(2)),
            m
        );
    }

    #[test]
    fn one_class_is_every_prediction_and_absent_classes_never_are() {
        let x: Vec<f64> = (0..40).map(f64::from).collect();
        let m = MapleClassifier::fit(&x, 1, &[2; 40], settings(), &mut rng(1));
        assert_eq!(m.predict(&[3.0], &[3.0]), 2);
        // Classes 0 and 2 of three: class 1 is never given.
        let classes: Vec<usize> = (0..40).map(|i| if i < 20 { 0 } else { 2 }).collect();
        let m = MapleClassifier::fit(&x, 1, &classes, settings(), &mut rng(1));
        for v in [0.0, 19.0, 20.5, 39.0] {
            assert_ne!(m.predict(&[v], &[v]), 1);
        }
        assert_eq!(m.predict(&[2.0], &[2.0]), 0);
        assert_eq!(m.predict(&[37.0], &[37.0]), 2);
    }
}
