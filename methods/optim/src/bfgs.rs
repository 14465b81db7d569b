//! Bound-constrained BFGS: a projected quasi-Newton method.
//!
//! The paper's local search is Powell's TOLMIN with simple bounds, capped at
//! 2001 evaluations (algorithms.md 1.5). This is a substitute with the same
//! contract: it never leaves the box and never exceeds its evaluation cap.
//! Written here rather than taken from a crate because the pure-Rust
//! L-BFGS-B crate caps iterations, not evaluations, and evaluates f and g in
//! separate callbacks (two forward passes per point).
//!
//! Each iteration: variables at a bound with the gradient pushing outwards
//! are held; the others take the direction -H g with H the inverse-Hessian
//! estimate restricted to them (reset to the identity if that is not a
//! descent direction); a backtracking projected line search accepts the
//! first step with sufficient (Armijo) decrease; H gets the BFGS update when
//! the curvature s.y is positive.

use crate::bounds::Bounds;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BfgsOptions {
    /// Objective + gradient evaluations, the start included (TOLMIN: 2001).
    pub max_evaluations: usize,
    /// Stop when the projected gradient's largest component is below this.
    pub gradient_tolerance: f64,
    /// Stop when an accepted step lowers f by less than this times |f|.
    pub relative_tolerance: f64,
}

impl Default for BfgsOptions {
    fn default() -> Self {
        BfgsOptions {
            max_evaluations: 2001,
            gradient_tolerance: 1e-10,
            relative_tolerance: 1e-15,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BfgsStop {
    MaxEvaluations,
    GradientTolerance,
    RelativeTolerance,
    /// No step along the direction lowered f: a (numerical) minimum.
    LineSearchFailed,
    NonFinite,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BfgsOutcome {
    pub x: Vec<f64>,
    pub f: f64,
    pub evaluations: usize,
    pub stop: BfgsStop,
}

const ARMIJO: f64 = 1e-4;
const MAX_HALVINGS: usize = 40;

/// Minimises `f` (which writes the gradient into its second argument and
/// returns the value) over `bounds`, from `x0` projected into the box.
pub fn minimise(
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    x0: &[f64],
    bounds: &Bounds,
    options: &BfgsOptions,
) -> BfgsOutcome {
    let n = x0.len();
    let mut x = x0.to_vec();
    bounds.clamp(&mut x);
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut evaluations = 1;
    if !fx.is_finite() {
        return BfgsOutcome {
            x,
            f: fx,
            evaluations,
            stop: BfgsStop::NonFinite,
        };
    }
    let mut h = identity(n);
    let (mut d, mut trial, mut g_trial) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let (mut s, mut y, mut hy) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let stop = loop {
        if projected_gradient_norm(&x, &g, bounds) < options.gradient_tolerance {
            break BfgsStop::GradientTolerance;
        }
        if evaluations >= options.max_evaluations {
            break BfgsStop::MaxEvaluations;
        }
        let held: Vec<bool> = (0..n)
            .map(|i| {
                (x[i] <= bounds.lower[i] && g[i] > 0.0) || (x[i] >= bounds.upper[i] && g[i] < 0.0)
            })
            .collect();
        direction(&h, &g, &held, &mut d);
        if dot(&d, &g) >= 0.0 {
            h = identity(n);
            direction(&h, &g, &held, &mut d);
        }
        // Projected backtracking line search from the unit step.
        let mut alpha = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_HALVINGS {
            if evaluations >= options.max_evaluations {
                break;
            }
            for i in 0..n {
                trial[i] = (x[i] + alpha * d[i]).clamp(bounds.lower[i], bounds.upper[i]);
            }
            let f_trial = f(&trial, &mut g_trial);
            evaluations += 1;
            let decrease: f64 = (0..n).map(|i| g[i] * (trial[i] - x[i])).sum();
            if f_trial.is_finite() && f_trial <= fx + ARMIJO * decrease && f_trial < fx {
                accepted = Some(f_trial);
                break;
            }
            alpha *= 0.5;
        }
        let Some(f_new) = accepted else {
            break if evaluations >= options.max_evaluations {
                BfgsStop::MaxEvaluations
            } else {
                BfgsStop::LineSearchFailed
            };
        };
        for i in 0..n {
            s[i] = trial[i] - x[i];
            y[i] = g_trial[i] - g[i];
        }
        let reduction = fx - f_new;
        x.copy_from_slice(&trial);
        g.copy_from_slice(&g_trial);
        let previous = fx;
        fx = f_new;
        update(&mut h, &s, &y, &mut hy);
        if reduction <= options.relative_tolerance * previous.abs() {
            break BfgsStop::RelativeTolerance;
        }
    };
    BfgsOutcome {
        x,
        f: fx,
        evaluations,
        stop,
    }
}

fn identity(n: usize) -> Vec<f64> {
    let mut h = vec![0.0; n * n];
    (0..n).for_each(|i| h[i * n + i] = 1.0);
    h
}

/// d = -H g over the free variables; held ones do not move.
fn direction(h: &[f64], g: &[f64], held: &[bool], d: &mut [f64]) {
    let n = g.len();
    for i in 0..n {
        d[i] = if held[i] {
            0.0
        } else {
            -(0..n)
                .filter(|&j| !held[j])
                .map(|j| h[i * n + j] * g[j])
                .sum::<f64>()
        };
    }
}

/// The BFGS inverse update H+ = (I - r s y') H (I - r y s') + r s s', r = 1/(y's),
/// skipped when the curvature condition fails.
fn update(h: &mut [f64], s: &[f64], y: &[f64], hy: &mut [f64]) {
    let n = s.len();
    let sy = dot(s, y);
    if sy <= 1e-12 * dot(s, s).sqrt() * dot(y, y).sqrt() || sy <= 0.0 {
        return;
    }
    let r = 1.0 / sy;
    for i in 0..n {
        hy[i] = (0..n).map(|j| h[i * n + j] * y[j]).sum();
    }
    let yhy = dot(y, hy);
    for i in 0..n {
        for j in 0..n {
            h[i * n + j] += -r * (s[i] * hy[j] + hy[i] * s[j]) + (r * r * yhy + r) * s[i] * s[j];
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Largest |P(x - g) - x|: zero exactly at a point satisfying the bound-constrained KKT conditions.
fn projected_gradient_norm(x: &[f64], g: &[f64], bounds: &Bounds) -> f64 {
    (0..x.len())
        .map(|i| ((x[i] - g[i]).clamp(bounds.lower[i], bounds.upper[i]) - x[i]).abs())
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        g[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    #[test]
    fn finds_rosenbrocks_minimum_inside_a_wide_box() {
        let r = minimise(
            rosenbrock,
            &[-1.2, 1.0],
            &Bounds::symmetric(2, 5.0),
            &BfgsOptions::default(),
        );
        assert!(
            (r.x[0] - 1.0).abs() < 1e-6 && (r.x[1] - 1.0).abs() < 1e-6,
            "{r:?}"
        );
    }

    #[test]
    fn finds_the_optimum_on_an_active_bound() {
        // With x0 <= 0.8 the minimum is (0.8, 0.64), the textbook L-BFGS-B check.
        let bounds = Bounds::new(vec![-2.0, -2.0], vec![0.8, 2.0]);
        let r = minimise(rosenbrock, &[-1.2, 1.0], &bounds, &BfgsOptions::default());
        assert!(
            (r.x[0] - 0.8).abs() < 1e-8 && (r.x[1] - 0.64).abs() < 1e-6,
            "{r:?}"
        );
    }

    #[test]
    fn a_quadratic_with_its_centre_outside_lands_on_the_projection() {
        // f = sum (x_i - c_i)^2 with c = (3, -3, 0.5) in [-1, 1]^3: optimum (1, -1, 0.5).
        let c = [3.0, -3.0, 0.5];
        let f = |x: &[f64], g: &mut [f64]| {
            (0..3)
                .map(|i| {
                    g[i] = 2.0 * (x[i] - c[i]);
                    (x[i] - c[i]).powi(2)
                })
                .sum()
        };
        let r = minimise(
            f,
            &[0.0, 0.0, 0.0],
            &Bounds::symmetric(3, 1.0),
            &BfgsOptions::default(),
        );
        assert_eq!(r.x[0], 1.0);
        assert_eq!(r.x[1], -1.0);
        assert!((r.x[2] - 0.5).abs() < 1e-9);
    }

    #[test]
    fn never_leaves_the_box_and_respects_the_cap() {
        let bounds = Bounds::new(vec![-2.0, -1.0], vec![2.0, 3.0]);
        let mut seen_outside = false;
        let mut calls = 0;
        let f = |x: &[f64], g: &mut [f64]| {
            calls += 1;
            seen_outside |= !bounds.contains(x);
            rosenbrock(x, g)
        };
        let options = BfgsOptions {
            max_evaluations: 7,
            ..BfgsOptions::default()
        };
        let r = minimise(f, &[5.0, -5.0], &bounds, &options);
        assert!(!seen_outside);
        assert_eq!(calls, 7);
        assert_eq!(r.evaluations, 7);
        assert_eq!(r.stop, BfgsStop::MaxEvaluations);
    }

    #[test]
    fn the_default_cap_is_tolmins_2001_evaluations() {
        // The extended Rosenbrock in 200 dimensions from far away takes longer.
        let n = 200;
        let mut calls = 0;
        let f = |x: &[f64], g: &mut [f64]| {
            calls += 1;
            g.fill(0.0);
            let mut value = 0.0;
            for i in (0..n).step_by(2) {
                let (a, b) = (x[i], x[i + 1]);
                value += (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2);
                g[i] += -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[i + 1] += 200.0 * (b - a * a);
            }
            value
        };
        let r = minimise(
            f,
            &vec![-40.0; n],
            &Bounds::symmetric(n, 50.0),
            &BfgsOptions::default(),
        );
        assert_eq!(
            r.stop,
            BfgsStop::MaxEvaluations,
            "{:?} after {}",
            r.stop,
            r.evaluations
        );
        assert_eq!(r.evaluations, 2001);
        assert_eq!(calls, 2001);
    }

    #[test]
    fn stops_well_inside_the_cap_on_an_easy_problem() {
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * (x[0] - 0.25);
            (x[0] - 0.25).powi(2)
        };
        let r = minimise(
            f,
            &[0.9],
            &Bounds::symmetric(1, 1.0),
            &BfgsOptions::default(),
        );
        assert!(r.evaluations < 20 && (r.x[0] - 0.25).abs() < 1e-9, "{r:?}");
    }
}
