//! The one list of methods. Adding a method is one line here (and a row in
//! the README's method table, which a test checks against this list).

use nnbench_core::{MeanParams, Registration, register};
use nnbench_ga::GeneticParams;
use nnbench_gradient::{AdamParams, RpropParams};
use nnbench_mlp::MlpParams;
use nnbench_neat::NeatParams;
use nnbench_pso::{Proposed, ProposedAdam};
use nnbench_rbf::RbfParams;

pub fn all() -> Vec<Registration> {
    vec![
        register::<Proposed>(),
        register::<ProposedAdam>(),
        register::<GeneticParams>(),
        register::<RbfParams>(),
        register::<NeatParams>(),
        register::<AdamParams>(),
        register::<RpropParams>(),
        register::<MlpParams>(),
        register::<MeanParams>(),
    ]
}

pub fn find(name: &str) -> Option<Registration> {
    all().into_iter().find(|r| r.name == name)
}

pub fn names() -> String {
    all().iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
}
