//! lime's `QuartileDiscretizer` (lime 0.2.0.1 `discretize.py`), which its
//! tabular explainer uses by default (`discretize_continuous=True`): each
//! input's bins are cut at the distinct 25th, 50th and 75th percentiles of
//! the training values (numpy's linear interpolation); a value falls in
//! the bin of the first cut it does not exceed (`np.searchsorted`); and a
//! bin is turned back into a value by a normal draw truncated to the bin,
//! with the mean and deviation of the training values in it.

use nnbench_core::Rng;
use rand::RngExt;
use statrs::distribution::{ContinuousCDF, Normal};

/// The training values of one bin.
#[derive(Debug, Clone, PartialEq)]
struct Bin {
    min: f64,
    max: f64,
    mean: f64,
    /// Population deviation plus lime's 1e-11.
    sd: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quartiles {
    /// Per input, its ascending distinct cuts.
    cuts: Vec<Vec<f64>>,
    /// Per input, its bins (one more than its cuts).
    bins: Vec<Vec<Bin>>,
    /// Per input, the bins the training values fall in, ascending, and the
    /// cumulative share of the training values in each.
    seen: Vec<Vec<(usize, f64)>>,
}

/// numpy's `percentile` (linear interpolation) of ascending `sorted`.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let at = q / 100.0 * (sorted.len() - 1) as f64;
    let (low, high) = (at.floor() as usize, at.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
}

impl Quartiles {
    /// The discretizer of training rows `x` (row-major, `d` columns, at
    /// least one row).
    pub fn fit(x: &[f64], d: usize) -> Quartiles {
        let n = x.len() / d.max(1);
        let mut q = Quartiles {
            cuts: Vec::with_capacity(d),
            bins: Vec::with_capacity(d),
            seen: Vec::with_capacity(d),
        };
        for j in 0..d {
            let column: Vec<f64> = (0..n).map(|i| x[i * d + j]).collect();
            let mut sorted = column.clone();
            sorted.sort_by(f64::total_cmp);
            let mut cuts: Vec<f64> = [25.0, 50.0, 75.0]
                .iter()
                .map(|&p| percentile(&sorted, p))
                .collect();
            cuts.dedup();
            let of = |v: f64| cuts.partition_point(|&c| c < v);
            let mut members = vec![Vec::new(); cuts.len() + 1];
            for &v in &column {
                members[of(v)].push(v);
            }
            let (lowest, highest) = (sorted[0], sorted[n - 1]);
            let bins = members
                .iter()
                .enumerate()
                .map(|(b, values)| {
                    let count = values.len().max(1) as f64;
                    let mean = values.iter().sum::<f64>() / count;
                    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / count;
                    Bin {
                        min: if b == 0 { lowest } else { cuts[b - 1] },
                        max: if b == cuts.len() { highest } else { cuts[b] },
                        mean,
                        sd: var.sqrt() + 1e-11,
                    }
                })
                .collect();
            let mut seen = Vec::new();
            let mut cumulative = 0;
            for (b, values) in members.iter().enumerate() {
                if !values.is_empty() {
                    cumulative += values.len();
                    seen.push((b, cumulative as f64 / n as f64));
                }
            }
            q.cuts.push(cuts);
            q.bins.push(bins);
            q.seen.push(seen);
        }
        q
    }

    pub fn inputs(&self) -> usize {
        self.cuts.len()
    }

    /// The bin of input `j`'s value `v`.
    pub fn bin(&self, j: usize, v: f64) -> usize {
        self.cuts[j].partition_point(|&c| c < v)
    }

    /// A bin of input `j` drawn with the training values' shares (numpy's
    /// `choice` with `p`: a uniform draw against the cumulative shares).
    pub fn draw_bin(&self, j: usize, rng: &mut Rng) -> usize {
        let u: f64 = rng.random();
        let seen = &self.seen[j];
        let at = seen.partition_point(|&(_, c)| c <= u).min(seen.len() - 1);
        seen[at].0
    }

    /// A value of input `j` in bin `b`: a normal draw with the bin's mean
    /// and deviation truncated to its range. Where the range is one value,
    /// lime returns the standardised bound `(min - mean) / sd` instead (its
    /// `get_undiscretize_values` keeps `minz` there): 0 for a bin whose
    /// values are all equal, not the value itself. Kept, as published.
    pub fn draw_value(&self, j: usize, b: usize, rng: &mut Rng) -> f64 {
        let bin = &self.bins[j][b];
        let (low, high) = ((bin.min - bin.mean) / bin.sd, (bin.max - bin.mean) / bin.sd);
        if low == high {
            return low;
        }
        bin.mean + bin.sd * truncated_normal(low, high, rng)
    }
}

/// A standard normal draw truncated to [low, high], by inverting the CDF
/// (as scipy's `truncnorm`); mirrored into the lower tail, where the CDF
/// keeps its relative precision.
fn truncated_normal(low: f64, high: f64, rng: &mut Rng) -> f64 {
    if low > 0.0 {
        return -truncated_normal(-high, -low, rng);
    }
    let normal = Normal::standard();
    let (a, b) = (normal.cdf(low), normal.cdf(high));
    let u: f64 = rng.random();
    if b <= a {
        // Both bounds beyond the CDF's reach: the nearer one.
        return if high < 0.0 { high } else { low };
    }
    normal.inverse_cdf(a + u * (b - a)).clamp(low, high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;

    #[test]
    fn cuts_are_numpys_percentiles_and_bins_its_searchsorted() {
        // 1..=8: percentiles 2.75, 4.5, 6.25.
        let x: Vec<f64> = (1..=8).map(f64::from).collect();
        let q = Quartiles::fit(&x, 1);
        assert_eq!(q.cuts[0], [2.75, 4.5, 6.25]);
        assert_eq!(
            [1.0, 2.75, 2.8, 4.5, 6.3, 100.0].map(|v| q.bin(0, v)),
            [0, 0, 1, 1, 3, 3]
        );
        // Each bin holds two of the eight.
        assert_eq!(q.seen[0], [(0, 0.25), (1, 0.5), (2, 0.75), (3, 1.0)]);
        assert_eq!(q.bins[0][0].min, 1.0);
        assert_eq!(q.bins[0][3].max, 8.0);
        assert_eq!(q.bins[0][1].mean, 3.5);
    }

    #[test]
    fn drawn_values_stay_in_their_bins_with_the_bins_moments() {
        let mut r = rng(1);
        let x: Vec<f64> = (0..400)
            .map(|_| nnbench_core::seed::normal(&mut r))
            .collect();
        let q = Quartiles::fit(&x, 1);
        for b in 0..4 {
            let bin = &q.bins[0][b];
            let draws: Vec<f64> = (0..4000).map(|_| q.draw_value(0, b, &mut r)).collect();
            assert!(draws.iter().all(|&v| v >= bin.min && v <= bin.max), "{b}");
            // A normal truncated near its mean: the draws' mean is close to
            // the bin's (within a tenth of the bin's width).
            let mean = draws.iter().sum::<f64>() / 4000.0;
            let width = (bin.max - bin.min).min(3.0);
            assert!((mean - bin.mean).abs() < 0.1 * width, "{b}: {mean} {bin:?}");
        }
        // Bins are drawn with their shares: a quarter each.
        let mut counts = [0usize; 4];
        for _ in 0..8000 {
            counts[q.draw_bin(0, &mut r)] += 1;
        }
        assert!(
            counts.iter().all(|&c| (1800..2200).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn a_binary_input_has_two_bins_and_lime_s_zero_for_one_valued_ones() {
        // 0/1 with three zeros in four: every quartile cut is 0 or 1.
        let x = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0];
        let q = Quartiles::fit(&x, 1);
        assert_eq!(q.cuts[0], [0.0, 0.25]);
        assert_eq!(q.seen[0].iter().map(|s| s.0).collect::<Vec<_>>(), [0, 2]);
        let mut r = rng(2);
        assert_eq!(q.draw_value(0, 0, &mut r), 0.0);
        // Bin 2 (above 0.25) holds the ones: the range [0.25, 1].
        let v = q.draw_value(0, 2, &mut r);
        assert!((0.25..=1.0).contains(&v), "{v}");
        // Far tails do not break the inversion.
        assert!((39.0..=40.0).contains(&truncated_normal(39.0, 40.0, &mut r)));
        assert!((-40.0..=-39.0).contains(&truncated_normal(-40.0, -39.0, &mut r)));
    }
}
