//! GEMONN's costs on the digits-shaped auto-encoder (64 inputs, 64 hidden,
//! tied weights, batches of 128): one sparse forward + backward at
//! densities 1.0, 0.5 and 0.1, with the authors' full gradient and with the
//! active-genes gradient, and the initial population of 50 plus one whole
//! generation (100 evaluations, the variation and the selection). Then the
//! paper's size (784-500, Fashion-MNIST's shape): one forward + backward of
//! a batch, and the forward pass alone over 1 000 rows (the scoring of a
//! front member).

use criterion::{Criterion, criterion_group, criterion_main};
use nnbench_core::seed;
use nnbench_gemonn::net::{Gradient, Output, SparseNet};
use nnbench_gemonn::operators::{Genome, Guided};
use nnbench_moea::{Individual, Nsga2};
use rand::RngExt;
use std::hint::black_box;

const NET: SparseNet = SparseNet {
    inputs: 64,
    hidden: 64,
    output: Output::Tied,
};

const PAPER: SparseNet = SparseNet {
    inputs: 784,
    hidden: 500,
    output: Output::Tied,
};

fn sized(net: &SparseNet, density: f64, rng: &mut nnbench_core::Rng) -> Vec<f64> {
    (0..net.genes())
        .map(|_| {
            let v = rng.random_range(-0.5..0.5);
            if rng.random::<f64>() < density {
                v
            } else {
                0.0
            }
        })
        .collect()
}

fn batch(rng: &mut nnbench_core::Rng) -> Vec<f64> {
    rows(128, 64, rng)
}

fn rows(n: usize, d: usize, rng: &mut nnbench_core::Rng) -> Vec<f64> {
    (0..n * d).map(|_| rng.random::<f64>()).collect()
}

fn forward_backward(c: &mut Criterion) {
    let mut rng = seed::rng(1);
    let rows = batch(&mut rng);
    let mut group = c.benchmark_group("forward_backward_64x64_batch128");
    for density in [1.0, 0.5, 0.1] {
        let w = sized(&NET, density, &mut rng);
        let mut g = vec![0.0; w.len()];
        for (name, mode) in [("full", Gradient::Full), ("active", Gradient::Active)] {
            group.bench_function(format!("density_{density}_{name}"), |b| {
                b.iter(|| NET.loss(black_box(&w), &rows, &[], Some((&mut g, mode))))
            });
        }
    }
    group.finish();
}

fn generation(c: &mut Criterion) {
    let mut rng = seed::rng(2);
    let rows = batch(&mut rng);
    let start: Vec<Genome> = nnbench_gemonn::operators::initial(&NET, 50, &mut rng)
        .into_iter()
        .map(|weights| Genome {
            gradient: vec![0.0; weights.len()],
            weights,
        })
        .collect();
    let evaluate = |g: &mut Genome| {
        let loss = NET.loss(
            &g.weights,
            &rows,
            &[],
            Some((&mut g.gradient, Gradient::Full)),
        );
        Some(vec![SparseNet::density(&g.weights), loss])
    };
    let engine = Nsga2 {
        population: 50,
        offspring: 50,
        generations: 1,
    };
    c.bench_function(
        "initial_population_plus_one_generation_50x_64x64_batch128",
        |b| {
            b.iter(|| {
                let mut rng = seed::rng(3);
                let outcome = engine.run(
                    start.clone(),
                    evaluate,
                    &mut Guided::new(NET.bounds()),
                    &mut rng,
                );
                black_box::<Vec<Individual<Genome>>>(outcome.population)
            })
        },
    );
}

fn paper_size(c: &mut Criterion) {
    let mut rng = seed::rng(4);
    let batch = rows(128, 784, &mut rng);
    let many = rows(1000, 784, &mut rng);
    let mut group = c.benchmark_group("paper_784x500");
    group.sample_size(10);
    for density in [1.0, 0.5, 0.1] {
        let w = sized(&PAPER, density, &mut rng);
        let mut g = vec![0.0; w.len()];
        for (name, mode) in [("full", Gradient::Full), ("active", Gradient::Active)] {
            group.bench_function(format!("batch128_density_{density}_{name}"), |b| {
                b.iter(|| PAPER.loss(black_box(&w), &batch, &[], Some((&mut g, mode))))
            });
        }
        group.bench_function(format!("forward_1000_rows_density_{density}"), |b| {
            b.iter(|| PAPER.loss(black_box(&w), &many, &[], None))
        });
    }
    group.finish();
}

criterion_group!(benches, forward_backward, generation, paper_size);
criterion_main!(benches);
