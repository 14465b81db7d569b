//! A dense multilayer perceptron with its update rules, shared by the
//! methods that train one (the MLP family) and those that explain one
//! (SRNet's black boxes): families never depend on each other, so the
//! network lives here.

mod net;
mod optimiser;
mod train;

pub use net::{Activation, Mlp, Output, Scratch, softmax};
pub use optimiser::{Optimiser, Rule, Schedule};
pub use train::{TrainingSet, epoch, initial_weights};
