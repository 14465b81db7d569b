//! Gradient-based baselines of Tsoulos et al. (2023) on their network:
//! [`AdamParams`] (ADAM, OptimLib defaults) and [`RpropParams`] (RPROP, FCNN
//! constants, with `irprop-` and `fcnn` variants). Both share the full-batch
//! loop in `descent`.

mod adam;
mod descent;
mod rprop;

pub use adam::{AdamParams, AdamRule};
pub use descent::{Descent, Rule};
pub use rprop::{RpropParams, RpropRule, Variant as RpropVariant};

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::{
        Budget, Method, MethodParams, Network, Patterns, Problem, Seeds, StopReason, seed,
        uniform_weights,
    };

    /// Targets from a teacher network of the trained shape: the optimum SSE is 0.
    fn teacher_data(seed_value: u64) -> Patterns {
        let mut rng = seed::rng(seed_value);
        let net = Network::new(2, 3);
        let teacher = uniform_weights(net.weights(), 2.0, &mut rng);
        let rows = uniform_weights(2 * 60, 1.0, &mut rng);
        let inputs = Patterns::from_rows(2, &rows, &vec![0.0; 60]);
        let y = net.outputs(&teacher, &inputs);
        Patterns::from_rows(2, &rows, &y)
    }

    fn train(
        params: &dyn Method,
        data: &Patterns,
        seed_value: u64,
        budget: Budget,
    ) -> (f64, StopReason, u64) {
        let mut problem = Problem::for_method(params, data, budget);
        let net = problem.network();
        let initial = problem.sse(&uniform_weights(
            net.weights(),
            1.0,
            &mut seed::rng(seed_value),
        ));
        let trained = params.train(&mut problem, Seeds::new(seed_value, 0));
        let sse = trained
            .model
            .outputs(data)
            .iter()
            .zip(data.targets())
            .map(|(o, y)| (o - y).powi(2))
            .sum::<f64>();
        assert!(sse < 0.01 * initial, "SSE {sse} from {initial}");
        (sse, trained.stop, problem.spent().gradient_evals)
    }

    #[test]
    fn both_methods_fit_a_teacher_network_far_below_the_start() {
        let data = teacher_data(3);
        let adam = AdamParams {
            hidden: 3,
            ..AdamParams::default()
        }
        .build()
        .unwrap();
        let rprop = RpropParams {
            hidden: 3,
            ..RpropParams::default()
        }
        .build()
        .unwrap();
        let fcnn = RpropParams {
            hidden: 3,
            variant: RpropVariant::Fcnn,
            ..RpropParams::default()
        }
        .build()
        .unwrap();
        for m in [&adam, &rprop, &fcnn] {
            let (sse, _, evals) = train(m.as_ref(), &data, 9, Budget::default());
            assert!(sse < 1e-2, "{sse}");
            assert!(evals <= 2001);
        }
    }

    #[test]
    fn same_seed_gives_bit_identical_models() {
        let data = teacher_data(4);
        let adam = AdamParams {
            hidden: 3,
            iterations: 300,
            ..AdamParams::default()
        }
        .build()
        .unwrap();
        let run = || {
            let mut problem = Problem::new(Some(Network::new(2, 3)), &data, Budget::default());
            adam.train(&mut problem, Seeds::new(77, 0))
                .model
                .outputs(&data)
        };
        let (a, b) = (run(), run());
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    }

    #[test]
    fn the_budget_stops_a_run_and_says_so() {
        let data = teacher_data(5);
        let rprop = RpropParams {
            hidden: 3,
            ..RpropParams::default()
        }
        .build()
        .unwrap();
        let mut problem = Problem::new(
            Some(Network::new(2, 3)),
            &data,
            Budget {
                max_evaluations: Some(50),
            },
        );
        let trained = rprop.train(&mut problem, Seeds::new(1, 0));
        assert_eq!(trained.stop, StopReason::BudgetExhausted);
        assert_eq!(problem.spent().objective_evals, 50);
    }
}
