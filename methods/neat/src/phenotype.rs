//! A genome compiled for evaluation: only the nodes the output depends on,
//! in an order where every connection goes forwards, each with its incoming
//! weights in gene order. It is evaluated node by node over all patterns at
//! once, so every inner loop runs over contiguous patterns and vectorises.
//!
//! Node ids are global (a genome's node vector holds a placeholder for every
//! node any genome of the run added, hundreds late in a run), so compiling
//! from the connections, not from the node vector, is what keeps the cost
//! per genome proportional to its own size.

use crate::genome::{Genome, Kind};
use nnbench_core::{Patterns, sigmoids};

/// Where a connection's value comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    Input(usize),
    Bias,
    /// A computed node, by its position in `Phenotype::nodes`.
    Node(usize),
}

#[derive(Debug, Clone)]
struct Computed {
    hidden: bool,
    incoming: Vec<(Source, f64)>,
}

/// The network a genome encodes; the last computed node is the output.
#[derive(Debug, Clone)]
pub struct Phenotype {
    nodes: Vec<Computed>,
}

/// EvolutionNet's steepened sigmoid of hidden units, 1 / (1 + exp(-4.9 x)),
/// through the kernel's vectorisable exp.
const STEEPNESS: f64 = 4.9;

impl Phenotype {
    pub fn new(genome: &Genome) -> Phenotype {
        let inputs = genome.nodes.iter().filter(|&&k| k == Kind::Input).count();
        let output = inputs + 1;
        const UNSEEN: usize = usize::MAX;
        const ENTERED: usize = usize::MAX - 1;
        // Per node id: UNSEEN, ENTERED, or its position among the computed nodes.
        let mut position = vec![UNSEEN; genome.nodes.len()];
        let mut nodes: Vec<Computed> = Vec::new();
        let sources_of = |v: usize| {
            genome
                .connections
                .iter()
                .filter(move |c| c.enabled && c.to == v)
        };
        // Depth-first from the output along enabled connections backwards; a
        // node is placed once all its sources are (post-order), so sources
        // always come first. Connections never close a cycle.
        let mut stack = vec![(output, false)];
        while let Some((v, sources_done)) = stack.pop() {
            if sources_done {
                let incoming = sources_of(v)
                    .map(|c| {
                        let source = match genome.nodes[c.from] {
                            Kind::Input => Source::Input(c.from),
                            Kind::Bias => Source::Bias,
                            Kind::Hidden | Kind::Output => Source::Node(position[c.from]),
                        };
                        (source, c.weight)
                    })
                    .collect();
                position[v] = nodes.len();
                nodes.push(Computed {
                    hidden: genome.nodes[v] == Kind::Hidden,
                    incoming,
                });
                continue;
            }
            if position[v] != UNSEEN {
                continue;
            }
            position[v] = ENTERED;
            stack.push((v, true));
            for c in sources_of(v) {
                if genome.nodes[c.from] == Kind::Hidden && position[c.from] == UNSEEN {
                    stack.push((c.from, false));
                }
            }
        }
        Phenotype { nodes }
    }

    /// The output for every pattern. Each node's sum starts from -0.0 and
    /// adds its weighted sources in gene order, as a pattern-by-pattern
    /// evaluation with `Iterator::sum` would.
    pub fn outputs(&self, data: &Patterns) -> Vec<f64> {
        let n = data.len();
        let mut values = vec![0.0; self.nodes.len() * n];
        for (k, node) in self.nodes.iter().enumerate() {
            let (done, rest) = values.split_at_mut(k * n);
            let sum = &mut rest[..n];
            sum.fill(-0.0);
            for &(source, w) in &node.incoming {
                let add = |sum: &mut [f64], x: &[f64]| {
                    for (s, x) in sum.iter_mut().zip(x) {
                        *s += w * x;
                    }
                };
                match source {
                    Source::Input(j) => add(sum, data.column(j)),
                    // w * 1.0 is w exactly.
                    Source::Bias => sum.iter_mut().for_each(|s| *s += w),
                    Source::Node(i) => add(sum, &done[i * n..(i + 1) * n]),
                }
            }
            if node.hidden {
                sigmoids(STEEPNESS, sum);
            }
        }
        values.split_off((self.nodes.len() - 1) * n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genome::Innovations;
    use nnbench_core::seed;
    use rand::RngExt;

    /// The plain evaluation: every node of the genome in a topological
    /// order, pattern by pattern.
    fn reference(genome: &Genome, data: &Patterns) -> Vec<f64> {
        let inputs = data.inputs();
        let n = genome.nodes.len();
        let mut order = Vec::new();
        let mut done = vec![false; n];
        while order.len() < n {
            for v in 0..n {
                let ready = genome
                    .connections
                    .iter()
                    .filter(|c| c.enabled && c.to == v)
                    .all(|c| done[c.from]);
                if !done[v] && ready {
                    done[v] = true;
                    order.push(v);
                }
            }
        }
        let mut value = vec![0.0; n];
        (0..data.len())
            .map(|p| {
                for &v in &order {
                    value[v] = match genome.nodes[v] {
                        Kind::Input => data.column(v)[p],
                        Kind::Bias => 1.0,
                        kind => {
                            let sum: f64 = genome
                                .connections
                                .iter()
                                .filter(|c| c.enabled && c.to == v)
                                .map(|c| c.weight * value[c.from])
                                .sum();
                            if kind == Kind::Hidden {
                                nnbench_core::sigmoid(STEEPNESS * sum)
                            } else {
                                sum
                            }
                        }
                    };
                }
                value[inputs + 1]
            })
            .collect()
    }

    #[test]
    fn grown_genomes_give_the_bits_of_the_pattern_by_pattern_evaluation() {
        let mut rng = seed::rng(8);
        let rows: Vec<f64> = (0..37 * 3).map(|_| rng.random_range(-1.0..1.0)).collect();
        let data = Patterns::from_rows(3, &rows, &[0.0; 37]);
        let mut innovations = Innovations::new(3);
        let mut genome = Genome::minimal(3, &mut rng);
        let mut hidden_seen = false;
        for step in 0..60 {
            match step % 3 {
                0 => genome.add_node(&mut innovations, &mut rng),
                1 => genome.add_connection(&mut innovations, &mut rng),
                _ => genome.mutate_weights(&mut rng),
            }
            // A gene switched off now and then leaves dead ends and unfed nodes.
            if step % 7 == 0 {
                let i = rng.random_range(0..genome.connections.len());
                genome.connections[i].enabled = false;
            }
            let fast = Phenotype::new(&genome).outputs(&data);
            let slow = reference(&genome, &data);
            assert!(
                fast.iter()
                    .zip(&slow)
                    .all(|(a, b)| a.to_bits() == b.to_bits()),
                "step {step}"
            );
            hidden_seen |= Phenotype::new(&genome).nodes.iter().any(|c| c.hidden);
        }
        assert!(
            hidden_seen,
            "the genome never grew a hidden node on the output's path"
        );
    }

    #[test]
    fn only_the_outputs_ancestors_are_computed() {
        let mut rng = seed::rng(1);
        let mut genome = Genome::minimal(1, &mut rng);
        genome.add_node(&mut Innovations::new(1), &mut seed::rng(2));
        let hidden = |g: &Genome| Phenotype::new(g).nodes.iter().filter(|c| c.hidden).count();
        assert_eq!(
            (Phenotype::new(&genome).nodes.len(), hidden(&genome)),
            (2, 1)
        );
        // Cut the new node's way out: it feeds nothing and is not computed.
        let new_node = genome.nodes.len() - 1;
        let out = genome.connections.iter_mut().find(|c| c.from == new_node);
        out.expect("the new node's outgoing gene").enabled = false;
        assert_eq!(
            (Phenotype::new(&genome).nodes.len(), hidden(&genome)),
            (1, 0)
        );
        // With every gene disabled the output is -0.0, the empty sum.
        genome
            .connections
            .iter_mut()
            .for_each(|c| c.enabled = false);
        let data = Patterns::from_rows(1, &[0.5, 2.0], &[0.0, 0.0]);
        let out = Phenotype::new(&genome).outputs(&data);
        assert!(out.iter().all(|o| o.to_bits() == (-0.0f64).to_bits()));
    }
}
