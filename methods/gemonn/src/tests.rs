//! GEMONN and NSGA2 as methods: fronts that are fronts, determinism,
//! budgets, and progress. Which of the two does better is the yang2021
//! experiment's question, not a test's: on a 40-gene network it goes either
//! way with the network's size.

use crate::{GemonnParams, Nsga2Params};
use nnbench_core::{Budget, MemberRule, MethodParams, Patterns, Problem, Seeds, Trained};
use nnbench_moea::indicators::hypervolume;
use nnbench_moea::sort::dominates;

/// y = sin(2a) + a b on 300 points of [-1, 1]^2.
fn data() -> Patterns {
    let mut s = 99u64;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for _ in 0..300 {
        let (a, b) = (next(), next());
        x.extend([a, b]);
        y.push((2.0 * a).sin() + a * b);
    }
    Patterns::from_rows(2, &x, &y)
}

fn run<P: MethodParams>(params: &P, budget: Budget) -> (Trained, nnbench_core::Spent) {
    let data = data();
    let method = params.build().unwrap();
    let mut problem = Problem::for_method(method.as_ref(), &data, budget);
    let trained = method.train(&mut problem, Seeds::new(11, 12));
    (trained, problem.spent())
}

fn objectives(t: &Trained) -> Vec<Vec<f64>> {
    let front = t.model.front().expect("a front");
    let data = data();
    front
        .members
        .iter()
        .map(|m| m.objectives(&data, None))
        .collect()
}

fn small() -> GemonnParams {
    GemonnParams {
        population: 20,
        generations: 40,
        ..GemonnParams::default()
    }
}

#[test]
fn the_result_is_a_non_dominated_front_with_the_rules_member() {
    let (trained, spent) = run(&small(), Budget::default());
    let front = trained.model.front().unwrap();
    assert_eq!(front.objectives, ["density", "mse"]);
    let o = objectives(&trained);
    assert!(!o.is_empty());
    for a in &o {
        assert!((0.0..=1.0).contains(&a[0]) && a[1].is_finite());
        assert!(o.iter().all(|b| !dominates(b, a)), "{a:?} is dominated");
    }
    // The chosen member is the lowest training MSE, and the front's outputs are its.
    let best = (0..o.len())
        .min_by(|&i, &j| o[i][1].total_cmp(&o[j][1]))
        .unwrap();
    assert_eq!(front.chosen, best);
    let data = data();
    assert_eq!(
        trained.model.outputs(&data),
        front.members[best].outputs(&data)
    );
    // 20 + 40 x 20 evaluations of 128 of 300 rows, plus the refinement.
    assert!(
        spent.objective_evals >= (20 + 40 * 20) * 128 / 300,
        "{spent:?}"
    );
    assert!(spent.gradient_evals > 0);
    let knee = GemonnParams {
        member: MemberRule::Knee,
        ..small()
    };
    let (k, _) = run(&knee, Budget::default());
    assert_eq!(k.model.front().unwrap().rule, MemberRule::Knee);
}

#[test]
fn a_reconstruction_task_trains_the_tied_auto_encoder() {
    // Rows of 6 inputs that are two patterns: a 2-unit code suffices.
    let rows: Vec<f64> = (0..120)
        .flat_map(|i| {
            if i % 2 == 0 {
                [0.9, 0.9, 0.9, 0.1, 0.1, 0.1]
            } else {
                [0.1, 0.1, 0.1, 0.9, 0.9, 0.9]
            }
        })
        .collect();
    let data = Patterns::from_rows(6, &rows, &[0.0; 120]);
    let params = GemonnParams {
        hidden: 4,
        population: 20,
        generations: 60,
        ..GemonnParams::default()
    };
    let method = params.build().unwrap();
    let mut problem = Problem::new(None, &data, Budget::default()).with_reconstruction();
    let trained = method.train(&mut problem, Seeds::new(2, 3));
    let front = trained.model.front().unwrap();
    let outputs = trained.model.outputs(&data);
    assert_eq!(outputs.len(), 120 * 6, "one output per input");
    // Better than the constant 0.5 (MSE 0.16) by far.
    let best = front
        .members
        .iter()
        .map(|m| m.objectives(&data, None)[1])
        .fold(f64::INFINITY, f64::min);
    assert!(best < 0.05, "reconstruction MSE {best}");
    let net = crate::net::SparseNet::for_problem(&problem, 4);
    assert_eq!(net.output, crate::net::Output::Tied);
    assert_eq!(net.genes(), 7 * 4, "tied: no output weights of its own");
}

#[test]
fn a_seed_gives_the_same_front_to_the_bit() {
    let bits = |t: &Trained| -> Vec<u64> {
        objectives(t)
            .iter()
            .flatten()
            .map(|v| v.to_bits())
            .collect()
    };
    let (a, _) = run(&small(), Budget::default());
    let (b, _) = run(&small(), Budget::default());
    assert_eq!(bits(&a), bits(&b));
}

#[test]
fn the_budget_ends_the_search() {
    let budget = Budget {
        max_evaluations: Some(50),
    };
    let (trained, spent) = run(&small(), budget);
    assert_eq!(trained.stop, nnbench_core::StopReason::BudgetExhausted);
    assert_eq!(spent.objective_evals, 50);
    assert!(!objectives(&trained).is_empty());
}

#[test]
fn both_searches_improve_their_front_over_the_generations() {
    let variance = {
        let y = data().targets().to_vec();
        let mean = y.iter().sum::<f64>() / y.len() as f64;
        y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64
    };
    // GEMONN's reference point rule: 1.1 x density 1 and 1.1 x the MSE of
    // a constant prediction, which bounds every sensible network.
    let reference = [1.1, 1.1 * variance];
    let volume = |t: &Trained| hypervolume(&objectives(t), &reference).unwrap();
    let at = |generations| {
        let g = GemonnParams {
            population: 20,
            generations,
            refine: false,
            ..GemonnParams::default()
        };
        let n = Nsga2Params {
            population: 20,
            generations,
            ..Nsga2Params::default()
        };
        let ((g, gs), (n, ns)) = (run(&g, Budget::default()), run(&n, Budget::default()));
        assert_eq!(
            gs.objective_evals, ns.objective_evals,
            "the same evaluations"
        );
        (volume(&g), volume(&n))
    };
    let (start, end) = (at(0), at(60));
    assert_eq!(start.0, start.1, "the same initial population");
    assert!(end.0 > start.0 * 1.2, "GEMONN: {} -> {}", start.0, end.0);
    assert!(end.1 > start.1 * 1.2, "NSGA2: {} -> {}", start.1, end.1);
}
