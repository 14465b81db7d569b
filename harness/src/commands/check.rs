//! `harness check-method`: one cell of a method run twice in this process,
//! the two records compared field by field but for their timings. A
//! method whose runs differ is not refused: many trainers written
//! elsewhere are not deterministic, and the researcher should know it.

use crate::cli::CheckArgs;
use crate::plan;
use crate::run::clock::Clock;
use crate::run::run_cell;
use anyhow::{Result, bail};
use nnbench_datasets::DataDir;
use serde_json::Value;
use std::process::ExitCode;

pub fn check_method(args: &CheckArgs) -> Result<ExitCode> {
    let data_dir = DataDir::resolve(args.data.data_dir.as_deref());
    let plan = plan::build(&args.experiment, &data_dir, plan::limits::DEFAULT_MAX_CELLS)?;
    let labels: Vec<&str> = plan.methods.iter().map(|m| m.label.as_str()).collect();
    let Some(cell) = plan.cells.iter().find(|c| {
        plan.methods[c.method].label == args.method
            && args
                .dataset
                .as_ref()
                .is_none_or(|d| plan.datasets[c.dataset].id.starts_with(d.as_str()))
    }) else {
        bail!(
            "{}: no cell of method {:?}{}; its method labels are {}",
            args.experiment.display(),
            args.method,
            args.dataset
                .as_ref()
                .map_or(String::new(), |d| format!(" on dataset {d:?}")),
            labels.join(", ")
        );
    };
    let what = format!(
        "{} on {}, repetition {}, fold {}",
        args.method, plan.datasets[cell.dataset].id, cell.repetition, cell.fold
    );
    let [first, second] = [0, 1].map(|_| {
        let mut record = serde_json::to_value(run_cell(&plan, cell, Clock::Real))
            .expect("a cell record serialises");
        if let Some(fields) = record.as_object_mut() {
            fields.remove("wall_s");
            fields.remove("cpu_s");
        }
        record
    });
    if first["status"] != "ok" {
        println!(
            "{what}: the first run failed, so there is nothing to compare: {}",
            first["error"].as_str().unwrap_or_default()
        );
        return Ok(ExitCode::from(2));
    }
    let mut differences = Vec::new();
    differ("", &first, &second, &mut differences);
    if differences.is_empty() {
        println!(
            "{what}: two runs gave identical results, bit for bit (test error {}).",
            first["test_error"]
        );
    } else {
        println!(
            "{what}: two runs from the same seed differ, so this method is not deterministic; its cells will not repeat exactly. Where they differ:"
        );
        for d in differences.iter().take(10) {
            println!("  {d}");
        }
        if differences.len() > 10 {
            println!("  ... and {} more", differences.len() - 10);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The paths where `a` and `b` differ, with both values.
fn differ(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let at = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                differ(&at, v, y.get(k).unwrap_or(&Value::Null), out);
            }
        }
        _ if a != b => {
            let short = |v: &Value| -> String { v.to_string().chars().take(80).collect() };
            out.push(format!("{path}: {} vs {}", short(a), short(b)));
        }
        _ => {}
    }
}
