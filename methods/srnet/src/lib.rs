//! SRNet (Luo, Lu, Hu, Luo, Wang, GECCO 2022), as the authors' code does
//! it (shared/docs/algorithms.md sections 8 and 8a): a trained MLP is
//! explained layer by layer. Each layer gets one CGP chromosome, an
//! expression f_l of the previous layer's outputs, and a fitted linear map
//! h_l = w_l f_l + b_l to the layer's units; a (1 + lambda) evolution
//! strategy evolves the chromosomes so that every layer's outputs match the
//! network's activations.
//!
//! - [`functions`]: the node functions, unprotected;
//! - [`cgp`]: a chromosome's genes, ranges, mutation, decoding and values;
//! - [`expr`]: expressions, a small simplifier, printing;
//! - [`linear`]: the linear map and its Newton step.

pub mod cgp;
pub mod es;
pub mod expr;
pub mod functions;
pub mod linear;
mod method;
pub mod net;
mod surrogate;

pub use cgp::{Chromosome, Grid};
pub use expr::Expr;
pub use functions::Function;
pub use linear::Linear;
pub use method::SrnetParams;
pub use surrogate::{LimeParams, MapleParams};
