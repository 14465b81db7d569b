//! The NSGA-II loop (Deb et al. 2002): binary tournaments on (front rank,
//! crowding distance) choose parents, the operators make the children (N
//! in Deb's generational form, 2 in a steady-state one), and
//! environmental selection keeps the best N of parents and children by
//! front, then by crowding. Generic over the genome and its operators;
//! every random draw comes from the one generator, in a fixed order, so a
//! seed gives the same front on any machine.

use crate::sort::{crowding, fronts, ranks};
use nnbench_core::Rng;
use rand::RngExt;

/// A genome with its objective vector (all minimised).
#[derive(Debug, Clone, PartialEq)]
pub struct Individual<G> {
    pub genome: G,
    pub objectives: Vec<f64>,
}

/// How children are made: the variation operators of one genome type.
pub trait Operators<G> {
    /// Two children of two parents.
    fn crossover(&mut self, a: &Individual<G>, b: &Individual<G>, rng: &mut Rng) -> (G, G);
    /// Changes a child in place.
    fn mutate(&mut self, child: &mut G, rng: &mut Rng);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nsga2 {
    pub population: usize,
    /// Children per generation: the population for Deb's generational
    /// NSGA-II; 2 for a steady-state one (jMetalPy's `offspring_population_size`).
    pub offspring: usize,
    pub generations: usize,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// All generations ran.
    Generations,
    /// The evaluation function refused (its budget was spent).
    Budget,
}

#[derive(Debug, Clone)]
pub struct Outcome<G> {
    /// The last population, best front first.
    pub population: Vec<Individual<G>>,
    /// Generations completed after the initial population.
    pub generations: usize,
    pub end: End,
}

impl<G> Outcome<G> {
    /// The members of the first front, in population order.
    pub fn front(&self) -> Vec<&Individual<G>> {
        let points: Vec<Vec<f64>> = self
            .population
            .iter()
            .map(|i| i.objectives.clone())
            .collect();
        fronts(&points).first().map_or_else(Vec::new, |f| {
            f.iter().map(|&i| &self.population[i]).collect()
        })
    }
}

impl Nsga2 {
    /// Evolves `initial` (its size should be `population`). `evaluate`
    /// returns a genome's objectives, and may store what it learnt in the
    /// genome (a gradient, say); None means the budget is spent, and the run
    /// ends with the best population it has.
    pub fn run<G: Clone, O: Operators<G>>(
        &self,
        initial: Vec<G>,
        mut evaluate: impl FnMut(&mut G) -> Option<Vec<f64>>,
        operators: &mut O,
        rng: &mut Rng,
    ) -> Outcome<G> {
        let mut population = Vec::with_capacity(initial.len());
        for mut genome in initial {
            let Some(objectives) = evaluate(&mut genome) else {
                return finish(population, 0, End::Budget);
            };
            population.push(Individual { genome, objectives });
        }
        for generation in 0..self.generations {
            let (rank, crowd) = rank_and_crowding(&population);
            let mut children = Vec::with_capacity(self.offspring);
            let mut spent = false;
            while children.len() < self.offspring && !spent {
                let a = tournament(&rank, &crowd, rng);
                let b = tournament(&rank, &crowd, rng);
                let (c1, c2) = operators.crossover(&population[a], &population[b], rng);
                for mut child in [c1, c2] {
                    if children.len() == self.offspring {
                        break;
                    }
                    operators.mutate(&mut child, rng);
                    match evaluate(&mut child) {
                        Some(objectives) => children.push(Individual {
                            genome: child,
                            objectives,
                        }),
                        None => {
                            spent = true;
                            break;
                        }
                    }
                }
            }
            population.extend(children);
            population = select(population, self.population);
            if spent {
                return finish(population, generation, End::Budget);
            }
        }
        finish(population, self.generations, End::Generations)
    }
}

fn finish<G>(population: Vec<Individual<G>>, generations: usize, end: End) -> Outcome<G> {
    let n = population.len();
    Outcome {
        population: select(population, n),
        generations,
        end,
    }
}

/// Front rank and crowding distance of every individual.
fn rank_and_crowding<G>(population: &[Individual<G>]) -> (Vec<usize>, Vec<f64>) {
    let points: Vec<Vec<f64>> = population.iter().map(|i| i.objectives.clone()).collect();
    let f = fronts(&points);
    let mut crowd = vec![0.0; points.len()];
    for front in &f {
        for (&i, d) in front.iter().zip(crowding(&points, front)) {
            crowd[i] = d;
        }
    }
    (ranks(&f, points.len()), crowd)
}

/// The better of two individuals drawn at random: lower rank, then larger
/// crowding distance, then the lower index.
pub fn tournament(rank: &[usize], crowd: &[f64], rng: &mut Rng) -> usize {
    let n = rank.len();
    let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
    let order = rank[a]
        .cmp(&rank[b])
        .then(crowd[b].total_cmp(&crowd[a]))
        .then(a.cmp(&b));
    if order.is_le() { a } else { b }
}

/// Environmental selection: whole fronts while they fit, then the most
/// crowding-distant members of the next front; best front first.
pub fn select<G>(population: Vec<Individual<G>>, keep: usize) -> Vec<Individual<G>> {
    let points: Vec<Vec<f64>> = population.iter().map(|i| i.objectives.clone()).collect();
    let mut chosen = Vec::with_capacity(keep);
    for front in fronts(&points) {
        if chosen.len() + front.len() <= keep {
            chosen.extend(front);
            continue;
        }
        let d = crowding(&points, &front);
        let mut order: Vec<usize> = (0..front.len()).collect();
        order.sort_by(|&a, &b| d[b].total_cmp(&d[a]).then(front[a].cmp(&front[b])));
        chosen.extend(order.iter().take(keep - chosen.len()).map(|&k| front[k]));
        break;
    }
    let mut slots: Vec<Option<Individual<G>>> = population.into_iter().map(Some).collect();
    chosen
        .into_iter()
        .map(|i| slots[i].take().expect("each index is chosen once"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(objectives: [f64; 2]) -> Individual<usize> {
        Individual {
            genome: 0,
            objectives: objectives.to_vec(),
        }
    }

    #[test]
    fn selection_keeps_whole_fronts_then_the_least_crowded() {
        let population = vec![
            ind([5.0, 5.0]), // front 2
            ind([1.0, 4.0]), // front 0
            ind([4.0, 1.0]), // front 0
            ind([2.0, 4.5]), // front 1: boundary
            ind([3.0, 3.0]), // front 1: middle, most crowded
            ind([4.5, 2.0]), // front 1: boundary
            ind([2.0, 2.0]), // front 0
        ];
        let kept: Vec<Vec<f64>> = select(population, 5)
            .into_iter()
            .map(|i| i.objectives)
            .collect();
        assert_eq!(
            kept,
            vec![
                vec![1.0, 4.0],
                vec![4.0, 1.0],
                vec![2.0, 2.0],
                vec![2.0, 4.5],
                vec![4.5, 2.0]
            ]
        );
    }

    #[test]
    fn the_tournament_prefers_rank_then_crowding() {
        let rank = [0, 1, 0];
        let crowd = [1.0, f64::INFINITY, 2.0];
        let mut rng = nnbench_core::seed::rng(3);
        let mut wins = [0usize; 3];
        for _ in 0..3000 {
            wins[tournament(&rank, &crowd, &mut rng)] += 1;
        }
        // Index 2 beats both others; index 1 loses to both: it wins only
        // when drawn twice (1/9), index 2 whenever drawn (5/9).
        assert!(wins[2] > wins[0] && wins[0] > wins[1], "{wins:?}");
        assert!(
            (wins[1] as f64 / 3000.0 - 1.0 / 9.0).abs() < 0.03,
            "{wins:?}"
        );
        assert!(
            (wins[2] as f64 / 3000.0 - 5.0 / 9.0).abs() < 0.03,
            "{wins:?}"
        );
    }
}
