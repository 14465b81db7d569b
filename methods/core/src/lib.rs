//! The shared core of nnbench's methods: the network of Tsoulos et al. (2023)
//! with its objective and analytic gradient ([`Network`]), the evaluation-
//! counting [`Problem`] a method trains on, the [`Method`] plug-in trait and
//! its parameter convention ([`MethodParams`], [`register`]), metrics, and
//! seed derivation. Method families depend on this crate, never on each other.

#[cfg(target_arch = "x86_64")]
mod avx2;
mod baseline;
mod blackbox;
mod data;
pub mod dense;
mod fastexp;
mod front;
mod kernel;
mod method;
pub mod metrics;
mod network;
mod problem;
mod registration;
pub mod seed;
mod target;

pub use baseline::MeanParams;
pub use blackbox::{BlackBox, BlackBoxSpec, OptimiserKind};
pub use data::Patterns;
pub use front::{Front, Member, MemberRule};
pub use method::{
    Method, MethodParams, Model, NetworkModel, ParamError, Shape, StopReason, Trained, check,
};
pub use network::{Evaluation, Network, sigmoid, sigmoids};
pub use problem::{Budget, Domains, Problem, Spent};
pub use registration::{BuildError, Built, Registration, register};
pub use seed::{Rng, Seeds};
pub use target::{TargetMap, TargetScaling};

use rand::RngExt;

/// The version of what this crate computes for every method: the network
/// kernel (objective, gradient, the vectorised sigmoid) and the metrics. It
/// is part of every cell key beside the method's own `VERSION`, so a change
/// here recomputes every result without a bump in each family. Bump it
/// whenever a result may move, and say why:
/// 2: fused multiply-adds in the kernel (results moved by a few ulp);
/// 3: the sigmoid from Cephes' Pade exp, sharing its one division.
pub const ALGORITHM_VERSION: u32 = 3;

/// Weights drawn uniformly from [-range, range]: the initialiser the
/// gradient baselines share (the paper does not state one; algorithms.md 4).
pub fn uniform_weights(n: usize, range: f64, rng: &mut Rng) -> Vec<f64> {
    (0..n).map(|_| rng.random_range(-range..=range)).collect()
}
