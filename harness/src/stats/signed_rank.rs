//! Two-sample rank tests: the Wilcoxon signed-rank test for paired samples
//! and the Mann-Whitney U test for unpaired ones, both two-sided.

use super::rank::ranks;
use statrs::distribution::{ContinuousCDF, Normal};

/// Largest number of non-zero differences for which the exact null
/// distribution is used (when there are no ties); the normal approximation
/// with continuity correction beyond.
pub const EXACT_MAX: usize = 25;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignedRank {
    /// Rank sums of the positive and negative differences (zeros dropped).
    pub r_plus: f64,
    pub r_minus: f64,
    /// Non-zero differences.
    pub n: usize,
    pub p: f64,
    pub exact: bool,
}

/// Wilcoxon's signed-rank test of `a - b`. Zero differences are dropped
/// (Wilcoxon's convention, as in R and scipy); ties share average ranks.
/// None when every difference is zero.
pub fn wilcoxon(a: &[f64], b: &[f64]) -> Option<SignedRank> {
    assert_eq!(a.len(), b.len(), "paired samples");
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(x, y)| x - y)
        .filter(|d| *d != 0.0)
        .collect();
    let n = d.len();
    if n == 0 {
        return None;
    }
    let abs: Vec<f64> = d.iter().map(|v| v.abs()).collect();
    let r = ranks(&abs);
    let r_plus: f64 = d
        .iter()
        .zip(&r)
        .filter(|(v, _)| **v > 0.0)
        .map(|(_, r)| r)
        .sum();
    let total = (n * (n + 1)) as f64 / 2.0;
    let r_minus = total - r_plus;
    let ties = tie_groups(&abs);
    let exact = n <= EXACT_MAX && ties.iter().all(|&t| t == 1);
    let p = if exact {
        exact_signed_rank_p(r_plus.min(r_minus) as usize, n)
    } else {
        let tie_term: f64 = ties.iter().map(|&t| (t * t * t - t) as f64).sum::<f64>() / 48.0;
        normal_signed_rank_p(r_plus, n, tie_term)
    };
    Some(SignedRank {
        r_plus,
        r_minus,
        n,
        p,
        exact,
    })
}

/// Two-sided exact p-value of T = min(R+, R-) <= t for n untied differences:
/// 2 P(T <= t), counting the 2^n sign assignments by rank sum.
pub fn exact_signed_rank_p(t: usize, n: usize) -> f64 {
    let max = n * (n + 1) / 2;
    // ways[s] = number of subsets of {1..n} summing to s.
    let mut ways = vec![0f64; max + 1];
    ways[0] = 1.0;
    for rank in 1..=n {
        for s in (rank..=max).rev() {
            ways[s] += ways[s - rank];
        }
    }
    let below: f64 = ways[..=t.min(max)].iter().sum();
    (2.0 * below / 2f64.powi(n as i32)).min(1.0)
}

/// Two-sided p of R+ under the normal approximation, the variance reduced
/// by `tie_term` = sum over tie groups of (t^3 - t) / 48.
fn normal_signed_rank_p(r_plus: f64, n: usize, tie_term: f64) -> f64 {
    let nf = n as f64;
    let sd = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term).sqrt();
    normal_two_sided(r_plus, nf * (nf + 1.0) / 4.0, sd)
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankSum {
    /// U of the first sample.
    pub u: f64,
    pub p: f64,
}

/// Mann-Whitney's U test, normal approximation with tie and continuity
/// corrections. None when a sample is empty.
pub fn mann_whitney(a: &[f64], b: &[f64]) -> Option<RankSum> {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let all: Vec<f64> = a.iter().chain(b).copied().collect();
    let r = ranks(&all);
    let r1: f64 = r[..a.len()].iter().sum();
    let u = r1 - n1 * (n1 + 1.0) / 2.0;
    let n = n1 + n2;
    let tie_term: f64 = tie_groups(&all)
        .iter()
        .map(|&t| (t * t * t - t) as f64)
        .sum::<f64>()
        / (n * (n - 1.0));
    let sd = (n1 * n2 / 12.0 * ((n + 1.0) - tie_term)).sqrt();
    Some(RankSum {
        u,
        p: normal_two_sided(u, n1 * n2 / 2.0, sd),
    })
}

/// Sizes of the groups of equal values.
fn tie_groups(values: &[f64]) -> Vec<usize> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.chunk_by(|a, b| a == b).map(<[f64]>::len).collect()
}

/// Two-sided p of `statistic` under N(mean, sd), with a continuity correction of 1/2.
fn normal_two_sided(statistic: f64, mean: f64, sd: f64) -> f64 {
    if sd == 0.0 {
        return 1.0;
    }
    let z = ((statistic - mean).abs() - 0.5).max(0.0) / sd;
    (2.0 * Normal::standard().sf(z)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_p_agrees_with_the_critical_value_table() {
        // Two-sided alpha = 0.05 critical values of T (reject when T <= value),
        // as tabulated in Demsar (2006) section 3.1.3 and in Siegel's tables.
        let table = [
            (6, 0),
            (7, 2),
            (8, 3),
            (9, 5),
            (10, 8),
            (11, 10),
            (12, 13),
            (13, 17),
            (14, 21),
            (15, 25),
            (20, 52),
            (25, 89),
        ];
        for (n, t) in table {
            assert!(exact_signed_rank_p(t, n) <= 0.05, "n = {n}, T = {t}");
            assert!(
                exact_signed_rank_p(t + 1, n) > 0.05,
                "n = {n}, T = {}",
                t + 1
            );
        }
        // Five positive differences: only 1 of 32 assignments is as extreme per side.
        assert_eq!(exact_signed_rank_p(0, 5), 2.0 / 32.0);
    }

    #[test]
    fn wilcoxon_on_demsar_c45_example() {
        // Demsar (2006) Table 2: AUC (in thousandths, so differences are
        // exact) of C4.5+m and C4.5 on 14 data sets. Demsar splits the two
        // zero differences between the sides and gets R+ = 93, R- = 12; with
        // the zeros dropped, the 12 others rank 1..12, the two 5s sharing 1.5,
        // and the negatives (-8 and -5) hold ranks 5 and 1.5.
        let c45m = [
            768.0, 591.0, 971.0, 661.0, 888.0, 931.0, 668.0, 583.0, 838.0, 1000.0, 962.0, 666.0,
            981.0, 978.0,
        ];
        let c45 = [
            763.0, 599.0, 954.0, 628.0, 882.0, 936.0, 661.0, 583.0, 775.0, 1000.0, 940.0, 619.0,
            972.0, 957.0,
        ];
        let w = wilcoxon(&c45m, &c45).unwrap();
        assert_eq!((w.n, w.r_plus, w.r_minus), (12, 71.5, 6.5));
        // Demsar's sums follow: shifting every rank up by 2 and adding 1.5 of the zeros' 3 to each side.
        assert_eq!(w.r_minus + 2.0 * 2.0 + 1.5, 12.0);
        assert!(!w.exact, "the two 5s are tied");
        // z = (71.5 - 39 - 0.5) / sqrt(162.5 - 6 / 48) = 2.511, p = 0.0120.
        assert!((w.p - 0.0120).abs() < 2e-4, "{}", w.p);
    }

    #[test]
    fn the_normal_approximation_is_close_to_exact_at_the_switch() {
        // At n = 25, where the exact distribution hands over, the continuity-
        // corrected normal p is within 0.002 of the exact one near 0.05 and
        // within 0.006 further out.
        for (t, tolerance) in [
            (60, 2e-3),
            (89, 2e-3),
            (100, 6e-3),
            (120, 6e-3),
            (150, 6e-3),
        ] {
            let exact = exact_signed_rank_p(t, 25);
            let approx = normal_signed_rank_p(t as f64, 25, 0.0);
            assert!(
                (exact - approx).abs() < tolerance,
                "T = {t}: {exact} vs {approx}"
            );
        }
        let d: Vec<f64> = (1..=30)
            .map(|i| i as f64 * if i % 5 == 0 { -1.0 } else { 1.0 })
            .collect();
        let w = wilcoxon(&d, &[0.0; 30]).unwrap();
        assert!(!w.exact && w.r_minus == 5.0 + 10.0 + 15.0 + 20.0 + 25.0 + 30.0);
        assert!(wilcoxon(&[1.0, 2.0], &[1.0, 2.0]).is_none());
    }

    #[test]
    fn mann_whitney_agrees_with_a_full_permutation_count() {
        let a = [1.1, 2.3, 0.7, 3.9, 2.8, 1.9];
        let b = [3.1, 4.2, 2.9, 5.0, 4.4, 3.3, 2.2];
        let got = mann_whitney(&a, &b).unwrap();
        // U of a: pairs (x in a, y in b) with x > y.
        let u: usize = a.iter().map(|x| b.iter().filter(|y| x > y).count()).sum();
        assert_eq!(got.u, u as f64);
        // The exact two-sided p by enumerating all C(13, 6) splits.
        let all: Vec<f64> = a.iter().chain(&b).copied().collect();
        let observed = (got.u - 21.0).abs();
        let (mut extreme, mut total) = (0u32, 0u32);
        for mask in 0u32..(1 << 13) {
            if mask.count_ones() != 6 {
                continue;
            }
            let (x, y): (Vec<_>, Vec<_>) = (0..13).partition(|i| mask >> i & 1 == 1);
            let u: usize = x
                .iter()
                .map(|&i| y.iter().filter(|&&j| all[i] > all[j]).count())
                .sum();
            total += 1;
            extreme += u32::from((u as f64 - 21.0).abs() >= observed);
        }
        let exact = f64::from(extreme) / f64::from(total);
        assert!((got.p - exact).abs() < 0.01, "{} vs {exact}", got.p);
    }
}
