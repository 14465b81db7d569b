//! What the protocol costs against what it carries: a train message of a
//! 5 000 x 10 training part written and read back through memory (the
//! harness's side of the pipe and the program's), beside one epoch of a
//! small network (10 inputs, 10 tanh units, Adam, batches of 32) on the
//! same rows in process. The bar: sending must cost less than
//! training a small model; compare the two lines as a ratio of one run.

use criterion::{Criterion, criterion_group, criterion_main};
use nnbench_core::dense::{
    Activation, Mlp, Optimiser, Output, Rule, TrainingSet, epoch, initial_weights,
};
use nnbench_core::seed::{normal, rng};
use nnbench_external::protocol;
use serde_json::Map;
use std::hint::black_box;

const ROWS: usize = 5000;
const INPUTS: usize = 10;

fn send_against_train(c: &mut Criterion) {
    let mut r = rng(1);
    let x: Vec<f64> = (0..ROWS * INPUTS).map(|_| normal(&mut r)).collect();
    let y: Vec<f64> = (0..ROWS)
        .map(|i| x[i * INPUTS] - 0.5 * x[i * INPUTS + 1])
        .collect();
    let mut group = c.benchmark_group("protocol");
    group.bench_function("5000 x 10 train message, written and read", |b| {
        b.iter(|| {
            let mut wire = Vec::with_capacity(ROWS * (INPUTS + 1) * 8 + 256);
            let mut header = Map::new();
            header.insert("type".into(), "outputs".into());
            protocol::write(&mut wire, header, &[("x", INPUTS, &x), ("y", 1, &y)]).unwrap();
            black_box(protocol::read(&mut wire.as_slice(), ROWS * INPUTS).unwrap())
        })
    });
    let net = Mlp::new(INPUTS, &[10], Activation::Tanh, Output::Value);
    let set = TrainingSet {
        x: &x,
        targets: &y,
        first_layer: None,
    };
    group.bench_function("one epoch of a 10-10-1 network on the same rows", |b| {
        let mut w = initial_weights(&net, &mut rng(2));
        let mut optimiser = Optimiser::new(
            Rule::Adam {
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8,
            },
            w.len(),
        );
        let mut r = rng(3);
        b.iter(|| black_box(epoch(&net, &mut w, &set, 32, 0.01, &mut optimiser, &mut r)))
    });
    group.finish();
}

criterion_group!(benches, send_against_train);
criterion_main!(benches);
