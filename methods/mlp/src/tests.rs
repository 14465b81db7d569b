use super::*;
use nnbench_core::{Budget, Network, metrics};

fn problem_data(n: usize, f: impl Fn(f64, f64) -> f64) -> Patterns {
    let mut rng = nnbench_core::seed::rng(42);
    let x: Vec<f64> = (0..2 * n).map(|_| rng.random_range(-1.0..1.0)).collect();
    let y: Vec<f64> = x.chunks_exact(2).map(|p| f(p[0], p[1])).collect();
    Patterns::from_rows(2, &x, &y)
}

fn run(params: &MlpParams, data: &Patterns, classes: Option<Vec<f64>>) -> (Trained, u64) {
    let mut problem = Problem::new(Network::new(2, 1), data, Budget::default());
    if let Some(c) = classes {
        problem = problem.with_classes(c);
    }
    let trained = params
        .build()
        .unwrap()
        .train(&mut problem, Seeds::new(7, 7));
    (trained, problem.spent().objective_evals)
}

#[test]
fn learns_a_smooth_regression_far_below_the_variance() {
    let data = problem_data(400, |a, b| (2.0 * a).sin() + a * b);
    let params = MlpParams {
        epochs: 150,
        hidden: vec![16],
        activation: Activation::Tanh,
        learning_rate: 0.01,
        ..MlpParams::default()
    };
    let (trained, evals) = run(&params, &data, None);
    assert_eq!(evals, 150, "one charged evaluation per epoch");
    let m = metrics::regression(&trained.model.outputs(&data), data.targets());
    assert!(m.r2 > 0.95, "r2 {}", m.r2);
}

#[test]
fn classifies_xor_quadrants_with_softmax() {
    let data = problem_data(400, |a, b| if (a > 0.0) == (b > 0.0) { 1.0 } else { 3.0 });
    for optimiser in [OptimiserName::Adam, OptimiserName::Sgd] {
        let params = MlpParams {
            epochs: 200,
            optimiser,
            learning_rate: if optimiser == OptimiserName::Adam {
                0.01
            } else {
                0.05
            },
            schedule: ScheduleName::Step,
            step_every: 100,
            ..MlpParams::default()
        };
        let (trained, _) = run(&params, &data, Some(vec![1.0, 3.0]));
        let m = metrics::classification(&trained.model.outputs(&data), data.targets(), &[1.0, 3.0]);
        assert!(
            m.class_error_pct < 5.0,
            "{optimiser:?}: {} %",
            m.class_error_pct
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_model() {
    let data = problem_data(100, |a, b| a - b);
    let params = MlpParams {
        epochs: 5,
        schedule: ScheduleName::Exponential,
        gamma: 0.9,
        ..MlpParams::default()
    };
    let a = run(&params, &data, None).0.model.outputs(&data);
    let b = run(&params, &data, None).0.model.outputs(&data);
    assert_eq!(a, b);
}

#[test]
fn bad_parameters_are_named() {
    let e = |p: MlpParams| p.build().err().unwrap().to_string();
    assert!(
        e(MlpParams {
            hidden: vec![],
            ..MlpParams::default()
        })
        .contains("hidden")
    );
    assert!(
        e(MlpParams {
            momentum: 1.5,
            ..MlpParams::default()
        })
        .contains("momentum")
    );
    assert!(
        e(MlpParams {
            batch_size: 0,
            ..MlpParams::default()
        })
        .contains("batch_size")
    );
    let toml: Result<MlpParams, _> = toml::from_str("schedule = \"cosine\"");
    assert!(toml.is_err());
}
