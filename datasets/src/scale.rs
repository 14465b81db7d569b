//! Input scaling, fitted on the training part only and applied to both parts.

use crate::table::Table;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scaling {
    /// Inputs as the files hold them (what the authors' tool does).
    None,
    /// Each input to [0, 1] over the training part (algorithms.md section 0.5).
    #[default]
    Minmax,
    /// Each input to mean 0, population sd 1 over the training part.
    Zscore,
}

impl Scaling {
    pub fn as_str(self) -> &'static str {
        match self {
            Scaling::None => "none",
            Scaling::Minmax => "minmax",
            Scaling::Zscore => "zscore",
        }
    }
}

/// Per-input `x -> (x - shift) / scale`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaler {
    shift: Vec<f64>,
    scale: Vec<f64>,
    /// Each column's training mean over its present values, for a missing
    /// (NaN) input; 0 for a column with none.
    fill: Vec<f64>,
}

impl Scaler {
    /// Fits on the present (non-NaN) values of each training column.
    pub fn fit(kind: Scaling, train: &Table) -> Scaler {
        let d = train.d;
        let column = |j: usize| {
            (0..train.rows())
                .map(move |i| train.row(i)[j])
                .filter(|v| !v.is_nan())
        };
        let fill = (0..d)
            .map(|j| {
                let n = column(j).count();
                if n == 0 {
                    0.0
                } else {
                    column(j).sum::<f64>() / n as f64
                }
            })
            .collect();
        let (shift, scale) = (0..d)
            .map(|j| match kind {
                Scaling::None => (0.0, 1.0),
                Scaling::Minmax => {
                    let lo = column(j).fold(f64::INFINITY, f64::min);
                    let hi = column(j).fold(f64::NEG_INFINITY, f64::max);
                    (lo, hi - lo)
                }
                // A constant column can have a variance of 1e-34 from the
                // mean's rounding: it is caught by its values, not its sd.
                Scaling::Zscore if constant(column(j)) => (0.0, 0.0),
                Scaling::Zscore => {
                    let n = column(j).count() as f64;
                    let mean = column(j).sum::<f64>() / n;
                    let var = column(j).map(|v| (v - mean).powi(2)).sum::<f64>() / n;
                    (mean, var.sqrt())
                }
            })
            .unzip();
        Scaler { shift, scale, fill }
    }

    /// Fits on `train` and scales it and `other`, the part it must not see
    /// (a test or validation part).
    pub fn fit_apply(kind: Scaling, train: &mut Table, other: &mut Table) {
        let scaler = Scaler::fit(kind, train);
        scaler.apply(train);
        scaler.apply(other);
    }

    /// A missing input takes its column's training mean first; a constant
    /// training column maps to 0 rather than dividing by zero.
    pub fn apply(&self, table: &mut Table) {
        let d = table.d;
        for row in table.x.chunks_exact_mut(d) {
            let columns = self.shift.iter().zip(&self.scale).zip(&self.fill);
            for (v, ((s, c), fill)) in row.iter_mut().zip(columns) {
                if v.is_nan() {
                    *v = *fill;
                }
                *v = if *c > 0.0 { (*v - s) / c } else { 0.0 };
            }
        }
    }
}

fn constant(mut values: impl Iterator<Item = f64>) -> bool {
    let first = values.next();
    values.all(|v| Some(v) == first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[f64; 2]]) -> Table {
        let mut t = Table::new(2);
        rows.iter().for_each(|r| t.push(r, 0.0));
        t
    }

    #[test]
    fn minmax_maps_the_training_range_to_unit_interval() {
        let train = table(&[[1.0, 5.0], [3.0, 5.0]]);
        let s = Scaler::fit(Scaling::Minmax, &train);
        let mut test = table(&[[2.0, 5.0], [5.0, 7.0]]);
        s.apply(&mut test);
        // The test part is not clipped: scaling uses the training range only.
        assert_eq!(test.x, vec![0.5, 0.0, 2.0, 0.0]);
    }

    #[test]
    fn zscore_gives_mean_zero_and_unit_sd_on_train() {
        let mut train = table(&[[1.0, 0.0], [3.0, 0.0], [5.0, 0.0]]);
        Scaler::fit(Scaling::Zscore, &train.clone()).apply(&mut train);
        let col: Vec<f64> = (0..3).map(|i| train.row(i)[0]).collect();
        assert!((col.iter().sum::<f64>()).abs() < 1e-12);
        assert!((col.iter().map(|v| v * v).sum::<f64>() / 3.0 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_column_constant_in_training_maps_to_zero_in_every_scaling() {
        // 0.1 three times: the mean is 0.10000000000000002, so the plain
        // sd is 1.4e-17, not 0, and would give -1 where 0 is meant.
        let train = table(&[[0.1, 1.0], [0.1, 2.0], [0.1, 3.0]]);
        for kind in [Scaling::Minmax, Scaling::Zscore] {
            let s = Scaler::fit(kind, &train);
            let mut test = table(&[[0.1, 2.0], [7.0, 2.0]]);
            s.apply(&mut test);
            assert!(test.x.iter().all(|v| v.is_finite()), "{kind:?}");
            assert_eq!((test.x[0], test.x[2]), (0.0, 0.0), "{kind:?}");
        }
    }

    #[test]
    fn a_missing_input_takes_the_training_mean_of_its_column() {
        let train = table(&[[1.0, f64::NAN], [3.0, 4.0], [f64::NAN, 8.0]]);
        let mut test = table(&[[f64::NAN, f64::NAN]]);
        Scaler::fit(Scaling::None, &train).apply(&mut test);
        assert_eq!(test.x, vec![2.0, 6.0]);
        let mut scaled = train.clone();
        Scaler::fit(Scaling::Minmax, &train).apply(&mut scaled);
        // Filled with 2 and 6, then scaled over the present values' range.
        assert_eq!(scaled.x, vec![0.0, 0.5, 1.0, 0.0, 0.5, 1.0]);
    }

    #[test]
    fn none_leaves_inputs_alone() {
        let mut t = table(&[[1.0, 2.0]]);
        Scaler::fit(Scaling::None, &t.clone()).apply(&mut t);
        assert_eq!(t.x, vec![1.0, 2.0]);
    }
}
