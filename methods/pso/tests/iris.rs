//! On a small real dataset, a short PROPOSED run beats the constant
//! predictor by a clear margin, and the same seeds give the same bits.

use nnbench_core::{
    Budget, MeanParams, Method, MethodParams, Network, Patterns, Problem, Seeds, metrics,
};
use nnbench_datasets::{DataDir, ReadOptions, Registry, Scaler, Scaling, Table, load, split};
use nnbench_pso::{Proposed, ProposedAdam, Repetition};

/// Iris (embedded), fold 0 of a 5-fold split as the test part.
fn iris() -> (Table, Table) {
    let entry = Registry::built_in().find("iris", None).unwrap().clone();
    let full = load(&entry, &DataDir::resolve(None), ReadOptions::default())
        .unwrap()
        .full();
    let folds = split::kfold(&full.y, entry.task, 5, 7, "iris").unwrap();
    let (test, train): (Vec<usize>, Vec<usize>) = (0..full.rows()).partition(|&i| folds[i] == 0);
    let (mut train, mut test) = (full.select(&train), full.select(&test));
    Scaler::fit_apply(Scaling::Minmax, &mut train, &mut test);
    (train, test)
}

fn test_error(method: &dyn Method, train: &Table, test: &Table, seeds: Seeds) -> (f64, Vec<u64>) {
    let patterns = |t: &Table| Patterns::from_rows(t.d, &t.x, &t.y);
    let (tr, te) = (patterns(train), patterns(test));
    let mut problem = Problem::for_method(method, &tr, Budget::default());
    let model = method.train(&mut problem, seeds).model;
    let outputs = model.outputs(&te);
    let error = metrics::classification(&outputs, &test.y, &train.class_labels()).class_error_pct;
    (error, outputs.iter().map(|o| o.to_bits()).collect())
}

#[test]
fn a_short_run_beats_the_constant_predictor_by_a_clear_margin() {
    let (train, test) = iris();
    let short = Proposed {
        particles: 40,
        iterations: 40,
        bfgs_evaluations: 300,
        ..Proposed::default()
    };
    let (proposed, _) = test_error(
        short.build().unwrap().as_ref(),
        &train,
        &test,
        Seeds::new(1, 2),
    );
    let (constant, _) = test_error(
        MeanParams::default().build().unwrap().as_ref(),
        &train,
        &test,
        Seeds::new(1, 2),
    );
    assert!(
        constant > 60.0,
        "the mean label predicts one class: {constant}"
    );
    assert!(
        proposed < 15.0,
        "PROPOSED {proposed}% vs constant {constant}%"
    );
}

#[test]
fn both_phase_2_variants_are_deterministic_for_a_seed() {
    let (train, test) = iris();
    let bfgs = Proposed {
        particles: 20,
        iterations: 10,
        bfgs_evaluations: 100,
        ..Proposed::default()
    };
    let adam = ProposedAdam {
        particles: 20,
        iterations: 10,
        adam_iterations: 100,
        ..ProposedAdam::default()
    };
    for method in [bfgs.build().unwrap(), adam.build().unwrap()] {
        let a = test_error(method.as_ref(), &train, &test, Seeds::new(5, 6));
        let b = test_error(method.as_ref(), &train, &test, Seeds::new(5, 6));
        let c = test_error(method.as_ref(), &train, &test, Seeds::new(7, 6));
        assert_eq!(a.1, b.1);
        assert_ne!(a.1, c.1);
    }
}

#[test]
fn the_code_preset_shares_the_bounding_phase_across_repetitions() {
    let (train, test) = iris();
    let patterns = Patterns::from_rows(train.d, &train.x, &train.y);
    let code = Proposed {
        particles: 20,
        iterations: 10,
        bfgs_evaluations: 50,
        repetition: Repetition::Code,
        ..Proposed::default()
    };
    let paper = Proposed {
        repetition: Repetition::Paper,
        ..code.clone()
    };
    let best = |p: &Proposed, run: u64| {
        let mut problem = Problem::new(
            Some(Network::new(train.d, p.hidden)),
            &patterns,
            Budget::default(),
        );
        p.bounding_phase(&mut problem, Seeds::new(run, 9)).best
    };
    // Two repetitions (run seeds 1 and 2) of one dataset and fold (shared seed 9).
    assert_eq!(best(&code, 1), best(&code, 2));
    assert_ne!(best(&paper, 1), best(&paper, 2));
    // Under `code`, the repetitions still differ: each starts phase 2 elsewhere in the box.
    let method = code.build().unwrap();
    let (_, a) = test_error(method.as_ref(), &train, &test, Seeds::new(1, 9));
    let (_, b) = test_error(method.as_ref(), &train, &test, Seeds::new(2, 9));
    assert_ne!(a, b);
}
