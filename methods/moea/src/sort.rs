//! Pareto dominance for minimisation, the fast non-dominated sort and the
//! crowding distance of NSGA-II (Deb, Pratap, Agarwal, Meyarivan, IEEE TEC
//! 2002). Ties are broken by index everywhere, so results never depend on
//! anything but the objective values and their order.

/// `a` dominates `b`: no worse in every objective, better in one.
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    let mut better = false;
    for (x, y) in a.iter().zip(b) {
        if x > y {
            return false;
        }
        better |= x < y;
    }
    better
}

/// The fronts of `points`, best first, each as indices in ascending order.
pub fn fronts(points: &[Vec<f64>]) -> Vec<Vec<usize>> {
    let n = points.len();
    let mut dominated_by = vec![0usize; n];
    let mut dominating: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in i + 1..n {
            if dominates(&points[i], &points[j]) {
                dominating[i].push(j);
                dominated_by[j] += 1;
            } else if dominates(&points[j], &points[i]) {
                dominating[j].push(i);
                dominated_by[i] += 1;
            }
        }
    }
    let mut out = Vec::new();
    let mut current: Vec<usize> = (0..n).filter(|&i| dominated_by[i] == 0).collect();
    while !current.is_empty() {
        let mut next = Vec::new();
        for &i in &current {
            for &j in &dominating[i] {
                dominated_by[j] -= 1;
                if dominated_by[j] == 0 {
                    next.push(j);
                }
            }
        }
        next.sort_unstable();
        out.push(std::mem::replace(&mut current, next));
    }
    out
}

/// The rank (0 = first front) of every point.
pub fn ranks(fronts: &[Vec<usize>], n: usize) -> Vec<usize> {
    let mut rank = vec![0; n];
    for (r, front) in fronts.iter().enumerate() {
        for &i in front {
            rank[i] = r;
        }
    }
    rank
}

/// Crowding distance of each member of `front` (in `front`'s order): per
/// objective, the boundary points get infinity and the others the gap
/// between their neighbours over the objective's range.
pub fn crowding(points: &[Vec<f64>], front: &[usize]) -> Vec<f64> {
    let n = front.len();
    let mut distance = vec![0.0; n];
    if n == 0 {
        return distance;
    }
    let objectives = points[front[0]].len();
    // One pass per objective index: the index selects a coordinate of every point.
    #[allow(clippy::needless_range_loop)]
    for m in 0..objectives {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            points[front[a]][m]
                .total_cmp(&points[front[b]][m])
                .then(a.cmp(&b))
        });
        let value = |k: usize| points[front[order[k]]][m];
        let range = value(n - 1) - value(0);
        distance[order[0]] = f64::INFINITY;
        distance[order[n - 1]] = f64::INFINITY;
        if range > 0.0 {
            for k in 1..n - 1 {
                distance[order[k]] += (value(k + 1) - value(k - 1)) / range;
            }
        }
    }
    distance
}

/// The non-dominated members of `points` (first front), in index order.
pub fn non_dominated(points: &[Vec<f64>]) -> Vec<Vec<f64>> {
    fronts(points)
        .first()
        .map_or_else(Vec::new, |f| f.iter().map(|&i| points[i].clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: &[[f64; 2]]) -> Vec<Vec<f64>> {
        v.iter().map(|x| x.to_vec()).collect()
    }

    #[test]
    fn dominance_needs_one_strict_improvement() {
        assert!(dominates(&[1.0, 2.0], &[1.0, 3.0]));
        assert!(
            !dominates(&[1.0, 2.0], &[1.0, 2.0]),
            "equal points do not dominate"
        );
        assert!(!dominates(&[1.0, 3.0], &[2.0, 2.0]), "a trade-off");
    }

    #[test]
    fn a_hand_made_population_sorts_into_its_fronts() {
        // Front 0: (1,5) (2,3) (4,1); front 1: (3,4) (5,2); front 2: (6,6); (2,3) twice.
        let points = p(&[
            [3.0, 4.0],
            [1.0, 5.0],
            [6.0, 6.0],
            [2.0, 3.0],
            [5.0, 2.0],
            [4.0, 1.0],
            [2.0, 3.0],
        ]);
        let f = fronts(&points);
        assert_eq!(f, vec![vec![1, 3, 5, 6], vec![0, 4], vec![2]]);
        assert_eq!(ranks(&f, 7), vec![1, 0, 2, 0, 1, 0, 0]);
    }

    #[test]
    fn crowding_by_hand() {
        // Four points on a line from (0,3) to (3,0): ranges 3 and 3.
        let points = p(&[[0.0, 3.0], [1.0, 2.0], [2.5, 0.5], [3.0, 0.0]]);
        let d = crowding(&points, &[0, 1, 2, 3]);
        assert_eq!(d[0], f64::INFINITY);
        assert_eq!(d[3], f64::INFINITY);
        // Point 1: neighbours 0 and 2: (2.5 - 0)/3 in f1 and (3 - 0.5)/3 in f2.
        assert!((d[1] - 5.0 / 3.0).abs() < 1e-15, "{}", d[1]);
        // Point 2: neighbours 1 and 3: (3 - 1)/3 + (2 - 0)/3.
        assert!((d[2] - 4.0 / 3.0).abs() < 1e-15, "{}", d[2]);
        // Two points are both boundaries; one point is infinite.
        assert_eq!(crowding(&points, &[1, 2]), vec![f64::INFINITY; 2]);
        assert_eq!(crowding(&points, &[2]), vec![f64::INFINITY]);
    }

    #[test]
    fn the_sort_agrees_with_pairwise_dominance_on_random_points() {
        let mut s = 12345u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 33) as f64 / (1u64 << 31) as f64
        };
        let points: Vec<Vec<f64>> = (0..60).map(|_| vec![next(), next(), next()]).collect();
        let f = fronts(&points);
        let r = ranks(&f, points.len());
        assert_eq!(f.iter().map(Vec::len).sum::<usize>(), points.len());
        for i in 0..points.len() {
            for j in 0..points.len() {
                if dominates(&points[i], &points[j]) {
                    assert!(r[i] < r[j], "{i} dominates {j}");
                }
            }
            // Every point past the first front is dominated by one a front before it.
            if r[i] > 0 {
                assert!(
                    f[r[i] - 1]
                        .iter()
                        .any(|&k| dominates(&points[k], &points[i]))
                );
            }
        }
    }
}
