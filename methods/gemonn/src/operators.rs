//! GEMONN's variation, as the authors' code does it
//! (`public/P_generator_SL_optimization.py`, `Private_function.py`):
//! - initial individual k of N: every gene uniform in +-6 / sqrt(genes per
//!   hidden unit + hidden), then zeroed unless U < k / N, so densities range
//!   from 1/N to 1 (the code's 6 / sqrt, not Glorot's sqrt(6 / ...));
//! - gradient-guided SBX (eta 20, crossover probability 1): per gene the
//!   parents are ordered (smaller first); each child's spread factor comes
//!   from the half of (0, 1) that the sign of the smaller parent's gradient
//!   chooses, so the child moves against the gradient; with probability 1/2
//!   per pair a zero gene of a parent keeps beta = 1 (its child keeps the
//!   zero); then, per gene with probability 1/2, children take each other's
//!   value where the gradients' signs say so, and the order is undone;
//! - mutation with probability 1/D per gene sets the gene to zero, and
//!   every gene is clipped to its bounds.

use crate::net::SparseNet;
use nnbench_core::Rng;
use nnbench_moea::real::sbx_beta;
use nnbench_moea::{Individual, Operators};
use rand::RngExt;

/// An individual's weights and the gradient of its loss at its last evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Genome {
    pub weights: Vec<f64>,
    pub gradient: Vec<f64>,
}

/// The initial population of the authors' code.
pub fn initial(net: &SparseNet, population: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    let range = 6.0 / ((net.inputs + 1 + net.hidden) as f64).sqrt();
    (1..=population)
        .map(|k| {
            let keep = k as f64 / population as f64;
            (0..net.genes())
                .map(|_| {
                    let v = rng.random_range(-range..range);
                    if rng.random::<f64>() < keep { v } else { 0.0 }
                })
                .collect()
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Guided {
    pub bounds: Vec<(f64, f64)>,
    pub eta: f64,
    pub p_crossover: f64,
    pub p_mutation: f64,
    /// Probability per pair that zero genes keep beta = 1.
    pub p_sparse: f64,
}

impl Guided {
    /// The authors' settings for `bounds`.
    pub fn new(bounds: Vec<(f64, f64)>) -> Guided {
        let d = bounds.len().max(1) as f64;
        Guided {
            bounds,
            eta: 20.0,
            p_crossover: 1.0,
            p_mutation: 1.0 / d,
            p_sparse: 0.5,
        }
    }
}

/// The spread factor's draw from the half of (0, 1) the gradient's sign
/// picks: above 1/2 (beta > 1) for a positive gradient, below for a
/// negative one, anywhere for zero.
fn guided_u(gradient: f64, low: f64, high: f64, any: f64) -> f64 {
    if gradient > 0.0 {
        high
    } else if gradient < 0.0 {
        low
    } else {
        any
    }
}

impl Operators<Genome> for Guided {
    fn crossover(
        &mut self,
        a: &Individual<Genome>,
        b: &Individual<Genome>,
        rng: &mut Rng,
    ) -> (Genome, Genome) {
        let d = self.bounds.len();
        let sparse = rng.random::<f64>() < self.p_sparse;
        let (mut c1, mut c2) = (vec![0.0; d], vec![0.0; d]);
        for j in 0..d {
            let (low, high, any) = (
                rng.random::<f64>() / 2.0,
                rng.random::<f64>() / 2.0 + 0.5,
                rng.random::<f64>(),
            );
            let (cross1, cross2, swap) = (
                rng.random::<f64>() < self.p_crossover,
                rng.random::<f64>() < self.p_crossover,
                rng.random::<bool>(),
            );
            // Order the parents' genes (and gradients): p0 <= p1.
            let flip = a.genome.weights[j] > b.genome.weights[j];
            let (p0, p1, g0, g1) = if flip {
                (
                    b.genome.weights[j],
                    a.genome.weights[j],
                    b.genome.gradient[j],
                    a.genome.gradient[j],
                )
            } else {
                (
                    a.genome.weights[j],
                    b.genome.weights[j],
                    a.genome.gradient[j],
                    b.genome.gradient[j],
                )
            };
            let (mean, half) = ((p0 + p1) / 2.0, (p0 - p1) / 2.0);
            let beta1 = if !cross1 || (sparse && p0 == 0.0) {
                1.0
            } else {
                sbx_beta(guided_u(g0, low, high, any), self.eta)
            };
            // The code guides the second child by the first parent's gradient too.
            let beta2 = if !cross2 || (sparse && p1 == 0.0) {
                1.0
            } else {
                sbx_beta(guided_u(-g0, low, high, any), self.eta)
            };
            let (v1, v2) = (mean + beta1 * half, mean - beta2 * half);
            let (mut x1, mut x2) = (v1, v2);
            if swap && g0 < 0.0 {
                x1 = v2;
            }
            if swap && g1 > 0.0 {
                x2 = v1;
            }
            if flip {
                std::mem::swap(&mut x1, &mut x2);
            }
            c1[j] = x1;
            c2[j] = x2;
        }
        let blank = || vec![0.0; d];
        (
            Genome {
                weights: c1,
                gradient: blank(),
            },
            Genome {
                weights: c2,
                gradient: blank(),
            },
        )
    }

    fn mutate(&mut self, child: &mut Genome, rng: &mut Rng) {
        for (v, &(lo, hi)) in child.weights.iter_mut().zip(&self.bounds) {
            if rng.random::<f64>() < self.p_mutation {
                *v = 0.0;
            }
            *v = v.clamp(lo, hi);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Output;

    fn individual(weights: Vec<f64>, gradient: Vec<f64>) -> Individual<Genome> {
        Individual {
            genome: Genome { weights, gradient },
            objectives: vec![],
        }
    }

    #[test]
    fn initial_densities_rise_from_one_nth_to_one() {
        let net = SparseNet {
            inputs: 30,
            hidden: 20,
            output: Output::Linear,
        };
        let mut rng = nnbench_core::seed::rng(1);
        let population = initial(&net, 10, &mut rng);
        let density: Vec<f64> = population.iter().map(|w| SparseNet::density(w)).collect();
        for (k, d) in density.iter().enumerate() {
            let expected = (k + 1) as f64 / 10.0;
            assert!((d - expected).abs() < 0.06, "individual {k}: density {d}");
        }
        assert_eq!(density[9], 1.0);
        let range = 6.0 / ((31 + 20) as f64).sqrt();
        assert!(population.iter().flatten().all(|v| v.abs() < range));
    }

    #[test]
    fn children_move_against_the_gradient_in_expectation() {
        let d = 400;
        let mut ops = Guided::new(vec![(-10.0, 10.0); d]);
        let mut rng = nnbench_core::seed::rng(17);
        let a: Vec<f64> = (0..d).map(|j| (j % 7) as f64 * 0.3 - 1.0).collect();
        let b: Vec<f64> = (0..d).map(|j| (j % 5) as f64 * 0.4 - 0.8).collect();
        let parents_mean: f64 = a.iter().chain(&b).sum::<f64>() / (2 * d) as f64;
        let mean_child = |sign: f64, rng: &mut Rng, ops: &mut Guided| {
            let g = vec![sign; d];
            let (x, y) = (individual(a.clone(), g.clone()), individual(b.clone(), g));
            let mut total = 0.0;
            for _ in 0..50 {
                let (c1, c2) = ops.crossover(&x, &y, rng);
                total += c1.weights.iter().chain(&c2.weights).sum::<f64>();
            }
            total / (100 * d) as f64
        };
        let up = mean_child(-1.0, &mut rng, &mut ops);
        let down = mean_child(1.0, &mut rng, &mut ops);
        let flat = mean_child(0.0, &mut rng, &mut ops);
        // A positive gradient moves the children down, a negative one up; no
        // gradient leaves SBX's mean where the parents' is.
        assert!(down < parents_mean - 0.01, "{down} vs {parents_mean}");
        assert!(up > parents_mean + 0.01, "{up} vs {parents_mean}");
        assert!(
            (flat - parents_mean).abs() < 0.005,
            "{flat} vs {parents_mean}"
        );
    }

    #[test]
    fn a_zero_gene_survives_in_its_parents_child_half_the_time() {
        let d = 1;
        let mut ops = Guided::new(vec![(-10.0, 10.0); d]);
        let mut rng = nnbench_core::seed::rng(5);
        let (mut first, mut second) = (0, 0);
        let trials = 4000;
        for t in 0..trials {
            // Zero gradients: no guidance and no swap between children.
            let other = if t % 2 == 0 { 0.7 } else { -0.7 };
            let (zero, nonzero) = (
                individual(vec![0.0], vec![0.0]),
                individual(vec![other], vec![0.0]),
            );
            let (c1, _) = ops.crossover(&zero, &nonzero, &mut rng);
            first += usize::from(c1.weights[0] == 0.0);
            let (_, c2) = ops.crossover(&nonzero, &zero, &mut rng);
            second += usize::from(c2.weights[0] == 0.0);
        }
        for kept in [first, second] {
            let share = kept as f64 / trials as f64;
            assert!((share - 0.5).abs() < 0.03, "kept in {share} of the pairs");
        }
        // Both parents zero: both children zero.
        let z = individual(vec![0.0], vec![1.0]);
        let (c1, c2) = ops.crossover(&z, &z, &mut rng);
        assert_eq!((c1.weights[0], c2.weights[0]), (0.0, 0.0));
    }

    #[test]
    fn mutation_only_zeroes_and_clips() {
        let d = 2000;
        let mut ops = Guided::new(vec![(-10.0, 10.0); d]);
        ops.p_mutation = 0.1;
        let mut rng = nnbench_core::seed::rng(2);
        let before: Vec<f64> = (0..d)
            .map(|j| if j == 0 { 15.0 } else { 1.0 + j as f64 * 1e-3 })
            .collect();
        let mut child = Genome {
            weights: before.clone(),
            gradient: vec![0.0; d],
        };
        ops.mutate(&mut child, &mut rng);
        let zeroed = child.weights.iter().filter(|v| **v == 0.0).count();
        assert!(
            (150..250).contains(&zeroed),
            "{zeroed} of {d} zeroed at rate 0.1"
        );
        for (j, (b, a)) in before.iter().zip(&child.weights).enumerate() {
            assert!(
                *a == 0.0 || *a == b.clamp(-10.0, 10.0),
                "gene {j}: {b} -> {a}"
            );
        }
        assert!(
            child.weights[0] == 10.0 || child.weights[0] == 0.0,
            "clipped to the bound"
        );
    }
}
