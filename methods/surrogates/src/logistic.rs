//! Weighted logistic regression as scikit-learn's `LogisticRegression()`
//! defines it, the local model of MAPLE's classification form: an L2
//! penalty of 1/2 |beta|^2 against C = 1 times the weighted log-loss, the
//! intercepts unpenalised; one coefficient vector for two classes, one per
//! class (softmax) for more. scikit-learn runs L-BFGS for at most 100
//! iterations; the minimiser is unique, so this finds the same one by
//! Newton's method with a backtracking line search, which converges in a
//! handful of steps on these small problems. With more than two classes
//! the first intercept is held at 0: adding a constant to every intercept
//! changes nothing, so this fixes the one free direction without moving
//! any prediction.

use nalgebra::{DMatrix, DVector};

#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    /// Two classes: one row (class 1's score); more: one row per class.
    /// Each row is the coefficients, then the intercept.
    rows: Vec<Vec<f64>>,
    d: usize,
    /// When every weight lies on one class, that class (the loss has no
    /// finite minimiser: the intercept runs off to infinity).
    only: Option<usize>,
}

const ITERATIONS: usize = 100;

impl Logistic {
    /// Fits rows `x` (row-major, `d` columns) of classes `y` (below `k`,
    /// k >= 2) with `weights`; rows of weight 0 do not count.
    pub fn fit(x: &[f64], d: usize, y: &[usize], k: usize, weights: &[f64]) -> Logistic {
        let used: Vec<usize> = (0..y.len()).filter(|&i| weights[i] > 0.0).collect();
        let first = used.first().map_or(0, |&i| y[i]);
        let mut fit = Logistic {
            rows: vec![vec![0.0; d + 1]; if k > 2 { k } else { 1 }],
            d,
            only: None,
        };
        if used.iter().all(|&i| y[i] == first) {
            fit.only = Some(first);
            return fit;
        }
        let problem = Problem {
            x,
            d,
            y,
            k,
            weights,
            used: &used,
        };
        let mut theta = vec![0.0; problem.parameters()];
        let mut loss = problem.loss(&theta);
        for _ in 0..ITERATIONS {
            let (gradient, hessian) = problem.derivatives(&theta);
            if gradient.amax() <= 1e-10 * (1.0 + loss.abs()) {
                break;
            }
            let Some(cholesky) = hessian.cholesky() else {
                break;
            };
            let step = cholesky.solve(&gradient);
            let mut scale = 1.0;
            let mut improved = false;
            for _ in 0..40 {
                let trial: Vec<f64> = theta
                    .iter()
                    .zip(step.iter())
                    .map(|(t, s)| t - scale * s)
                    .collect();
                let trial_loss = problem.loss(&trial);
                if trial_loss < loss {
                    theta = trial;
                    loss = trial_loss;
                    improved = true;
                    break;
                }
                scale /= 2.0;
            }
            if !improved {
                break;
            }
        }
        fit.rows = problem.unpack(&theta);
        fit
    }

    /// Each class's score at `x` (two classes: 0 and class 1's).
    fn scores(&self, x: &[f64]) -> Vec<f64> {
        let score = |row: &[f64]| {
            row[self.d] + row[..self.d].iter().zip(x).map(|(c, v)| c * v).sum::<f64>()
        };
        match self.rows.as_slice() {
            [one] => vec![0.0, score(one)],
            rows => rows.iter().map(|r| score(r)).collect(),
        }
    }

    /// The class at `x`: the largest score, the first of equal ones (as
    /// numpy's argmax; two classes: class 1 only when its score is > 0).
    pub fn predict(&self, x: &[f64]) -> usize {
        if let Some(c) = self.only {
            return c;
        }
        nnbench_core::metrics::argmax(&self.scores(x))
    }
}

/// The penalised loss over the rows used, and its derivatives, in the
/// packed parameters: two classes, the coefficients then the intercept;
/// more, per class its coefficients, then the intercepts of classes 1..k.
struct Problem<'a> {
    x: &'a [f64],
    d: usize,
    y: &'a [usize],
    k: usize,
    weights: &'a [f64],
    used: &'a [usize],
}

impl Problem<'_> {
    fn binary(&self) -> bool {
        self.k == 2
    }

    fn parameters(&self) -> usize {
        if self.binary() {
            self.d + 1
        } else {
            self.k * self.d + self.k - 1
        }
    }

    /// Per class, the coefficients then the intercept.
    fn unpack(&self, theta: &[f64]) -> Vec<Vec<f64>> {
        let d = self.d;
        if self.binary() {
            return vec![theta.to_vec()];
        }
        (0..self.k)
            .map(|c| {
                let mut row = theta[c * d..(c + 1) * d].to_vec();
                row.push(if c == 0 {
                    0.0
                } else {
                    theta[self.k * d + c - 1]
                });
                row
            })
            .collect()
    }

    /// Row `i`'s class scores (two classes: 0 and class 1's).
    fn scores(&self, rows: &[Vec<f64>], i: usize) -> Vec<f64> {
        let x = &self.x[i * self.d..(i + 1) * self.d];
        let score = |r: &Vec<f64>| r[self.d] + r.iter().zip(x).map(|(c, v)| c * v).sum::<f64>();
        if self.binary() {
            vec![0.0, score(&rows[0])]
        } else {
            rows.iter().map(score).collect()
        }
    }

    fn loss(&self, theta: &[f64]) -> f64 {
        let rows = self.unpack(theta);
        let penalty: f64 = rows
            .iter()
            .map(|r| r[..self.d].iter().map(|c| c * c).sum::<f64>())
            .sum();
        let mut loss = 0.5 * penalty;
        for &i in self.used {
            let s = self.scores(&rows, i);
            let top = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let log_sum = top + s.iter().map(|v| (v - top).exp()).sum::<f64>().ln();
            loss += self.weights[i] * (log_sum - s[self.y[i]]);
        }
        loss
    }

    fn derivatives(&self, theta: &[f64]) -> (DVector<f64>, DMatrix<f64>) {
        let (d, k) = (self.d, self.k);
        let p = self.parameters();
        let rows = self.unpack(theta);
        let mut g = DVector::<f64>::zeros(p);
        let mut h = DMatrix::<f64>::zeros(p, p);
        // Where class c's coefficient j and intercept sit in theta (None:
        // held at 0); the binary form has class 1 only.
        let coef = |c: usize, j: usize| -> Option<usize> {
            if self.binary() {
                (c == 1).then_some(j)
            } else {
                Some(c * d + j)
            }
        };
        let intercept = |c: usize| -> Option<usize> {
            if self.binary() {
                (c == 1).then_some(d)
            } else {
                (c > 0).then(|| k * d + c - 1)
            }
        };
        let classes: Vec<usize> = if self.binary() {
            vec![1]
        } else {
            (0..k).collect()
        };
        let mut features = vec![0.0; d + 1];
        for &i in self.used {
            let s = self.scores(&rows, i);
            let top = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = s.iter().map(|v| (v - top).exp()).collect();
            let total: f64 = e.iter().sum();
            let prob: Vec<f64> = e.iter().map(|v| v / total).collect();
            let w = self.weights[i];
            features[..d].copy_from_slice(&self.x[i * d..(i + 1) * d]);
            features[d] = 1.0;
            let at = |c: usize, j: usize| if j < d { coef(c, j) } else { intercept(c) };
            for &a in &classes {
                let residual = prob[a] - f64::from(u8::from(self.y[i] == a));
                for ja in 0..=d {
                    let Some(pa) = at(a, ja) else { continue };
                    g[pa] += w * residual * features[ja];
                    for &b in &classes {
                        let curvature =
                            w * (prob[a] * f64::from(u8::from(a == b)) - prob[a] * prob[b]);
                        for jb in 0..=d {
                            if let Some(pb) = at(b, jb) {
                                h[(pa, pb)] += curvature * features[ja] * features[jb];
                            }
                        }
                    }
                }
            }
        }
        for &c in &classes {
            for j in 0..d {
                let pc = coef(c, j).expect("every class in `classes` has coefficients");
                g[pc] += theta[pc];
                h[(pc, pc)] += 1.0;
            }
        }
        (g, h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binary form's optimum by its own first-order condition: the
    /// gradient of the penalised loss vanishes there.
    #[test]
    fn the_binary_fit_is_the_penalised_optimum() {
        let x = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 0.2];
        let y = [0, 0, 1, 0, 1, 1, 1, 0];
        let w = [1.0, 2.0, 1.0, 0.5, 1.0, 1.0, 3.0, 0.0];
        let fit = Logistic::fit(&x, 1, &y, 2, &w);
        let (beta, b) = (fit.rows[0][0], fit.rows[0][1]);
        let (mut g_beta, mut g_b) = (beta, 0.0);
        for i in 0..8 {
            let p = 1.0 / (1.0 + (-(beta * x[i] + b)).exp());
            let r = p - y[i] as f64;
            g_beta += w[i] * r * x[i];
            g_b += w[i] * r;
        }
        assert!(g_beta.abs() < 1e-9 && g_b.abs() < 1e-9, "{g_beta} {g_b}");
        // The classes lie mostly to either side of 0, so the slope rises,
        // and the penalty keeps it modest.
        assert!(beta > 0.5 && beta < 5.0, "{beta}");
        assert_eq!(fit.predict(&[3.0]), 1);
        assert_eq!(fit.predict(&[-3.0]), 0);
    }

    /// Three classes along a line: low, middle, high. The optimum is
    /// symmetric, and its gradient vanishes (checked by finite differences
    /// of the loss).
    #[test]
    fn the_softmax_fit_is_stationary_and_orders_the_classes() {
        let x: Vec<f64> = (0..30).map(|i| f64::from(i) / 10.0 - 1.5).collect();
        let y: Vec<usize> = x
            .iter()
            .map(|&v| {
                if v < -0.5 {
                    0
                } else if v < 0.5 {
                    1
                } else {
                    2
                }
            })
            .collect();
        let w = vec![1.0; 30];
        let fit = Logistic::fit(&x, 1, &y, 3, &w);
        assert_eq!(fit.predict(&[-1.4]), 0);
        assert_eq!(fit.predict(&[0.0]), 1);
        assert_eq!(fit.predict(&[1.4]), 2);
        let used: Vec<usize> = (0..30).collect();
        let problem = Problem {
            x: &x,
            d: 1,
            y: &y,
            k: 3,
            weights: &w,
            used: &used,
        };
        let theta = vec![
            fit.rows[0][0],
            fit.rows[1][0],
            fit.rows[2][0],
            fit.rows[1][1],
            fit.rows[2][1],
        ];
        let (g, _) = problem.derivatives(&theta);
        assert!(g.amax() < 1e-8, "{g}");
        for j in 0..theta.len() {
            let h = 1e-6;
            let mut up = theta.clone();
            up[j] += h;
            let mut down = theta.clone();
            down[j] -= h;
            let numeric = (problem.loss(&up) - problem.loss(&down)) / (2.0 * h);
            assert!(numeric.abs() < 1e-5, "{j}: {numeric}");
        }
        // By symmetry the outer classes' slopes are opposite.
        assert!(
            (fit.rows[0][0] + fit.rows[2][0]).abs() < 1e-6,
            "{:?}",
            fit.rows
        );
    }

    #[test]
    fn weight_on_one_class_predicts_it() {
        let x = [0.0, 1.0, 2.0];
        let fit = Logistic::fit(&x, 1, &[0, 1, 1], 2, &[0.0, 1.0, 2.0]);
        assert_eq!(fit.predict(&[-10.0]), 1);
    }
}
