//! MO-EvoPruneDeepTL (Poyatos, Molina, Martínez-Seras, Del Ser, Herrera
//! 2024), as the authors' code does it (shared/docs/algorithms.md section
//! 9): a frozen feature extractor feeds a sparse ReLU layer and a softmax
//! output; NSGA-II evolves the binary mask of that layer's units on three
//! minimised objectives: 1 - accuracy, the fraction of active units, and
//! 1 - AUROC of telling in-distribution from out-of-distribution samples by
//! the maximum softmax of logits / T.
//!
//! - [`backbone`]: the frozen feature extractor nnbench pre-trains itself;
//! - [`mask`]: the genome, its initial individuals and its operators;
//! - [`layer`]: the sparse layer and its output, forward and backward;
//! - [`sgd`]: Keras' SGD with Nesterov momentum and decay, and its early
//!   stopping on the training loss;
//! - [`auroc`]: AUROC with ties, and the maximum-softmax score;
//! - [`fitness`]: the three objectives of a mask, cached whole;
//! - [`prune`]: the steady-state NSGA-II search over masks;
//! - [`ensemble`]: a front's members averaged or voting;
//! - `method`: EVOPRUNE, the method experiments name.

pub mod auroc;
pub mod backbone;
pub mod ensemble;
pub mod fitness;
pub mod layer;
pub mod mask;
mod method;
pub mod prune;
pub mod sgd;

pub use layer::{Features, Mode};
pub use method::{EvopruneParams, ModeName};
