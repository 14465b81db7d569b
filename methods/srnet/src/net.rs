//! An SRNet: per layer of the explained network, a chromosome and its
//! linear map (the authors' `OneVectorCGPNet` of `OneExpOneOutCGPLayer`s).
//! Layer l reads the SRNet's own layer l - 1, not the network's, so the
//! whole chain is one expression of the inputs. Values are columns: one
//! vector of points per input or unit.

use crate::cgp::{Chromosome, Grid};
use crate::expr::Expr;
use crate::linear::Linear;
use nnbench_core::Rng;
use serde::{Deserialize, Serialize};

pub type Columns = Vec<Vec<f64>>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    pub chromosome: Chromosome,
    pub linear: Linear,
}

impl Layer {
    /// f_l at every point of `input`.
    pub fn expression_values(&self, grid: &Grid, input: &Columns) -> Vec<f64> {
        let columns: Vec<&[f64]> = input.iter().map(Vec::as_slice).collect();
        self.chromosome.evaluate(grid, &columns)
    }

    pub fn forward(&self, grid: &Grid, input: &Columns) -> Columns {
        self.linear.apply(&self.expression_values(grid, input))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SrNet {
    pub layers: Vec<Layer>,
}

/// The grid of each layer: layer l reads `sizes[l]` values; `sizes` are the
/// explained network's layer sizes, inputs first.
pub fn grids(
    sizes: &[usize],
    rows: usize,
    cols: usize,
    functions: &[crate::Function],
) -> Vec<Grid> {
    sizes[..sizes.len() - 1]
        .iter()
        .map(|&inputs| Grid::authors(inputs, rows, cols, functions.to_vec()))
        .collect()
}

impl SrNet {
    pub fn random(grids: &[Grid], sizes: &[usize], rng: &mut Rng) -> SrNet {
        SrNet {
            layers: grids
                .iter()
                .zip(&sizes[1..])
                .map(|(grid, &units)| Layer {
                    chromosome: grid.random(rng),
                    linear: Linear::random(units, rng),
                })
                .collect(),
        }
    }

    /// Every chromosome mutated (`p` per gene); the linear maps kept.
    pub fn mutate(&self, grids: &[Grid], p: f64, rng: &mut Rng) -> SrNet {
        SrNet {
            layers: self
                .layers
                .iter()
                .zip(grids)
                .map(|(layer, grid)| Layer {
                    chromosome: layer.chromosome.mutate(grid, p, rng),
                    linear: layer.linear.clone(),
                })
                .collect(),
        }
    }

    /// Each layer's outputs, the last the SRNet's prediction.
    pub fn forward(&self, grids: &[Grid], x: &Columns) -> Vec<Columns> {
        let mut outputs: Vec<Columns> = Vec::with_capacity(self.layers.len());
        for (layer, grid) in self.layers.iter().zip(grids) {
            let input = outputs.last().unwrap_or(x);
            outputs.push(layer.forward(grid, input));
        }
        outputs
    }

    /// Per layer, each unit's expression in the inputs `names`, simplified.
    pub fn expressions(&self, grids: &[Grid], names: &[String]) -> Vec<Vec<Expr>> {
        let mut previous: Vec<Expr> = names.iter().map(|n| Expr::var(n)).collect();
        let mut out = Vec::with_capacity(self.layers.len());
        for (layer, grid) in self.layers.iter().zip(grids) {
            let f = layer.chromosome.expression(grid, &previous);
            previous = layer
                .linear
                .w
                .iter()
                .zip(&layer.linear.b)
                .map(|(&w, &b)| Expr::affine(w, f.clone(), b))
                .collect();
            out.push(previous.clone());
        }
        out
    }
}

impl SrNet {
    /// One line per layer, as the paper shows them: layer l's expression
    /// f_l of the previous layer's units (h{l-1}_j, the inputs `names` for
    /// the first) and the linear map to its units; then, for one output,
    /// the whole network as one expression of the inputs where it is short
    /// enough to read.
    pub fn describe(&self, grids: &[Grid], names: &[String]) -> Vec<String> {
        let list = |v: &[f64]| {
            let items: Vec<String> = v.iter().map(|c| Expr::Const(*c).to_string()).collect();
            format!("[{}]", items.join(", "))
        };
        let mut lines = Vec::with_capacity(self.layers.len() + 1);
        for (l, (layer, grid)) in self.layers.iter().zip(grids).enumerate() {
            let vars: Vec<Expr> = if l == 0 {
                names.iter().map(|n| Expr::var(n)).collect()
            } else {
                (0..grid.inputs)
                    .map(|j| Expr::var(&format!("h{l}_{j}")))
                    .collect()
            };
            let f = layer.chromosome.expression(grid, &vars);
            let (w, b) = (&layer.linear.w, &layer.linear.b);
            let unit = if l + 1 == self.layers.len() {
                "y".to_string()
            } else {
                format!("h{}", l + 1)
            };
            lines.push(if w.len() == 1 {
                format!("{unit} = {}", Expr::affine(w[0], f, b[0]).simplify())
            } else {
                format!(
                    "{unit} = w*f + b, f = {f}, w = {}, b = {}",
                    list(w),
                    list(b)
                )
            });
        }
        if let Some(whole) = self.expressions(grids, names).last()
            && whole.len() == 1
            && self.layers.len() > 1
        {
            let text = whole[0].to_string();
            if text.len() <= 400 {
                lines.push(format!("y(x) = {text}"));
            }
        }
        lines
    }
}

/// Mean squared difference over every point of every column; +inf when
/// it is not finite (the authors' `_get_protected_loss`).
pub fn mse(a: &Columns, b: &Columns) -> f64 {
    let count: usize = a.iter().map(Vec::len).sum();
    let sum: f64 = a
        .iter()
        .zip(b)
        .flat_map(|(a, b)| a.iter().zip(b).map(|(a, b)| (a - b).powi(2)))
        .sum();
    let m = sum / count.max(1) as f64;
    if m.is_finite() { m } else { f64::INFINITY }
}

/// The authors' weighting (`_calculate_weighted_fitness`): each hidden
/// layer's loss over the number of hidden layers, plus the output's.
pub fn weighted(losses: &[f64]) -> f64 {
    match losses {
        [] => f64::INFINITY,
        [only] => *only,
        [hidden @ .., output] => {
            hidden.iter().map(|l| l / hidden.len() as f64).sum::<f64>() + output
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Function;
    use nnbench_core::seed::rng;

    #[test]
    fn the_weighting_averages_the_hidden_layers_and_adds_the_output() {
        assert_eq!(weighted(&[0.5]), 0.5);
        assert_eq!(weighted(&[1.0, 3.0, 0.25]), 2.0 + 0.25);
        assert_eq!(weighted(&[f64::INFINITY, 0.0]), f64::INFINITY);
        assert_eq!(
            mse(&vec![vec![1.0, f64::NAN]], &vec![vec![1.0, 2.0]]),
            f64::INFINITY
        );
        assert_eq!(
            mse(
                &vec![vec![1.0, 2.0], vec![0.0, 0.0]],
                &vec![vec![1.0, 4.0], vec![1.0, 1.0]]
            ),
            1.5
        );
    }

    #[test]
    fn the_expressions_compute_what_the_layers_compute() {
        let sizes = [2, 3, 1];
        let grids = grids(&sizes, 5, 5, &Function::AUTHORS);
        let mut r = rng(11);
        let x: Columns = vec![vec![0.3, -0.8, 1.5, 0.1], vec![1.2, 0.4, -0.6, 2.0]];
        let names = ["a".to_string(), "b".to_string()];
        for _ in 0..50 {
            let net = SrNet::random(&grids, &sizes, &mut r);
            let outputs = net.forward(&grids, &x);
            assert_eq!(outputs.len(), 2);
            assert_eq!((outputs[0].len(), outputs[1].len()), (3, 1));
            let exprs = net.expressions(&grids, &names);
            for (layer, (exprs, values)) in exprs.iter().zip(&outputs).enumerate() {
                for (e, column) in exprs.iter().zip(values) {
                    for (i, &v) in column.iter().enumerate() {
                        let at = e.eval(&|n| if n == "a" { x[0][i] } else { x[1][i] });
                        let close = (at - v).abs() <= 1e-9 * (1.0 + v.abs());
                        assert!(
                            close || (at.is_nan() && v.is_nan()) || at == v,
                            "layer {layer}, {e}: {at} vs {v}"
                        );
                    }
                }
            }
        }
    }
}
