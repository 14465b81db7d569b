//! The genome: one bit per unit of the sparse layer (an input feature in
//! mode `first`, a hidden unit in mode `second`), set when the unit is
//! active, and the variation of the authors' jMetalPy configuration.

use nnbench_core::Rng;
use nnbench_moea::{Individual, Operators};
use rand::RngExt;

pub type Mask = Vec<bool>;

/// The authors' initial individual: a density p ~ U[0, 1], then round(p L)
/// bits set at positions drawn without replacement.
pub fn initial(len: usize, rng: &mut Rng) -> Mask {
    let p: f64 = rng.random();
    let on = (p * len as f64).round() as usize;
    // A partial Fisher-Yates shuffle: the first `on` positions are the draw.
    let mut positions: Vec<usize> = (0..len).collect();
    for k in 0..on {
        let j = rng.random_range(k..len);
        positions.swap(k, j);
    }
    let mut mask = vec![false; len];
    for &i in &positions[..on] {
        mask[i] = true;
    }
    mask
}

/// The fraction of active units: the second objective.
pub fn density(mask: &[bool]) -> f64 {
    if mask.is_empty() {
        return 0.0;
    }
    mask.iter().filter(|&&b| b).count() as f64 / mask.len() as f64
}

/// Uniform crossover (each bit swapped between the two children with
/// probability `swap`, applied with probability `crossover`) and bit-flip
/// mutation (each bit flipped with probability `flip`); the authors use 0.5,
/// 1 and 1/L.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaskOperators {
    pub crossover: f64,
    pub swap: f64,
    pub flip: f64,
}

impl MaskOperators {
    /// The authors' probabilities for a genome of `len` bits.
    pub fn authors(len: usize) -> MaskOperators {
        MaskOperators {
            crossover: 1.0,
            swap: 0.5,
            flip: 1.0 / len.max(1) as f64,
        }
    }
}

impl Operators<Mask> for MaskOperators {
    fn crossover(
        &mut self,
        a: &Individual<Mask>,
        b: &Individual<Mask>,
        rng: &mut Rng,
    ) -> (Mask, Mask) {
        let (mut c1, mut c2) = (a.genome.clone(), b.genome.clone());
        if rng.random::<f64>() < self.crossover {
            for i in 0..c1.len().min(c2.len()) {
                if rng.random::<f64>() < self.swap {
                    std::mem::swap(&mut c1[i], &mut c2[i]);
                }
            }
        }
        (c1, c2)
    }

    fn mutate(&mut self, child: &mut Mask, rng: &mut Rng) {
        for bit in child.iter_mut() {
            if rng.random::<f64>() < self.flip {
                *bit = !*bit;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;

    fn individual(genome: Mask) -> Individual<Mask> {
        Individual {
            genome,
            objectives: vec![],
        }
    }

    #[test]
    fn initial_densities_are_uniform() {
        let mut r = rng(1);
        let (len, n) = (200, 4000);
        let densities: Vec<f64> = (0..n).map(|_| density(&initial(len, &mut r))).collect();
        // U[0,1]: mean 1/2 (sd of the mean 0.0046) and a quarter in each quarter.
        let mean = densities.iter().sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        for q in 0..4 {
            let (lo, hi) = (q as f64 / 4.0, (q + 1) as f64 / 4.0);
            let share = densities.iter().filter(|&&d| d >= lo && d < hi).count() as f64 / n as f64;
            assert!((share - 0.25).abs() < 0.03, "quarter {q}: {share}");
        }
    }

    #[test]
    fn crossover_swaps_half_the_bits_and_keeps_what_the_parents_share() {
        let mut r = rng(2);
        let len = 10_000;
        let a = individual(vec![true; len]);
        let b = individual(vec![false; len]);
        let (c1, c2) = MaskOperators::authors(len).crossover(&a, &b, &mut r);
        assert_eq!((c1.len(), c2.len()), (len, len));
        // Complementary parents: the children stay complementary.
        assert!(c1.iter().zip(&c2).all(|(x, y)| x != y));
        let swapped = c1.iter().filter(|&&x| !x).count() as f64 / len as f64;
        // Binomial(10 000, 0.5): sd 0.005.
        assert!((swapped - 0.5).abs() < 0.02, "{swapped}");
        let same = individual(vec![true; len]);
        let (c1, c2) = MaskOperators::authors(len).crossover(&same, &same, &mut r);
        assert!(c1.iter().chain(&c2).all(|&x| x));
    }

    #[test]
    fn mutation_flips_one_bit_in_l_on_average() {
        let mut r = rng(3);
        let len = 500;
        let mut ops = MaskOperators::authors(len);
        let trials = 4000;
        let mut flips = 0;
        for _ in 0..trials {
            let mut child = vec![false; len];
            ops.mutate(&mut child, &mut r);
            assert_eq!(child.len(), len);
            flips += child.iter().filter(|&&x| x).count();
        }
        // One flip per child on average (Poisson(1): sd of the mean 0.016).
        let mean = flips as f64 / trials as f64;
        assert!((mean - 1.0).abs() < 0.07, "{mean}");
    }

    #[test]
    fn density_is_the_exact_fraction() {
        assert_eq!(density(&[true, false, false, true]), 0.5);
        assert_eq!(density(&[false; 3]), 0.0);
        assert_eq!(density(&[true; 7]), 1.0);
    }
}
