//! One CGP chromosome as the authors' `BaseCGP` lays it out (`CGPNet/utils.py`
//! `CGPFactory`): addresses 0..inputs are the inputs, then the ephemeral
//! constants, then rows x cols function nodes in column order, each a
//! function gene and `max arity` input genes; last, one output gene. A
//! node in column c may read any address from `up - levels_back` to `up`,
//! where `up` is the last address before column c: levels-back counts
//! addresses, not columns, as theirs does (its default, rows x cols + 1,
//! lets every node read everything before it).

use crate::functions::Function;
use nnbench_core::Rng;
use nnbench_core::seed::normal;
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// The shape every chromosome of a layer shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    pub inputs: usize,
    pub constants: usize,
    pub rows: usize,
    pub cols: usize,
    pub levels_back: usize,
    pub functions: Vec<Function>,
}

/// Genes and the constants they read; the constants are drawn once, N(0, 1),
/// and mutation leaves them, as the authors' does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chromosome {
    pub genes: Vec<usize>,
    pub constants: Vec<f64>,
}

impl Grid {
    /// The authors' grid: `rows` x `cols`, levels-back rows x cols + 1, one
    /// constant.
    pub fn authors(inputs: usize, rows: usize, cols: usize, functions: Vec<Function>) -> Grid {
        Grid {
            inputs,
            constants: 1,
            rows,
            cols,
            levels_back: rows * cols + 1,
            functions,
        }
    }

    pub fn nodes(&self) -> usize {
        self.rows * self.cols
    }

    pub fn arity(&self) -> usize {
        self.functions.iter().map(|f| f.arity()).max().unwrap_or(0)
    }

    /// Address of the first function node.
    fn first_node(&self) -> usize {
        self.inputs + self.constants
    }

    pub fn genes(&self) -> usize {
        self.nodes() * (self.arity() + 1) + 1
    }

    /// The inclusive range gene `g` may take.
    pub fn bounds(&self, g: usize) -> (usize, usize) {
        let per_node = self.arity() + 1;
        let node = g / per_node;
        if node == self.nodes() {
            let up = self.first_node() + self.nodes() - 1;
            return (up.saturating_sub(self.levels_back), up);
        }
        if g.is_multiple_of(per_node) {
            return (0, self.functions.len() - 1);
        }
        let col = node / self.rows;
        let up = self.first_node() + col * self.rows - 1;
        (up.saturating_sub(self.levels_back), up)
    }

    pub fn random(&self, rng: &mut Rng) -> Chromosome {
        Chromosome {
            genes: (0..self.genes())
                .map(|g| {
                    let (lo, hi) = self.bounds(g);
                    rng.random_range(lo..=hi)
                })
                .collect(),
            constants: (0..self.constants).map(|_| normal(rng)).collect(),
        }
    }
}

/// A function node as its genes read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    pub function: Function,
    /// The addresses of its arguments, `function.arity()` of them.
    pub args: [usize; 3],
}

impl Chromosome {
    /// Each gene, with probability `p`, set to another value of its range
    /// drawn uniformly (`_probabilistic_mutate_genes`); a gene with one
    /// possible value stays.
    pub fn mutate(&self, grid: &Grid, p: f64, rng: &mut Rng) -> Chromosome {
        let mut genes = self.genes.clone();
        for (g, gene) in genes.iter_mut().enumerate() {
            if rng.random::<f64>() >= p {
                continue;
            }
            let (lo, hi) = grid.bounds(g);
            if hi == lo {
                continue;
            }
            // Uniform over the range less the current value.
            let drawn = rng.random_range(lo..hi);
            *gene = if drawn >= *gene { drawn + 1 } else { drawn };
        }
        Chromosome {
            genes,
            constants: self.constants.clone(),
        }
    }

    pub fn node(&self, grid: &Grid, address: usize) -> Node {
        let start = (address - grid.first_node()) * (grid.arity() + 1);
        let function = grid.functions[self.genes[start]];
        let mut args = [0; 3];
        for (k, a) in args.iter_mut().take(function.arity()).enumerate() {
            *a = self.genes[start + 1 + k];
        }
        Node { function, args }
    }

    /// The address the output reads.
    pub fn output(&self) -> usize {
        *self.genes.last().expect("a chromosome has an output gene")
    }

    /// Whether each address (inputs, constants, nodes) feeds the output.
    pub fn active(&self, grid: &Grid) -> Vec<bool> {
        let mut active = vec![false; grid.first_node() + grid.nodes()];
        active[self.output()] = true;
        // Arguments point to lower addresses, so one downward pass suffices.
        for address in (grid.first_node()..active.len()).rev() {
            if active[address] {
                let n = self.node(grid, address);
                for &a in &n.args[..n.function.arity()] {
                    active[a] = true;
                }
            }
        }
        active
    }

    /// The output at every point: `inputs[j]` is input j's column.
    pub fn evaluate(&self, grid: &Grid, inputs: &[&[f64]]) -> Vec<f64> {
        let n = inputs.first().map_or(0, |c| c.len());
        let active = self.active(grid);
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); active.len()];
        for (address, on) in active.iter().enumerate() {
            if !on {
                continue;
            }
            values[address] = if address < grid.inputs {
                inputs[address].to_vec()
            } else if address < grid.first_node() {
                vec![self.constants[address - grid.inputs]; n]
            } else {
                let node = self.node(grid, address);
                let arg = |k: usize| -> &[f64] {
                    if k < node.function.arity() {
                        &values[node.args[k]]
                    } else {
                        &[]
                    }
                };
                let mut out = vec![0.0; n];
                node.function.apply_all(&mut out, arg(0), arg(1), arg(2));
                out
            };
        }
        std::mem::take(&mut values[self.output()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::seed::rng;

    /// Two inputs, one constant, a 2 x 2 grid of add, mul, sin (arity 2).
    fn grid() -> Grid {
        Grid::authors(2, 2, 2, vec![Function::Add, Function::Mul, Function::Sin])
    }

    #[test]
    fn bounds_follow_columns_and_levels_back() {
        let g = grid();
        // 4 nodes x 3 genes + 1 output.
        assert_eq!(g.genes(), 13);
        assert_eq!(g.bounds(0), (0, 2));
        // Column 0 reads inputs and the constant (addresses 0..=2).
        assert_eq!(g.bounds(1), (0, 2));
        assert_eq!(g.bounds(5), (0, 2));
        // Column 1 (nodes at addresses 5, 6) may also read column 0 (3, 4).
        assert_eq!(g.bounds(7), (0, 4));
        // The output reads back levels-back (5) addresses from the last
        // node, as the authors' factory counts: not address 0.
        assert_eq!(g.bounds(12), (1, 6));
        // Levels-back 2: column 1 reads addresses 2..=4 only.
        let narrow = Grid {
            levels_back: 2,
            ..grid()
        };
        assert_eq!(narrow.bounds(7), (2, 4));
        assert_eq!(narrow.bounds(12), (4, 6));
    }

    /// x0 * x1 + sin(c): node 3 = mul(0, 1), node 4 = sin(2), node 5 =
    /// add(3, 4), node 6 = add(0, 0) (inactive); output reads 5.
    fn planted() -> Chromosome {
        Chromosome {
            genes: vec![1, 0, 1, 2, 2, 0, 0, 3, 4, 0, 0, 0, 5],
            constants: vec![0.5],
        }
    }

    #[test]
    fn decoding_finds_the_active_nodes_and_evaluates_them() {
        let (g, c) = (grid(), planted());
        assert_eq!(
            c.node(&g, 3),
            Node {
                function: Function::Mul,
                args: [0, 1, 0]
            }
        );
        assert_eq!(c.node(&g, 4).args[0], 2);
        assert_eq!(c.active(&g), [true, true, true, true, true, true, false]);
        let (x0, x1) = ([1.0, 2.0, -3.0], [4.0, 0.5, 2.0]);
        let y = c.evaluate(&g, &[&x0, &x1]);
        for i in 0..3 {
            assert_eq!(y[i], x0[i] * x1[i] + 0.5f64.sin());
        }
        // An output reading the constant gives it at every point.
        let mut constant = planted();
        *constant.genes.last_mut().unwrap() = 2;
        assert_eq!(constant.evaluate(&g, &[&x0, &x1]), [0.5; 3]);
        assert_eq!(constant.active(&g).iter().filter(|&&a| a).count(), 1);
    }

    #[test]
    fn random_genes_and_mutants_stay_in_their_ranges() {
        let g = grid();
        let mut r = rng(3);
        let parent = g.random(&mut r);
        assert_eq!(parent.genes.len(), g.genes());
        let (mut changed, mut trials) = (0, 0);
        for _ in 0..2000 {
            let child = parent.mutate(&g, 0.4, &mut r);
            assert_eq!(child.constants, parent.constants);
            for (k, (&a, &b)) in parent.genes.iter().zip(&child.genes).enumerate() {
                let (lo, hi) = g.bounds(k);
                assert!((lo..=hi).contains(&b));
                trials += 1;
                changed += usize::from(a != b);
            }
        }
        // Each gene changes with probability 0.4 (all ranges here have two
        // or more values): 26 000 trials, sd about 80.
        let share = changed as f64 / trials as f64;
        assert!((share - 0.4).abs() < 0.01, "{share}");
    }

    #[test]
    fn a_mutant_takes_every_other_value_alike() {
        // The function gene of node 3 has three values; from 1 a mutation
        // goes to 0 or 2, each half the time, never staying at 1.
        let (g, c) = (grid(), planted());
        let mut r = rng(8);
        let mut counts = [0usize; 3];
        for _ in 0..4000 {
            counts[c.mutate(&g, 1.0, &mut r).genes[0]] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((counts[0] as f64 - 2000.0).abs() < 150.0, "{counts:?}");
    }
}
