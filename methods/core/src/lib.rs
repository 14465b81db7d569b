//! The shared core of nnbench's methods: the network of Tsoulos et al. (2023)
//! with its objective and analytic gradient ([`Network`]), the evaluation-
//! counting [`Problem`] a method trains on, the [`Method`] plug-in trait and
//! its parameter convention ([`MethodParams`], [`register`]), metrics, and
//! seed derivation. Method families depend on this crate, never on each other.

#[cfg(target_arch = "x86_64")]
mod avx2;
mod baseline;
mod data;
mod fastexp;
mod kernel;
mod method;
pub mod metrics;
mod network;
mod problem;
mod registration;
pub mod seed;

pub use baseline::MeanParams;
pub use data::Patterns;
pub use method::{
    Method, MethodParams, Model, NetworkModel, ParamError, StopReason, Trained, check,
};
pub use network::{Evaluation, Network, sigmoid};
pub use problem::{Budget, Problem, Spent};
pub use registration::{BuildError, Built, Registration, register};
pub use seed::{Rng, Seeds};

use rand::RngExt;

/// Weights drawn uniformly from [-range, range]: the initialiser the
/// gradient baselines share (the paper does not state one; algorithms.md 4).
pub fn uniform_weights(n: usize, range: f64, rng: &mut Rng) -> Vec<f64> {
    (0..n).map(|_| rng.random_range(-range..=range)).collect()
}
