//! Phase 1: particle swarm optimisation as the authors' OPTIMUS codes it
//! (`src/Pso/pso.cpp`, algorithms.md 1.2): linearly falling inertia, fresh
//! r1, r2 per coordinate, no velocity clamp but the boundary rule (a
//! coordinate that would leave the box does not move and keeps its old
//! velocity), re-evaluation only of particles that moved more than 1e-6,
//! and bests updated after the whole swarm moved (synchronous global best).

use crate::params::Stopping;
use nnbench_core::Rng;
use nnbench_optim::{Bounds, Doublebox};
use rand::RngExt;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SwarmOptions {
    pub particles: usize,
    pub iterations: usize,
    pub inertia_max: f64,
    pub inertia_min: f64,
    pub c1: f64,
    pub c2: f64,
    pub stopping: Stopping,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SwarmOutcome {
    pub best: Vec<f64>,
    pub best_value: f64,
    pub iterations: usize,
    /// The objective asked to stop (budget).
    pub interrupted: bool,
}

/// Inertia of iteration k of k_max: from `max` at k = 0 down to `min` at k = k_max.
pub fn inertia(k: usize, k_max: usize, max: f64, min: f64) -> f64 {
    max - (k as f64 / k_max as f64) * (max - min)
}

/// What pulls a particle in one iteration: its own best, the swarm's best
/// and the inertia of its velocity.
pub struct Pull<'a> {
    pub personal: &'a [f64],
    pub global: &'a [f64],
    pub inertia: f64,
}

/// Moves one particle in place; returns the squared distance moved.
pub fn step(
    x: &mut [f64],
    v: &mut [f64],
    pull: &Pull<'_>,
    options: &SwarmOptions,
    bounds: &Bounds,
    rng: &mut Rng,
) -> f64 {
    let mut moved = 0.0;
    for j in 0..x.len() {
        let (r1, r2): (f64, f64) = (rng.random(), rng.random());
        let u = pull.inertia * v[j]
            + options.c1 * r1 * (pull.personal[j] - x[j])
            + options.c2 * r2 * (pull.global[j] - x[j]);
        let trial = x[j] + u;
        if (bounds.lower[j]..=bounds.upper[j]).contains(&trial) {
            moved += u * u;
            x[j] = trial;
            v[j] = u;
        }
    }
    moved
}

/// Minimises `f` over `bounds`; `f` returns None when the budget is spent.
pub fn run(
    mut f: impl FnMut(&[f64]) -> Option<f64>,
    bounds: &Bounds,
    options: &SwarmOptions,
    rng: &mut Rng,
) -> SwarmOutcome {
    let n = bounds.len();
    let mut x: Vec<Vec<f64>> = (0..options.particles)
        .map(|_| {
            (0..n)
                .map(|j| rng.random_range(bounds.lower[j]..=bounds.upper[j]))
                .collect()
        })
        .collect();
    let mut v: Vec<Vec<f64>> = (0..options.particles)
        .map(|_| {
            (0..n)
                .map(|j| {
                    let r = (bounds.upper[j] - bounds.lower[j]) / 20.0;
                    rng.random_range(-r..=r)
                })
                .collect()
        })
        .collect();
    let mut fx = Vec::with_capacity(options.particles);
    for p in &x {
        match f(p) {
            Some(value) => fx.push(value),
            None => break,
        }
    }
    if fx.len() < options.particles {
        let (best, best_value) = argmin(&x[..fx.len()], &fx);
        return SwarmOutcome {
            best,
            best_value,
            iterations: 0,
            interrupted: true,
        };
    }
    let mut personal = x.clone();
    let mut personal_f = fx.clone();
    let (mut global, mut global_f) = argmin(&personal, &personal_f);
    let mut doublebox = Doublebox::new(10);
    let mut interrupted = false;
    let mut k = 0;
    while k < options.iterations {
        let w = inertia(
            k,
            options.iterations,
            options.inertia_max,
            options.inertia_min,
        );
        for p in 0..options.particles {
            let pull = Pull {
                personal: &personal[p],
                global: &global,
                inertia: w,
            };
            let moved = step(&mut x[p], &mut v[p], &pull, options, bounds, rng);
            if moved > 1e-12 {
                match f(&x[p]) {
                    Some(value) => fx[p] = value,
                    None => {
                        interrupted = true;
                        break;
                    }
                }
            }
        }
        k += 1;
        for p in 0..options.particles {
            if fx[p] < personal_f[p] {
                personal_f[p] = fx[p];
                personal[p].copy_from_slice(&x[p]);
            }
        }
        (global, global_f) = argmin(&personal, &personal_f);
        if interrupted
            || (options.stopping == Stopping::Doublebox && doublebox.converged(global_f, k))
        {
            break;
        }
    }
    SwarmOutcome {
        best: global,
        best_value: global_f,
        iterations: k,
        interrupted,
    }
}

/// The lowest value and its point; the first one on ties.
fn argmin(points: &[Vec<f64>], values: &[f64]) -> (Vec<f64>, f64) {
    let mut i = 0;
    for (j, v) in values.iter().enumerate() {
        if *v < values[i] {
            i = j;
        }
    }
    (
        points.get(i).cloned().unwrap_or_default(),
        values.get(i).copied().unwrap_or(f64::INFINITY),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed;

    fn options() -> SwarmOptions {
        SwarmOptions {
            particles: 30,
            iterations: 100,
            inertia_max: 0.9,
            inertia_min: 0.4,
            c1: 1.0,
            c2: 1.0,
            stopping: Stopping::Fixed,
        }
    }

    #[test]
    fn inertia_falls_from_max_to_min() {
        assert_eq!(inertia(0, 200, 0.9, 0.4), 0.9);
        assert!((inertia(200, 200, 0.9, 0.4) - 0.4).abs() < 1e-15);
        assert!((inertia(100, 200, 0.9, 0.4) - 0.65).abs() < 1e-15);
    }

    #[test]
    fn a_rejected_coordinate_stays_and_keeps_its_old_velocity() {
        // Both bests equal the position, so u = w v: 0.5 * 0.8 = 0.4 moves
        // x0 from 0.9 past the bound 1; x1 moves from 0 to -0.4 * 0.5.
        let bounds = Bounds::symmetric(2, 1.0);
        let (mut x, mut v) = ([0.9, 0.0], [0.8, -0.4]);
        let bests = x;
        let pull = Pull {
            personal: &bests,
            global: &bests,
            inertia: 0.5,
        };
        let moved = step(
            &mut x,
            &mut v,
            &pull,
            &options(),
            &bounds,
            &mut seed::rng(1),
        );
        assert_eq!(x[0], 0.9);
        assert_eq!(v[0], 0.8);
        assert_eq!(x[1], -0.2);
        assert_eq!(v[1], -0.2);
        assert!((moved - 0.04).abs() < 1e-15);
    }

    #[test]
    fn particles_never_leave_the_box() {
        let bounds = Bounds::new(vec![-1.0, 0.5, -3.0], vec![2.0, 0.6, -2.5]);
        let mut outside = 0;
        // A minimum outside the box drives particles against its walls.
        let f = |x: &[f64]| {
            outside += usize::from(!bounds.contains(x));
            Some(x.iter().map(|v| (v - 10.0).powi(2)).sum())
        };
        let r = run(f, &bounds, &options(), &mut seed::rng(3));
        assert_eq!(outside, 0);
        assert!(bounds.contains(&r.best));
    }

    #[test]
    fn finds_the_minimum_of_a_shifted_sphere() {
        let bounds = Bounds::symmetric(4, 5.0);
        let f = |x: &[f64]| Some(x.iter().map(|v| (v - 1.5).powi(2)).sum());
        let r = run(
            f,
            &bounds,
            &SwarmOptions {
                iterations: 300,
                ..options()
            },
            &mut seed::rng(5),
        );
        assert!(r.best_value < 1e-6, "{r:?}");
        assert_eq!(r.iterations, 300);
    }

    #[test]
    fn the_budget_interrupts_the_swarm() {
        let mut calls = 0;
        let f = |x: &[f64]| {
            calls += 1;
            (calls <= 100).then(|| x.iter().map(|v| v * v).sum())
        };
        let r = run(f, &Bounds::symmetric(2, 1.0), &options(), &mut seed::rng(5));
        assert!(r.interrupted && r.iterations < 100);
    }

    #[test]
    fn doublebox_stops_a_converged_swarm_early() {
        let f = |x: &[f64]| Some(x.iter().map(|v| v * v).sum());
        let o = SwarmOptions {
            iterations: 2000,
            stopping: Stopping::Doublebox,
            ..options()
        };
        let r = run(f, &Bounds::symmetric(2, 1.0), &o, &mut seed::rng(5));
        assert!(
            r.iterations >= 10 && r.iterations < 2000,
            "{}",
            r.iterations
        );
    }
}
