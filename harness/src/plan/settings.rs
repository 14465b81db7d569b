//! Cross-checks of a part's settings against its own methods and datasets:
//! the report's tests (control, alpha, rope) and each dataset's protocol.

use super::{TestSettings, limits};
use crate::plan::experiment::{Protocol, ReportOptions, Source};
use anyhow::{Result, anyhow, bail};
use nnbench_datasets::{Dataset, Tables, split};

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
