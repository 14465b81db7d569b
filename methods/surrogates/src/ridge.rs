//! Weighted ridge regression with an intercept, as scikit-learn's `Ridge`
//! fits it: the inputs and targets centred on their weighted means, then
//! (X' W X + alpha I) beta = X' W y, the intercept the weighted mean of y
//! less beta on the mean of x; alpha is not scaled by the weights.

use nalgebra::{DMatrix, DVector};

#[derive(Debug, Clone, PartialEq)]
pub struct Ridge {
    pub coef: Vec<f64>,
    pub intercept: f64,
}

impl Ridge {
    /// Fits rows `x` (row-major, `d` columns) to `y` with `weights`.
    /// None when the system cannot be solved (a weight sum of zero, or
    /// values that are not finite).
    pub fn fit(x: &[f64], d: usize, y: &[f64], weights: &[f64], alpha: f64) -> Option<Ridge> {
        let n = y.len();
        let total: f64 = weights.iter().sum();
        if n == 0 || total.is_nan() || total <= 0.0 {
            return None;
        }
        let mean_x: Vec<f64> = (0..d)
            .map(|j| (0..n).map(|i| weights[i] * x[i * d + j]).sum::<f64>() / total)
            .collect();
        let mean_y = (0..n).map(|i| weights[i] * y[i]).sum::<f64>() / total;
        let mut a = DMatrix::<f64>::identity(d, d) * alpha;
        let mut b = DVector::<f64>::zeros(d);
        for i in 0..n {
            let w = weights[i];
            let yc = y[i] - mean_y;
            for j in 0..d {
                let xj = x[i * d + j] - mean_x[j];
                b[j] += w * xj * yc;
                for k in 0..d {
                    a[(j, k)] += w * xj * (x[i * d + k] - mean_x[k]);
                }
            }
        }
        let beta = a.cholesky()?.solve(&b);
        let coef: Vec<f64> = beta.iter().copied().collect();
        let intercept = mean_y - coef.iter().zip(&mean_x).map(|(c, m)| c * m).sum::<f64>();
        (intercept.is_finite() && coef.iter().all(|c| c.is_finite()))
            .then_some(Ridge { coef, intercept })
    }

    pub fn predict(&self, x: &[f64]) -> f64 {
        self.intercept + self.coef.iter().zip(x).map(|(c, x)| c * x).sum::<f64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_penalty_it_is_weighted_least_squares() {
        // y = 1 + 2 x exactly: any weights recover it.
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [1.0, 3.0, 5.0, 7.0];
        let r = Ridge::fit(&x, 1, &y, &[1.0, 0.5, 2.0, 1.0], 0.0).unwrap();
        assert!(
            (r.coef[0] - 2.0).abs() < 1e-12 && (r.intercept - 1.0).abs() < 1e-12,
            "{r:?}"
        );
    }

    #[test]
    fn the_penalty_shrinks_as_the_normal_equations_say() {
        // One input, unit weights: beta = sxy / (sxx + alpha).
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [1.0, 3.0, 5.0, 7.0];
        let r = Ridge::fit(&x, 1, &y, &[1.0; 4], 1.0).unwrap();
        // sxx = 5, sxy = 10: beta = 10 / 6; intercept = 4 - beta 1.5.
        assert!((r.coef[0] - 10.0 / 6.0).abs() < 1e-12);
        assert!((r.intercept - (4.0 - 1.5 * 10.0 / 6.0)).abs() < 1e-12);
        assert!((r.predict(&[2.0]) - (r.intercept + 2.0 * r.coef[0])).abs() < 1e-15);
        assert!(Ridge::fit(&x, 1, &y, &[0.0; 4], 1.0).is_none());
    }
}
