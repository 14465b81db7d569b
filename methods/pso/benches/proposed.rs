//! One whole PROPOSED run (200 particles x 200 iterations, then BFGS) on the
//! first training split of pima (tsoulos variant), inputs min-max scaled.
//! NNBENCH_DATA=../shared/datasets cargo bench -p nnbench-pso

use criterion::{Criterion, criterion_group, criterion_main};
use nnbench_core::{Budget, MethodParams, Network, Patterns, Problem, Seeds};
use nnbench_pso::Proposed;

fn pima_train() -> Patterns {
    let train = nnbench_datasets::first_training_part("pima", "tsoulos")
        .unwrap_or_else(|e| panic!("set NNBENCH_DATA to the shared datasets: {e}"));
    Patterns::from_rows(train.d, &train.x, &train.y)
}

fn proposed(c: &mut Criterion) {
    let data = pima_train();
    let method = Proposed::default().build().unwrap();
    let mut group = c.benchmark_group("proposed");
    group.sample_size(10);
    group.bench_function("pima_split1_full_run", |b| {
        b.iter(|| {
            let mut problem = Problem::new(Some(Network::new(8, 10)), &data, Budget::default());
            method.train(&mut problem, Seeds::new(1, 1))
        })
    });
    group.finish();
}

criterion_group!(benches, proposed);
criterion_main!(benches);
