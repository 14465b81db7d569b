//! SRNet's two costs: a chromosome's values on 1 000 points (reported as
//! node evaluations per second, over the active nodes of 64 random 5 x 5
//! chromosomes of the authors' ten functions), and one generation of the
//! evolution strategy at kkk0's shape: a [1, 3, 3, 1] sigmoid network's
//! activations on 200 training and 60 validation points, population 200,
//! `chromosome_select` (the initial population's selection, 200 candidates
//! where a later generation has 199). The network is random, not kkk0's
//! trained one: the cost depends on the shapes alone.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nnbench_core::seed::{normal, rng};
use nnbench_srnet::es::{Evolution, OutputLoss, Target, evolve};
use nnbench_srnet::net::{Columns, grids};
use nnbench_srnet::{Function, Grid};
use rand::RngExt;
use std::hint::black_box;

fn cgp_values(c: &mut Criterion) {
    let grid = Grid::authors(2, 5, 5, Function::AUTHORS.to_vec());
    let mut r = rng(1);
    let chromosomes: Vec<_> = (0..64).map(|_| grid.random(&mut r)).collect();
    let active: usize = chromosomes
        .iter()
        .map(|c| {
            c.active(&grid)[grid.inputs + grid.constants..]
                .iter()
                .filter(|&&a| a)
                .count()
        })
        .sum();
    let x: Vec<Vec<f64>> = (0..2)
        .map(|_| (0..1000).map(|_| r.random_range(-1.0..1.0)).collect())
        .collect();
    let columns: Vec<&[f64]> = x.iter().map(Vec::as_slice).collect();
    let mut group = c.benchmark_group("cgp");
    group.throughput(Throughput::Elements((active * 1000) as u64));
    group.bench_function(
        "64 chromosomes on 1000 points (elements: node values)",
        |b| {
            b.iter(|| {
                for ch in &chromosomes {
                    black_box(ch.evaluate(&grid, &columns));
                }
            })
        },
    );
    group.finish();
}

/// A random sigmoid network's activations at `points` uniform points of [-1, 1].
fn kkk0_shape(points: usize, r: &mut nnbench_core::Rng) -> Target {
    let sizes = [1, 3, 3, 1];
    let x: Columns = vec![(0..points).map(|_| r.random_range(-1.0..1.0)).collect()];
    let mut layers: Vec<Columns> = Vec::new();
    for l in 1..sizes.len() {
        let input = layers.last().unwrap_or(&x).clone();
        let w: Vec<Vec<f64>> = (0..sizes[l])
            .map(|_| (0..sizes[l - 1]).map(|_| normal(r)).collect())
            .collect();
        let out = w
            .iter()
            .map(|w| {
                (0..points)
                    .map(|i| {
                        let z: f64 = w.iter().zip(&input).map(|(w, c)| w * c[i]).sum();
                        if l + 1 == sizes.len() {
                            z
                        } else {
                            1.0 / (1.0 + (-z).exp())
                        }
                    })
                    .collect()
            })
            .collect();
        layers.push(out);
    }
    Target {
        x,
        layers,
        output: OutputLoss::Mse,
    }
}

fn generation(c: &mut Criterion) {
    let mut r = rng(2);
    let (train, valid) = (kkk0_shape(200, &mut r), kkk0_shape(60, &mut r));
    let sizes = [1, 3, 3, 1];
    let grids = grids(&sizes, 5, 5, &Function::AUTHORS);
    let e = Evolution {
        generations: 1,
        ..Evolution::AUTHORS
    };
    let mut group = c.benchmark_group("es");
    group.sample_size(20);
    group.bench_function("one generation at kkk0's shape (200 candidates)", |b| {
        b.iter(|| {
            black_box(evolve(
                &grids,
                &sizes,
                &train,
                Some(&valid),
                &e,
                &mut rng(3),
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, cgp_values, generation);
criterion_main!(benches);
