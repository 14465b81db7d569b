//! The report's tables/*.csv: each report table in long form, and each
//! methods-compared table, as polars frames.

use super::context::{LongRow, MethodSummary};
use crate::store::export::column;
use anyhow::{Context as _, Result};
use polars::prelude::DataFrame;

/// A report table in long form: one row per (dataset, method) cell.
pub fn table_frame(rows: &[LongRow]) -> Result<DataFrame> {
    let columns = vec![
        column("dataset", rows, |r| r.dataset.as_str()),
        column("method", rows, |r| r.method.as_str()),
        column("n", rows, |r| r.n as u64),
        column("mean", rows, |r| r.mean),
        column("sd", rows, |r| r.sd),
        column("se", rows, |r| r.se),
        column("median", rows, |r| r.median),
        column("q1", rows, |r| r.q1),
        column("q3", rows, |r| r.q3),
        column("tail", rows, |r| r.tail.map(|k| k as u64)),
        column("published", rows, |r| r.published),
    ];
    DataFrame::new(rows.len(), columns).context("cannot build a report table")
}

/// A report's methods-compared table, one row per method.
pub fn summary_frame(rows: &[MethodSummary]) -> Result<DataFrame> {
    let count = |name: &str, f: fn(&MethodSummary) -> Option<usize>| {
        column(name, rows, |r| f(r).map(|c| c as u64))
    };
    let columns = vec![
        column("method", rows, |r| r.method.as_str()),
        column("control", rows, |r| r.control),
        column("mean_rank", rows, |r| r.mean_rank),
        count("wins", |r| r.wins),
        count("ties", |r| r.ties),
        count("losses", |r| r.losses),
        count("significant_wins", |r| r.significant_wins),
        count("significant_losses", |r| r.significant_losses),
        column("wilcoxon_p", rows, |r| r.wilcoxon_p),
        column("wilcoxon_p_holm", rows, |r| r.wilcoxon_p_holm),
        column("p_better", rows, |r| r.p_better),
        column("p_equivalent", rows, |r| r.p_equivalent),
        column("p_worse", rows, |r| r.p_worse),
        column("seconds_per_run", rows, |r| r.seconds_per_run),
        column("objective_evals", rows, |r| r.objective_evals),
        column("gradient_evals", rows, |r| r.gradient_evals),
    ];
    DataFrame::new(rows.len(), columns).context("cannot build a methods table")
}
