//! Local surrogates of a trained network, the explainers SRNet (Luo et al.
//! 2022) is compared with: LIME's tabular explainer ([`lime`]) on a
//! weighted ridge ([`ridge`]), and MAPLE ([`maple`]) on a random forest
//! ([`forest`]). Each explains a black box by local linear models.

pub mod forest;
pub mod lime;
pub mod maple;
pub mod ridge;

pub use lime::{Explanation, Lime, Scaler};
pub use maple::{Local, Maple, MapleSettings};
pub use ridge::Ridge;
