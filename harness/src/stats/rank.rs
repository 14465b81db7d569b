//! Comparing k methods over N datasets by their ranks (Demsar 2006): average
//! ranks, the Friedman test with the Iman-Davenport correction, and the
//! Nemenyi critical difference.

use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor, Normal};

/// Ranks of `values` (1 = smallest), ties sharing the average of their ranks.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end (0-based) share the mean of ranks start+1..=end.
        let shared = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            out[i] = shared;
        }
        start = end;
    }
    out
}

/// The Friedman test on N datasets (rows) x k methods (columns), where a
/// smaller value is better.
#[derive(Debug, Clone, PartialEq)]
pub struct Friedman {
    /// Mean rank of each method (1 = best).
    pub mean_ranks: Vec<f64>,
    pub datasets: usize,
    pub chi2: f64,
    pub chi2_p: f64,
    /// Iman and Davenport's F, with (k - 1, (k - 1)(N - 1)) degrees of freedom.
    pub f: f64,
    pub f_p: f64,
}

impl Friedman {
    /// None with fewer than two methods or two datasets.
    pub fn test(rows: &[Vec<f64>]) -> Option<Friedman> {
        let n = rows.len();
        let k = rows.first()?.len();
        if n < 2 || k < 2 {
            return None;
        }
        let mut sums = vec![0.0; k];
        for row in rows {
            for (m, r) in sums.iter_mut().zip(ranks(row)) {
                *m += r;
            }
        }
        Friedman::from_mean_ranks(sums.iter().map(|s| s / n as f64).collect(), n)
    }

    /// The statistics from the mean ranks of k methods over n datasets.
    pub fn from_mean_ranks(mean_ranks: Vec<f64>, n: usize) -> Option<Friedman> {
        let (nf, kf) = (n as f64, mean_ranks.len() as f64);
        let sum_sq: f64 = mean_ranks.iter().map(|r| r * r).sum();
        let chi2 = 12.0 * nf / (kf * (kf + 1.0)) * (sum_sq - kf * (kf + 1.0).powi(2) / 4.0);
        let chi2_p = ChiSquared::new(kf - 1.0).ok()?.sf(chi2);
        let (d1, d2) = (kf - 1.0, (kf - 1.0) * (nf - 1.0));
        let denominator = nf * (kf - 1.0) - chi2;
        // Every dataset ranking the methods identically leaves no error term: F is infinite.
        let (f, f_p) = if denominator > 0.0 {
            let f = (nf - 1.0) * chi2 / denominator;
            (f, FisherSnedecor::new(d1, d2).ok()?.sf(f))
        } else {
            (f64::INFINITY, 0.0)
        };
        Some(Friedman {
            mean_ranks,
            datasets: n,
            chi2,
            chi2_p,
            f,
            f_p,
        })
    }
}

/// The Nemenyi critical difference of mean ranks for k methods on n
/// datasets at level `alpha`: q_alpha sqrt(k (k + 1) / (6 n)), with q_alpha
/// the studentised range quantile (infinite degrees of freedom) over sqrt 2.
pub fn nemenyi_cd(k: usize, n: usize, alpha: f64) -> f64 {
    let q = studentized_range_quantile(1.0 - alpha, k) / std::f64::consts::SQRT_2;
    q * (k as f64 * (k as f64 + 1.0) / (6.0 * n as f64)).sqrt()
}

/// P(range of k standard normals <= q) = k * integral of phi(z) (Phi(z) -
/// Phi(z - q))^(k - 1) dz. statrs has no studentised range, and with
/// infinite degrees of freedom this one integral is all it takes.
pub fn studentized_range_cdf(q: f64, k: usize) -> f64 {
    if q <= 0.0 {
        return 0.0;
    }
    let normal = Normal::standard();
    let phi = |z: f64| (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let integrand = |z: f64| phi(z) * (normal.cdf(z) - normal.cdf(z - q)).powi(k as i32 - 1);
    // Composite Simpson over the whole mass of phi; the integrand is smooth.
    let (a, b, steps) = (-9.0, 9.0 + q, 4000);
    let h = (b - a) / steps as f64;
    let mut sum = integrand(a) + integrand(b);
    for i in 1..steps {
        let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += weight * integrand(a + i as f64 * h);
    }
    (k as f64 * sum * h / 3.0).min(1.0)
}

/// The q with studentized_range_cdf(q, k) = p, by bisection.
pub fn studentized_range_quantile(p: f64, k: usize) -> f64 {
    let (mut lo, mut hi) = (0.0, 20.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if studentized_range_cdf(mid, k) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_the_average_rank() {
        assert_eq!(ranks(&[3.0, 1.0, 2.0]), vec![3.0, 1.0, 2.0]);
        assert_eq!(ranks(&[1.0, 2.0, 2.0, 5.0]), vec![1.0, 2.5, 2.5, 4.0]);
        assert_eq!(ranks(&[7.0; 3]), vec![2.0; 3]);
    }

    #[test]
    fn friedman_and_iman_davenport_reproduce_demsar_section_3_2_4() {
        // Demsar (2006), J. Mach. Learn. Res. 7:1-30, section 3.2.4: four
        // methods on 14 data sets with average ranks 3.143, 2.000, 2.893 and
        // 1.964 give chi2_F = 9.28 and F_F = 3.69, against a critical
        // F(3, 39) of 2.85 at 0.05.
        let f = Friedman::from_mean_ranks(vec![3.143, 2.000, 2.893, 1.964], 14).unwrap();
        assert!((f.chi2 - 9.28).abs() < 5e-3, "{}", f.chi2);
        assert!((f.f - 3.69).abs() < 5e-3, "{}", f.f);
        assert!(f.f_p < 0.05 && f.f_p > 0.01, "{}", f.f_p);
        assert!(f.chi2_p < 0.05, "{}", f.chi2_p);
    }

    #[test]
    fn friedman_ranks_each_dataset_then_averages() {
        // By hand: ranks (1, 2, 3), (1, 3, 2), (2, 1, 3) with a tie-free
        // layout average to (4/3, 2, 8/3).
        let rows = vec![
            vec![0.1, 0.2, 0.3],
            vec![5.0, 9.0, 7.0],
            vec![2.0, 1.0, 3.0],
        ];
        let f = Friedman::test(&rows).unwrap();
        for (got, want) in f.mean_ranks.iter().zip([4.0 / 3.0, 2.0, 8.0 / 3.0]) {
            assert!((got - want).abs() < 1e-12);
        }
        // chi2 = 12 * 3 / (3 * 4) * (16/9 + 4 + 64/9 - 12) = 3 * (8/9) = 8/3.
        assert!((f.chi2 - 8.0 / 3.0).abs() < 1e-12, "{}", f.chi2);
    }

    #[test]
    fn identical_rankings_give_an_infinite_f() {
        let rows = vec![vec![1.0, 2.0, 3.0]; 5];
        let f = Friedman::test(&rows).unwrap();
        assert_eq!(f.mean_ranks, vec![1.0, 2.0, 3.0]);
        assert!(f.f.is_infinite() && f.f_p == 0.0);
        assert!(Friedman::test(&rows[..1]).is_none());
    }

    #[test]
    fn nemenyi_q_matches_demsar_table_5a() {
        // Demsar Table 5(a), q_0.05 and q_0.10 for k = 2..10.
        let q05 = [
            1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164,
        ];
        let q10 = [
            1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920,
        ];
        for (i, (a, b)) in q05.iter().zip(q10).enumerate() {
            let k = i + 2;
            let got05 = studentized_range_quantile(0.95, k) / std::f64::consts::SQRT_2;
            let got10 = studentized_range_quantile(0.90, k) / std::f64::consts::SQRT_2;
            assert!((got05 - a).abs() < 1.5e-3, "k = {k}: {got05} vs {a}");
            assert!((got10 - b).abs() < 1.5e-3, "k = {k}: {got10} vs {b}");
        }
    }

    #[test]
    fn nemenyi_cd_matches_demsar_example() {
        // Demsar section 3.2.4: four methods on 14 data sets, CD = 1.25 at 0.05.
        assert!((nemenyi_cd(4, 14, 0.05) - 1.25).abs() < 5e-3);
        // ... and 1.12 at 0.10.
        assert!((nemenyi_cd(4, 14, 0.10) - 1.12).abs() < 5e-3);
    }
}
