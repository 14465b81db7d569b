//! From experiment files to a checked plan and its cells. Every check runs
//! here, before anything trains: names, parameters, data files, protocols
//! against the data. Then grids expand into cells, each with a content key
//! (a hash of everything that determines its result) and a derived seed.

use crate::experiment::{Protocol, RawMethod, ReportOptions, Source, read_all};
use crate::published::Published;
use crate::{methods, metric};
use anyhow::{Context, Result, anyhow, bail};
use nnbench_core::{Budget, Method, seed};
use nnbench_datasets::{
    DataDir, Dataset, ReadOptions, Registry, Scaling, Tables, load, sha256_hex, split,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bumped when the cell key's recipe changes.
const KEY_SCHEMA: u32 = 1;

pub struct Plan {
    /// The top file's name; reports go to reports/<name>/.
    pub name: String,
    pub file: PathBuf,
    pub parts: Vec<Part>,
    pub datasets: Vec<Arc<Dataset>>,
    pub methods: Vec<MethodConfig>,
    /// Sorted by key; a key shared by two parts appears once per part.
    pub cells: Vec<Cell>,
}

/// One experiment file's settings: included files keep their own.
pub struct Part {
    pub name: String,
    pub title: String,
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
    /// (dataset index, protocol) in file order.
    pub datasets: Vec<(usize, Protocol)>,
    /// Method config indices in file order.
    pub methods: Vec<usize>,
}

/// One point of a one-parameter grid: which grid, its parameter and value.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    /// The grid's name: the method's label base and the parameter.
    pub grid: String,
    pub parameter: String,
    pub value: f64,
}

/// How a part's report tests its methods, checked against its methods and datasets.
#[derive(Debug, Clone, PartialEq)]
pub struct TestSettings {
    /// Index into the part's methods.
    pub control: usize,
    pub alpha: f64,
    pub rope: f64,
    /// Index into the part's datasets.
    pub time_dataset: Option<usize>,
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

pub fn build(path: &Path, data_dir: &DataDir) -> Result<Plan> {
    let sources = read_all(path)?;
    let top = sources.last().expect("read_all returns the top file last");
    let mut registry = Registry::built_in();
    for s in &sources {
        registry
            .extend(s.raw.dataset_def.clone(), &s.path.display().to_string())
            .map_err(|e| anyhow!("{e}"))?;
    }
    let mut plan = Plan {
        name: top.raw.name.get_ref().clone(),
        file: path.to_path_buf(),
        parts: Vec::new(),
        datasets: Vec::new(),
        methods: Vec::new(),
        cells: Vec::new(),
    };
    check_name(top)?;
    let mut loaded: HashMap<(String, ReadOptions), usize> = HashMap::new();
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
    plan.cells = cells(&plan)?;
    plan.cells
        .sort_by(|a, b| (&a.key, a.part).cmp(&(&b.key, b.part)));
    Ok(plan)
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
    loaded: &mut HashMap<(String, ReadOptions), usize>,
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
    let protocol = raw.protocol.unwrap_or(Protocol::Kfold {
        folds: 10,
        repetitions: 1,
    });
    let mut part = Part {
        name: raw.name.get_ref().clone(),
        title: raw
            .report
            .title
            .clone()
            .unwrap_or_else(|| raw.name.get_ref().clone()),
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
        },
    };
    for d in &raw.datasets {
        let at = source.at(d.name.span());
        let entry = registry
            .find(d.name.get_ref(), d.variant.as_deref())
            .map_err(|e| anyhow!("{at}: {e}"))?;
        let options = ReadOptions {
            reader: d.reader,
            missing: d.missing,
        };
        let index = match loaded.get(&(entry.id(), options)) {
            Some(i) => *i,
            None => {
                let ds = load(entry, data_dir, options)
                    .map_err(|e| anyhow!("{at}: dataset {}: {e}", entry.id()))?;
                plan.datasets.push(Arc::new(ds));
                loaded.insert((entry.id(), options), plan.datasets.len() - 1);
                plan.datasets.len() - 1
            }
        };
        let protocol = d.protocol.unwrap_or(protocol);
        check_protocol(&plan.datasets[index], protocol).map_err(|e| anyhow!("{at}: {e}"))?;
        part.datasets.push((index, protocol));
    }
    for m in &raw.methods {
        for config in method_configs(source, m)? {
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
    part.tests = test_settings(source, &raw.report, &names, &labels)?;
    Ok(part)
}

fn test_settings(
    source: &Source,
    report: &ReportOptions,
    datasets: &[(String, String)],
    labels: &[String],
) -> Result<TestSettings> {
    let file = source.path.display();
    if !(report.alpha > 0.0 && report.alpha < 0.5) {
        bail!(
            "{file}: [report] alpha = {} is not a significance level; use a value in (0, 0.5), e.g. 0.05",
            report.alpha
        );
    }
    if !(report.rope >= 0.0 && report.rope.is_finite()) {
        bail!(
            "{file}: [report] rope = {} must be a non-negative relative difference, e.g. 0.01",
            report.rope
        );
    }
    let find = |wanted: &toml::Spanned<String>, names: &[&str], what: &str| {
        names
            .iter()
            .position(|n| *n == wanted.get_ref())
            .ok_or_else(|| {
                anyhow!(
                    "{}: {what} {:?} is not in this experiment; it has: {}",
                    source.at(wanted.span()),
                    wanted.get_ref(),
                    names.join(", ")
                )
            })
    };
    let label_names: Vec<&str> = labels.iter().map(String::as_str).collect();
    let control = match &report.control {
        Some(c) => find(c, &label_names, "control method")?,
        None => labels.len().saturating_sub(1),
    };
    let dataset_names: Vec<&str> = datasets.iter().map(|(_, n)| n.as_str()).collect();
    let time_dataset = match &report.time_dataset {
        Some(d) => Some(find(d, &dataset_names, "time_dataset")?),
        None => None,
    };
    Ok(TestSettings {
        control,
        alpha: report.alpha,
        rope: report.rope,
        time_dataset,
    })
}

fn check_protocol(ds: &Dataset, protocol: Protocol) -> Result<()> {
    match (protocol, &ds.tables) {
        (Protocol::Authors { .. }, Tables::Single(_)) => bail!(
            "protocol \"authors\" needs the authors' train/test pairs: use variant \"tsoulos\", or protocol kind = \"kfold\""
        ),
        (Protocol::Authors { repetitions }, _) | (Protocol::Kfold { repetitions, .. }, _)
            if repetitions == 0 =>
        {
            bail!("repetitions must be at least 1")
        }
        (Protocol::Kfold { folds, .. }, _) => {
            // The real split is made per repetition in `cells`; this catches a
            // class too small for the folds with a message naming the dataset.
            split::kfold(&ds.full().y, ds.task, folds, 0, &ds.id)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// One config per point of the method's grid (a list value is a grid axis).
fn method_configs(source: &Source, m: &RawMethod) -> Result<Vec<MethodConfig>> {
    let at = source.at(m.name.span());
    let name = m.name.get_ref();
    let reg = methods::find(name).ok_or_else(|| {
        anyhow!(
            "{at}: unknown method {name:?}; the methods are: {} (see `harness methods`)",
            methods::names()
        )
    })?;
    let params_at = m
        .params
        .as_ref()
        .map_or(at.clone(), |p| source.at(p.span()));
    let table = m
        .params
        .as_ref()
        .map(|p| p.get_ref().clone())
        .unwrap_or_default();
    let candidates = tune_candidates(source, m, reg, &table)?;
    let grid = expand(&table);
    let axes: Vec<&String> = table
        .iter()
        .filter(|(_, v)| v.is_array())
        .map(|(k, _)| k)
        .collect();
    grid.into_iter()
        .map(|point| {
            let built = (reg.build)(point.clone())
                .map_err(|e| anyhow!("{params_at}: method {name}: {e}\n  `harness methods` lists every parameter with its default."))?;
            let base = m.label.clone().unwrap_or_else(|| name.clone());
            let label = if axes.is_empty() {
                base.clone()
            } else {
                let values: Vec<String> = axes.iter().map(|k| format!("{k}={}", point[k.as_str()])).collect();
                format!("{base}({})", values.join(","))
            };
            let sweep = match axes.as_slice() {
                [axis] => point[axis.as_str()].as_float().or_else(|| {
                    point[axis.as_str()].as_integer().map(|i| i as f64)
                }).map(|value| SweepPoint {
                    grid: format!("{base} over {axis}"),
                    parameter: axis.to_string(),
                    value,
                }),
                _ => None,
            };
            let mut resolved = serde_json::to_value(&built.resolved)?;
            if let (Some(tune), Some(object)) = (&m.tune, resolved.as_object_mut()) {
                // The tuning grid and share are part of what determines a cell's result.
                object.insert("tune".into(), serde_json::to_value(tune.get_ref())?);
                object.insert("validation".into(), m.validation.into());
                object.insert("tune_procedure".into(), crate::tune::PROCEDURE.into());
            }
            Ok(MethodConfig {
                name: reg.name,
                label,
                sweep,
                candidates: candidates
                    .iter()
                    .map(|(json, table)| {
                        let built = (reg.build)(merge(&point, table))
                            .map_err(|e| anyhow!("{params_at}: method {name} (tuned): {e}"))?;
                        Ok((json.clone(), built.method))
                    })
                    .collect::<Result<_>>()?,
                validation: m.validation,
                version: reg.version,
                params_json: serde_json::to_string(&resolved)?,
                method: built.method,
            })
        })
        .collect()
}

/// The points of a method's `tune` grid, each as (JSON, table); checked
/// against the method so a bad value fails at plan time.
fn tune_candidates(
    source: &Source,
    m: &RawMethod,
    reg: nnbench_core::Registration,
    params: &toml::Table,
) -> Result<Vec<(String, toml::Table)>> {
    let Some(tune) = &m.tune else {
        return Ok(Vec::new());
    };
    let at = source.at(tune.span());
    if !(m.validation > 0.0 && m.validation < 1.0) {
        bail!(
            "{at}: validation = {} must be a share of the training part in (0, 1), e.g. 0.2",
            m.validation
        );
    }
    if let Some(both) = tune.get_ref().keys().find(|k| params.contains_key(*k)) {
        bail!("{at}: `{both}` is both in params and in tune; list its values in one of them");
    }
    expand(tune.get_ref())
        .into_iter()
        .map(|point| {
            (reg.build)(merge(params, &point))
                .map_err(|e| anyhow!("{at}: method {}: {e}", m.name.get_ref()))?;
            Ok((serde_json::to_string(&point)?, point))
        })
        .collect()
}

/// `base` with the keys of `over` set.
fn merge(base: &toml::Table, over: &toml::Table) -> toml::Table {
    let mut out = base.clone();
    out.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// The cross product of every list-valued parameter, in key order.
fn expand(table: &toml::Table) -> Vec<toml::Table> {
    let mut points = vec![toml::Table::new()];
    for (key, value) in table {
        let choices = match value {
            toml::Value::Array(a) => a.clone(),
            v => vec![v.clone()],
        };
        points = points
            .iter()
            .flat_map(|p| {
                choices.iter().map(move |c| {
                    let mut q = p.clone();
                    q.insert(key.clone(), c.clone());
                    q
                })
            })
            .collect();
    }
    points
}

fn cells(plan: &Plan) -> Result<Vec<Cell>> {
    let mut out = Vec::new();
    for (p, part) in plan.parts.iter().enumerate() {
        for &(d, protocol) in &part.datasets {
            let ds = &plan.datasets[d];
            for (repetition, folds) in splits(ds, protocol, part.seed)?.into_iter().enumerate() {
                for (fold, split) in folds.into_iter().enumerate() {
                    let split_hash = split_hash(ds, &split);
                    for &m in &part.methods {
                        let method = &plan.methods[m];
                        let identity = serde_json::json!({
                            "schema": KEY_SCHEMA,
                            "dataset": ds.id,
                            "content": ds.content_hash,
                            "protocol": protocol,
                            "scaling": part.scaling,
                            "budget": part.budget,
                            "master_seed": part.seed,
                            "method": method.name,
                            "version": method.version,
                            "params": method.params_json,
                            "repetition": repetition,
                            "fold": fold,
                        });
                        let rep = repetition.to_string();
                        let fold_s = fold.to_string();
                        // Not the params: every config of a method starts from
                        // the same stream on a cell (common random numbers).
                        let seed =
                            seed::derive(part.seed, &["train", &ds.id, &rep, &fold_s, method.name]);
                        let shared_seed =
                            seed::derive(part.seed, &["shared", &ds.id, &fold_s, method.name]);
                        out.push(Cell {
                            key: sha256_hex(identity.to_string().as_bytes()),
                            part: p,
                            dataset: d,
                            method: m,
                            protocol,
                            repetition,
                            fold,
                            seed,
                            shared_seed,
                            split: split.clone(),
                            split_hash: split_hash.clone(),
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Per repetition, the splits of its folds. A function of (seed, dataset,
/// repetition) only.
fn splits(ds: &Dataset, protocol: Protocol, master: u64) -> Result<Vec<Vec<Split>>> {
    Ok(match protocol {
        Protocol::Authors { repetitions } => {
            let Tables::Pairs(pairs) = &ds.tables else {
                unreachable!("check_protocol refuses authors on single tables")
            };
            (0..repetitions)
                .map(|_| (0..pairs.len()).map(Split::Pair).collect())
                .collect()
        }
        Protocol::Kfold { folds, repetitions } => {
            let y = ds.full().y;
            (0..repetitions)
                .map(|r| {
                    let s = seed::derive(master, &["split", &ds.id, &r.to_string()]);
                    let assignment = Arc::new(split::kfold(&y, ds.task, folds, s, &ds.id)?);
                    Ok((0..folds)
                        .map(|fold| Split::Folds {
                            assignment: assignment.clone(),
                            fold,
                        })
                        .collect())
                })
                .collect::<Result<_>>()?
        }
    })
}

fn split_hash(ds: &Dataset, split: &Split) -> String {
    let text = match split {
        Split::Pair(k) => format!("{}:pair:{k}", ds.content_hash),
        Split::Folds { assignment, fold } => {
            let test: Vec<String> = (0..assignment.len())
                .filter(|&i| assignment[i] == *fold)
                .map(|i| i.to_string())
                .collect();
            format!("{}:test:{}", ds.content_hash, test.join(","))
        }
    };
    sha256_hex(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_expand_into_their_cross_product() {
        let t: toml::Table =
            toml::from_str("a = [1, 2]\nb = 3\nc = [\"x\", \"y\", \"z\"]").unwrap();
        let g = expand(&t);
        assert_eq!(g.len(), 6);
        assert!(g.iter().all(|p| p["b"].as_integer() == Some(3)));
        let pairs: std::collections::HashSet<String> =
            g.iter().map(|p| format!("{}{}", p["a"], p["c"])).collect();
        assert_eq!(pairs.len(), 6);
    }

    #[test]
    fn no_params_is_one_point() {
        assert_eq!(expand(&toml::Table::new()).len(), 1);
    }
}
