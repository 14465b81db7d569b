//! One fitness evaluation of MO-EvoPruneDeepTL (training the sparse layer
//! to early stopping with the authors' SGD, then the three objectives) on
//! scikit-learn's digits, the pixels standing in for the backbone's
//! features (64 inputs, 512 hidden units as the authors' layer, 10 classes,
//! 1 437 training and 360 validation rows, mode `first`), at densities 1.0
//! and 0.2. The out-of-distribution rows are the validation rows' pixels
//! in reverse order: a stand-in of the same width for the cost alone.

use criterion::{Criterion, criterion_group, criterion_main};
use nnbench_core::seed;
use nnbench_datasets::{DataDir, Registry, load};
use nnbench_evoprune::fitness::{Fitness, Task};
use nnbench_evoprune::layer::{Features, Mode};
use nnbench_evoprune::sgd::Sgd;
use std::hint::black_box;

fn digits() -> (Features, Features) {
    let registry = Registry::built_in();
    let entry = registry.find("digits", Some("embedded")).unwrap();
    let dir = DataDir {
        path: "/nonexistent".into(),
        origin: "bench",
    };
    let table = load(entry, &dir, Default::default()).unwrap().full();
    let features = |rows: std::ops::Range<usize>| Features {
        d: 64,
        x: rows
            .clone()
            .flat_map(|r| table.row(r).iter().map(|v| v / 16.0))
            .collect(),
        y: rows.map(|r| table.y[r] as usize).collect(),
    };
    (features(0..1437), features(1437..1797))
}

fn evaluation(c: &mut Criterion) {
    let (train, validation) = digits();
    let mut ood = validation.clone();
    ood.x.reverse();
    let mut group = c.benchmark_group("fitness evaluation (digits, 64 -> 512 -> 10)");
    group.sample_size(10);
    let task = Task {
        train: &train,
        validation: &validation,
        ood: &ood,
        classes: 10,
        hidden: 512,
        mode: Mode::First,
        sgd: Sgd::AUTHORS,
        temperature: 1000.0,
        seed: seed::derive(1, &["bench"]),
    };
    for density in [1.0, 0.2] {
        let on = (64.0 * density) as usize;
        let mask: Vec<bool> = (0..64).map(|i| i < on).collect();
        // What one evaluation does, for the figures beside its time.
        let once = Fitness::new(task.clone()).evaluate(&mask).clone();
        eprintln!(
            "density {density}: {} epochs, objectives {:?}",
            once.epochs, once.objectives
        );
        group.bench_function(format!("density {density}"), |b| {
            b.iter(|| black_box(Fitness::new(task.clone()).evaluate(&mask).epochs))
        });
    }
    group.finish();
}

criterion_group!(benches, evaluation);
criterion_main!(benches);
