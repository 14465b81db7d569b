//! Running one cell: its fold of the data, scaled on the training part only,
//! the method trained on a counting problem, metrics on both parts. Pure
//! apart from the clock: the same cell gives the same record (timings aside).

use super::clock::Clock;
use super::explain;
use super::fit::{problem_for, score, settle};
use super::tune;
use crate::plan::{Cell, Plan, Split};
use crate::store::record::{
    CellMetrics, CellRecord, FrontRecord, MemberRecord, PartScores, Status, Tuned,
};
use nnbench_core::{Domains, Patterns, Seeds, Spent};
use nnbench_datasets::{Scaler, Table, Tables, Task};
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    /// The cell this thread is running, for the panic hook's message.
    static RUNNING: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The cell the calling thread is running, as a message names it.
pub fn running() -> Option<String> {
    RUNNING.with(|r| r.borrow().clone())
}

/// Runs `cell`. A panic anywhere in it (a method's bug, or ours) becomes
/// the cell's failure, recorded like any other: the grid goes on.
pub fn run(plan: &Plan, cell: &Cell, clock: Clock) -> CellRecord {
    let config = &plan.methods[cell.method];
    let name = format!(
        "cell {} ({} on {}, repetition {}, fold {})",
        cell.key, config.label, plan.datasets[cell.dataset].id, cell.repetition, cell.fold
    );
    RUNNING.with(|r| *r.borrow_mut() = Some(name));
    let timer = clock.start();
    let record = catch_unwind(AssertUnwindSafe(|| run_unguarded(plan, cell, clock)))
        .unwrap_or_else(|panic| {
            let mut record = blank(plan, cell);
            (record.wall_s, record.cpu_s) = timer.elapsed();
            record.error = format!("panicked: {}", panic_message(&*panic));
            record
        });
    RUNNING.with(|r| *r.borrow_mut() = None);
    record
}

/// The record of `cell` before it ran: failed, with nothing measured.
fn blank(plan: &Plan, cell: &Cell) -> CellRecord {
    let part = &plan.parts[cell.part];
    let ds = &plan.datasets[cell.dataset];
    let config = &plan.methods[cell.method];
    CellRecord {
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
    }
}

fn run_unguarded(plan: &Plan, cell: &Cell, clock: Clock) -> CellRecord {
    let part = &plan.parts[cell.part];
    let ds = &plan.datasets[cell.dataset];
    let config = &plan.methods[cell.method];
    let mut record = blank(plan, cell);
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
    // Tuning sees the unscaled training part and scales its own inner part.
    let unscaled = (!config.candidates.is_empty()).then(|| train.clone());
    let mut ood = ds
        .ood
        .as_ref()
        .map(|rows| ood_parts(rows, &cell.split, &ds.tables));
    let scaler = Scaler::fit(part.scaling, &train);
    let ood_tables = ood.iter_mut().flat_map(|(a, b)| [a, b]);
    for table in [&mut train, &mut test].into_iter().chain(ood_tables) {
        scaler.apply(table);
    }
    let patterns = |t: &Table| Patterns::from_rows(t.d, &t.x, &t.y);
    let ood = ood.map(|(a, b)| (patterns(&a), patterns(&b)));
    let (train_p, test_p) = (patterns(&train), patterns(&test));
    // Trained before the method's clock starts: the network is the
    // protocol's, the same for every explainer of the split, whichever
    // cell trains it.
    let black_box = plan.black_boxes[cell.dataset].as_ref().map(|spec| {
        let labels = (ds.task == Task::Classification).then(|| train.class_labels());
        let (rep, fold) = (cell.repetition.to_string(), cell.fold.to_string());
        explain::black_box(
            spec,
            &train_p,
            labels.as_deref(),
            part.seed,
            &[&ds.id, &rep, &fold],
        )
    });
    let timer = clock.start();
    // Tuning time and spend count in the cell's: they are part of what the
    // method costs.
    let choice = unscaled
        .map(|raw| tune::choose(config, &raw, part.scaling, ds.task, part.budget, cell.seed));
    let (method, tuned, tuning_spent) = match choice {
        None => (config.method.as_ref(), None, Spent::default()),
        Some(c) => (
            c.method,
            Some(Tuned {
                chosen: serde_json::from_str(&c.chosen).unwrap_or_default(),
                validation_errors: c.errors,
            }),
            c.spent,
        ),
    };
    let mut problem = problem_for(method, &train_p, ds.task, &train, part.budget);
    if let Some((ood_train, _)) = &ood {
        problem = problem.with_ood(ood_train);
    }
    let domains = ds.domains.as_ref().map(|d| explain::scaled(d, &scaler));
    if let Some((validation, extrapolation)) = &domains {
        problem = problem.with_domains(Domains {
            validation,
            extrapolation,
        });
    }
    if let Some(b) = &black_box {
        problem = problem.with_black_box(b);
    }
    let trained = method.train(&mut problem, Seeds::new(cell.seed, cell.shared_seed));
    (record.wall_s, record.cpu_s) = timer.elapsed();
    record.cpu_s += timer.cpu(problem.cpu_elsewhere());
    let spent = problem.spent();
    record.spent = Spent {
        objective_evals: spent.objective_evals + tuning_spent.objective_evals,
        gradient_evals: spent.gradient_evals + tuning_spent.gradient_evals,
    };
    let model = trained.model.as_ref();
    let outputs = (model.outputs(&train_p), model.outputs(&test_p));
    if let Some(failure) = model.failure() {
        record.error = format!("{}: {failure}", config.name);
        return record;
    }
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
    let probes = explain::probes(&test_p, &outputs.1, domains.as_ref());
    let fidelity = black_box.as_ref().map_or_else(Vec::new, |b| {
        let notes = explain::fidelity(b, model, &probes);
        // A local explainer's work happens when it is asked about points:
        // its time runs to the last explanation.
        (record.wall_s, record.cpu_s) = timer.elapsed();
        notes
    });
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
            .chain(model.test_notes(&test_p, ood.as_ref().map(|o| &o.1)))
            .map(|(k, v)| (k.to_string(), v))
            .chain(fidelity)
            .collect(),
        expressions: model.expressions(),
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
                    train: m.objectives(&train_p, ood.as_ref().map(|o| &o.0)),
                    test: m.objectives(&test_p, ood.as_ref().map(|o| &o.1)),
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

/// A dataset's out-of-distribution rows for one cell, as (beside the
/// training part, beside the test part): split evenly across the folds in
/// row order, as the authors' code splits them (numpy's `array_split`),
/// this fold's chunk goes with the test part and the others with training.
fn ood_parts(rows: &Table, split: &Split, tables: &Tables) -> (Table, Table) {
    let (fold, folds) = match (split, tables) {
        (Split::Folds { assignment, fold }, _) => {
            (*fold, assignment.iter().max().map_or(1, |m| m + 1))
        }
        (Split::Pair(k), Tables::Pairs(p)) => (*k, p.len()),
        (Split::Pair(k), Tables::Single(_)) => (*k, k + 1),
    };
    let n = rows.rows();
    let start = |f: usize| f * (n / folds) + f.min(n % folds);
    let (test, train): (Vec<usize>, Vec<usize>) =
        (0..n).partition(|&i| (start(fold)..start(fold + 1)).contains(&i));
    (rows.select(&train), rows.select(&test))
}

pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::{Method, Problem, Trained};
    use std::sync::Arc;

    struct Panics;

    impl Method for Panics {
        fn train(&self, _: &mut Problem<'_>, _: Seeds) -> Trained {
            panic!("out of cheese")
        }
    }

    #[test]
    fn ood_rows_are_split_evenly_across_folds_as_numpy_array_split() {
        let mut rows = Table::new(1);
        for i in 0..10 {
            rows.push(&[i as f64], 0.0);
        }
        let assignment = Arc::new(vec![0, 1, 2, 0, 1, 2]);
        let tables = Tables::Single(Table::new(1));
        let chunks: Vec<Vec<f64>> = (0..3)
            .map(|fold| {
                let split = Split::Folds {
                    assignment: assignment.clone(),
                    fold,
                };
                let (train, test) = ood_parts(&rows, &split, &tables);
                assert_eq!(train.rows() + test.rows(), 10);
                test.x
            })
            .collect();
        // np.array_split(range(10), 3): [0..4], [4..7], [7..10].
        assert_eq!(
            chunks,
            vec![
                vec![0.0, 1.0, 2.0, 3.0],
                vec![4.0, 5.0, 6.0],
                vec![7.0, 8.0, 9.0]
            ]
        );
    }

    #[test]
    fn a_panic_in_a_cell_is_its_failure_and_the_grid_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tiny.toml");
        std::fs::write(
            &file,
            "name = \"tiny\"\nprotocol = { kind = \"kfold\", folds = 2 }\n[[datasets]]\nname = \"iris\"\n[[methods]]\nname = \"MEAN\"\n",
        )
        .unwrap();
        // iris is embedded: no data directory is read.
        let data = nnbench_datasets::DataDir {
            path: dir.path().to_path_buf(),
            origin: "test",
        };
        let mut plan = crate::plan::build(&file, &data, 100).unwrap();
        let mean = std::mem::replace(&mut plan.methods[0].method, Box::new(Panics));
        let record = run(&plan, &plan.cells[0], Clock::Fixed);
        assert_eq!(record.status, Status::Failed);
        assert_eq!(record.error, "panicked: out of cheese");
        assert_eq!(record.key, plan.cells[0].key);
        // The thread is no longer in the cell, and runs the next one.
        assert_eq!(running(), None);
        plan.methods[0].method = mean;
        assert_eq!(run(&plan, &plan.cells[1], Clock::Fixed).status, Status::Ok);
    }
}
