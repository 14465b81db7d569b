//! Out-of-distribution detection as the authors score it (`ood.py`): each
//! sample's score is its maximum softmax probability at temperature T
//! (ODIN's temperature, without its input perturbation), and the AUROC says
//! how well that score tells in-distribution samples from the others.

/// The area under the ROC curve of `positive` scores against `negative`
/// ones, higher meaning positive: the probability that a random positive
/// outscores a random negative, a tie counting one half (the Mann-Whitney
/// form, equal to scikit-learn's `roc_auc_score`). None when either side is
/// empty. Written here: it is ten lines over a sort.
pub fn auroc(positive: &[f64], negative: &[f64]) -> Option<f64> {
    if positive.is_empty() || negative.is_empty() {
        return None;
    }
    let mut all: Vec<(f64, bool)> = positive
        .iter()
        .map(|&s| (s, true))
        .chain(negative.iter().map(|&s| (s, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the positives' ranks (1-based), ties sharing their mean rank.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += mean_rank * all[i..j].iter().filter(|s| s.1).count() as f64;
        i = j;
    }
    let (p, n) = (positive.len() as f64, negative.len() as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// Each row's maximum of softmax(logits / T); `logits` holds `k` per row.
pub fn max_softmax(logits: &[f64], k: usize, temperature: f64) -> Vec<f64> {
    logits
        .chunks(k)
        .map(|row| {
            let scaled: Vec<f64> = row.iter().map(|l| l / temperature).collect();
            let max = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            // max softmax = exp(max - max) / sum exp(l - max) = 1 / sum.
            1.0 / scaled.iter().map(|l| (l - max).exp()).sum::<f64>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: every (positive, negative) pair, 1 when the positive is
    /// higher, 1/2 on a tie.
    fn by_pairs(positive: &[f64], negative: &[f64]) -> f64 {
        let mut wins = 0.0;
        for &p in positive {
            for &n in negative {
                wins += if p > n {
                    1.0
                } else if p == n {
                    0.5
                } else {
                    0.0
                };
            }
        }
        wins / (positive.len() * negative.len()) as f64
    }

    #[test]
    fn auroc_counts_pairs_with_ties_as_halves() {
        // Hand count: positives {0.9, 0.5, 0.5}, negatives {0.5, 0.1}:
        // 0.9 beats both (2), each 0.5 ties 0.5 and beats 0.1 (1.5 + 1.5): 5 / 6.
        let (pos, neg) = ([0.9, 0.5, 0.5], [0.5, 0.1]);
        assert!((auroc(&pos, &neg).unwrap() - 5.0 / 6.0).abs() < 1e-15);
        assert_eq!(auroc(&[1.0, 2.0], &[0.0]), Some(1.0));
        assert_eq!(auroc(&[0.0], &[1.0, 2.0]), Some(0.0));
        assert_eq!(auroc(&[0.3; 4], &[0.3; 5]), Some(0.5));
        assert_eq!(auroc(&[], &[1.0]), None);
        let pos: Vec<f64> = (0..40).map(|i| ((i * 37) % 11) as f64 / 10.0).collect();
        let neg: Vec<f64> = (0..30).map(|i| ((i * 17) % 7) as f64 / 8.0).collect();
        assert!((auroc(&pos, &neg).unwrap() - by_pairs(&pos, &neg)).abs() < 1e-12);
    }

    #[test]
    fn max_softmax_flattens_with_the_temperature() {
        let logits = [2.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let t1 = max_softmax(&logits, 3, 1.0);
        let by_hand = 2f64.exp() / (2f64.exp() + 2.0);
        assert!((t1[0] - by_hand).abs() < 1e-15);
        assert!((t1[1] - 1.0 / 3.0).abs() < 1e-15);
        // T = 1000: every score close to 1/k, the order kept.
        let t = max_softmax(&logits, 3, 1000.0);
        assert!(t[0] > t[1] && (t[0] - 1.0 / 3.0).abs() < 1e-3);
    }
}
