//! Local surrogates of a trained network, the explainers SRNet (Luo et al.
//! 2022) is compared with: LIME's tabular explainer ([`lime`]) on a
//! weighted ridge ([`ridge`]), discretising by [`quartiles`] for classes;
//! and MAPLE on a random [`forest`], with a local ridge for values
//! ([`maple`]) or a local [`logistic`] regression for classes
//! ([`maple_classifier`]). Each explains a black box by local models.

pub mod forest;
pub mod lime;
pub mod logistic;
pub mod maple;
pub mod maple_classifier;
pub mod quartiles;
pub mod ridge;

pub use lime::{Explanation, LabelExplanation, Lime, Scaler};
pub use maple::{Local, Maple, MapleSettings};
pub use maple_classifier::MapleClassifier;
pub use quartiles::Quartiles;
pub use ridge::Ridge;
