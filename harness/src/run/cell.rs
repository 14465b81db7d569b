//! Running one cell: its fold of the data, scaled on the training part only,
//! the method trained on a counting problem, metrics on both parts. Pure
//! apart from the clock: the same cell gives the same record (timings aside).

use super::clock::Clock;
use super::fit::{problem_for, score, settle};
use super::tune;
use crate::plan::{Cell, Plan, Split};
use crate::store::record::{
    CellMetrics, CellRecord, FrontRecord, MemberRecord, PartScores, Status, Tuned,
};
use nnbench_core::{Patterns, Seeds, Spent};
use nnbench_datasets::{Scaler, Table, Tables};
use std::panic::{AssertUnwindSafe, catch_unwind};

pub fn run(plan: &Plan, cell: &Cell, clock: Clock) -> CellRecord {
    let part = &plan.parts[cell.part];
    let ds = &plan.datasets[cell.dataset];
    let config = &plan.methods[cell.method];
    let mut record = CellRecord {
        key: cell.key.clone(),
        part: part.name.clone(),
        dataset: ds.id.clone(),
        task: ds.task,
        method: config.name.into(),
        label: config.label.clone(),
        params: config.params_json.clone(),
        protocol: cell.protocol,
        scaling: part.scaling,
        repetition: cell.repetition as i64,
        fold: cell.fold as i64,
        seed: cell.seed,
        split_hash: cell.split_hash.clone(),
        status: Status::Failed,
        error: String::new(),
        stop_reason: None,
        test_error: f64::NAN,
        train_error: f64::NAN,
        metrics: None,
        spent: Spent::default(),
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
    let timer = clock.start();
    // Tuning time and spend count in the cell's: they are part of what the
    // method costs. It sees the unscaled training part and scales its own inner part.
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
    let (method, tuned, tuning_spent) = match choice {
        None => (config.method.as_ref(), None, Spent::default()),
        Some(Ok(c)) => (
            c.method,
            Some(Tuned {
                chosen: serde_json::from_str(&c.chosen).unwrap_or_default(),
                validation_errors: c.errors,
            }),
            c.spent,
        ),
        Some(Err(panic)) => {
            (record.wall_s, record.cpu_s) = timer.elapsed();
            record.error = format!("a tuning candidate panicked: {}", panic_message(&*panic));
            return record;
        }
    };
    let mut problem = problem_for(method, &train_p, ds.task, &train, part.budget);
    let trained = catch_unwind(AssertUnwindSafe(|| {
        method.train(&mut problem, Seeds::new(cell.seed, cell.shared_seed))
    }));
    (record.wall_s, record.cpu_s) = timer.elapsed();
    let spent = problem.spent();
    record.spent = Spent {
        objective_evals: spent.objective_evals + tuning_spent.objective_evals,
        gradient_evals: spent.gradient_evals + tuning_spent.gradient_evals,
    };
    let trained = match trained {
        Ok(t) => t,
        Err(panic) => {
            record.error = panic_message(&*panic);
            return record;
        }
    };
    let model = trained.model.as_ref();
    let outputs = (model.outputs(&train_p), model.outputs(&test_p));
    let stop = settle(trained.stop, &problem, &outputs.0);
    record.stop_reason = Some(stop);
    let labels = train.class_labels();
    let scored = |outputs: &[f64], table: &Table| score(ds.task, outputs, table, &labels);
    let (test_scores, train_scores) = match (scored(&outputs.1, &test), scored(&outputs.0, &train))
    {
        (Ok(test), Ok(train)) => (test, train),
        (Err(e), _) | (_, Err(e)) => {
            record.error = format!("{}: {e}", config.name);
            return record;
        }
    };
    let metrics = CellMetrics {
        test: PartScores {
            scores: test_scores,
            loss: model.loss(&test_p),
        },
        train: PartScores {
            scores: train_scores,
            loss: model.loss(&train_p),
        },
        notes: model
            .notes()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        trace: problem.trace().to_vec(),
        tuned,
        front: model.front().map(|front| FrontRecord {
            objectives: front.objectives.iter().map(|o| o.to_string()).collect(),
            rule: front.rule,
            chosen: front.chosen,
            members: front
                .members
                .iter()
                .map(|m| MemberRecord {
                    train: m.objectives(&train_p),
                    test: m.objectives(&test_p),
                    test_error: scored(&m.outputs(&test_p), &test).map_or(f64::NAN, |s| s.error()),
                })
                .collect(),
        }),
    };
    record.test_error = metrics.test.scores.error();
    record.train_error = metrics.train.scores.error();
    record.metrics = Some(metrics);
    if record.test_error.is_finite() {
        record.status = Status::Ok;
    } else {
        record.error = format!(
            "the model's test error is {} (stop reason {})",
            record.test_error,
            stop.as_str()
        );
    }
    record
}

pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}
