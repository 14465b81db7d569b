//! The sizes a plan may ask for, checked before anything is allocated, so a
//! typing slip (a trillion repetitions, a grid of 10^20 points) is refused
//! with its line instead of aborting the process. Method parameters have
//! their own bounds, declared by each method (`nnbench_core::check`).

use anyhow::{Result, bail};
use nnbench_core::{Method, Shape};
use nnbench_datasets::{Dataset, Tables, Task, distinct_labels};

/// Repetitions of one protocol on one dataset.
pub const MAX_REPETITIONS: usize = 10_000;
/// Points of one method's parameter grid, or of its `tune` grid.
pub const MAX_GRID_POINTS: usize = 100_000;
/// Cells of one experiment, unless `--max-cells` says otherwise (the full
/// paper grid, experiments/all.toml, has 152 080).
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

/// The shape of the problems a method meets on `ds`: its inputs, outputs
/// and all its rows (a training part has fewer).
pub fn shape(ds: &Dataset) -> Shape {
    let inputs = ds.features();
    let (rows, labels) = match &ds.tables {
        Tables::Single(t) => (t.rows(), t.y.as_slice()),
        Tables::Pairs(p) => (p[0].0.rows() + p[0].1.rows(), p[0].0.y.as_slice()),
    };
    let outputs = match ds.task {
        Task::Classification => distinct_labels(labels).len(),
        Task::Regression => 1,
        Task::Reconstruction => inputs,
    };
    Shape {
        inputs,
        outputs,
        rows,
    }
}

/// Refuses a method whose state on a problem of `shape` would not fit in
/// `memory` bytes (the machine's): it would be killed, or kill others,
/// mid-run. The method's own estimate (`Method::footprint`) counts numbers
/// of 8 bytes.
pub fn check_footprint(
    method: &dyn Method,
    shape: Shape,
    memory: f64,
    what: impl FnOnce() -> String,
) -> Result<()> {
    let bytes = 8.0 * method.footprint(shape);
    if bytes > memory {
        bail!(
            "{} would hold about {} at once, more than this machine's memory ({}); lower its sizes (population, hidden units, batch)",
            what(),
            gigabytes(bytes),
            gigabytes(memory)
        );
    }
    Ok(())
}

fn gigabytes(bytes: f64) -> String {
    format!("{:.1} GB", bytes / 1e9)
}

/// The machine's memory in bytes (Linux's MemTotal); None where it cannot
/// be read, and then no method is refused for its size.
pub fn machine_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::{Problem, Seeds, Trained};

    /// A method that says it holds `self.0` numbers.
    struct Holds(f64);

    impl Method for Holds {
        fn train(&self, _: &mut Problem<'_>, _: Seeds) -> Trained {
            unreachable!("only planned")
        }
        fn footprint(&self, _: Shape) -> f64 {
            self.0
        }
    }

    #[test]
    fn a_method_is_refused_when_its_numbers_exceed_the_memory() {
        let shape = Shape {
            inputs: 4,
            outputs: 3,
            rows: 150,
        };
        let what = || "bad.toml:6: method X on iris".to_string();
        // 8 bytes a number: 1 000 numbers fit in 8 000 bytes, not in 7 999.
        assert!(check_footprint(&Holds(1000.0), shape, 8000.0, what).is_ok());
        let e = check_footprint(&Holds(1000.0), shape, 7999.0, what)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("bad.toml:6: method X on iris would hold about 0.0 GB"),
            "{e}"
        );
    }

    #[test]
    fn the_shape_of_iris_is_its_inputs_classes_and_rows() {
        let registry = nnbench_datasets::Registry::built_in();
        let entry = registry.find("iris", None).unwrap();
        // Embedded: no data directory is read.
        let dir = nnbench_datasets::DataDir {
            path: "/nonexistent".into(),
            origin: "test",
        };
        let ds = nnbench_datasets::load(entry, &dir, Default::default()).unwrap();
        assert_eq!(
            shape(&ds),
            Shape {
                inputs: 4,
                outputs: 3,
                rows: 150
            }
        );
    }

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
