//! A random forest as scikit-learn grows one with MAPLE's settings
//! (`RandomForestRegressor` or `RandomForestClassifier(n_estimators=200,
//! max_features=0.5, min_samples_leaf=10)`): each tree on a bootstrap
//! sample, each split the best split over a fresh random half of the
//! inputs, thresholds midway between neighbouring values, no leaf under
//! `min_leaf` rows. Targets have one or more outputs and a split lowers
//! their squared error summed over the outputs; a classifier is the forest
//! of the classes' one-hot rows ([`Forest::classifier`]), since the Gini
//! impurity of a node is exactly that sum (1 - sum p_c^2 is the mean
//! squared distance of one-hot rows from their mean p). MAPLE needs the
//! leaves themselves (which training rows share a leaf with a point), not
//! only predictions, so the trees keep them. Written here: the forest
//! crates checked (linfa-trees, smartcore) expose no leaf membership, and
//! smartcore stores f32.

use nnbench_core::Rng;
use rand::RngExt;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForestSettings {
    pub trees: usize,
    /// The share of inputs each split considers (at least one).
    pub max_features: f64,
    pub min_leaf: usize,
}

impl ForestSettings {
    pub const MAPLE: ForestSettings = ForestSettings {
        trees: 200,
        max_features: 0.5,
        min_leaf: 10,
    };
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    /// `leaf` numbers it in the tree.
    Leaf { leaf: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    nodes: Vec<Node>,
    pub leaves: usize,
    /// Per leaf, the mean of its training rows' targets (`outputs` each).
    values: Vec<f64>,
    outputs: usize,
    /// The first split's input and the root's impurity (the mean squared
    /// deviation of its bootstrap targets, summed over the outputs): what
    /// MAPLE scores inputs by.
    pub root: Option<(usize, f64)>,
}

impl Tree {
    /// The leaf `x` falls in.
    pub fn leaf(&self, x: &[f64]) -> usize {
        let mut at = 0;
        loop {
            match &self.nodes[at] {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    at = if x[*feature] <= *threshold {
                        *left
                    } else {
                        *right
                    }
                }
                Node::Leaf { leaf } => return *leaf,
            }
        }
    }

    /// A leaf's mean target.
    pub fn value(&self, leaf: usize) -> &[f64] {
        &self.values[leaf * self.outputs..(leaf + 1) * self.outputs]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    pub trees: Vec<Tree>,
}

/// Rows `x` (row-major, `d` columns) and targets (row-major, `m`
/// outputs), borrowed while growing.
struct Data<'a> {
    x: &'a [f64],
    d: usize,
    y: &'a [f64],
    m: usize,
}

impl Forest {
    /// A forest of targets `y` with `outputs` values a row.
    pub fn fit(
        x: &[f64],
        d: usize,
        y: &[f64],
        outputs: usize,
        s: ForestSettings,
        rng: &mut Rng,
    ) -> Forest {
        let m = outputs.max(1);
        let data = Data { x, d, y, m };
        let n = y.len() / m;
        let trees = (0..s.trees)
            .map(|_| {
                let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
                grow(&data, rows, s, rng)
            })
            .collect();
        Forest { trees }
    }

    /// The forest of `classes` (indices below `k`) as one-hot rows: its
    /// predictions are the class shares, its splits Gini's.
    pub fn classifier(
        x: &[f64],
        d: usize,
        classes: &[usize],
        k: usize,
        s: ForestSettings,
        rng: &mut Rng,
    ) -> Forest {
        let mut one_hot = vec![0.0; classes.len() * k];
        for (i, &c) in classes.iter().enumerate() {
            one_hot[i * k + c] = 1.0;
        }
        Forest::fit(x, d, &one_hot, k, s, rng)
    }

    /// The trees' mean prediction at `x`.
    pub fn predict(&self, x: &[f64]) -> Vec<f64> {
        let m = self.trees.first().map_or(1, |t| t.outputs);
        let mut sum = vec![0.0; m];
        for t in &self.trees {
            for (s, v) in sum.iter_mut().zip(t.value(t.leaf(x))) {
                *s += v;
            }
        }
        let n = self.trees.len().max(1) as f64;
        sum.iter().map(|s| s / n).collect()
    }
}

/// Per output, the sum of `rows`' targets and of their squares.
fn sums(data: &Data, rows: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let (mut total, mut squares) = (vec![0.0; data.m], vec![0.0; data.m]);
    for &r in rows {
        for c in 0..data.m {
            let y = data.y[r * data.m + c];
            total[c] += y;
            squares[c] += y * y;
        }
    }
    (total, squares)
}

fn grow(data: &Data, rows: Vec<usize>, s: ForestSettings, rng: &mut Rng) -> Tree {
    let mut tree = Tree {
        nodes: Vec::new(),
        leaves: 0,
        values: Vec::new(),
        outputs: data.m,
        root: None,
    };
    let features = ((s.max_features * data.d as f64) as usize).clamp(1, data.d.max(1));
    let mut stack = vec![(0usize, rows)];
    tree.nodes.push(Node::Leaf { leaf: 0 });
    while let Some((at, rows)) = stack.pop() {
        match best_split(data, &rows, features, s.min_leaf, rng) {
            Some((feature, threshold, impurity)) => {
                if at == 0 {
                    tree.root = Some((feature, impurity));
                }
                let (l, r): (Vec<usize>, Vec<usize>) = rows
                    .iter()
                    .partition(|&&i| data.x[i * data.d + feature] <= threshold);
                let (left, right) = (tree.nodes.len(), tree.nodes.len() + 1);
                tree.nodes.push(Node::Leaf { leaf: 0 });
                tree.nodes.push(Node::Leaf { leaf: 0 });
                tree.nodes[at] = Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                };
                stack.push((right, r));
                stack.push((left, l));
            }
            None => {
                let n = rows.len().max(1) as f64;
                tree.values
                    .extend(sums(data, &rows).0.iter().map(|t| t / n));
                tree.nodes[at] = Node::Leaf { leaf: tree.leaves };
                tree.leaves += 1;
            }
        }
    }
    tree
}

/// The split of `rows` with the largest decrease of the squared error
/// (summed over the outputs) over `features` inputs drawn without
/// replacement, each side keeping `min_leaf` rows, with the impurity of
/// `rows`; None when no split helps.
fn best_split(
    data: &Data,
    rows: &[usize],
    features: usize,
    min_leaf: usize,
    rng: &mut Rng,
) -> Option<(usize, f64, f64)> {
    let n = rows.len();
    if n < 2 * min_leaf.max(1) {
        return None;
    }
    let mut order: Vec<usize> = (0..data.d).collect();
    for i in 0..features {
        let j = rng.random_range(i..data.d);
        order.swap(i, j);
    }
    let m = data.m;
    let (total, squares) = sums(data, rows);
    let before: f64 = (0..m)
        .map(|c| squares[c] - total[c] * total[c] / n as f64)
        .sum();
    let mut best: Option<(usize, f64, f64)> = None;
    let mut best_decrease = 0.0;
    let (mut left_sum, mut left_squares) = (vec![0.0; m], vec![0.0; m]);
    for &feature in &order[..features] {
        let mut sorted: Vec<(f64, usize)> = rows
            .iter()
            .map(|&r| (data.x[r * data.d + feature], r))
            .collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        left_sum.fill(0.0);
        left_squares.fill(0.0);
        for k in 0..n - 1 {
            let y = &data.y[sorted[k].1 * m..(sorted[k].1 + 1) * m];
            for c in 0..m {
                left_sum[c] += y[c];
                left_squares[c] += y[c] * y[c];
            }
            let left_n = k + 1;
            if left_n < min_leaf || n - left_n < min_leaf || sorted[k].0 == sorted[k + 1].0 {
                continue;
            }
            let after: f64 = (0..m)
                .map(|c| {
                    let right_sum = total[c] - left_sum[c];
                    left_squares[c] - left_sum[c] * left_sum[c] / left_n as f64
                        + (squares[c] - left_squares[c])
                        - right_sum * right_sum / (n - left_n) as f64
                })
                .sum();
            let decrease = before - after;
            if decrease > 1e-12 && decrease > best_decrease {
                best_decrease = decrease;
                let threshold = (sorted[k].0 + sorted[k + 1].0) / 2.0;
                best = Some((feature, threshold, before / n as f64));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;

    #[test]
    fn a_step_is_learnt_and_leaves_keep_their_size() {
        // y = 1 for x0 > 0.5 else 0; x1 is noise.
        let mut r = rng(1);
        let n = 200;
        let x: Vec<f64> = (0..2 * n).map(|_| r.random_range(0.0..1.0)).collect();
        let y: Vec<f64> = (0..n)
            .map(|i| f64::from(u8::from(x[2 * i] > 0.5)))
            .collect();
        // Both inputs at every split: the root is the step, the leaves pure.
        let all = ForestSettings {
            trees: 20,
            max_features: 1.0,
            ..ForestSettings::MAPLE
        };
        let forest = Forest::fit(&x, 2, &y, 1, all, &mut rng(2));
        assert_eq!(forest.predict(&[0.9, 0.5]), [1.0]);
        assert_eq!(forest.predict(&[0.1, 0.5]), [0.0]);
        for t in &forest.trees {
            let Node::Split {
                feature, threshold, ..
            } = t.nodes[0]
            else {
                panic!()
            };
            assert_eq!(feature, 0);
            assert!((threshold - 0.5).abs() < 0.05, "{threshold}");
            // The root's impurity: a bootstrap of about as many ones as
            // zeros has a mean squared deviation near 1/4.
            assert!((t.root.unwrap().1 - 0.25).abs() < 0.02, "{:?}", t.root);
        }
        // Half the inputs: one drawn per split, so about half the roots are
        // the noise input.
        let s = ForestSettings {
            trees: 200,
            ..ForestSettings::MAPLE
        };
        let forest = Forest::fit(&x, 2, &y, 1, s, &mut rng(2));
        let noise_roots = forest
            .trees
            .iter()
            .filter(|t| t.root.unwrap().0 == 1)
            .count();
        assert!((70..130).contains(&noise_roots), "{noise_roots}");
        assert!(forest.predict(&[0.9, 0.5])[0] > 0.8 && forest.predict(&[0.1, 0.5])[0] < 0.2);
        // Every training row falls in some leaf of every tree.
        for t in &forest.trees {
            let mut counts = vec![0usize; t.leaves];
            for i in 0..n {
                counts[t.leaf(&x[2 * i..2 * i + 2])] += 1;
            }
            assert_eq!(counts.iter().sum::<usize>(), n);
        }
        assert_eq!(Forest::fit(&x, 2, &y, 1, s, &mut rng(2)), forest);
    }

    #[test]
    fn a_classifier_splits_by_gini_and_predicts_class_shares() {
        // Class 1 for x0 > 0.5, else class 0; x1 is noise.
        let mut r = rng(5);
        let n = 200;
        let x: Vec<f64> = (0..2 * n).map(|_| r.random_range(0.0..1.0)).collect();
        let classes: Vec<usize> = (0..n).map(|i| usize::from(x[2 * i] > 0.5)).collect();
        let all = ForestSettings {
            trees: 10,
            max_features: 1.0,
            ..ForestSettings::MAPLE
        };
        let forest = Forest::classifier(&x, 2, &classes, 2, all, &mut rng(6));
        assert_eq!(forest.predict(&[0.9, 0.3]), [0.0, 1.0]);
        assert_eq!(forest.predict(&[0.2, 0.3]), [1.0, 0.0]);
        for t in &forest.trees {
            // Gini's impurity of a near-even root: 1 - p^2 - q^2, near 1/2.
            let (feature, impurity) = t.root.unwrap();
            assert_eq!(feature, 0);
            assert!((impurity - 0.5).abs() < 0.02, "{impurity}");
            assert_eq!(t.leaves, 2, "the step leaves pure halves");
        }
    }

    #[test]
    fn a_constant_target_is_one_leaf() {
        let x: Vec<f64> = (0..40).map(f64::from).collect();
        let forest = Forest::fit(&x, 1, &[3.0; 40], 1, ForestSettings::MAPLE, &mut rng(3));
        assert!(
            forest
                .trees
                .iter()
                .all(|t| t.leaves == 1 && t.root.is_none())
        );
        assert_eq!(forest.predict(&[7.0]), [3.0]);
    }

    #[test]
    fn no_leaf_holds_fewer_than_min_leaf_rows() {
        // 20 rows, 10 a leaf at least: a root split at most, and only at the
        // middle of the bootstrap's sorted values.
        let x: Vec<f64> = (0..20).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v * v).collect();
        let forest = Forest::fit(&x, 1, &y, 1, ForestSettings::MAPLE, &mut rng(4));
        assert!(forest.trees.iter().all(|t| t.leaves <= 2));
        assert!(forest.trees.iter().any(|t| t.leaves == 2));
    }
}
