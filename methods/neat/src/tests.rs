use super::*;
use nnbench_core::{Budget, Network, seed};
use rand::RngExt;

fn xor() -> Patterns {
    Patterns::from_rows(
        2,
        &[0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
        &[0.0, 1.0, 1.0, 0.0],
    )
}

#[test]
fn the_same_structural_mutation_gets_the_same_innovation_within_a_generation() {
    let mut rng = seed::rng(1);
    let base = Genome::minimal(2, &mut rng);
    let mut innovations = Innovations::new(2);
    let (mut a, mut b) = (base.clone(), base.clone());
    // Same rng state, same choice of connection to split.
    a.add_node(&mut innovations, &mut seed::rng(7));
    b.add_node(&mut innovations, &mut seed::rng(7));
    assert_eq!(
        a.connections
            .iter()
            .map(|c| c.innovation)
            .collect::<Vec<_>>(),
        b.connections
            .iter()
            .map(|c| c.innovation)
            .collect::<Vec<_>>()
    );
    assert_eq!(a.nodes.len(), b.nodes.len());
    // In the next generation the same split is a new innovation.
    innovations.next_generation();
    let mut c = base.clone();
    c.add_node(&mut innovations, &mut seed::rng(7));
    assert!(
        c.connections.iter().map(|c| c.innovation).max()
            > a.connections.iter().map(|c| c.innovation).max()
    );
}

#[test]
fn crossover_of_identical_genomes_returns_the_genome() {
    let mut rng = seed::rng(2);
    let mut g = Genome::minimal(3, &mut rng);
    let mut innovations = Innovations::new(3);
    for _ in 0..5 {
        g.add_connection(&mut innovations, &mut rng);
    }
    g.connections.iter_mut().for_each(|c| c.enabled = true);
    for s in 0..20 {
        assert_eq!(g.crossover(&g, 0.75, &mut seed::rng(s)), g);
    }
}

#[test]
fn a_genome_is_at_distance_zero_from_itself() {
    let mut rng = seed::rng(3);
    let mut g = Genome::minimal(4, &mut rng);
    let mut innovations = Innovations::new(4);
    g.add_node(&mut innovations, &mut rng);
    g.add_connection(&mut innovations, &mut rng);
    assert_eq!(g.distance(&g, (1.0, 1.0, 3.0), 20), 0.0);
    let mut h = g.clone();
    h.mutate_weights(&mut rng);
    assert!(g.distance(&h, (1.0, 1.0, 3.0), 20) > 0.0);
}

/// The compatibility distance as first written: every gene of both
/// genomes looked up in both.
fn distance_by_scan(a: &Genome, b: &Genome) -> f64 {
    let (a, b) = (&a.connections, &b.connections);
    let last = |g: &Vec<Connection>| g.last().map_or(0, |c| c.innovation);
    let cut = last(a).min(last(b));
    let (mut excess, mut disjoint, mut matching, mut difference) = (0.0, 0.0, 0.0, 0.0);
    for g in a.iter().chain(b) {
        let in_a = a.iter().find(|x| x.innovation == g.innovation);
        let in_b = b.iter().find(|x| x.innovation == g.innovation);
        match (in_a, in_b) {
            (Some(x), Some(y)) => {
                matching += 0.5;
                difference += 0.5 * (x.weight - y.weight).abs();
            }
            _ if g.innovation > cut => excess += 1.0,
            _ => disjoint += 1.0,
        }
    }
    let n = a.len().max(b.len());
    let n = if n < 20 { 1.0 } else { n as f64 };
    let w = if matching > 0.0 {
        difference / matching
    } else {
        0.0
    };
    excess / n + disjoint / n + 3.0 * w
}

#[test]
fn the_merged_distance_gives_the_bits_of_the_scan() {
    let mut rng = seed::rng(9);
    let mut innovations = Innovations::new(3);
    let mut genomes: Vec<Genome> = (0..12).map(|_| Genome::minimal(3, &mut rng)).collect();
    for round in 0..12 {
        for g in &mut genomes {
            match rng.random_range(0..3) {
                0 => g.add_node(&mut innovations, &mut rng),
                1 => g.add_connection(&mut innovations, &mut rng),
                _ => g.mutate_weights(&mut rng),
            }
        }
        if round % 4 == 3 {
            innovations.next_generation();
        }
        for a in &genomes {
            for b in &genomes {
                let merged = a.distance(b, (1.0, 1.0, 3.0), 20);
                assert_eq!(merged.to_bits(), distance_by_scan(a, b).to_bits());
            }
        }
    }
}

#[test]
fn add_node_keeps_the_old_weight_outward_and_weight_one_inward() {
    let mut rng = seed::rng(4);
    let g = Genome::minimal(1, &mut rng);
    let mut h = g.clone();
    h.add_node(&mut Innovations::new(1), &mut seed::rng(5));
    let disabled: Vec<&Connection> = h.connections.iter().filter(|c| !c.enabled).collect();
    assert_eq!(disabled.len(), 1);
    let old = disabled[0];
    let new_node = h.nodes.len() - 1;
    let inward = h.connections.iter().find(|c| c.to == new_node).unwrap();
    let outward = h.connections.iter().find(|c| c.from == new_node).unwrap();
    assert_eq!((inward.from, inward.weight), (old.from, 1.0));
    assert_eq!((outward.to, outward.weight), (old.to, old.weight));
    // The function at insertion: the old path now passes through the hidden
    // unit's sigmoid(4.9 x), everything else is unchanged.
    let data = Patterns::from_rows(1, &[0.3, -0.7], &[0.0, 0.0]);
    let before = g.outputs(&data);
    let after = h.outputs(&data);
    for (p, x) in [0.3, -0.7].iter().enumerate() {
        let source = if old.from == 0 { *x } else { 1.0 };
        let expected = before[p] - old.weight * source + old.weight / (1.0 + (-4.9 * source).exp());
        assert!((after[p] - expected).abs() < 1e-12);
    }
}

#[test]
fn solves_xor_within_a_small_budget_for_most_seeds() {
    let data = xor();
    let params = NeatParams {
        population: 150,
        generations: 150,
        ..NeatParams::default()
    };
    let method = params.build().unwrap();
    let solved = (0..10)
        .filter(|&s| {
            let mut problem = Problem::new(Some(Network::new(2, 0)), &data, Budget::default());
            let model = method.train(&mut problem, Seeds::new(s, 0)).model;
            model
                .outputs(&data)
                .iter()
                .zip(data.targets())
                .all(|(o, y)| (o - y).abs() < 0.5)
        })
        .count();
    assert!(solved >= 6, "XOR solved for {solved} of 10 seeds");
}

#[test]
fn a_run_is_deterministic_under_a_seed_and_counts_its_evaluations() {
    let data = xor();
    let params = NeatParams {
        population: 30,
        generations: 20,
        ..NeatParams::default()
    };
    let method = params.build().unwrap();
    let run = |s| {
        let mut problem = Problem::new(Some(Network::new(2, 0)), &data, Budget::default());
        let out = method
            .train(&mut problem, Seeds::new(s, 0))
            .model
            .outputs(&data);
        (
            out.iter().map(|o| o.to_bits()).collect::<Vec<_>>(),
            problem.spent().objective_evals,
        )
    };
    let (a, evals) = run(9);
    assert_eq!(a, run(9).0);
    assert_eq!(evals, 30 * 20);
}

#[test]
fn every_parameter_constraint_is_checked() {
    let d = NeatParams::default;
    let key = |p: NeatParams| p.build().err().expect("refused").key;
    assert!(d().build().is_ok());
    assert_eq!(
        key(NeatParams {
            population: 1,
            ..d()
        }),
        "population"
    );
    assert_eq!(
        key(NeatParams {
            generations: 0,
            ..d()
        }),
        "generations"
    );
    assert_eq!(
        key(NeatParams {
            weight_rate: 1.5,
            ..d()
        }),
        "weight_rate"
    );
    assert_eq!(
        key(NeatParams {
            add_node_rate: -0.1,
            ..d()
        }),
        "add_node_rate"
    );
    assert_eq!(
        key(NeatParams {
            add_connection_rate: 1.0,
            ..d()
        }),
        "add_connection_rate"
    );
    assert_eq!(
        key(NeatParams {
            crossover_rate: 2.0,
            ..d()
        }),
        "crossover_rate"
    );
    assert_eq!(
        key(NeatParams {
            interspecies_rate: -1.0,
            ..d()
        }),
        "interspecies_rate"
    );
    assert_eq!(
        key(NeatParams {
            disabled_rate: 1.0,
            ..d()
        }),
        "disabled_rate"
    );
    assert_eq!(
        key(NeatParams {
            threshold: 0.0,
            ..d()
        }),
        "threshold"
    );
    assert_eq!(
        key(NeatParams {
            excess: -1.0,
            ..d()
        }),
        "excess"
    );
    assert_eq!(
        key(NeatParams {
            disjoint: f64::NAN,
            ..d()
        }),
        "disjoint"
    );
    assert_eq!(
        key(NeatParams {
            weight: -3.0,
            ..d()
        }),
        "weight"
    );
    assert_eq!(
        key(NeatParams {
            stagnation: 0,
            ..d()
        }),
        "stagnation"
    );
}
