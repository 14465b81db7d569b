//! Genomes: node genes and connection genes with global innovation numbers,
//! the structural mutations, crossover aligned by innovation number, and the
//! compatibility distance. Networks are feed-forward: a new connection never
//! closes a cycle.

use crate::phenotype::Phenotype;
use nnbench_core::seed::normal;
use nnbench_core::{Patterns, Rng};
use rand::RngExt;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Input,
    Bias,
    Output,
    Hidden,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Connection {
    pub innovation: u64,
    pub from: usize,
    pub to: usize,
    pub weight: f64,
    pub enabled: bool,
}

/// Nodes 0..d are inputs, d the bias, d + 1 the output, then hidden nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Genome {
    pub nodes: Vec<Kind>,
    /// Sorted by innovation number.
    pub connections: Vec<Connection>,
}

/// Hands out innovation numbers and node ids; the same structural mutation
/// within one generation gets the same numbers.
#[derive(Debug, Clone, Default)]
pub struct Innovations {
    next_innovation: u64,
    next_node: usize,
    connections: HashMap<(usize, usize), u64>,
    splits: HashMap<u64, (usize, u64, u64)>,
}

impl Innovations {
    /// For genomes of `inputs` inputs, whose first connections are numbered
    /// 0..=inputs (every input and the bias to the output).
    pub fn new(inputs: usize) -> Innovations {
        Innovations {
            next_innovation: inputs as u64 + 1,
            next_node: inputs + 2,
            ..Innovations::default()
        }
    }

    /// Forgets this generation's mutations; numbers keep counting up.
    pub fn next_generation(&mut self) {
        self.connections.clear();
        self.splits.clear();
    }

    fn connection(&mut self, from: usize, to: usize) -> u64 {
        let next = &mut self.next_innovation;
        *self.connections.entry((from, to)).or_insert_with(|| {
            *next += 1;
            *next - 1
        })
    }

    /// (new node, innovation in, innovation out) for splitting `innovation`.
    fn split(&mut self, innovation: u64) -> (usize, u64, u64) {
        if let Some(s) = self.splits.get(&innovation) {
            return *s;
        }
        let s = (
            self.next_node,
            self.next_innovation,
            self.next_innovation + 1,
        );
        self.next_node += 1;
        self.next_innovation += 2;
        self.splits.insert(innovation, s);
        s
    }
}

impl Genome {
    /// Every input and the bias connected to the output, weights U[-1, 1].
    pub fn minimal(inputs: usize, rng: &mut Rng) -> Genome {
        let mut nodes = vec![Kind::Input; inputs];
        nodes.push(Kind::Bias);
        nodes.push(Kind::Output);
        let connections = (0..=inputs)
            .map(|i| Connection {
                innovation: i as u64,
                from: i,
                to: inputs + 1,
                weight: rng.random_range(-1.0..=1.0),
                enabled: true,
            })
            .collect();
        Genome { nodes, connections }
    }

    fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The network's output for every pattern.
    pub fn outputs(&self, data: &Patterns) -> Vec<f64> {
        Phenotype::new(self).outputs(data)
    }

    /// Whether `to` can be reached from `from` along enabled or disabled connections.
    fn reaches(&self, from: usize, to: usize) -> bool {
        let mut stack = vec![from];
        let mut seen = vec![false; self.node_count()];
        while let Some(v) = stack.pop() {
            if v == to {
                return true;
            }
            if !std::mem::replace(&mut seen[v], true) {
                stack.extend(
                    self.connections
                        .iter()
                        .filter(|c| c.from == v)
                        .map(|c| c.to),
                );
            }
        }
        false
    }

    /// Splits a random enabled connection: it is disabled, and the new node
    /// gets an incoming weight of 1 and an outgoing weight of the old one.
    pub fn add_node(&mut self, innovations: &mut Innovations, rng: &mut Rng) {
        let enabled: Vec<usize> = (0..self.connections.len())
            .filter(|&i| self.connections[i].enabled)
            .collect();
        if enabled.is_empty() {
            return;
        }
        let old = self.connections[enabled[rng.random_range(0..enabled.len())]];
        let (node, inn_in, inn_out) = innovations.split(old.innovation);
        if self.connections.iter().any(|c| c.innovation == inn_in) {
            return; // this genome split that connection before
        }
        // Node ids are global: the vector stays indexable by id, and ids this
        // genome does not use are unconnected placeholders.
        if self.nodes.len() <= node {
            self.nodes.resize(node + 1, Kind::Hidden);
        }
        if let Some(c) = self
            .connections
            .iter_mut()
            .find(|c| c.innovation == old.innovation)
        {
            c.enabled = false;
        }
        self.insert(Connection {
            innovation: inn_in,
            from: old.from,
            to: node,
            weight: 1.0,
            enabled: true,
        });
        self.insert(Connection {
            innovation: inn_out,
            from: node,
            to: old.to,
            weight: old.weight,
            enabled: true,
        });
    }

    /// Connects a random pair not yet connected, never closing a cycle.
    pub fn add_connection(&mut self, innovations: &mut Innovations, rng: &mut Rng) {
        let n = self.node_count();
        let sources: Vec<usize> = (0..n)
            .filter(|&v| self.nodes[v] != Kind::Output && self.is_live(v))
            .collect();
        let targets: Vec<usize> = (0..n)
            .filter(|&v| matches!(self.nodes[v], Kind::Output | Kind::Hidden) && self.is_live(v))
            .collect();
        for _ in 0..20 {
            let (from, to) = (
                sources[rng.random_range(0..sources.len())],
                targets[rng.random_range(0..targets.len())],
            );
            if from == to
                || self
                    .connections
                    .iter()
                    .any(|c| c.from == from && c.to == to)
                || self.reaches(to, from)
            {
                continue;
            }
            let innovation = innovations.connection(from, to);
            self.insert(Connection {
                innovation,
                from,
                to,
                weight: rng.random_range(-1.0..=1.0),
                enabled: true,
            });
            return;
        }
    }

    /// Inputs, bias and output always; a hidden node once a connection uses it.
    fn is_live(&self, v: usize) -> bool {
        self.nodes[v] != Kind::Hidden || self.connections.iter().any(|c| c.from == v || c.to == v)
    }

    /// Each weight: with probability 0.9 perturbed by N(0, 1) / 50, else redrawn U[-1, 1].
    pub fn mutate_weights(&mut self, rng: &mut Rng) {
        for c in &mut self.connections {
            if rng.random::<f64>() < 0.9 {
                c.weight += (normal(rng) / 50.0).clamp(-1.0, 1.0);
            } else {
                c.weight = rng.random_range(-1.0..=1.0);
            }
        }
    }

    fn insert(&mut self, c: Connection) {
        let at = self
            .connections
            .partition_point(|x| x.innovation < c.innovation);
        self.connections.insert(at, c);
    }

    /// Matching genes from either parent at random; disjoint and excess genes
    /// from the fitter (`self`); a gene disabled in either parent stays
    /// disabled with probability `disabled_rate`.
    pub fn crossover(&self, other: &Genome, disabled_rate: f64, rng: &mut Rng) -> Genome {
        let mut child = Genome {
            nodes: self.nodes.clone(),
            connections: Vec::with_capacity(self.connections.len()),
        };
        for c in &self.connections {
            let mut gene = *c;
            if let Some(o) = other
                .connections
                .iter()
                .find(|o| o.innovation == c.innovation)
            {
                if rng.random::<bool>() {
                    gene.weight = o.weight;
                }
                if !c.enabled || !o.enabled {
                    gene.enabled = rng.random::<f64>() >= disabled_rate;
                }
                if gene.enabled && !c.enabled && self.reaches(gene.to, gene.from) {
                    gene.enabled = false;
                }
            }
            child.connections.push(gene);
        }
        child
    }

    /// c1 E / N + c2 D / N + c3 W, with N the larger genome's gene count (1
    /// below `normalise_from` genes) and W the mean weight difference of
    /// matching genes.
    pub fn distance(&self, other: &Genome, c: (f64, f64, f64), normalise_from: usize) -> f64 {
        let (a, b) = (&self.connections, &other.connections);
        let last = |g: &Vec<Connection>| g.last().map_or(0, |c| c.innovation);
        let cut = last(a).min(last(b));
        let (mut excess, mut disjoint, mut matching, mut difference) = (0.0, 0.0, 0.0, 0.0);
        for gene in aligned(a, b) {
            match gene {
                (Some(x), Some(y)) => {
                    matching += 1.0;
                    difference += 0.5 * (x.weight - y.weight).abs();
                }
                (Some(g), None) | (None, Some(g)) if g.innovation > cut => excess += 1.0,
                _ => disjoint += 1.0,
            }
        }
        // Each matching difference counted once from either side, halves
        // first: the sum of version 2, which scanned both genomes in turn.
        for gene in aligned(a, b) {
            if let (Some(x), Some(y)) = gene {
                difference += 0.5 * (x.weight - y.weight).abs();
            }
        }
        let n = a.len().max(b.len());
        let n = if n < normalise_from { 1.0 } else { n as f64 };
        let w = if matching > 0.0 {
            difference / matching
        } else {
            0.0
        };
        c.0 * excess / n + c.1 * disjoint / n + c.2 * w
    }
}

/// The genes of two genomes side by side by innovation number (both lists
/// are sorted by it): matching genes as a pair, the others alone.
fn aligned<'a>(
    a: &'a [Connection],
    b: &'a [Connection],
) -> impl Iterator<Item = (Option<&'a Connection>, Option<&'a Connection>)> {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        let pair = match (a.get(i), b.get(j)) {
            (None, None) => return None,
            (Some(x), Some(y)) if x.innovation == y.innovation => (Some(x), Some(y)),
            (Some(x), Some(y)) if x.innovation < y.innovation => (Some(x), None),
            (Some(x), None) => (Some(x), None),
            (_, y) => (None, y),
        };
        i += usize::from(pair.0.is_some());
        j += usize::from(pair.1.is_some());
        Some(pair)
    })
}
