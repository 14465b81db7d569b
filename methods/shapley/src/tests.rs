use super::*;

/// A background of n rows in [-1, 1]^d from a fixed seed.
fn background(n: usize, d: usize, seed_value: u64) -> Vec<f64> {
    let mut rng = seed::rng(seed_value);
    (0..n * d).map(|_| rng.random_range(-1.0..1.0)).collect()
}

/// Third-order interactions: paired Kernel SHAP is exact for games of
/// order two (Covert and Lee 2021), so the convergence test needs more.
fn nonlinear(p: &[f64]) -> f64 {
    p[0] * p[1] * p[2] + (p[2] + p[3]).sin() * p[4] + p[3] * p[3]
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt()
}

#[test]
fn a_linear_model_gets_w_times_x_minus_the_background_mean() {
    let (d, w) = (4, [2.0, -1.0, 0.5, 3.0]);
    let bg = background(50, d, 1);
    let f = |p: &[f64]| 7.0 + p.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>();
    let e = Explainer::new(f, &bg, d);
    let x = [0.3, -0.8, 1.5, 0.1];
    let mean: Vec<f64> = (0..d)
        .map(|i| bg.iter().skip(i).step_by(d).sum::<f64>() / 50.0)
        .collect();
    for explanation in [e.exact(&x), e.kernel(&x, 64, 3), e.permutation(&x, 4, 3)] {
        for i in 0..d {
            let want = w[i] * (x[i] - mean[i]);
            assert!(
                (explanation.phi[i] - want).abs() < 1e-10,
                "phi_{i}: {} vs {want}",
                explanation.phi[i]
            );
        }
    }
}

#[test]
fn efficiency_symmetry_and_dummy_hold_exactly() {
    let d = 5;
    // Features 0 and 1 play symmetric roles, in the model and in the
    // background (each row also appears with them swapped); feature 4 is
    // ignored (a dummy).
    let mut bg = background(15, d, 2);
    let swapped: Vec<f64> = bg
        .chunks_exact(d)
        .flat_map(|r| [r[1], r[0], r[2], r[3], r[4]])
        .collect();
    bg.extend(swapped);
    let f = |p: &[f64]| p[0] * p[1] + (p[0] + p[1]).powi(2) + p[2].exp() * p[3];
    let e = Explainer::new(f, &bg, d);
    let x = [0.7, 0.7, -0.4, 0.9, 5.0];
    let ex = e.exact(&x);
    let total: f64 = ex.phi.iter().sum();
    assert!((total - (ex.fx - ex.base)).abs() < 1e-12, "efficiency");
    assert!(
        (ex.phi[0] - ex.phi[1]).abs() < 1e-12,
        "symmetry: {:?}",
        ex.phi
    );
    assert!(ex.phi[4].abs() < 1e-12, "dummy: {:?}", ex.phi);
    assert_eq!(ex.fx, f(&x));
    // Every coalition but the full one over the background, and f(x) once.
    assert_eq!(ex.evaluations, 31 * 30 + 1);
    for estimate in [e.kernel(&x, 200, 1), e.permutation(&x, 20, 1)] {
        let total: f64 = estimate.phi.iter().sum();
        assert!(
            (total - (estimate.fx - estimate.base)).abs() < 1e-10,
            "estimators are efficient too"
        );
    }
}

#[test]
fn the_estimators_converge_to_the_exact_values() {
    let d = 5;
    let bg = background(40, d, 4);
    let e = Explainer::new(nonlinear, &bg, d);
    let x = [0.9, -0.6, 0.4, -0.8, 0.3];
    let exact = e.exact(&x).phi;
    let kernel = |n| distance(&e.kernel(&x, n, 5).phi, &exact);
    let permutation = |n| distance(&e.permutation(&x, n, 5).phi, &exact);
    let (k_small, k_large) = (kernel(12), kernel(4000));
    let (p_small, p_large) = (permutation(2), permutation(1000));
    assert!(
        k_large < 0.02 && k_large < k_small,
        "kernel: {k_small} -> {k_large}"
    );
    assert!(
        p_large < 0.02 && p_large < p_small,
        "permutation: {p_small} -> {p_large}"
    );
}

#[test]
fn a_single_feature_takes_the_whole_difference() {
    let bg = [0.0, 1.0, 2.0];
    let e = Explainer::new(|p: &[f64]| p[0] * p[0], &bg, 1);
    for ex in [
        e.exact(&[3.0]),
        e.kernel(&[3.0], 10, 1),
        e.permutation(&[3.0], 3, 1),
    ] {
        assert!(
            (ex.phi[0] - (9.0 - 5.0 / 3.0)).abs() < 1e-12,
            "{:?}",
            ex.phi
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_estimate() {
    let bg = background(20, 5, 6);
    let e = Explainer::new(nonlinear, &bg, 5);
    let x = [0.1, 0.2, 0.3, 0.4, 0.5];
    assert_eq!(e.kernel(&x, 50, 9), e.kernel(&x, 50, 9));
    assert_eq!(e.permutation(&x, 5, 9), e.permutation(&x, 5, 9));
}
