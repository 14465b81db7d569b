//! Statistical tests for comparing methods, written on statrs'
//! distributions and checked against published worked examples (each test
//! cites its source). Nothing here knows about stores or reports.

pub mod bayes;
pub mod rank;
pub mod signed_rank;

pub use bayes::Posterior;
pub use rank::{Friedman, nemenyi_cd};
pub use signed_rank::{SignedRank, mann_whitney, wilcoxon};

/// Holm's step-down adjustment of `p`, returned in the input order:
/// sorted ascending, the i-th (0-based) of m is multiplied by m - i, then
/// made monotone and capped at 1.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (i, &at) in order.iter().enumerate() {
        running = running.max(((m - i) as f64 * p[at]).min(1.0));
        adjusted[at] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::holm;

    #[test]
    fn holm_steps_down_and_stays_monotone() {
        // By hand: sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 gives
        // 0.02, 0.03, 0.06, 0.04; monotone: 0.02, 0.03, 0.06, 0.06.
        let got = holm(&[0.01, 0.04, 0.03, 0.005]);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{got:?}");
        }
        assert_eq!(holm(&[0.5, 0.9]), vec![1.0, 1.0]);
        assert!(holm(&[]).is_empty());
    }
}
