//! Variation of real genomes in a box: simulated binary crossover (SBX, Deb
//! and Agrawal 1995) and polynomial mutation (Deb and Goyal 1996), in the
//! bounded forms of Deb's NSGA-II code and PlatEMO's `OperatorGA`.

use crate::nsga2::{Individual, Operators};
use nnbench_core::Rng;
use rand::RngExt;

/// SBX and polynomial mutation with their usual settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RealOperators {
    /// (lower, upper) of every gene.
    pub bounds: Vec<(f64, f64)>,
    /// Distribution index of SBX (20).
    pub eta_c: f64,
    /// Probability that a pair is crossed at all (1).
    pub p_crossover: f64,
    /// Distribution index of the mutation (20).
    pub eta_m: f64,
    /// Probability that a gene mutates (1 / genes).
    pub p_mutation: f64,
}

impl RealOperators {
    pub fn new(bounds: Vec<(f64, f64)>) -> RealOperators {
        let genes = bounds.len().max(1) as f64;
        RealOperators {
            bounds,
            eta_c: 20.0,
            p_crossover: 1.0,
            eta_m: 20.0,
            p_mutation: 1.0 / genes,
        }
    }
}

/// The SBX spread factor for a uniform draw `u` in [0, 1).
pub fn sbx_beta(u: f64, eta: f64) -> f64 {
    if u <= 0.5 {
        (2.0 * u).powf(1.0 / (eta + 1.0))
    } else {
        (1.0 / (2.0 * (1.0 - u))).powf(1.0 / (eta + 1.0))
    }
}

impl Operators<Vec<f64>> for RealOperators {
    fn crossover(
        &mut self,
        a: &Individual<Vec<f64>>,
        b: &Individual<Vec<f64>>,
        rng: &mut Rng,
    ) -> (Vec<f64>, Vec<f64>) {
        let (mut c1, mut c2) = (a.genome.clone(), b.genome.clone());
        if rng.random::<f64>() >= self.p_crossover {
            return (c1, c2);
        }
        for (j, &(lo, hi)) in self.bounds.iter().enumerate() {
            // Each gene is crossed with probability 1/2, and its children
            // swapped with probability 1/2, as PlatEMO does.
            let (u, cross, swap) = (
                rng.random::<f64>(),
                rng.random::<bool>(),
                rng.random::<bool>(),
            );
            if !cross {
                continue;
            }
            let beta = sbx_beta(u, self.eta_c);
            let (x, y) = (a.genome[j], b.genome[j]);
            let (mean, half) = ((x + y) / 2.0, (x - y) / 2.0);
            let (mut v1, mut v2) = (mean + beta * half, mean - beta * half);
            if swap {
                std::mem::swap(&mut v1, &mut v2);
            }
            c1[j] = v1.clamp(lo, hi);
            c2[j] = v2.clamp(lo, hi);
        }
        (c1, c2)
    }

    fn mutate(&mut self, child: &mut Vec<f64>, rng: &mut Rng) {
        for (v, &(lo, hi)) in child.iter_mut().zip(&self.bounds) {
            if rng.random::<f64>() >= self.p_mutation || hi <= lo {
                continue;
            }
            let u = rng.random::<f64>();
            let (d1, d2) = ((*v - lo) / (hi - lo), (hi - *v) / (hi - lo));
            let power = 1.0 / (self.eta_m + 1.0);
            let delta = if u < 0.5 {
                let t = 2.0 * u + (1.0 - 2.0 * u) * (1.0 - d1).powf(self.eta_m + 1.0);
                t.powf(power) - 1.0
            } else {
                let t = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * (1.0 - d2).powf(self.eta_m + 1.0);
                1.0 - t.powf(power)
            };
            *v = (*v + delta * (hi - lo)).clamp(lo, hi);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spread_factor_has_its_median_at_one() {
        assert_eq!(sbx_beta(0.5, 20.0), 1.0);
        assert!(sbx_beta(0.1, 20.0) < 1.0 && sbx_beta(0.9, 20.0) > 1.0);
        // P(beta <= 1) = 1/2 exactly; the larger eta, the closer to the parents.
        assert!(sbx_beta(0.99, 20.0) < sbx_beta(0.99, 2.0));
    }

    #[test]
    fn children_keep_the_parents_mean_and_stay_in_the_box() {
        let mut ops = RealOperators::new(vec![(0.0, 1.0); 8]);
        let mut rng = nnbench_core::seed::rng(5);
        let ind = |g: Vec<f64>| Individual {
            genome: g,
            objectives: vec![],
        };
        let a = ind(vec![0.2, 0.4, 0.5, 0.9, 0.1, 0.3, 0.6, 0.7]);
        let b = ind(vec![0.3, 0.1, 0.5, 0.8, 0.6, 0.35, 0.2, 0.75]);
        for _ in 0..200 {
            let (c1, c2) = ops.crossover(&a, &b, &mut rng);
            for j in 0..8 {
                assert!((0.0..=1.0).contains(&c1[j]) && (0.0..=1.0).contains(&c2[j]));
                let unclamped = [c1[j], c2[j]].iter().all(|v| *v > 0.0 && *v < 1.0);
                if unclamped {
                    let mean = (a.genome[j] + b.genome[j]) / 2.0;
                    assert!(((c1[j] + c2[j]) / 2.0 - mean).abs() < 1e-12);
                }
            }
            let mut m = c1.clone();
            ops.mutate(&mut m, &mut rng);
            assert!(m.iter().all(|v| (0.0..=1.0).contains(v)));
        }
    }
}
