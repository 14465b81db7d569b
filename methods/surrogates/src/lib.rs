//! Local surrogates of a trained network, the explainers SRNet (Luo et al.
//! 2022) is compared with: LIME's tabular explainer ([`lime`]) on a
//! weighted ridge ([`ridge`]), and the random forest MAPLE's neighbourhoods
//! come from ([`forest`]; MAPLE itself is still to come). Each explains a
//! black box given as a function of one input row.

pub mod forest;
pub mod lime;
pub mod ridge;

pub use lime::{Explanation, Lime, Scaler};
pub use ridge::Ridge;
