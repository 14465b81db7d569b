//! Running one cell: its fold of the data, scaled on the training part only,
//! the method trained on a counting problem, metrics on both parts. Pure
//! apart from the clocks: the same cell gives the same row (timings aside).

use super::clock::cpu_seconds;
use super::fit::problem_for;
use super::tune;
use crate::plan::experiment::Protocol;
use crate::plan::{Cell, Plan, Split};
use crate::store::Row;
use nnbench_core::{Patterns, Seeds, metrics};
use nnbench_datasets::{Scaler, Table, Tables, Task};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

pub fn run(plan: &Plan, cell: &Cell) -> Row {
    let part = &plan.parts[cell.part];
    let ds = &plan.datasets[cell.dataset];
    let config = &plan.methods[cell.method];
    let mut row = Row {
        key: cell.key.clone(),
        part: part.name.clone(),
        dataset: ds.id.clone(),
        task: ds.task.as_str().into(),
        method: config.name.into(),
        label: config.label.clone(),
        params: config.params_json.clone(),
        protocol: match cell.protocol {
            Protocol::Authors { .. } => "authors".into(),
            Protocol::Kfold { folds, .. } => format!("kfold{folds}"),
        },
        scaling: part.scaling.as_str().into(),
        repetition: cell.repetition as i64,
        fold: cell.fold as i64,
        seed: cell.seed,
        split_hash: cell.split_hash.clone(),
        status: "ok".into(),
        error: String::new(),
        stop_reason: String::new(),
        test_error: f64::NAN,
        train_error: f64::NAN,
        metrics: "{}".into(),
        objective_evals: 0,
        gradient_evals: 0,
        wall_s: 0.0,
        cpu_s: 0.0,
    };
    let (mut train, mut test) = match &cell.split {
        Split::Pair(k) => match &ds.tables {
            Tables::Pairs(p) => p[*k].clone(),
            Tables::Single(_) => unreachable!("plan checks that authors protocol has pairs"),
        },
        Split::Folds { assignment, fold } => {
            let full = ds.full();
            let (test_rows, train_rows): (Vec<usize>, Vec<usize>) =
                (0..full.rows()).partition(|&i| assignment[i] == *fold);
            (full.select(&train_rows), full.select(&test_rows))
        }
    };
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    // Tuning time counts in the cell's time: it is part of what the method costs.
    // It sees the unscaled training part and scales its own inner part.
    let choice = (!config.candidates.is_empty()).then(|| {
        catch_unwind(AssertUnwindSafe(|| {
            tune::choose(
                config,
                &train,
                part.scaling,
                ds.task,
                part.budget,
                cell.seed,
            )
        }))
    });
    Scaler::fit_apply(part.scaling, &mut train, &mut test);
    let patterns = |t: &Table| Patterns::from_rows(t.d, &t.x, &t.y);
    let (train_p, test_p) = (patterns(&train), patterns(&test));
    let (method, tuned) = match choice {
        None => (config.method.as_ref(), serde_json::Value::Null),
        Some(Ok(c)) => (
            c.method,
            serde_json::json!({ "chosen": serde_json::from_str::<serde_json::Value>(&c.chosen).unwrap_or_default(), "validation_errors": c.errors }),
        ),
        Some(Err(_)) => {
            row.status = "failed".into();
            row.error = "a tuning candidate panicked".into();
            return row;
        }
    };
    let mut problem = problem_for(method, &train_p, ds.task, &train, part.budget);
    let trained = catch_unwind(AssertUnwindSafe(|| {
        method.train(&mut problem, Seeds::new(cell.seed, cell.shared_seed))
    }));
    row.wall_s = wall.elapsed().as_secs_f64();
    row.cpu_s = cpu_seconds() - cpu;
    let spent = problem.spent();
    row.objective_evals = spent.objective_evals as i64;
    row.gradient_evals = spent.gradient_evals as i64;
    let trained = match trained {
        Ok(t) => t,
        Err(panic) => {
            row.status = "failed".into();
            row.error = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the method panicked".into());
            return row;
        }
    };
    row.stop_reason = trained.stop.as_str().into();
    let outputs = (
        trained.model.outputs(&train_p),
        trained.model.outputs(&test_p),
    );
    let (test_m, train_m) = match ds.task {
        Task::Classification => {
            let labels = train.class_labels();
            let te = metrics::classification(&outputs.1, &test.y, &labels);
            let tr = metrics::classification(&outputs.0, &train.y, &labels);
            row.test_error = te.class_error_pct;
            row.train_error = tr.class_error_pct;
            (serde_json::to_value(te), serde_json::to_value(tr))
        }
        Task::Regression => {
            let te = metrics::regression(&outputs.1, &test.y);
            let tr = metrics::regression(&outputs.0, &train.y);
            row.test_error = te.mse;
            row.train_error = tr.mse;
            (serde_json::to_value(te), serde_json::to_value(tr))
        }
    };
    let with_loss = |m: Result<serde_json::Value, _>, data: &Patterns| {
        let mut m = m.unwrap_or_default();
        if let (Some(loss), Some(object)) = (trained.model.loss(data), m.as_object_mut()) {
            object.insert("loss".into(), loss.into());
        }
        m
    };
    let notes: serde_json::Map<String, serde_json::Value> = trained
        .model
        .notes()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into()))
        .collect();
    row.metrics = serde_json::json!({
        "test": with_loss(test_m, &test_p),
        "train": with_loss(train_m, &train_p),
        "notes": notes,
        "trace": problem.trace(),
        "tuned": tuned,
    })
    .to_string();
    if !row.test_error.is_finite() {
        row.status = "failed".into();
        row.error = format!(
            "the model's test error is {} (stop reason {})",
            row.test_error, row.stop_reason
        );
    }
    row
}
