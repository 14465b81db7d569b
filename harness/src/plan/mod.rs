//! From experiment files to a checked plan and its cells. Every check runs
//! here, before anything trains: names, parameters, data files, protocols
//! against the data. Then grids expand into cells, each with a content key
//! (a hash of everything that determines its result) and a derived seed.

mod backbone;
mod cells;
pub mod experiment;
pub mod limits;
pub mod meta;
mod methods;
pub mod metric;
pub mod published;
mod settings;

use anyhow::{Context, Result, anyhow, bail};
use experiment::{Protocol, Source, read_all};
use nnbench_core::{BlackBoxSpec, Budget, Method};
use nnbench_datasets::{DataDir, Dataset, ReadOptions, Registry, Scaling, Task, load, sha256_hex};
use published::Published;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Plan {
    /// The top file's name; reports go to reports/<name>/.
    pub name: String,
    pub file: PathBuf,
    pub parts: Vec<Part>,
    pub datasets: Vec<Arc<Dataset>>,
    /// The black box of each dataset, for explanation cells (`blackbox`).
    pub black_boxes: Vec<Option<BlackBoxSpec>>,
    pub methods: Vec<MethodConfig>,
    /// Sorted by key; a key shared by two parts appears once per part.
    pub cells: Vec<Cell>,
}

/// One experiment file's settings: included files keep their own. Stored
/// whole with the plan's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    pub title: String,
    /// `[report] about`: shown under the title.
    #[serde(default)]
    pub about: Option<String>,
    pub file: PathBuf,
    /// sha256 of the file's text as planned.
    pub file_hash: String,
    pub seed: u64,
    pub scaling: Scaling,
    pub budget: Budget,
    pub metrics: Vec<String>,
    /// Published numbers for this part's datasets and method labels.
    pub published: Published,
    pub tests: TestSettings,
    /// `[[report.compare]]`, checked.
    #[serde(default)]
    pub comparisons: Vec<Comparison>,
    /// `[[report.deviations]]`, checked.
    #[serde(default)]
    pub deviations: Vec<Deviation>,
    /// (dataset index, protocol) in file order.
    pub datasets: Vec<(usize, Protocol)>,
    /// Method config indices in file order.
    pub methods: Vec<usize>,
}

/// The known reason a method's regenerated cell on a dataset departs from
/// the paper's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deviation {
    /// The method's label.
    pub method: String,
    /// The dataset's id.
    pub dataset: String,
    pub why: String,
}

/// One point of a one-parameter grid: which grid, its parameter and value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The grid's name: the method's label base and the parameter.
    pub grid: String,
    pub parameter: String,
    pub value: f64,
}

/// How a part's report tests its methods, checked against its methods and datasets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestSettings {
    /// Index into the part's methods.
    pub control: usize,
    pub alpha: f64,
    pub rope: f64,
    /// Index into the part's datasets.
    pub time_dataset: Option<usize>,
    /// The point front cells' `hypervolume_at` is measured at (raw objectives).
    pub front_reference: Option<Vec<f64>>,
}

/// Metrics of the same cells compared as if each were a method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub title: String,
    /// At least two, distinct, of one direction, of one task.
    pub metrics: Vec<String>,
    /// Index into `metrics`.
    pub control: usize,
}

pub struct MethodConfig {
    pub name: &'static str,
    pub label: String,
    /// Set when this config is one point of a grid over one numeric parameter.
    pub sweep: Option<SweepPoint>,
    /// Per-cell tuning: the candidates (resolved parameters as JSON, method)
    /// and the validation share; empty when the method is not tuned.
    pub candidates: Vec<(String, Box<dyn Method>)>,
    pub validation: f64,
    pub version: u32,
    pub params_json: String,
    pub method: Box<dyn Method>,
}

#[derive(Debug, Clone)]
pub enum Split {
    /// The dataset's k-th train/test pair.
    Pair(usize),
    /// Rows whose assignment is `fold` are the test part.
    Folds {
        assignment: Arc<Vec<usize>>,
        fold: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub key: String,
    pub part: usize,
    pub dataset: usize,
    pub method: usize,
    pub protocol: Protocol,
    pub repetition: usize,
    pub fold: usize,
    pub seed: u64,
    /// The same for every repetition of this (dataset, fold, method).
    pub shared_seed: u64,
    pub split: Split,
    pub split_hash: String,
}

/// The plan of the experiment file at `path`, refused if it would have more
/// than `max_cells` cells.
pub fn build(path: &Path, data_dir: &DataDir, max_cells: usize) -> Result<Plan> {
    let sources = read_all(path)?;
    let top = sources.last().expect("read_all returns the top file last");
    let mut registry = Registry::built_in();
    for s in &sources {
        for def in &s.raw.dataset_def {
            registry
                .extend(vec![def.get_ref().clone()], &s.at(def.span()))
                .map_err(|e| anyhow!("{e}"))?;
        }
    }
    let mut plan = Plan {
        name: top.raw.name.get_ref().clone(),
        file: path.to_path_buf(),
        parts: Vec::new(),
        datasets: Vec::new(),
        black_boxes: Vec::new(),
        methods: Vec::new(),
        cells: Vec::new(),
    };
    check_name(top)?;
    // (dataset id, read options, what is done to it: classes held out, ood
    // sets, backbone, black box) -> its index in the plan.
    let mut loaded: HashMap<(String, ReadOptions, String), usize> = HashMap::new();
    for source in &sources {
        if source.raw.datasets.is_empty() && source.raw.methods.is_empty() {
            continue;
        }
        let part = plan_part(source, &registry, data_dir, &mut loaded, &mut plan)?;
        plan.parts.push(part);
    }
    if plan.parts.is_empty() {
        bail!(
            "{}: the experiment names no datasets and no methods (nor includes a file that does)",
            path.display()
        );
    }
    let count = cells::count(&plan);
    if count > max_cells {
        bail!(
            "{}: the experiment has {} cells, above the limit of {max_cells}; pass --max-cells {} if you mean it, or plan fewer repetitions, datasets or grid points",
            path.display(),
            if count == usize::MAX {
                "more than 10^19".to_string()
            } else {
                count.to_string()
            },
            if count == usize::MAX {
                "N".to_string()
            } else {
                count.to_string()
            },
        );
    }
    plan.cells = cells::cells(&plan)?;
    plan.cells
        .sort_by(|a, b| (&a.key, a.part).cmp(&(&b.key, b.part)));
    Ok(plan)
}

/// `ds` with the test parts of the datasets `names` (all their rows, for
/// one without a test part) as its out-of-distribution rows, each with the
/// same inputs as `ds`.
fn with_ood_sets(
    ds: Dataset,
    names: &[String],
    registry: &Registry,
    data_dir: &DataDir,
) -> Result<Dataset> {
    let mut rows: Option<nnbench_datasets::Table> = None;
    let mut hashes = Vec::new();
    for name in names {
        let (n, variant) = name
            .split_once('/')
            .map_or((name.as_str(), None), |(n, v)| (n, Some(v)));
        let entry = registry
            .find(n, variant)
            .map_err(|e| anyhow!("out-of-distribution set {name}: {e}"))?;
        let other = load(entry, data_dir, ReadOptions::default())
            .map_err(|e| anyhow!("out-of-distribution set {}: {e}", entry.id()))?;
        if other.id == ds.id {
            bail!("{} cannot be its own out-of-distribution set", ds.id);
        }
        let part = match &other.tables {
            nnbench_datasets::Tables::Pairs(p) => p[0].1.clone(),
            nnbench_datasets::Tables::Single(t) => t.clone(),
        };
        if part.d != ds.features() {
            bail!(
                "out-of-distribution set {} has {} inputs and {} has {}; its rows need the same inputs",
                other.id,
                part.d,
                ds.id,
                ds.features()
            );
        }
        hashes.push(other.content_hash.clone());
        rows = Some(match rows {
            Some(r) => r.concat(&part),
            None => part,
        });
    }
    let rows = rows.ok_or_else(|| anyhow!("`ood` lists no dataset; name one, or leave it out"))?;
    let what = format!("the test parts of {}", names.join(", "));
    Ok(ds.with_ood(rows, &what, &hashes.join(",")))
}

/// The experiment's name (its top file's `name`), read without loading any data.
pub fn name_of(path: &Path) -> Result<String> {
    let sources = read_all(path)?;
    let top = sources.last().expect("read_all returns the top file last");
    check_name(top)?;
    Ok(top.raw.name.get_ref().clone())
}

fn check_name(source: &Source) -> Result<()> {
    let name = source.raw.name.get_ref();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        bail!(
            "{}: name {name:?} must be non-empty and use only letters, digits, '-', '_' and '.' (it names the report folder)",
            source.at(source.raw.name.span())
        );
    }
    Ok(())
}

fn plan_part(
    source: &Source,
    registry: &Registry,
    data_dir: &DataDir,
    loaded: &mut HashMap<(String, ReadOptions, String), usize>,
    plan: &mut Plan,
) -> Result<Part> {
    let raw = &source.raw;
    if raw.datasets.is_empty() || raw.methods.is_empty() {
        bail!(
            "{}: an experiment with methods needs datasets, and the other way round",
            source.path.display()
        );
    }
    for m in &raw.metrics {
        metric::check(m.get_ref()).with_context(|| source.at(m.span()))?;
    }
    let protocol = raw.protocol.as_ref().map_or(
        (
            Protocol::Kfold {
                folds: 10,
                repetitions: 1,
            },
            None,
        ),
        |p| (*p.get_ref(), Some(source.at(p.span()))),
    );
    let mut part = Part {
        name: raw.name.get_ref().clone(),
        title: raw
            .report
            .title
            .clone()
            .unwrap_or_else(|| raw.name.get_ref().clone()),
        about: raw.report.about.clone(),
        file: source.path.clone(),
        file_hash: sha256_hex(source.text.as_bytes()),
        seed: raw.seed.unwrap_or(1),
        scaling: raw.scaling.unwrap_or_default(),
        budget: raw.budget,
        metrics: raw.metrics.iter().map(|m| m.get_ref().clone()).collect(),
        datasets: Vec::new(),
        methods: Vec::new(),
        published: Published::default(),
        tests: TestSettings {
            control: 0,
            alpha: 0.05,
            rope: 0.01,
            time_dataset: None,
            front_reference: None,
        },
        comparisons: Vec::new(),
        deviations: Vec::new(),
    };
    let mut listed: HashMap<String, String> = HashMap::new();
    for d in &raw.datasets {
        let at = source.at(d.name.span());
        let entry = registry
            .find(d.name.get_ref(), d.variant.as_deref())
            .map_err(|e| anyhow!("{at}: {e}"))?;
        if let Some(first) = listed.get(&entry.id()) {
            bail!(
                "{at}: dataset {} is listed twice in this file (first at {first}); list it once, or the tests would count it twice",
                entry.id()
            );
        }
        listed.insert(entry.id(), at.clone());
        let options = ReadOptions {
            reader: d.reader,
            missing: d.missing,
        };
        let ood = d
            .ood_classes
            .as_ref()
            .map(|c| (c.get_ref().clone(), source.at(c.span())));
        let ood_sets = d
            .ood
            .as_ref()
            .map(|o| (o.get_ref().clone(), source.at(o.span())));
        if let (Some((_, ood_at)), Some(_)) = (&ood, &ood_sets) {
            bail!(
                "{ood_at}: give out-of-distribution rows one way, `ood_classes` or `ood`, not both"
            );
        }
        let black_box = match &d.blackbox {
            Some(spec) => {
                spec.get_ref()
                    .check()
                    .map_err(|e| anyhow!("{}: blackbox: {e}", source.at(spec.span())))?;
                Some(spec.get_ref().clone())
            }
            None => None,
        };
        let key = (
            entry.id(),
            options,
            format!(
                "{:?} {:?} {:?} {:?}",
                ood.as_ref().map(|o| &o.0),
                ood_sets.as_ref().map(|o| &o.0),
                d.backbone.as_ref().map(|b| b.get_ref()),
                black_box,
            ),
        );
        let index = match loaded.get(&key) {
            Some(i) => *i,
            None => {
                let mut ds = load(entry, data_dir, options)
                    .map_err(|e| anyhow!("{at}: dataset {}: {e}", entry.id()))?;
                if let Some((classes, ood_at)) = &ood {
                    ds = ds
                        .hold_out_classes(classes)
                        .map_err(|e| anyhow!("{ood_at}: {e}"))?;
                }
                if let Some((names, ood_at)) = &ood_sets {
                    ds = with_ood_sets(ds, names, registry, data_dir)
                        .map_err(|e| anyhow!("{ood_at}: {e}"))?;
                }
                if let Some(spec) = &d.backbone {
                    ds = backbone::apply(ds, spec.get_ref(), registry, data_dir)
                        .map_err(|e| anyhow!("{}: {e}", source.at(spec.span())))?;
                }
                if let Some(spec) = &black_box {
                    // The network's settings are part of what every cell explains.
                    let recipe = serde_json::to_string(spec)?;
                    ds.content_hash =
                        sha256_hex(format!("{}:blackbox:{recipe}", ds.content_hash).as_bytes());
                    ds.notes
                        .push(format!("black box: {}", describe_black_box(spec)));
                }
                plan.datasets.push(Arc::new(ds));
                plan.black_boxes.push(black_box);
                loaded.insert(key, plan.datasets.len() - 1);
                plan.datasets.len() - 1
            }
        };
        let (protocol, protocol_at) = d.protocol.as_ref().map_or(protocol.clone(), |p| {
            (*p.get_ref(), Some(source.at(p.span())))
        });
        settings::check_protocol(&plan.datasets[index], protocol).map_err(
            |e| match &protocol_at {
                Some(p) => anyhow!("{p}: {e} (the protocol of the dataset at {at})"),
                None => anyhow!("{at}: {e}"),
            },
        )?;
        part.datasets.push((index, protocol));
    }
    let reconstruction: Vec<&str> = part
        .datasets
        .iter()
        .map(|(d, _)| &plan.datasets[*d])
        .filter(|ds| ds.task == nnbench_datasets::Task::Reconstruction)
        .map(|ds| ds.id.as_str())
        .collect();
    let memory = limits::machine_memory();
    let shapes: Vec<(nnbench_core::Shape, String)> = part
        .datasets
        .iter()
        .map(|&(d, _)| {
            (
                limits::shape(&plan.datasets[d]),
                plan.datasets[d].id.clone(),
            )
        })
        .collect();
    // Label -> where first used; a map, as files of 100 000 methods plan too.
    let mut labels_at: HashMap<String, String> = HashMap::new();
    for m in &raw.methods {
        if let (Some(id), Some(reg)) = (
            reconstruction.first(),
            nnbench_methods::find(m.name.get_ref()),
        ) && !reg.reconstructs
        {
            let able: Vec<&str> = nnbench_methods::all()
                .into_iter()
                .filter(|r| r.reconstructs)
                .map(|r| r.name)
                .collect();
            bail!(
                "{}: method {} gives one output per row and cannot reconstruct the inputs of {id} (a reconstruction task); use a method that can ({}), or a variant of the dataset with a target",
                source.at(m.name.span()),
                reg.name,
                able.join(", ")
            );
        }
        let at = source.at(m.name.span());
        let without_ood = part
            .datasets
            .iter()
            .map(|(d, _)| &plan.datasets[*d])
            .find(|ds| ds.ood.is_none());
        if let (Some(ds), Some(reg)) = (without_ood, nnbench_methods::find(m.name.get_ref()))
            && reg.needs_ood
        {
            bail!(
                "{at}: method {} needs out-of-distribution rows beside those of {}; declare them on the dataset, e.g. `ood_classes = [5, 6, 7, 8, 9]` (its rows of those classes)",
                reg.name,
                ds.id
            );
        }
        if let (Some(tune), Some(reg)) = (&m.tune, nnbench_methods::find(m.name.get_ref()))
            && reg.explains
        {
            bail!(
                "{}: method {} explains the split's network, and tuning would need one per inner split; give its parameters a list instead (one column per value)",
                source.at(tune.span()),
                reg.name
            );
        }
        let unexplained = part
            .datasets
            .iter()
            .find(|(d, _)| plan.black_boxes[*d].is_none());
        if let (Some((d, _)), Some(reg)) = (unexplained, nnbench_methods::find(m.name.get_ref()))
            && reg.explains
        {
            bail!(
                "{at}: method {} explains a network, and dataset {} declares none; give it one, e.g. `blackbox = {{ hidden = [3, 3], optimiser = \"adam\", learning_rate = 0.01, epochs = 1000 }}`",
                reg.name,
                plan.datasets[*d].id
            );
        }
        for config in methods::method_configs(source, m)? {
            if let Some(memory) = memory {
                for (shape, id) in &shapes {
                    let tuned = config.candidates.iter().map(|(_, m)| m);
                    for method in std::iter::once(&config.method).chain(tuned) {
                        limits::check_footprint(method.as_ref(), *shape, memory, || {
                            format!("{at}: method {} on {id}", config.label)
                        })?;
                    }
                }
            }
            if let Some(first) = labels_at.get(&config.label) {
                bail!(
                    "{at}: the method label {:?} is used twice in this file (first at {first}); give one of them its own `label`",
                    config.label
                );
            }
            labels_at.insert(config.label.clone(), at.clone());
            plan.methods.push(config);
            part.methods.push(plan.methods.len() - 1);
        }
    }
    let names: Vec<(String, String)> = part
        .datasets
        .iter()
        .map(|(d, _)| {
            let id = plan.datasets[*d].id.clone();
            let name = id.split('/').next().unwrap_or_default().to_string();
            (id, name)
        })
        .collect();
    let labels: Vec<String> = part
        .methods
        .iter()
        .map(|&m| plan.methods[m].label.clone())
        .collect();
    part.published = Published::load(source, &raw.report.published, &names, &labels)?;
    part.tests = settings::test_settings(source, &raw.report, &names, &labels)?;
    part.deviations = settings::deviations(source, &raw.report, &names, &labels)?;
    let tasks: Vec<Task> = part
        .datasets
        .iter()
        .map(|(d, _)| plan.datasets[*d].task)
        .collect();
    part.comparisons = raw
        .report
        .compare
        .iter()
        .map(|c| settings::comparison(source, c, &tasks))
        .collect::<Result<_>>()?;
    Ok(part)
}

/// A black box's settings in a line, for the dataset notes.
fn describe_black_box(spec: &BlackBoxSpec) -> String {
    format!(
        "MLP {:?} ({:?}), {:?} lr {} for {} epochs of batch {}",
        spec.hidden, spec.activation, spec.optimiser, spec.learning_rate, spec.epochs, spec.batch
    )
}
