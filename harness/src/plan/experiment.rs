//! Reading experiment files: TOML into raw structs, with unknown keys and
//! wrong types refused, `include`s followed, and spans kept so later checks
//! can name the file and line. Nothing here loads data or checks meaning;
//! that is `plan`'s job.

use anyhow::{Context, Result, bail};
use nnbench_core::Budget;
use nnbench_datasets::{Entry, MissingPolicy, Scaling, TsoulosReader};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// How cells are made from a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Protocol {
    /// The dataset's own train/test pairs (the tsoulos variants' 10, the
    /// one split of Fashion-MNIST), each run with `repetitions` seeds.
    Authors {
        #[serde(default = "one")]
        repetitions: usize,
    },
    /// Seeded k-fold cross-validation, stratified for classification,
    /// repeated `repetitions` times with fresh splits; 10 folds once when
    /// not given, as scikit-learn's and Weka's defaults.
    Kfold {
        #[serde(default = "ten")]
        folds: usize,
        #[serde(default = "one")]
        repetitions: usize,
    },
}

fn one() -> usize {
    1
}

fn ten() -> usize {
    10
}

impl Protocol {
    /// A short name for tables: `authors` or `kfold10`.
    pub fn short(&self) -> String {
        match self {
            Protocol::Authors { .. } => "authors".into(),
            Protocol::Kfold { folds, .. } => format!("kfold{folds}"),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Protocol::Authors { repetitions } => {
                format!("authors' train/test pairs x {repetitions} seeds")
            }
            Protocol::Kfold { folds, repetitions } => {
                format!("{folds}-fold CV x {repetitions} repetitions")
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDataset {
    pub name: Spanned<String>,
    pub variant: Option<String>,
    /// Overrides the experiment's protocol for this dataset.
    pub protocol: Option<Spanned<Protocol>>,
    #[serde(default)]
    pub reader: TsoulosReader,
    #[serde(default)]
    pub missing: MissingPolicy,
    /// Classes whose rows are taken out of the dataset to be its
    /// out-of-distribution rows (for methods that detect them).
    pub ood_classes: Option<Spanned<Vec<f64>>>,
    /// Other datasets (`name` or `name/variant`) whose test parts (every
    /// row, for one without a test part) are this one's out-of-distribution
    /// rows, as the paper takes the other datasets' test images.
    pub ood: Option<Spanned<Vec<String>>>,
    /// A frozen feature extractor nnbench pre-trains on another dataset.
    pub backbone: Option<Spanned<super::backbone::BackboneSpec>>,
    /// The network explainers explain: trained on each cell's training
    /// part, once per split, from a seed every explainer shares.
    pub blackbox: Option<Spanned<nnbench_core::BlackBoxSpec>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMethod {
    pub name: Spanned<String>,
    /// The column name in reports (default: the name, plus grid values).
    pub label: Option<String>,
    pub params: Option<Spanned<toml::Table>>,
    /// Lists to choose from per cell, on an inner validation split of the
    /// training part: the grid's best point is retrained on the whole part.
    pub tune: Option<Spanned<toml::Table>>,
    /// The validation share of the training part when tuning (default 0.2).
    #[serde(default = "default_validation")]
    pub validation: f64,
}

fn default_validation() -> f64 {
    0.2
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportOptions {
    pub title: Option<String>,
    /// A paragraph under the part's title: what the experiment is, and
    /// where it departs from the paper it follows.
    pub about: Option<String>,
    /// Published tables to set beside the regenerated test errors.
    #[serde(default)]
    pub published: Vec<PublishedTable>,
    /// The method label every other method is tested against (default: the last method).
    pub control: Option<Spanned<String>>,
    /// Significance level of every test and verdict.
    #[serde(default = "default_alpha")]
    pub alpha: f64,
    /// Half-width of the Bayesian test's region of practical equivalence,
    /// on relative differences (0.01: within 1 % of each other).
    #[serde(default = "default_rope")]
    pub rope: f64,
    /// The dataset of the run-time plot (default: the one with most rows).
    pub time_dataset: Option<Spanned<String>>,
    /// For methods whose result is a front: the reference point of the raw
    /// hypervolume (`hypervolume_at`), one finite value per objective.
    pub front_reference: Option<Spanned<Vec<f64>>>,
    /// Metrics the same cells record, set side by side as if each were a
    /// method (a front's ensembles against its chosen member, say) and
    /// tested as methods are, runs paired by repetition and fold.
    #[serde(default)]
    pub compare: Vec<RawComparison>,
    /// Why a regenerated cell departs from the paper's, where that is known
    /// (a named preset, an ambiguity of the paper): shown beside the cell's
    /// verdict.
    #[serde(default)]
    pub deviations: Vec<RawDeviation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeviation {
    pub method: Spanned<String>,
    pub dataset: Spanned<String>,
    pub why: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComparison {
    pub title: String,
    pub metrics: Spanned<Vec<String>>,
    /// The metric the others are tested against (default: the first).
    pub control: Option<Spanned<String>>,
}

fn default_alpha() -> f64 {
    0.05
}

fn default_rope() -> f64 {
    0.01
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: None,
            about: None,
            published: Vec::new(),
            control: None,
            alpha: default_alpha(),
            rope: default_rope(),
            time_dataset: None,
            front_reference: None,
            compare: Vec::new(),
            deviations: Vec::new(),
        }
    }
}

/// A CSV of published numbers: a `dataset` column of the paper's names, then
/// one column per method. `columns` maps a CSV column to a method label where
/// they differ (by default a column matches the label of the same name).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedTable {
    /// Relative to the experiment file.
    pub file: Spanned<String>,
    #[serde(default)]
    pub columns: std::collections::BTreeMap<String, String>,
    /// The metric the table reports (default: the test error).
    #[serde(default = "test_error")]
    pub metric: String,
}

fn test_error() -> String {
    "test_error".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExperiment {
    pub name: Spanned<String>,
    pub seed: Option<u64>,
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    pub protocol: Option<Spanned<Protocol>>,
    pub scaling: Option<Scaling>,
    #[serde(default)]
    pub budget: Budget,
    /// Test metrics to tabulate besides the test error.
    #[serde(default)]
    pub metrics: Vec<Spanned<String>>,
    #[serde(default)]
    pub datasets: Vec<RawDataset>,
    #[serde(default)]
    pub methods: Vec<RawMethod>,
    #[serde(default)]
    pub report: ReportOptions,
    /// A user's own datasets, in the registry's schema (datasets/registry.toml).
    #[serde(default)]
    pub dataset_def: Vec<Spanned<Entry>>,
}

/// One experiment file with its text, so spans can become line numbers.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    pub raw: RawExperiment,
    /// Byte offset of every newline, so `at` is a binary search: counting
    /// from the top for every entry made planning a file of 20 000 methods
    /// take 9 s.
    newlines: Vec<usize>,
}

impl Source {
    fn new(path: PathBuf, text: String, raw: RawExperiment) -> Source {
        let newlines = text.match_indices('\n').map(|(i, _)| i).collect();
        Source {
            path,
            text,
            raw,
            newlines,
        }
    }

    /// `file:line` of a byte offset, for error messages.
    pub fn at(&self, span: std::ops::Range<usize>) -> String {
        let line = self.newlines.partition_point(|&n| n < span.start) + 1;
        format!("{}:{line}", self.path.display())
    }
}

/// The file and everything it includes, depth first, each file once.
pub fn read_all(path: &Path) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    let mut stack = Vec::new();
    read_into(path, &mut out, &mut stack)?;
    Ok(out)
}

/// Refuses what is not a regular file (a device such as /dev/zero, a FIFO,
/// a directory) before reading it: such a read may never end.
pub fn regular_file(path: &Path, what: &str) -> Result<()> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot open {what} {}", path.display()))?;
    if !meta.is_file() {
        bail!(
            "{what} {} is not a regular file (a directory, device or pipe); name a file",
            path.display()
        );
    }
    Ok(())
}

fn read_into(path: &Path, out: &mut Vec<Source>, stack: &mut Vec<PathBuf>) -> Result<()> {
    regular_file(path, "experiment file")?;
    let canonical = path
        .canonicalize()
        .with_context(|| format!("cannot open experiment file {}", path.display()))?;
    if stack.contains(&canonical) {
        bail!(
            "{} includes itself (through {})",
            path.display(),
            stack.last().unwrap().display()
        );
    }
    if out
        .iter()
        .any(|s: &Source| s.path.canonicalize().ok().as_ref() == Some(&canonical))
    {
        return Ok(());
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read experiment file {}", path.display()))?;
    let raw: RawExperiment = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    stack.push(canonical);
    let dir = path.parent().unwrap_or(Path::new("."));
    let source = Source::new(path.to_path_buf(), text, raw);
    for inc in &source.raw.include {
        read_into(&dir.join(inc.get_ref()), out, stack).with_context(|| {
            format!(
                "{}: in the include of {:?}",
                source.at(inc.span()),
                inc.get_ref()
            )
        })?;
    }
    stack.pop();
    out.push(source);
    Ok(())
}

/// toml's message with the file named and its line pointed at.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        .map_or(String::new(), |l| format!(":{l}"));
    anyhow::anyhow!(
        "{}{line}: {}\n  See README.md, \"Experiment files\", for the keys an experiment takes.",
        path.display(),
        e.message()
    )
}
