//! Ensembles of a front's members (the paper's last claim): the class
//! probabilities averaged over the members, and the majority vote of their
//! predicted classes. Each gives a prediction per row and a score per row
//! for out-of-distribution detection: the largest averaged probability at
//! temperature T, and the winning class's share of the votes.

use crate::layer::{Features, SparseNet, Weights, argmax, softmax_in_place};

/// A member: its network (shape and mask) and trained weights.
pub type Member<'a> = (&'a SparseNet, &'a Weights);

/// Predictions and detection scores of an ensemble on some rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Votes {
    pub classes: Vec<usize>,
    pub scores: Vec<f64>,
}

/// softmax(logits / T) of every row of every member, averaged; `k` per row.
pub fn averaged_probabilities(
    members: &[Member<'_>],
    data: &Features,
    temperature: f64,
) -> Vec<f64> {
    let k = members.first().map_or(0, |(net, _)| net.k);
    let mut mean = vec![0.0; data.rows() * k];
    for (net, w) in members {
        let mut logits = net.logits(w, data);
        for row in logits.chunks_mut(k) {
            row.iter_mut().for_each(|l| *l /= temperature);
            softmax_in_place(row);
        }
        for (m, p) in mean.iter_mut().zip(&logits) {
            *m += p / members.len() as f64;
        }
    }
    mean
}

/// The averaged ensemble: each row's most probable class (probabilities at
/// T = 1) and its largest probability at `temperature`.
pub fn average(members: &[Member<'_>], data: &Features, temperature: f64) -> Votes {
    let k = members.first().map_or(1, |(net, _)| net.k);
    let classes = averaged_probabilities(members, data, 1.0)
        .chunks(k)
        .map(argmax)
        .collect();
    let scores = averaged_probabilities(members, data, temperature)
        .chunks(k)
        .map(|row| row.iter().copied().fold(0.0, f64::max))
        .collect();
    Votes { classes, scores }
}

/// The majority vote: each row's most voted class (the lowest of tied
/// classes) and the share of members that voted for it.
pub fn vote(members: &[Member<'_>], data: &Features) -> Votes {
    let k = members.first().map_or(1, |(net, _)| net.k);
    let mut counts = vec![0usize; data.rows() * k];
    for (net, w) in members {
        for (r, row) in net.logits(w, data).chunks(k).enumerate() {
            counts[r * k + argmax(row)] += 1;
        }
    }
    let (classes, scores) = counts
        .chunks(k)
        .map(|row| {
            let best = argmax(row);
            (best, row[best] as f64 / members.len().max(1) as f64)
        })
        .unzip();
    Votes { classes, scores }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auroc::max_softmax;
    use crate::layer::Mode;
    use nnbench_core::seed::rng;
    use rand::RngExt;

    #[test]
    fn an_ensemble_of_identical_members_is_the_member() {
        let mut r = rng(31);
        let (d, h, k) = (4, 6, 3);
        let net = SparseNet {
            d,
            h,
            k,
            mode: Mode::First,
            mask: vec![true, true, false, true],
        };
        let w = Weights::glorot(d, h, k, &mut r);
        let data = Features {
            d,
            x: (0..20 * d).map(|_| r.random_range(-2.0..2.0)).collect(),
            y: vec![0; 20],
        };
        let logits = net.logits(&w, &data);
        let alone: Vec<usize> = logits.chunks(k).map(argmax).collect();
        let three = [(&net, &w), (&net, &w), (&net, &w)];
        let averaged = average(&three, &data, 1000.0);
        assert_eq!(averaged.classes, alone);
        for (a, b) in averaged.scores.iter().zip(max_softmax(&logits, k, 1000.0)) {
            assert!((a - b).abs() < 1e-12);
        }
        let voted = vote(&three, &data);
        assert_eq!(voted.classes, alone);
        assert!(voted.scores.iter().all(|&s| s == 1.0));
    }

    #[test]
    fn the_vote_takes_the_majority_and_the_lowest_of_ties() {
        // Three one-unit networks whose logits are fixed by their biases.
        let net = SparseNet {
            d: 1,
            h: 1,
            k: 2,
            mode: Mode::First,
            mask: vec![false],
        };
        let says = |class: usize| Weights {
            w1: vec![0.0],
            b1: vec![0.0],
            w2: vec![0.0, 0.0],
            b2: if class == 0 {
                vec![1.0, 0.0]
            } else {
                vec![0.0, 1.0]
            },
        };
        let (a, b, c) = (says(1), says(0), says(1));
        let data = Features {
            d: 1,
            x: vec![0.0],
            y: vec![1],
        };
        let voted = vote(&[(&net, &a), (&net, &b), (&net, &c)], &data);
        assert_eq!((voted.classes[0], voted.scores[0]), (1, 2.0 / 3.0));
        let tied = vote(&[(&net, &a), (&net, &b)], &data);
        assert_eq!(tied.classes[0], 0);
    }
}
