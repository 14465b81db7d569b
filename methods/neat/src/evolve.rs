//! One NEAT population through its generations (algorithms.md 6, after
//! EvolutionNet's `Population.hpp`): speciation by compatibility distance
//! against each species' representative, fitness sharing, removal of
//! species stagnant for 15 generations, and per species: the top
//! ceil(share x size) survive (mutated, except the champion of a species of
//! more than 5), the rest are replaced by their offspring.

use crate::NeatParams;
use crate::genome::{Genome, Innovations};
use nnbench_core::Rng;
use rand::RngExt;

struct Species {
    representative: Genome,
    members: Vec<usize>,
    best: f64,
    stagnant: usize,
}

pub struct Outcome {
    pub best: Genome,
    pub best_fitness: f64,
    pub generations: usize,
    pub interrupted: bool,
}

/// Maximises `fitness` (None when the budget is spent).
pub fn evolve(
    inputs: usize,
    params: &NeatParams,
    rng: &mut Rng,
    mut fitness: impl FnMut(&Genome) -> Option<f64>,
) -> Outcome {
    let mut innovations = Innovations::new(inputs);
    let mut population: Vec<Genome> = (0..params.population)
        .map(|_| Genome::minimal(inputs, rng))
        .collect();
    let mut species: Vec<Species> = Vec::new();
    let mut best = (population[0].clone(), f64::NEG_INFINITY);
    for generation in 0..params.generations {
        let mut scores = Vec::with_capacity(population.len());
        for g in &population {
            match fitness(g) {
                Some(f) => scores.push(f),
                None => {
                    return Outcome {
                        best: best.0,
                        best_fitness: best.1,
                        generations: generation,
                        interrupted: true,
                    };
                }
            }
        }
        for (g, f) in population.iter().zip(&scores) {
            if *f > best.1 {
                best = (g.clone(), *f);
            }
        }
        if generation + 1 == params.generations {
            return Outcome {
                best: best.0,
                best_fitness: best.1,
                generations: generation + 1,
                interrupted: false,
            };
        }
        speciate(&population, &mut species, params);
        species.retain(|s| !s.members.is_empty());
        for s in &mut species {
            let top = s
                .members
                .iter()
                .map(|&i| scores[i])
                .fold(f64::NEG_INFINITY, f64::max);
            if top > s.best {
                (s.best, s.stagnant) = (top, 0);
            } else {
                s.stagnant += 1;
            }
        }
        // Stagnant species go, unless that would leave none.
        let best_species = (0..species.len())
            .max_by(|&a, &b| species[a].best.total_cmp(&species[b].best))
            .unwrap_or(0);
        let mut index = 0;
        species.retain(|s| {
            index += 1;
            s.stagnant < params.stagnation || index - 1 == best_species
        });
        innovations.next_generation();
        population = reproduce(
            &population,
            &scores,
            &mut species,
            params,
            &mut innovations,
            rng,
        );
    }
    Outcome {
        best: best.0,
        best_fitness: best.1,
        generations: params.generations,
        interrupted: false,
    }
}

fn speciate(population: &[Genome], species: &mut Vec<Species>, params: &NeatParams) {
    for s in species.iter_mut() {
        s.members.clear();
    }
    let c = (params.excess, params.disjoint, params.weight);
    for (i, g) in population.iter().enumerate() {
        match species
            .iter_mut()
            .find(|s| g.distance(&s.representative, c, params.normalise_from) < params.threshold)
        {
            Some(s) => s.members.push(i),
            None => species.push(Species {
                representative: g.clone(),
                members: vec![i],
                best: f64::NEG_INFINITY,
                stagnant: 0,
            }),
        }
    }
}

fn reproduce(
    population: &[Genome],
    scores: &[f64],
    species: &mut [Species],
    params: &NeatParams,
    innovations: &mut Innovations,
    rng: &mut Rng,
) -> Vec<Genome> {
    // Shared fitness: a member's fitness over its species' size.
    let shared: Vec<f64> = species
        .iter()
        .map(|s| s.members.iter().map(|&i| scores[i]).sum::<f64>() / s.members.len() as f64)
        .collect();
    let total: f64 = shared.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let mut next = Vec::with_capacity(params.population);
    let mut survivors_of: Vec<Vec<usize>> = Vec::with_capacity(species.len());
    for (s, share) in species.iter_mut().zip(&shared) {
        s.members.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let keep = ((share / total) * s.members.len() as f64).ceil().max(1.0) as usize;
        let survivors: Vec<usize> = s.members[..keep.min(s.members.len())].to_vec();
        for (rank, &i) in survivors.iter().enumerate() {
            let mut g = population[i].clone();
            if !(rank == 0 && s.members.len() > 5) {
                mutate(&mut g, params, innovations, rng);
            }
            next.push(g);
        }
        s.representative = population[s.members[rng.random_range(0..s.members.len())]].clone();
        survivors_of.push(survivors);
    }
    // Offspring of the survivors fill each species back to its size; then,
    // if removed species left room, species in turn fill the population.
    for (s, sp) in species.iter().enumerate() {
        for _ in survivors_of[s].len()..sp.members.len() {
            next.push(offspring(
                population,
                scores,
                &survivors_of,
                s,
                params,
                innovations,
                rng,
            ));
        }
    }
    let mut s = 0;
    while next.len() < params.population {
        next.push(offspring(
            population,
            scores,
            &survivors_of,
            s % species.len(),
            params,
            innovations,
            rng,
        ));
        s += 1;
    }
    next.truncate(params.population);
    next
}

fn offspring(
    population: &[Genome],
    scores: &[f64],
    survivors_of: &[Vec<usize>],
    s: usize,
    params: &NeatParams,
    innovations: &mut Innovations,
    rng: &mut Rng,
) -> Genome {
    let pool = &survivors_of[s];
    let a = pool[rng.random_range(0..pool.len())];
    let mut child = if rng.random::<f64>() < params.crossover_rate {
        let other_pool = if survivors_of.len() > 1 && rng.random::<f64>() < params.interspecies_rate
        {
            &survivors_of[rng.random_range(0..survivors_of.len())]
        } else {
            pool
        };
        let b = other_pool[rng.random_range(0..other_pool.len())];
        let (fit, weak) = if scores[b] > scores[a] {
            (b, a)
        } else {
            (a, b)
        };
        population[fit].crossover(&population[weak], params.disabled_rate, rng)
    } else {
        population[a].clone()
    };
    mutate(&mut child, params, innovations, rng);
    child
}

fn mutate(g: &mut Genome, params: &NeatParams, innovations: &mut Innovations, rng: &mut Rng) {
    if rng.random::<f64>() < params.weight_rate {
        g.mutate_weights(rng);
    }
    if rng.random::<f64>() < params.add_node_rate {
        g.add_node(innovations, rng);
    }
    if rng.random::<f64>() < params.add_connection_rate {
        g.add_connection(innovations, rng);
    }
}
