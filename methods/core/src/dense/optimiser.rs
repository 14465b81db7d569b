//! Mini-batch update rules and learning-rate schedules, in their standard
//! (PyTorch) forms: the paper's exact settings are not available.

use serde::{Deserialize, Serialize};

/// The learning rate at epoch t (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Schedule {
    Constant,
    /// eta0 * gamma^floor(t / every).
    Step {
        gamma: f64,
        every: usize,
    },
    /// eta0 * gamma^t.
    Exponential {
        gamma: f64,
    },
}

impl Schedule {
    pub fn rate(self, eta0: f64, epoch: usize) -> f64 {
        match self {
            Schedule::Constant => eta0,
            Schedule::Step { gamma, every } => eta0 * gamma.powi((epoch / every.max(1)) as i32),
            Schedule::Exponential { gamma } => eta0 * gamma.powi(epoch as i32),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Rule {
    /// buffer = momentum * buffer + g; w -= lr * buffer (momentum 0: plain SGD).
    Sgd { momentum: f64 },
    /// Bias-corrected Adam.
    Adam {
        beta1: f64,
        beta2: f64,
        epsilon: f64,
    },
}

/// A rule with its state.
pub struct Optimiser {
    rule: Rule,
    first: Vec<f64>,
    second: Vec<f64>,
    steps: i32,
}

impl Optimiser {
    pub fn new(rule: Rule, n: usize) -> Self {
        Optimiser {
            rule,
            first: vec![0.0; n],
            second: vec![0.0; n],
            steps: 0,
        }
    }

    /// One step of size `lr` along `grad`.
    pub fn step(&mut self, w: &mut [f64], grad: &[f64], lr: f64) {
        self.steps += 1;
        match self.rule {
            Rule::Sgd { momentum } => {
                for ((wi, g), b) in w.iter_mut().zip(grad).zip(&mut self.first) {
                    *b = momentum * *b + g;
                    *wi -= lr * *b;
                }
            }
            Rule::Adam {
                beta1,
                beta2,
                epsilon,
            } => {
                let c1 = 1.0 - beta1.powi(self.steps);
                let c2 = 1.0 - beta2.powi(self.steps);
                for (((wi, g), m), v) in w
                    .iter_mut()
                    .zip(grad)
                    .zip(&mut self.first)
                    .zip(&mut self.second)
                {
                    *m = beta1 * *m + (1.0 - beta1) * g;
                    *v = beta2 * *v + (1.0 - beta2) * g * g;
                    *wi -= lr * (*m / c1) / ((*v / c2).sqrt() + epsilon);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_follow_their_formulas() {
        assert_eq!(Schedule::Constant.rate(0.1, 50), 0.1);
        let step = Schedule::Step {
            gamma: 0.5,
            every: 10,
        };
        assert_eq!(step.rate(0.1, 9), 0.1);
        assert_eq!(step.rate(0.1, 10), 0.05);
        assert_eq!(step.rate(0.1, 25), 0.025);
        let exp = Schedule::Exponential { gamma: 0.9 };
        assert!((exp.rate(1.0, 3) - 0.729).abs() < 1e-15);
    }

    #[test]
    fn sgd_with_momentum_by_hand() {
        let mut o = Optimiser::new(Rule::Sgd { momentum: 0.9 }, 1);
        let mut w = [1.0];
        o.step(&mut w, &[2.0], 0.1); // buffer 2, w = 0.8
        o.step(&mut w, &[2.0], 0.1); // buffer 3.8, w = 0.42
        assert!((w[0] - 0.42).abs() < 1e-15);
    }

    #[test]
    fn adams_first_step_is_lr_times_the_sign() {
        let mut o = Optimiser::new(
            Rule::Adam {
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8,
            },
            2,
        );
        let mut w = [0.0, 0.0];
        o.step(&mut w, &[3.0, -0.01], 0.001);
        assert!(
            (w[0] + 0.001).abs() < 1e-9 && (w[1] - 0.001).abs() < 1e-6,
            "{w:?}"
        );
    }

    #[test]
    fn both_rules_minimise_a_quadratic() {
        for rule in [
            Rule::Sgd { momentum: 0.5 },
            Rule::Adam {
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8,
            },
        ] {
            let mut o = Optimiser::new(rule, 2);
            let mut w = [3.0, -2.0];
            for _ in 0..3000 {
                let g = [2.0 * (w[0] - 1.0), 4.0 * (w[1] + 0.5)];
                o.step(&mut w, &g, 0.01);
            }
            assert!(
                (w[0] - 1.0).abs() < 1e-3 && (w[1] + 0.5).abs() < 1e-3,
                "{rule:?}: {w:?}"
            );
        }
    }
}
