//! Seeded k-means (Lloyd) as GlobalOptimus's RBF code runs it
//! (`MLMODELS/rbfproblem.cpp`, algorithms.md 3): every point starts in a
//! random cluster, at most `max_iterations` Lloyd steps, stop once the total
//! movement of the centres falls below `tolerance`. Written here (60 lines)
//! to draw from our seeded stream; linfa's k-means brings ndarray and its own
//! initialisation.

use nnbench_core::{Patterns, Rng};
use rand::RngExt;

#[derive(Debug, Clone, PartialEq)]
pub struct Clusters {
    /// `k` centres of `d` coordinates, row-major.
    pub centres: Vec<f64>,
    /// The cluster of every pattern.
    pub assignment: Vec<usize>,
    pub iterations: usize,
}

pub fn kmeans(
    data: &Patterns,
    k: usize,
    max_iterations: usize,
    tolerance: f64,
    rng: &mut Rng,
) -> Clusters {
    let (n, d) = (data.len(), data.inputs());
    let mut assignment: Vec<usize> = (0..n).map(|_| rng.random_range(0..k)).collect();
    let mut centres = vec![0.0; k * d];
    update_centres(data, &assignment, k, &mut centres);
    let mut iterations = 0;
    while iterations < max_iterations {
        iterations += 1;
        for (p, a) in assignment.iter_mut().enumerate() {
            *a = (0..k)
                .min_by(|&i, &j| {
                    distance2(data, p, &centres[i * d..]).total_cmp(&distance2(
                        data,
                        p,
                        &centres[j * d..],
                    ))
                })
                .unwrap_or(0);
        }
        let previous = centres.clone();
        update_centres(data, &assignment, k, &mut centres);
        let moved: f64 = centres
            .iter()
            .zip(&previous)
            .map(|(a, b)| (a - b).abs())
            .sum();
        if moved < tolerance {
            break;
        }
    }
    Clusters {
        centres,
        assignment,
        iterations,
    }
}

/// |x_p - c|^2 over the first d values of `c`.
pub fn distance2(data: &Patterns, p: usize, c: &[f64]) -> f64 {
    (0..data.inputs())
        .map(|j| (data.column(j)[p] - c[j]).powi(2))
        .sum()
}

/// Each centre to the mean of its points; an empty cluster keeps its centre.
fn update_centres(data: &Patterns, assignment: &[usize], k: usize, centres: &mut [f64]) {
    let d = data.inputs();
    let mut sums = vec![0.0; k * d];
    let mut counts = vec![0usize; k];
    for (p, &a) in assignment.iter().enumerate() {
        counts[a] += 1;
        for j in 0..d {
            sums[a * d + j] += data.column(j)[p];
        }
    }
    for c in 0..k {
        if counts[c] > 0 {
            for j in 0..d {
                centres[c * d + j] = sums[c * d + j] / counts[c] as f64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed;

    #[test]
    fn finds_three_separated_blobs() {
        let mut rng = seed::rng(8);
        let blobs = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)];
        let mut rows = Vec::new();
        for i in 0..90 {
            let (cx, cy) = blobs[i % 3];
            rows.push(cx + rng.random_range(-1.0..1.0));
            rows.push(cy + rng.random_range(-1.0..1.0));
        }
        let data = Patterns::from_rows(2, &rows, &vec![0.0; 90]);
        // Random starts can merge blobs; the best of a few restarts must not.
        let best = (0..5)
            .map(|s| kmeans(&data, 3, 100, 1e-6, &mut seed::rng(s)))
            .min_by(|a, b| inertia(&data, a).total_cmp(&inertia(&data, b)))
            .unwrap();
        for i in 0..90 {
            assert_eq!(
                best.assignment[i],
                best.assignment[i % 3],
                "point {i} left its blob"
            );
        }
        for (cx, cy) in blobs {
            let near = (0..3).any(|c| {
                (best.centres[2 * c] - cx).abs() < 0.5 && (best.centres[2 * c + 1] - cy).abs() < 0.5
            });
            assert!(near, "no centre near ({cx}, {cy}): {:?}", best.centres);
        }
    }

    fn inertia(data: &Patterns, c: &Clusters) -> f64 {
        (0..data.len())
            .map(|p| distance2(data, p, &c.centres[c.assignment[p] * 2..]))
            .sum()
    }
}
