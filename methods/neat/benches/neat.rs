//! NEAT on the first training split of pima (tsoulos variant, 691 x 8),
//! inputs min-max scaled: the evaluation of 200 grown genomes (what one
//! generation costs), and one whole run at the defaults (200 x 200).
//! NNBENCH_DATA=../shared/datasets cargo bench -p nnbench-neat

use criterion::{Criterion, criterion_group, criterion_main};
use nnbench_core::{Budget, MethodParams, Patterns, Problem, Seeds, seed};
use nnbench_neat::{Genome, Innovations, NeatParams};

fn pima_train() -> Patterns {
    let train = nnbench_datasets::first_training_part("pima", "tsoulos")
        .unwrap_or_else(|e| panic!("set NNBENCH_DATA to the shared datasets: {e}"));
    Patterns::from_rows(train.d, &train.x, &train.y)
}

/// 200 genomes grown by a few rounds of every mutation, sharing one
/// innovation record as a population does, so node ids are global.
fn grown(inputs: usize) -> Vec<Genome> {
    let mut rng = seed::rng(3);
    let mut innovations = Innovations::new(inputs);
    (0..200)
        .map(|_| {
            let mut g = Genome::minimal(inputs, &mut rng);
            for _ in 0..4 {
                g.add_node(&mut innovations, &mut rng);
                g.add_connection(&mut innovations, &mut rng);
                g.mutate_weights(&mut rng);
            }
            g
        })
        .collect()
}

fn neat(c: &mut Criterion) {
    let data = pima_train();
    let population = grown(data.inputs());
    let mut group = c.benchmark_group("neat");
    group.bench_function("pima_split1_200_grown_genomes", |b| {
        b.iter(|| population.iter().map(|g| g.outputs(&data)[0]).sum::<f64>())
    });
    let method = NeatParams::default().build().unwrap();
    group.sample_size(10);
    group.bench_function("pima_split1_full_run", |b| {
        b.iter(|| {
            let mut problem = Problem::new(None, &data, Budget::default());
            method.train(&mut problem, Seeds::new(1, 1))
        })
    });
    group.finish();
}

criterion_group!(benches, neat);
criterion_main!(benches);
