//! The Bayesian signed-rank test of Benavoli, Corani, Demsar and Zaffalon
//! (2017, J. Mach. Learn. Res. 18(77)): a Dirichlet process posterior over the
//! distribution of paired differences, with a region of practical
//! equivalence (rope). Monte Carlo, seeded, so a report is reproducible.

use nnbench_core::seed;
use rand::RngExt;

/// Posterior probabilities that the difference lies left of the rope, in it,
/// or right of it (they sum to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Posterior {
    pub left: f64,
    pub rope: f64,
    pub right: f64,
}

/// For each posterior sample, weights w ~ Dirichlet(1/2, 1, ..., 1) over
/// (0, d_1, ..., d_n), the pseudo-observation 0 carrying the paper's prior
/// strength 1/2; theta_left = sum over pairs (i, j) of w_i w_j [d_i + d_j <
/// -2 rope], likewise rope and right; the probabilities are the fractions of
/// samples in which each theta is the largest.
pub fn signed_rank(differences: &[f64], rope: f64, samples: usize, seed: u64) -> Posterior {
    let z: Vec<f64> = std::iter::once(0.0)
        .chain(differences.iter().copied())
        .collect();
    let mut rng = seed::rng(seed);
    let mut wins = [0usize; 3];
    let mut w = vec![0.0; z.len()];
    for _ in 0..samples {
        // Dirichlet by Gamma draws (the normalisation cancels when the thetas
        // are compared): Gamma(1/2) is N(0, 1)^2 / 2, Gamma(1) is Exp(1).
        let n = standard_normal(&mut rng);
        w[0] = 0.5 * n * n;
        for wi in &mut w[1..] {
            *wi = -(1.0 - rng.random::<f64>()).ln();
        }
        let mut theta = [0.0; 3];
        for i in 0..z.len() {
            for j in i..z.len() {
                let weight = if i == j { 1.0 } else { 2.0 } * w[i] * w[j];
                let sum = z[i] + z[j];
                let side = if sum < -2.0 * rope {
                    0
                } else if sum > 2.0 * rope {
                    2
                } else {
                    1
                };
                theta[side] += weight;
            }
        }
        let best = (0..3).fold(0, |b, s| if theta[s] > theta[b] { s } else { b });
        wins[best] += 1;
    }
    let fraction = |c: usize| c as f64 / samples as f64;
    Posterior {
        left: fraction(wins[0]),
        rope: fraction(wins[1]),
        right: fraction(wins[2]),
    }
}

/// Box-Muller: one standard normal from two uniforms.
fn standard_normal(rng: &mut seed::Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_samples_put_the_mass_in_the_rope() {
        let p = signed_rank(&[0.0; 20], 0.01, 2000, 1);
        assert!(p.rope > 0.99, "{p:?}");
    }

    #[test]
    fn a_clear_improvement_goes_right_and_its_mirror_left() {
        let d: Vec<f64> = (0..15).map(|i| 0.5 + 0.1 * i as f64).collect();
        let right = signed_rank(&d, 0.01, 2000, 7);
        assert!(right.right > 0.99, "{right:?}");
        let mirrored: Vec<f64> = d.iter().map(|v| -v).collect();
        let left = signed_rank(&mirrored, 0.01, 2000, 7);
        // Same seed, same weights: exactly the mirror image.
        assert_eq!(
            (left.left, left.rope, left.right),
            (right.right, right.rope, right.left)
        );
    }

    #[test]
    fn small_differences_inside_a_wide_rope_are_equivalent() {
        let d: Vec<f64> = (0..15).map(|i| 0.001 * (i as f64 - 7.0)).collect();
        let p = signed_rank(&d, 0.05, 2000, 3);
        assert!(p.rope > 0.95, "{p:?}");
        assert!((p.left + p.rope + p.right - 1.0).abs() < 1e-12);
    }

    #[test]
    fn mixed_evidence_stays_uncertain_and_the_seed_reproduces_it() {
        let d = [0.3, -0.2, 0.25, -0.3, 0.1, -0.15, 0.2, -0.25];
        let a = signed_rank(&d, 0.01, 2000, 11);
        assert!(a.left > 0.05 && a.right > 0.05, "{a:?}");
        assert_eq!(a, signed_rank(&d, 0.01, 2000, 11));
    }
}
