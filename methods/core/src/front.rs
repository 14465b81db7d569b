//! A method's result when it is a Pareto front: several trained models,
//! each with its values of the method's objectives (all minimised). The
//! front is itself a [`Model`]: its outputs are those of the member a named
//! rule chose, which is what the error tables show; the harness reads the
//! members through [`Model::front`].

use crate::data::Patterns;
use crate::method::Model;
use serde::{Deserialize, Serialize};

/// One member of a front: a model that scores itself on the objectives.
pub trait Member: Model {
    /// The method's objectives on `data`, in the front's order; `ood`
    /// holds the out-of-distribution rows beside `data` where the
    /// experiment declares them (an objective of detecting them needs them).
    fn objectives(&self, data: &Patterns, ood: Option<&Patterns>) -> Vec<f64>;
}

/// Which member stands in the error tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRule {
    /// The lowest value of the error objective (on the training part).
    #[default]
    LowestError,
    /// With every objective scaled to [0, 1] over the front, the member
    /// nearest the ideal point (0, ..., 0).
    Knee,
}

impl MemberRule {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberRule::LowestError => "lowest_error",
            MemberRule::Knee => "knee",
        }
    }

    /// The chosen index among `objectives` (one vector per member), whose
    /// `error` coordinate is the error; ties go to the first.
    pub fn choose(self, objectives: &[Vec<f64>], error: usize) -> usize {
        let score: Vec<f64> = match self {
            MemberRule::LowestError => objectives.iter().map(|o| o[error]).collect(),
            MemberRule::Knee => {
                let m = objectives.first().map_or(0, Vec::len);
                let range: Vec<(f64, f64)> = (0..m)
                    .map(|j| {
                        let lo = objectives
                            .iter()
                            .map(|o| o[j])
                            .fold(f64::INFINITY, f64::min);
                        let hi = objectives
                            .iter()
                            .map(|o| o[j])
                            .fold(f64::NEG_INFINITY, f64::max);
                        (lo, hi)
                    })
                    .collect();
                objectives
                    .iter()
                    .map(|o| {
                        o.iter()
                            .zip(&range)
                            .map(|(v, (lo, hi))| {
                                if hi > lo {
                                    ((v - lo) / (hi - lo)).powi(2)
                                } else {
                                    0.0
                                }
                            })
                            .sum()
                    })
                    .collect()
            }
        };
        (0..score.len()).fold(0, |best, i| if score[i] < score[best] { i } else { best })
    }
}

pub struct Front {
    /// The objectives' names, e.g. `["density", "mse"]`.
    pub objectives: Vec<&'static str>,
    pub members: Vec<Box<dyn Member>>,
    /// The member whose outputs these are.
    pub chosen: usize,
    pub rule: MemberRule,
}

impl Model for Front {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        self.members[self.chosen].outputs(data)
    }

    fn loss(&self, data: &Patterns) -> Option<f64> {
        self.members[self.chosen].loss(data)
    }

    fn front(&self) -> Option<&Front> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_choose_by_hand() {
        let front = vec![vec![0.1, 9.0], vec![0.4, 2.0], vec![0.9, 1.0]];
        assert_eq!(MemberRule::LowestError.choose(&front, 1), 2);
        // Scaled: (0, 1), (0.375, 0.125), (1, 0): the middle is nearest (0, 0).
        assert_eq!(MemberRule::Knee.choose(&front, 1), 1);
        assert_eq!(MemberRule::Knee.choose(&front[..1], 1), 0);
    }
}
