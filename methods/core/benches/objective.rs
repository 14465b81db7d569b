//! The hot path: one penalised objective evaluation on full pima (768 x 8,
//! H = 10, L = 10), against the plain scalar reference with std's exp.
//! Needs the shared datasets: NNBENCH_DATA=../shared/datasets cargo bench -p nnbench-core

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nnbench_core::{Network, Patterns, seed, uniform_weights};
use nnbench_datasets::{DataDir, ReadOptions, Registry, Scaler, Scaling, load};
use std::hint::black_box;

fn pima() -> Patterns {
    let entry = Registry::built_in()
        .find("pima", Some("keel"))
        .unwrap()
        .clone();
    let dir = DataDir::resolve(None);
    let mut table = load(&entry, &dir, ReadOptions::default())
        .unwrap_or_else(|e| panic!("set NNBENCH_DATA to the shared datasets: {e}"))
        .full();
    Scaler::fit(Scaling::Minmax, &table).apply(&mut table);
    Patterns::from_rows(table.d, &table.x, &table.y)
}

fn objective(c: &mut Criterion) {
    let data = pima();
    let net = Network::new(8, 10);
    let w = uniform_weights(net.weights(), 2.0, &mut seed::rng(1));
    let mut grad = vec![0.0; w.len()];
    let mut group = c.benchmark_group("pima_768x8_h10");
    group.throughput(Throughput::Elements(1));
    group.bench_function("penalised_objective", |b| {
        b.iter(|| net.evaluate(black_box(&w), &data, Some(10.0)))
    });
    group.bench_function("scalar_reference", |b| {
        b.iter(|| net.evaluate_reference(black_box(&w), &data, 10.0))
    });
    group.bench_function("sse_and_gradient", |b| {
        b.iter(|| net.sse_gradient(black_box(&w), &data, &mut grad))
    });
    group.finish();
}

criterion_group!(benches, objective);
criterion_main!(benches);
