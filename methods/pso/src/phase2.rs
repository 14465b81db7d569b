//! Phase 2: the box around the best particle, and the local search in it on
//! the unpenalised SSE.

use crate::params::{BoundsPreset, Local};
use nnbench_core::Problem;
use nnbench_optim::{Bounds, adam, bfgs};

/// The phase-2 box from the best particle `p` (algorithms.md 1.4).
pub fn box_around(p: &[f64], preset: BoundsPreset, factor: f64, floor: f64) -> Bounds {
    let (lower, upper) = p
        .iter()
        .map(|&v| match preset {
            BoundsPreset::Paper => {
                let a = factor * v.abs().max(floor);
                (-a, a)
            }
            BoundsPreset::Code2x => (-2.0 * v.abs(), 2.0 * v.abs()),
            BoundsPreset::Code09To11 => {
                let (a, b) = (0.9 * v, 1.1 * v);
                (a.min(b), a.max(b))
            }
        })
        .unzip();
    Bounds::new(lower, upper)
}

pub struct LocalSearch {
    pub local: Local,
    pub bfgs_evaluations: usize,
    pub adam_iterations: usize,
}

impl LocalSearch {
    /// Trains from `start` inside `bounds`; returns the final weights.
    pub fn run(&self, problem: &mut Problem<'_>, start: &[f64], bounds: &Bounds) -> Vec<f64> {
        // A runner budget caps the local phase too.
        let cap = problem.remaining().map_or(usize::MAX, |r| r as usize);
        if cap == 0 {
            return start.to_vec();
        }
        match self.local {
            Local::Bfgs => {
                let options = bfgs::BfgsOptions {
                    max_evaluations: self.bfgs_evaluations.min(cap),
                    ..bfgs::BfgsOptions::default()
                };
                bfgs::minimise(|w, g| problem.sse_gradient(w, g), start, bounds, &options).x
            }
            Local::Adam => {
                let options = adam::BoxAdamOptions {
                    iterations: self.adam_iterations.min(cap - 1),
                    ..adam::BoxAdamOptions::default()
                };
                adam::minimise(
                    |w, g| problem.sse_gradient(w, g),
                    start,
                    bounds,
                    &options,
                    || false,
                )
                .1
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_box_presets() {
        let p = [2.0, -1.0, 0.0];
        let paper = box_around(&p, BoundsPreset::Paper, 5.0, 0.01);
        assert_eq!(paper.lower, vec![-10.0, -5.0, -0.05]);
        assert_eq!(paper.upper, vec![10.0, 5.0, 0.05]);
        let twice = box_around(&p, BoundsPreset::Code2x, 5.0, 0.01);
        assert_eq!(
            (twice.lower, twice.upper),
            (vec![-4.0, -2.0, -0.0], vec![4.0, 2.0, 0.0])
        );
        let narrow = box_around(&p, BoundsPreset::Code09To11, 5.0, 0.01);
        assert!((narrow.lower[1] + 1.1).abs() < 1e-15 && (narrow.upper[1] + 0.9).abs() < 1e-15);
        assert!((narrow.lower[0] - 1.8).abs() < 1e-15 && (narrow.upper[0] - 2.2).abs() < 1e-15);
        // Every preset contains the particle it was built around.
        for b in [paper, box_around(&p, BoundsPreset::Code09To11, 5.0, 0.01)] {
            assert!(b.contains(&p));
        }
    }
}
