//! The sizes a plan may ask for, checked before anything is allocated, so a
//! typing slip (a trillion repetitions, a grid of 10^20 points) is refused
//! with its line instead of aborting the process. Method parameters have
//! their own bounds, declared by each method (`nnbench_core::check`).

use anyhow::{Result, bail};

/// Repetitions of one protocol on one dataset.
pub const MAX_REPETITIONS: usize = 10_000;
/// Points of one method's parameter grid, or of its `tune` grid.
pub const MAX_GRID_POINTS: usize = 100_000;
/// Cells of one experiment, unless `--max-cells` says otherwise (the full
/// paper grid, experiments/all.toml, has under 100 000).
pub const DEFAULT_MAX_CELLS: usize = 2_000_000;
/// Worker threads.
pub const MAX_JOBS: usize = 1024;

/// The number of points of the grid whose axes have these lengths, refusing
/// an empty axis and a grid above the limit before anything expands it.
pub fn grid_points<'a>(axes: impl Iterator<Item = (&'a str, usize)>, at: &str) -> Result<usize> {
    let mut points: usize = 1;
    for (key, len) in axes {
        if len == 0 {
            bail!(
                "{at}: `{key}` is an empty list, so its grid has no points; give it at least one value"
            );
        }
        points = points.saturating_mul(len);
    }
    if points > MAX_GRID_POINTS {
        bail!(
            "{at}: the grid has {} points, above nnbench's limit of {MAX_GRID_POINTS}; list fewer values",
            if points == usize::MAX {
                "more than 10^19".to_string()
            } else {
                points.to_string()
            }
        );
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_are_counted_without_expanding_and_refused_when_empty_or_huge() {
        assert_eq!(
            grid_points([("a", 2), ("b", 3)].into_iter(), "f:1").unwrap(),
            6
        );
        assert_eq!(grid_points(std::iter::empty(), "f:1").unwrap(), 1);
        let empty = grid_points([("a", 2), ("b", 0)].into_iter(), "f:1").unwrap_err();
        assert!(
            empty.to_string().contains("f:1: `b` is an empty list"),
            "{empty}"
        );
        let huge = grid_points(std::iter::repeat_n(("a", 1000), 9), "f:2").unwrap_err();
        assert!(huge.to_string().contains("more than 10^19"), "{huge}");
    }
}
