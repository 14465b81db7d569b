//! One training epoch of the MLP on California Housing (20 640 x 8, min-max
//! scaled; 32-16 relu units, Adam, batches of 32) and one SHAP
//! recomputation with the defaults (Kernel SHAP, 32 rows explained against
//! 32 background rows, 32 coalitions each).
//! NNBENCH_DATA=$PWD/../shared/datasets cargo bench -p nnbench-mlp

use criterion::{Criterion, criterion_group, criterion_main};
use nnbench_core::{Patterns, seed};
use nnbench_datasets::{DataDir, ReadOptions, Registry, Scaler, Scaling, load};
use nnbench_mlp::{
    Mlp, MlpParams, Optimiser, Output, ShapMode, TrainingSet, epoch, importances, initial_weights,
};

fn california() -> Patterns {
    let entry = Registry::built_in()
        .find("california_housing", None)
        .unwrap()
        .clone();
    let mut table = load(&entry, &DataDir::resolve(None), ReadOptions::default())
        .unwrap_or_else(|e| panic!("set NNBENCH_DATA to the shared datasets: {e}"))
        .full();
    Scaler::fit(Scaling::Minmax, &table).apply(&mut table);
    Patterns::from_rows(table.d, &table.x, &table.y)
}

fn bench(c: &mut Criterion) {
    let data = california();
    let params = MlpParams::default();
    let net = Mlp::new(
        data.inputs(),
        &params.layers().unwrap(),
        params.activation,
        Output::Value,
    );
    let mut rng = seed::rng(1);
    let start = initial_weights(&net, &mut rng);
    let x = data.rows();
    let set = TrainingSet {
        x: &x,
        targets: data.targets(),
        first_layer: None,
    };
    let mut group = c.benchmark_group("california_20640x8_mlp_32_16");
    group.sample_size(10);
    group.bench_function("one_epoch_adam_batch_32", |b| {
        b.iter(|| {
            let mut w = start.clone();
            let mut optimiser = Optimiser::new(params.rule(), w.len());
            epoch(
                &net,
                &mut w,
                &set,
                params.batch_size,
                params.learning_rate,
                &mut optimiser,
                &mut rng,
            )
        })
    });
    let shap = MlpParams {
        shap: ShapMode::Global,
        ..MlpParams::default()
    }
    .shap_settings();
    group.bench_function("one_shap_recomputation_kernel_32x32x32", |b| {
        b.iter(|| importances(&net, &start, &x, &shap, &mut rng))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
