//! Quality indicators of a front (every objective minimised).
//!
//! - [`hypervolume`]: the exact volume dominated by the points and bounded
//!   by a stated reference point, for 2 objectives (a sweep) and 3 (slices
//!   of the 2-objective sweep along the third). Points that do not strictly
//!   dominate the reference point add nothing, as in moocore.
//! - [`hypervolume_platemo`]: PlatEMO's variant (`Metrics/HV.m`): the points
//!   normalised by 1.1 x the range of a reference front (from
//!   min(0, the points' minimum) to the front's maximum), points beyond 1
//!   dropped, reference point (1, ..., 1). Not comparable with the raw one.
//! - [`igd`] and [`igd_plus`]: the mean distance from each point of a
//!   reference front to the nearest point of the front, Euclidean or
//!   Ishibuchi et al.'s (2015) dominance-aware d+(z, a) = |max(a - z, 0)|,
//!   with p = 1 as in moocore and pymoo.

/// Why an indicator cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IndicatorError {
    #[error("a point has {points} objectives but the reference has {reference}")]
    Dimension { points: usize, reference: usize },
    #[error("exact hypervolume is computed for 2 and 3 objectives, not {0}")]
    Objectives(usize),
    #[error("the reference front is empty")]
    EmptyReference,
    #[error("a coordinate is not finite")]
    NonFinite,
}

fn check(points: &[Vec<f64>], dims: usize) -> Result<(), IndicatorError> {
    for p in points {
        if p.len() != dims {
            return Err(IndicatorError::Dimension {
                points: p.len(),
                reference: dims,
            });
        }
        if p.iter().any(|v| !v.is_finite()) {
            return Err(IndicatorError::NonFinite);
        }
    }
    Ok(())
}

/// The exact hypervolume of `points` with respect to `reference`.
pub fn hypervolume(points: &[Vec<f64>], reference: &[f64]) -> Result<f64, IndicatorError> {
    check(points, reference.len())?;
    check(&[reference.to_vec()], reference.len())?;
    let inside: Vec<&Vec<f64>> = points
        .iter()
        .filter(|p| p.iter().zip(reference).all(|(v, r)| v < r))
        .collect();
    match reference.len() {
        2 => Ok(area(
            inside.iter().map(|p| (p[0], p[1])).collect(),
            (reference[0], reference[1]),
        )),
        3 => {
            let mut by_third = inside;
            by_third.sort_by(|a, b| a[2].total_cmp(&b[2]));
            let mut volume = 0.0;
            for k in 0..by_third.len() {
                let top = by_third.get(k + 1).map_or(reference[2], |p| p[2]);
                let depth = top - by_third[k][2];
                if depth > 0.0 {
                    let slice = by_third[..=k].iter().map(|p| (p[0], p[1])).collect();
                    volume += depth * area(slice, (reference[0], reference[1]));
                }
            }
            Ok(volume)
        }
        m => Err(IndicatorError::Objectives(m)),
    }
}

/// The area dominated by 2-objective points inside the reference point.
fn area(mut points: Vec<(f64, f64)>, reference: (f64, f64)) -> f64 {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let (mut best, mut sum) = (reference.1, 0.0);
    for (x, y) in points {
        if y < best {
            sum += (reference.0 - x) * (best - y);
            best = y;
        }
    }
    sum
}

/// PlatEMO's normalised hypervolume of `points` against the reference front
/// `optimum`.
pub fn hypervolume_platemo(
    points: &[Vec<f64>],
    optimum: &[Vec<f64>],
) -> Result<f64, IndicatorError> {
    let m = optimum.first().ok_or(IndicatorError::EmptyReference)?.len();
    check(optimum, m)?;
    check(points, m)?;
    let low: Vec<f64> = (0..m)
        .map(|j| points.iter().map(|p| p[j]).fold(0.0, f64::min))
        .collect();
    let high: Vec<f64> = (0..m)
        .map(|j| {
            optimum
                .iter()
                .map(|p| p[j])
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    let normalised: Vec<Vec<f64>> = points
        .iter()
        .map(|p| {
            (0..m)
                .map(|j| (p[j] - low[j]) / (1.1 * (high[j] - low[j])))
                .collect()
        })
        .filter(|p: &Vec<f64>| p.iter().all(|v| *v <= 1.0))
        .collect();
    hypervolume(&normalised, &vec![1.0; m])
}

fn mean_nearest(
    front: &[Vec<f64>],
    reference: &[Vec<f64>],
    distance: impl Fn(&[f64], &[f64]) -> f64,
) -> Result<f64, IndicatorError> {
    let m = reference
        .first()
        .ok_or(IndicatorError::EmptyReference)?
        .len();
    check(reference, m)?;
    check(front, m)?;
    if front.is_empty() {
        return Ok(f64::INFINITY);
    }
    let total: f64 = reference
        .iter()
        .map(|z| {
            front
                .iter()
                .map(|a| distance(a, z))
                .fold(f64::INFINITY, f64::min)
        })
        .sum();
    Ok(total / reference.len() as f64)
}

/// Inverted generational distance of `front` to the reference front.
pub fn igd(front: &[Vec<f64>], reference: &[Vec<f64>]) -> Result<f64, IndicatorError> {
    mean_nearest(front, reference, |a, z| {
        a.iter()
            .zip(z)
            .map(|(a, z)| (a - z).powi(2))
            .sum::<f64>()
            .sqrt()
    })
}

/// IGD+ of `front` to the reference front: only the amount by which a point
/// is worse than a reference point counts.
pub fn igd_plus(front: &[Vec<f64>], reference: &[Vec<f64>]) -> Result<f64, IndicatorError> {
    mean_nearest(front, reference, |a, z| {
        a.iter()
            .zip(z)
            .map(|(a, z)| (a - z).max(0.0).powi(2))
            .sum::<f64>()
            .sqrt()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[&[f64]]) -> Vec<Vec<f64>> {
        v.iter().map(|p| p.to_vec()).collect()
    }

    #[test]
    fn two_objective_volume_by_hand() {
        // Staircase (1,3) (2,2) (3,1) in the box to (4,4): 3 + 2 + 1 = 6.
        let front = pts(&[&[1.0, 3.0], &[2.0, 2.0], &[3.0, 1.0]]);
        assert_eq!(hypervolume(&front, &[4.0, 4.0]), Ok(6.0));
        // Dominated points, duplicates and points outside add nothing.
        let noisy = pts(&[
            &[1.0, 3.0],
            &[2.0, 2.0],
            &[2.0, 2.0],
            &[3.0, 1.0],
            &[3.0, 3.0],
            &[4.0, 0.0],
            &[0.5, 5.0],
        ]);
        assert_eq!(hypervolume(&noisy, &[4.0, 4.0]), Ok(6.0));
        assert_eq!(hypervolume(&[], &[4.0, 4.0]), Ok(0.0));
    }

    #[test]
    fn three_objective_volume_by_hand() {
        // One point: a box. Two: inclusion-exclusion.
        assert_eq!(
            hypervolume(&pts(&[&[1.0, 1.0, 1.0]]), &[2.0, 3.0, 4.0]),
            Ok(6.0)
        );
        let two = pts(&[&[0.0, 1.0, 1.0], &[1.0, 0.0, 0.0]]);
        // |A| = 2*1*1 = 2, |B| = 1*2*2 = 4, |A and B| = 1*1*1 = 1.
        assert_eq!(hypervolume(&two, &[2.0, 2.0, 2.0]), Ok(5.0));
        // A third objective constant: the 2-objective area times its depth.
        let flat = pts(&[&[1.0, 3.0, 0.5], &[2.0, 2.0, 0.5], &[3.0, 1.0, 0.5]]);
        assert_eq!(hypervolume(&flat, &[4.0, 4.0, 2.5]), Ok(12.0));
    }

    #[test]
    fn bad_input_is_an_error() {
        let e = hypervolume(&pts(&[&[1.0, 2.0]]), &[1.0, 2.0, 3.0]).unwrap_err();
        assert_eq!(
            e,
            IndicatorError::Dimension {
                points: 2,
                reference: 3
            }
        );
        assert!(
            e.to_string()
                .contains("2 objectives but the reference has 3")
        );
        assert_eq!(
            hypervolume(&pts(&[&[1.0; 4]]), &[2.0; 4]),
            Err(IndicatorError::Objectives(4))
        );
        assert_eq!(
            hypervolume(&pts(&[&[f64::NAN, 1.0]]), &[2.0, 2.0]),
            Err(IndicatorError::NonFinite)
        );
        assert_eq!(
            igd(&pts(&[&[1.0, 1.0]]), &[]),
            Err(IndicatorError::EmptyReference)
        );
    }

    #[test]
    fn distances_to_a_reference_front_by_hand() {
        let reference = pts(&[&[0.0, 1.0], &[1.0, 0.0]]);
        let front = pts(&[&[0.0, 2.0], &[2.0, 0.0]]);
        assert_eq!(igd(&front, &reference), Ok(1.0));
        assert_eq!(igd_plus(&front, &reference), Ok(1.0));
        // A point better than the reference costs IGD, not IGD+.
        let better = pts(&[&[0.0, 0.5], &[0.5, 0.0]]);
        assert_eq!(igd(&better, &reference), Ok(0.5));
        assert_eq!(igd_plus(&better, &reference), Ok(0.0));
        assert_eq!(igd(&reference, &reference), Ok(0.0));
    }

    #[test]
    fn platemo_normalises_by_the_reference_fronts_range() {
        // Reference front from (0,1) to (1,0): range 1 per objective, min 0.
        let optimum = pts(&[&[0.0, 1.0], &[0.5, 0.5], &[1.0, 0.0]]);
        // One point (0.55, 0.55) -> (0.5, 0.5): volume 0.25 in the unit box.
        let one = pts(&[&[0.55, 0.55]]);
        assert!((hypervolume_platemo(&one, &optimum).unwrap() - 0.25).abs() < 1e-12);
        // A point beyond 1.1 x the range is dropped.
        let far = pts(&[&[0.55, 0.55], &[1.2, 0.0]]);
        assert!((hypervolume_platemo(&far, &optimum).unwrap() - 0.25).abs() < 1e-12);
        // A negative coordinate moves the lower end of the normalisation.
        let below = pts(&[&[-1.0, 0.0]]);
        // low = (-1, 0), high = (1, 1): (-1,0) -> (0, 0): volume 1.
        assert!((hypervolume_platemo(&below, &optimum).unwrap() - 1.0).abs() < 1e-12);
    }
}
