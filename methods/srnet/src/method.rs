//! SRNET, the method experiments name: the evolution of [`crate::es`] fitted
//! to the cell's black box ([`Problem::black_box`]) on the training part,
//! selecting on it and on synthetic points of the dataset's validation
//! domain labelled by the network, as the authors' runs do
//! (`dataset_config.py VALID_MAP`, 30 % of the training size).

use crate::cgp::Grid;
use crate::es::{Evolution, OutputLoss, Strategy, Target, evolve};
use crate::functions::Function;
use crate::net::{Columns, SrNet, grids};
use nnbench_core::metrics::argmax;
use nnbench_core::{
    BlackBox, Method, MethodParams, Model, ParamError, Patterns, Problem, Seeds, Shape, StopReason,
    Trained, check,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SrnetParams {
    /// The CGP grid of every layer: None gives the authors' 5 x 5 for
    /// regression and 10 x 10 for classification.
    pub rows: Option<usize>,
    pub cols: Option<usize>,
    /// The node functions, comma-separated (the authors' ten; add
    /// `if_then_else` for the one they did not run).
    pub functions: String,
    pub population: usize,
    pub generations: usize,
    /// Per gene.
    pub mutation: f64,
    /// Stop once the fitness is at most this.
    pub target: f64,
    /// None: `chromosome_select` for regression, `fitness_select` (plain
    /// (1 + lambda)) for classification, as the authors ran them.
    pub strategy: Option<Strategy>,
    /// The validation domain's points to select on, as a share of the
    /// training part's size (the authors' 0.3); 0 selects on the training
    /// part alone.
    pub validation: f64,
}

impl Default for SrnetParams {
    fn default() -> Self {
        let e = Evolution::AUTHORS;
        SrnetParams {
            rows: None,
            cols: None,
            functions: Function::AUTHORS.map(Function::name).join(","),
            population: e.population,
            generations: e.generations,
            mutation: e.mutation,
            target: e.target,
            strategy: None,
            validation: 0.3,
        }
    }
}

impl MethodParams for SrnetParams {
    const NAME: &'static str = "SRNET";
    const SUMMARY: &'static str = "SRNet (Luo et al. 2022): each layer of a trained network explained by one CGP expression and a fitted linear map, evolved by a (1 + lambda) ES";
    const VERSION: u32 = 1;
    const EXPLAINS: bool = true;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        use nnbench_core::check::{MAX_POPULATION, MAX_STEPS, MAX_UNITS};
        for (key, v) in [("rows", self.rows), ("cols", self.cols)] {
            if let Some(v) = v {
                check::count(key, v, 1, MAX_UNITS)?;
            }
        }
        let functions = self.functions()?;
        if functions.is_empty() {
            return Err(ParamError::new(
                "functions",
                format!("{:?}", self.functions),
                "name at least one function",
            ));
        }
        check::count("population", self.population, 2, MAX_POPULATION)?;
        check::count("generations", self.generations, 1, MAX_STEPS)?;
        check::non_negative("target", self.target)?;
        if !(self.mutation > 0.0 && self.mutation <= 1.0) {
            return Err(ParamError::new(
                "mutation",
                self.mutation,
                "must be in (0, 1]",
            ));
        }
        if !(0.0..=10.0).contains(&self.validation) {
            return Err(ParamError::new(
                "validation",
                self.validation,
                "must be in [0, 10] (a share of the training size)",
            ));
        }
        Ok(Box::new(Srnet(self.clone())))
    }
}

impl SrnetParams {
    fn functions(&self) -> Result<Vec<Function>, ParamError> {
        Function::parse_list(&self.functions).map_err(|unknown| {
            let known: Vec<&str> = Function::all().map(Function::name).collect();
            ParamError::new(
                "functions",
                format!("{:?}", self.functions),
                format!(
                    "{unknown:?} is not a function; the functions are {}, separated by commas",
                    known.join(", ")
                ),
            )
        })
    }
}

struct Srnet(SrnetParams);

impl Srnet {
    fn grids(&self, sizes: &[usize], classification: bool) -> Vec<Grid> {
        let side = if classification { 10 } else { 5 };
        let p = &self.0;
        let functions = p.functions().expect("checked by build");
        grids(
            sizes,
            p.rows.unwrap_or(side),
            p.cols.unwrap_or(side),
            &functions,
        )
    }
}

/// The points of `data` and the network's layers there, as SRNet fits them.
fn target(black_box: &BlackBox, data: &Patterns, output: OutputLoss) -> Target {
    Target {
        x: (0..data.inputs())
            .map(|j| data.column(j).to_vec())
            .collect(),
        layers: black_box.layers(data),
        output,
    }
}

/// The first `n` points of `data`.
fn head(data: &Patterns, n: usize) -> Patterns {
    let n = n.min(data.len());
    let d = data.inputs();
    Patterns::from_rows(d, &data.rows()[..n * d], &data.targets()[..n])
}

impl Method for Srnet {
    /// The population's layer outputs on every selection point.
    fn footprint(&self, shape: Shape) -> f64 {
        let p = &self.0;
        let points = shape.rows as f64 * (1.0 + p.validation);
        p.population as f64 * points * 4.0
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let p = &self.0;
        let black_box = problem
            .black_box()
            .expect("the plan gives an explainer its black box (EXPLAINS)");
        let classification = black_box.labels().is_some();
        let output = if classification {
            OutputLoss::CrossEntropy
        } else {
            OutputLoss::Mse
        };
        let sizes = black_box.sizes().to_vec();
        let grids = self.grids(&sizes, classification);
        let data = problem.data();
        let train = target(black_box, data, output);
        let valid = problem.domains().map(|d| {
            let n = (p.validation * data.len() as f64).round() as usize;
            target(black_box, &head(d.validation, n), output)
        });
        let valid = valid.filter(|v| v.points() > 0);
        // One evaluation scores a candidate on every selection point: a
        // pass over the training part and the validation share beside it.
        let mut generations = p.generations;
        if let Some(left) = problem.remaining() {
            let first = p.population as u64;
            let rest = left.saturating_sub(first) / (p.population as u64 - 1);
            generations = generations.min(1 + rest as usize);
        }
        let evolution = Evolution {
            population: p.population,
            generations,
            mutation: p.mutation,
            target: p.target,
            strategy: p.strategy.unwrap_or(if classification {
                Strategy::FitnessSelect
            } else {
                Strategy::ChromosomeSelect
            }),
            archive: Evolution::AUTHORS.archive,
        };
        let outcome = evolve(
            &grids,
            &sizes,
            &train,
            valid.as_ref(),
            &evolution,
            &mut seeds.run(),
        );
        for (g, fitness) in outcome.trace.iter().enumerate() {
            let spent = if g == 0 {
                p.population
            } else {
                p.population - 1
            } as u64;
            problem.charge_traced(spent, 0, *fitness);
        }
        let stop = if outcome.best.fitness <= p.target {
            StopReason::Converged
        } else if generations < p.generations {
            StopReason::BudgetExhausted
        } else {
            StopReason::MaxIterations
        };
        Trained {
            model: Box::new(SrnetModel {
                net: outcome.best.net,
                grids,
                labels: black_box.labels().map(<[f64]>::to_vec),
                fitness: outcome.best.fitness,
                losses: outcome.best.losses,
            }),
            stop,
        }
    }
}

/// The evolved SRNet: its last layer's outputs are the prediction.
struct SrnetModel {
    net: SrNet,
    grids: Vec<Grid>,
    labels: Option<Vec<f64>>,
    fitness: f64,
    losses: Vec<f64>,
}

impl Model for SrnetModel {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        let x: Columns = (0..data.inputs())
            .map(|j| data.column(j).to_vec())
            .collect();
        let out = self
            .net
            .forward(&self.grids, &x)
            .pop()
            .expect("an SRNet has layers");
        match &self.labels {
            None => out[0].clone(),
            Some(labels) => (0..data.len())
                .map(|i| {
                    let row: Vec<f64> = out.iter().map(|c| c[i]).collect();
                    labels[argmax(&row)]
                })
                .collect(),
        }
    }

    /// The authors' fitness (weighted layer losses on the selection
    /// points), the number their logs report, and each layer's loss.
    fn notes(&self) -> Vec<(&'static str, f64)> {
        const LAYERS: [&str; 6] = [
            "srnet_loss_layer1",
            "srnet_loss_layer2",
            "srnet_loss_layer3",
            "srnet_loss_layer4",
            "srnet_loss_layer5",
            "srnet_loss_layer6",
        ];
        std::iter::once(("srnet_fitness", self.fitness))
            .chain(LAYERS.into_iter().zip(self.losses.iter().copied()))
            .collect()
    }

    fn expressions(&self) -> Vec<String> {
        let inputs = self.grids.first().map_or(0, |g| g.inputs);
        let names: Vec<String> = (0..inputs).map(|j| format!("x{j}")).collect();
        self.net.describe(&self.grids, &names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::register;

    fn build(table: &str) -> Result<(), String> {
        let t: toml::Table = toml::from_str(table).unwrap();
        (register::<SrnetParams>().build)(t)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn bad_parameters_are_clear_errors() {
        assert!(build("").is_ok());
        let grid = build("rows = 0\ncols = 5").unwrap_err();
        assert!(
            grid.contains("`rows` = 0") && grid.contains(">= 1"),
            "{grid}"
        );
        let unknown = build("functions = \"add, exp\"").unwrap_err();
        assert!(unknown.contains("\"exp\" is not a function"), "{unknown}");
        assert!(unknown.contains("sqrt"), "lists the functions: {unknown}");
        assert!(build("functions = \"add,sqre,if_then_else\"").is_ok());
        let none = build("functions = \" \"").unwrap_err();
        assert!(none.contains("at least one"), "{none}");
    }
}
