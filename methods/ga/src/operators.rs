//! The genetic operators of the OPTIMUS code (algorithms.md 2). Every one
//! keeps genes inside the box.

use nnbench_core::Rng;
use nnbench_optim::Bounds;
use rand::RngExt;

/// The "double" crossover: per gene alpha ~ U[-0.5, 1.5], children
/// alpha a + (1 - alpha) b and alpha b + (1 - alpha) a; a child gene outside
/// the box is replaced by its own parent's gene.
pub fn crossover(a: &[f64], b: &[f64], bounds: &Bounds, rng: &mut Rng) -> (Vec<f64>, Vec<f64>) {
    let mut c1 = Vec::with_capacity(a.len());
    let mut c2 = Vec::with_capacity(a.len());
    for j in 0..a.len() {
        let alpha = rng.random_range(-0.5..1.5);
        let (x, y) = (
            alpha * a[j] + (1.0 - alpha) * b[j],
            alpha * b[j] + (1.0 - alpha) * a[j],
        );
        let inside = |v: f64| (bounds.lower[j]..=bounds.upper[j]).contains(&v);
        c1.push(if inside(x) { x } else { a[j] });
        c2.push(if inside(y) { y } else { b[j] });
    }
    (c1, c2)
}

/// Non-uniform mutation: each gene with probability `rate` moves towards a
/// bound by a step that shrinks with the generation g of G. True if any gene
/// was selected.
pub fn mutate(
    x: &mut [f64],
    rate: f64,
    g: usize,
    generations: usize,
    bounds: &Bounds,
    rng: &mut Rng,
) -> bool {
    let mut changed = false;
    let b = 5.0 * (1.0 - g as f64 / generations as f64);
    for ((v, lower), upper) in x.iter_mut().zip(&bounds.lower).zip(&bounds.upper) {
        if rng.random::<f64>() >= rate {
            continue;
        }
        changed = true;
        let shrink = 1.0 - rng.random::<f64>().powf(b);
        if rng.random::<bool>() {
            *v += (upper - *v) * shrink;
        } else {
            *v -= (*v - lower) * shrink;
        }
    }
    changed
}

/// The index of the fittest of `size` chromosomes drawn at random
/// (`order` is sorted best first, so the smallest index wins).
pub fn tournament(count: usize, size: usize, rng: &mut Rng) -> usize {
    (0..size)
        .map(|_| rng.random_range(0..count))
        .min()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed;

    fn random_point(bounds: &Bounds, rng: &mut Rng) -> Vec<f64> {
        (0..bounds.len())
            .map(|j| rng.random_range(bounds.lower[j]..=bounds.upper[j]))
            .collect()
    }

    #[test]
    fn children_and_mutants_stay_in_the_box() {
        let bounds = Bounds::new(vec![-1.0, 0.0, 5.0, -0.001], vec![1.0, 10.0, 5.5, 0.001]);
        let mut rng = seed::rng(4);
        for g in 0..200 {
            let a = random_point(&bounds, &mut rng);
            let b = random_point(&bounds, &mut rng);
            let (c1, c2) = crossover(&a, &b, &bounds, &mut rng);
            assert!(bounds.contains(&c1) && bounds.contains(&c2));
            let mut m = c1.clone();
            let _ = mutate(&mut m, 0.5, g, 200, &bounds, &mut rng);
            assert!(bounds.contains(&m));
        }
    }

    #[test]
    fn crossover_of_equal_parents_is_the_parent() {
        let bounds = Bounds::symmetric(3, 1.0);
        let a = [0.25, -0.5, 0.75];
        let (c1, c2) = crossover(&a, &a, &bounds, &mut seed::rng(1));
        for j in 0..3 {
            assert!((c1[j] - a[j]).abs() < 1e-15 && (c2[j] - a[j]).abs() < 1e-15);
        }
    }

    #[test]
    fn mutation_steps_vanish_in_the_last_generation() {
        // b = 0 at g = G, so 1 - y^0 = 0: a selected gene does not move.
        let bounds = Bounds::symmetric(5, 1.0);
        let mut x = vec![0.3; 5];
        assert!(mutate(&mut x, 1.0, 200, 200, &bounds, &mut seed::rng(2)));
        assert_eq!(x, vec![0.3; 5]);
    }

    #[test]
    fn tournament_prefers_the_better_ranked() {
        let mut rng = seed::rng(3);
        let wins: usize = (0..1000)
            .map(|_| tournament(200, 10, &mut rng))
            .filter(|&i| i < 50)
            .count();
        // P(min of 10 draws < 50 of 200) = 1 - 0.75^10, about 0.94.
        assert!(wins > 900, "{wins}");
    }
}
