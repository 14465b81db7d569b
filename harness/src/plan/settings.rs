//! Cross-checks of a part's settings against its own methods and datasets:
//! the report's tests (control, alpha, rope), the deviations it explains and
//! each dataset's protocol.

use super::{Comparison, Deviation, TestSettings, limits, metric};
use crate::plan::experiment::{Protocol, RawComparison, ReportOptions, Source};
use anyhow::{Context, Result, anyhow, bail};
use nnbench_datasets::{Dataset, Tables, Task, split};

pub(super) fn test_settings(
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
        position(source, wanted, names, what)
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
    let front_reference = match &report.front_reference {
        Some(r) if r.get_ref().len() < 2 || r.get_ref().iter().any(|v| !v.is_finite()) => bail!(
            "{}: [report] front_reference = {:?} must give a finite value for each of a front's objectives (at least 2), e.g. [1.1, 1.1]",
            source.at(r.span()),
            r.get_ref()
        ),
        r => r.as_ref().map(|r| r.get_ref().clone()),
    };
    Ok(TestSettings {
        control,
        alpha: report.alpha,
        rope: report.rope,
        time_dataset,
        front_reference,
    })
}

/// Where `wanted` is in `names`, or an error at its line naming what there is.
fn position(
    source: &Source,
    wanted: &toml::Spanned<String>,
    names: &[&str],
    what: &str,
) -> Result<usize> {
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
}

/// `[[report.deviations]]`, each naming a method label and a dataset of
/// this file (by name, as in `[[datasets]]`), at most once each pair.
pub(super) fn deviations(
    source: &Source,
    report: &ReportOptions,
    datasets: &[(String, String)],
    labels: &[String],
) -> Result<Vec<Deviation>> {
    let label_names: Vec<&str> = labels.iter().map(String::as_str).collect();
    let dataset_names: Vec<&str> = datasets.iter().map(|(_, n)| n.as_str()).collect();
    let mut out: Vec<Deviation> = Vec::new();
    for raw in &report.deviations {
        let m = position(source, &raw.method, &label_names, "method label")?;
        let d = position(source, &raw.dataset, &dataset_names, "dataset")?;
        let deviation = Deviation {
            method: labels[m].clone(),
            dataset: datasets[d].0.clone(),
            why: raw.why.trim().to_string(),
        };
        if deviation.why.is_empty() {
            bail!(
                "{}: a deviation needs its `why`: the preset or the ambiguity that explains the cell",
                source.at(raw.method.span())
            );
        }
        if out
            .iter()
            .any(|o| (&o.method, &o.dataset) == (&deviation.method, &deviation.dataset))
        {
            bail!(
                "{}: {} on {} is explained twice; keep one entry",
                source.at(raw.method.span()),
                deviation.method,
                raw.dataset.get_ref()
            );
        }
        out.push(deviation);
    }
    Ok(out)
}

/// A `[[report.compare]]` entry: its metrics known, distinct, of one
/// direction and of a task some dataset of the file has, so the table it
/// asks for is not empty and its tests mean something.
pub(super) fn comparison(
    source: &Source,
    raw: &RawComparison,
    tasks: &[Task],
) -> Result<Comparison> {
    let at = source.at(raw.metrics.span());
    let metrics = raw.metrics.get_ref();
    if metrics.len() < 2 {
        bail!(
            "{at}: a comparison needs at least two metrics, e.g. metrics = [\"accuracy_pct\", \"unpruned_accuracy_pct\"]"
        );
    }
    for (i, m) in metrics.iter().enumerate() {
        metric::check(m).with_context(|| at.clone())?;
        if metrics[..i].contains(m) {
            bail!("{at}: metric {m:?} is listed twice in this comparison");
        }
        if metric::lower_is_better(m) != metric::lower_is_better(&metrics[0]) {
            bail!(
                "{at}: {m:?} and {:?} point different ways (one is better smaller, the other larger), so neither can be ranked against the other; compare metrics of one direction",
                metrics[0]
            );
        }
    }
    if !tasks
        .iter()
        .any(|&t| metrics.iter().all(|m| metric::applies(m, t)))
    {
        bail!(
            "{at}: no dataset of this file is of a task all of {} apply to",
            metrics.join(", ")
        );
    }
    let control = match &raw.control {
        None => 0,
        Some(c) => metrics
            .iter()
            .position(|m| m == c.get_ref())
            .ok_or_else(|| {
                anyhow!(
                    "{}: control {:?} is not one of this comparison's metrics ({})",
                    source.at(c.span()),
                    c.get_ref(),
                    metrics.join(", ")
                )
            })?,
    };
    Ok(Comparison {
        title: raw.title.clone(),
        metrics: metrics.clone(),
        control,
    })
}

pub(super) fn check_protocol(ds: &Dataset, protocol: Protocol) -> Result<()> {
    match (protocol, &ds.tables) {
        (Protocol::Authors { .. }, Tables::Single(_)) => bail!(
            "protocol \"authors\" needs the authors' train/test pairs: use variant \"tsoulos\", or protocol kind = \"kfold\""
        ),
        (Protocol::Authors { repetitions }, _) | (Protocol::Kfold { repetitions, .. }, _)
            if repetitions == 0 =>
        {
            bail!("repetitions must be at least 1")
        }
        (Protocol::Authors { repetitions }, _) | (Protocol::Kfold { repetitions, .. }, _)
            if repetitions > limits::MAX_REPETITIONS =>
        {
            bail!(
                "repetitions = {repetitions} is above nnbench's limit of {}",
                limits::MAX_REPETITIONS
            )
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
