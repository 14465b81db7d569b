//! Multi-objective evolution, shared by the methods whose result is a
//! Pareto front (GEMONN, MO-EvoPruneDeepTL, plain NSGA-II) and by the
//! analysis that scores fronts.
//!
//! - [`sort`]: Pareto dominance, fast non-dominated sorting and crowding
//!   distance (Deb et al. 2002).
//! - [`nsga2`]: the NSGA-II loop, generic over the genome and its operators,
//!   deterministic for a seed.
//! - [`real`]: SBX crossover and polynomial mutation for real genomes in a box.
//! - [`indicators`]: exact hypervolume for 2 and 3 objectives, IGD and IGD+,
//!   and PlatEMO's normalised hypervolume as a named variant.
//!
//! Written in-house: the maintained Rust options are either GPL (hv-wfg-sys)
//! or pull second copies of the linear-algebra stack (moors); the whole
//! engine is a few hundred lines, tested against known fronts and moocore.

pub mod indicators;
pub mod nsga2;
pub mod real;
pub mod sort;

pub use nsga2::{Individual, Nsga2, Operators};
