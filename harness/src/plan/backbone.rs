//! `backbone = { source = ... }` on a dataset: its features become those
//! of a ReLU layer nnbench pre-trains on the source dataset's training part
//! and then freezes (the transfer learning of MO-EvoPruneDeepTL, adapted:
//! the paper's backbone is an ImageNet ResNet-50). The out-of-distribution
//! rows go through the same layer.

use anyhow::{Result, anyhow, bail};
use nnbench_datasets::{
    DataDir, Dataset, Domains, ReadOptions, Registry, Table, Tables, distinct_labels, load,
    sha256_hex,
};
use nnbench_evoprune::Features;
use nnbench_evoprune::backbone::Backbone;
use nnbench_evoprune::sgd::Sgd;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackboneSpec {
    /// The source dataset (`name` or `name/variant`); its training part
    /// (every row, for one without a test part) trains the layer.
    pub source: String,
    /// The features it gives.
    #[serde(default = "hidden")]
    pub hidden: usize,
    #[serde(default = "epochs")]
    pub epochs: usize,
    #[serde(default = "learning_rate")]
    pub learning_rate: f64,
    #[serde(default = "one")]
    pub seed: u64,
}

fn hidden() -> usize {
    64
}
fn epochs() -> usize {
    5
}
fn learning_rate() -> f64 {
    0.01
}
fn one() -> u64 {
    1
}

/// `ds` (and its out-of-distribution rows) seen through the backbone `spec`.
pub fn apply(
    ds: Dataset,
    spec: &BackboneSpec,
    registry: &Registry,
    data_dir: &DataDir,
) -> Result<Dataset> {
    if !(1..=nnbench_core::check::MAX_UNITS).contains(&spec.hidden)
        || !(1..=10_000).contains(&spec.epochs)
    {
        bail!(
            "backbone: hidden = {} and epochs = {} must be in 1..={} and 1..=10000",
            spec.hidden,
            spec.epochs,
            nnbench_core::check::MAX_UNITS
        );
    }
    if !(spec.learning_rate > 0.0 && spec.learning_rate.is_finite()) {
        bail!(
            "backbone: learning_rate = {} must be positive",
            spec.learning_rate
        );
    }
    let (name, variant) = spec
        .source
        .split_once('/')
        .map_or((spec.source.as_str(), None), |(n, v)| (n, Some(v)));
    let entry = registry
        .find(name, variant)
        .map_err(|e| anyhow!("backbone source {}: {e}", spec.source))?;
    let source = load(entry, data_dir, ReadOptions::default())
        .map_err(|e| anyhow!("backbone source {}: {e}", entry.id()))?;
    let part = match &source.tables {
        Tables::Pairs(p) => &p[0].0,
        Tables::Single(t) => t,
    };
    if part.d != ds.features() {
        bail!(
            "backbone source {} has {} inputs and {} has {}; the backbone reads the dataset's inputs, so they must match",
            source.id,
            part.d,
            ds.id,
            ds.features()
        );
    }
    let labels = distinct_labels(&part.y);
    // The source's own labels: every target has its index.
    let features = Features::labelled(part.d, part.x.clone(), &part.y, &labels);
    let sgd = Sgd {
        learning_rate: spec.learning_rate,
        epochs: spec.epochs,
        ..Sgd::AUTHORS
    };
    let backbone = Backbone::pretrain(&features, labels.len(), spec.hidden, &sgd, spec.seed);
    let through = |t: &Table| {
        let mut out = t.clone();
        out.x = backbone.features(&t.x);
        out.d = backbone.outputs();
        out
    };
    let tables = match &ds.tables {
        Tables::Single(t) => Tables::Single(through(t)),
        Tables::Pairs(p) => {
            Tables::Pairs(p.iter().map(|(a, b)| (through(a), through(b))).collect())
        }
    };
    let mut notes = ds.notes.clone();
    notes.push(format!(
        "features: a {}-{} ReLU layer pre-trained on {}'s training part ({} epochs, seed {}; {:.1} % accuracy there), then frozen",
        part.d,
        spec.hidden,
        source.id,
        spec.epochs,
        spec.seed,
        100.0 * backbone.accuracy(&features)
    ));
    let recipe = serde_json::to_string(spec)?;
    Ok(Dataset {
        id: ds.id.clone(),
        task: ds.task,
        tables,
        content_hash: sha256_hex(
            format!(
                "{}:backbone:{recipe}:{}",
                ds.content_hash, source.content_hash
            )
            .as_bytes(),
        ),
        notes,
        ood: ds.ood.as_ref().map(through),
        domains: ds.domains.as_ref().map(|d| Domains {
            validation: through(&d.validation),
            extrapolation: through(&d.extrapolation),
        }),
    })
}
