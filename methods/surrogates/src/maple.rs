//! MAPLE (Plumb, Molitor, Talwalkar, NeurIPS 2018) as GDPlumb's `MAPLE.py`
//! does it, the copy SRNet's comparison vendors (`MAPLE(X_train,
//! NN(X_train), X_valid, NN(X_valid))`, shared/docs/algorithms.md 8a.3): a
//! random forest fitted to the model's responses on the training points;
//! a point's neighbourhood weights are SILO's (over the trees, 1 / the
//! number of training points in the point's leaf, for each training point
//! there); inputs ranked by DStump (the summed impurity of the roots that
//! split on them); the number of top inputs kept chosen by the RMSE of
//! the local models on the validation points; the local model a weighted
//! ridge (alpha 0.001) on the kept inputs. Seeded, where theirs was not.

use crate::forest::{Forest, ForestSettings};
use crate::ridge::Ridge;
use nnbench_core::Rng;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapleSettings {
    pub forest: ForestSettings,
    pub regularization: f64,
}

impl MapleSettings {
    pub const DEFAULTS: MapleSettings = MapleSettings {
        forest: ForestSettings::MAPLE,
        regularization: 0.001,
    };
}

#[derive(Debug, Clone, PartialEq)]
pub struct Maple {
    forest: Forest,
    x: Vec<f64>,
    d: usize,
    response: Vec<f64>,
    /// Per tree, each training point's leaf, and each leaf's count.
    leaves: Vec<(Vec<usize>, Vec<usize>)>,
    /// Inputs by DStump score, best first (ties: lower index first).
    pub ranking: Vec<usize>,
    /// How many of `ranking` the local models use.
    pub retain: usize,
    regularization: f64,
}

/// A local linear model in the data's units, over every input (zero for
/// those not kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Local {
    pub prediction: f64,
    pub coef: Vec<f64>,
    pub intercept: f64,
}

impl Maple {
    /// `x` and `x_valid` row-major with `d` columns; `response` and
    /// `response_valid` the model's outputs there.
    pub fn fit(
        x: &[f64],
        d: usize,
        response: &[f64],
        x_valid: &[f64],
        response_valid: &[f64],
        s: MapleSettings,
        rng: &mut Rng,
    ) -> Maple {
        let forest = Forest::fit(x, d, response, 1, s.forest, rng);
        let n = response.len();
        let leaves = forest
            .trees
            .iter()
            .map(|t| {
                let ids: Vec<usize> = (0..n).map(|i| t.leaf(&x[i * d..(i + 1) * d])).collect();
                let mut counts = vec![0; t.leaves];
                for &l in &ids {
                    counts[l] += 1;
                }
                (ids, counts)
            })
            .collect();
        let mut scores = vec![0.0; d];
        for t in &forest.trees {
            if let Some((feature, impurity)) = t.root {
                scores[feature] += impurity;
            }
        }
        let mut ranking: Vec<usize> = (0..d).collect();
        ranking.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let mut maple = Maple {
            forest,
            x: x.to_vec(),
            d,
            response: response.to_vec(),
            leaves,
            ranking,
            retain: d.max(1),
            regularization: s.regularization,
        };
        // Forward selection on the validation points (strictly better only).
        let (mut best, mut chosen) = (f64::INFINITY, d.max(1));
        for retain in 1..=d {
            maple.retain = retain;
            let m = x_valid.len() / d.max(1);
            let squares: f64 = (0..m)
                .map(|i| {
                    let p = maple
                        .explain(&x_valid[i * d..(i + 1) * d])
                        .map_or(f64::INFINITY, |l| l.prediction);
                    (p - response_valid[i]).powi(2)
                })
                .sum();
            let rmse = (squares / m.max(1) as f64).sqrt();
            if rmse < best {
                best = rmse;
                chosen = retain;
            }
        }
        maple.retain = chosen;
        maple
    }

    /// SILO's weight of each training point for `instance`.
    pub fn weights(&self, instance: &[f64]) -> Vec<f64> {
        let mut w = vec![0.0; self.response.len()];
        for (tree, (ids, counts)) in self.forest.trees.iter().zip(&self.leaves) {
            let leaf = tree.leaf(instance);
            for (i, &l) in ids.iter().enumerate() {
                if l == leaf {
                    w[i] += 1.0 / counts[leaf] as f64;
                }
            }
        }
        w
    }

    /// The local model at `instance`; None when its ridge cannot be fitted.
    pub fn explain(&self, instance: &[f64]) -> Option<Local> {
        let kept = &self.ranking[..self.retain];
        let n = self.response.len();
        let x: Vec<f64> = (0..n)
            .flat_map(|i| kept.iter().map(move |&j| self.x[i * self.d + j]))
            .collect();
        let ridge = Ridge::fit(
            &x,
            kept.len(),
            &self.response,
            &self.weights(instance),
            self.regularization,
        )?;
        let mut coef = vec![0.0; self.d];
        for (c, &j) in ridge.coef.iter().zip(kept) {
            coef[j] = *c;
        }
        let point: Vec<f64> = kept.iter().map(|&j| instance[j]).collect();
        Some(Local {
            prediction: ridge.predict(&point),
            coef,
            intercept: ridge.intercept,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;
    use rand::RngExt;

    fn points(n: usize, d: usize, r: &mut Rng) -> Vec<f64> {
        (0..n * d).map(|_| r.random_range(-1.0..1.0)).collect()
    }

    #[test]
    fn on_a_linear_function_every_local_model_is_the_global_fit() {
        let mut r = rng(1);
        let (x, xv) = (points(300, 2, &mut r), points(60, 2, &mut r));
        let f = |p: &[f64]| 1.5 - 2.0 * p[0] + 0.5 * p[1];
        let y: Vec<f64> = x.chunks(2).map(f).collect();
        let yv: Vec<f64> = xv.chunks(2).map(f).collect();
        let s = MapleSettings {
            forest: ForestSettings {
                trees: 30,
                ..ForestSettings::MAPLE
            },
            ..MapleSettings::DEFAULTS
        };
        let m = Maple::fit(&x, 2, &y, &xv, &yv, s, &mut rng(2));
        // Both inputs matter: forward selection keeps both.
        assert_eq!(m.retain, 2);
        // The larger slope splits more roots.
        assert_eq!(m.ranking[0], 0);
        // The ridge's 0.001 against SILO weights summing to the tree count
        // shrinks by about a thousandth; without it the fit is exact.
        let exact = Maple {
            regularization: 0.0,
            ..m.clone()
        };
        for p in [[0.3, -0.2], [-0.9, 0.8]] {
            let l = m.explain(&p).unwrap();
            assert!(
                (l.coef[0] + 2.0).abs() < 5e-3 && (l.coef[1] - 0.5).abs() < 5e-3,
                "{l:?}"
            );
            assert!((l.prediction - f(&p)).abs() < 5e-3, "{l:?}");
            let l = exact.explain(&p).unwrap();
            assert!(
                (l.coef[0] + 2.0).abs() < 1e-9 && (l.intercept - 1.5).abs() < 1e-9,
                "{l:?}"
            );
        }
        // SILO's weights: each tree gives its leaf's training points 1 in all.
        let w = m.weights(&[0.1, 0.1]);
        assert!((w.iter().sum::<f64>() - 30.0).abs() < 1e-9);
    }

    #[test]
    fn an_input_the_response_ignores_is_dropped() {
        let mut r = rng(3);
        let (x, xv) = (points(300, 2, &mut r), points(80, 2, &mut r));
        let f = |p: &[f64]| (3.0 * p[0]).sin();
        let y: Vec<f64> = x.chunks(2).map(f).collect();
        let yv: Vec<f64> = xv.chunks(2).map(f).collect();
        let s = MapleSettings {
            forest: ForestSettings {
                trees: 40,
                ..ForestSettings::MAPLE
            },
            ..MapleSettings::DEFAULTS
        };
        let m = Maple::fit(&x, 2, &y, &xv, &yv, s, &mut rng(4));
        assert_eq!(m.ranking[0], 0);
        let l = m.explain(&[0.0, 0.5]).unwrap();
        // Near 0, sin(3 x) rises with slope about 3 (the leaves are wide).
        assert!(l.coef[0] > 1.0, "{l:?}");
        assert_eq!(Maple::fit(&x, 2, &y, &xv, &yv, s, &mut rng(4)), m);
    }
}
