//! The one list of methods, outside the harness: adding a method is a
//! dependency line in this crate's Cargo.toml, one `register` line here, and
//! a row in the README's method table (a test checks it against this list).
//! Nothing in harness/ changes.

use nnbench_core::{MeanParams, Registration, register};
use nnbench_evoprune::EvopruneParams;
use nnbench_external::ExternalParams;
use nnbench_ga::GeneticParams;
use nnbench_gemonn::{DescentParams, GemonnParams, Nsga2Params};
use nnbench_gradient::{AdamParams, RpropParams};
use nnbench_mlp::MlpParams;
use nnbench_neat::NeatParams;
use nnbench_pso::{Proposed, ProposedAdam};
use nnbench_rbf::RbfParams;
use nnbench_srnet::{LimeParams, MapleParams, SrnetParams};

/// Every method, in the order `harness methods` and the README list them.
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
        register::<GemonnParams>(),
        register::<Nsga2Params>(),
        register::<DescentParams>(),
        register::<EvopruneParams>(),
        register::<SrnetParams>(),
        register::<LimeParams>(),
        register::<MapleParams>(),
        register::<MeanParams>(),
        register::<ExternalParams>(),
    ]
}

/// The method experiments call `name`.
pub fn find(name: &str) -> Option<Registration> {
    all().into_iter().find(|r| r.name == name)
}

/// Every name, comma-separated, for error messages.
pub fn names() -> String {
    all().iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
}

/// The README's "Add a method" section, whose worked example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!(concat!(env!("OUT_DIR"), "/add_a_method.md"))]
struct AddAMethod;
