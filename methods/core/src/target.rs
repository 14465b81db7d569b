//! Regression targets, standardised for training and restored for output:
//! raw targets far from unit scale (scikit-learn's Diabetes, 25 to 346) put
//! SGD's first steps out of range and leave it on the mean predictor, and
//! NEAT's small weights never reach them. Shared by the method families
//! that offer it (MLP, NEAT).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetScaling {
    /// (y - mean) / standard deviation of the training targets.
    #[default]
    Standard,
    /// The targets as the data holds them.
    None,
}

/// y = mean + scale * z, with z the network's output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetMap {
    pub mean: f64,
    pub scale: f64,
}

impl TargetMap {
    pub const IDENTITY: TargetMap = TargetMap {
        mean: 0.0,
        scale: 1.0,
    };

    /// The map that standardises `y`; a constant target keeps scale 1.
    pub fn fit(kind: TargetScaling, y: &[f64]) -> TargetMap {
        if kind == TargetScaling::None || y.is_empty() {
            return TargetMap::IDENTITY;
        }
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        TargetMap {
            mean,
            scale: if sd > 0.0 { sd } else { 1.0 },
        }
    }

    pub fn encode(&self, y: f64) -> f64 {
        (y - self.mean) / self.scale
    }

    pub fn encode_all(&self, y: &[f64]) -> Vec<f64> {
        y.iter().map(|&v| self.encode(v)).collect()
    }

    pub fn decode(&self, z: f64) -> f64 {
        self.mean + self.scale * z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardises_to_zero_mean_unit_variance_and_round_trips() {
        let y = [25.0, 100.0, 346.0, 151.0];
        let map = TargetMap::fit(TargetScaling::Standard, &y);
        let z: Vec<f64> = y.iter().map(|&v| map.encode(v)).collect();
        let mean = z.iter().sum::<f64>() / 4.0;
        let var = z.iter().map(|v| v * v).sum::<f64>() / 4.0;
        assert!(mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-12);
        for (&v, &zi) in y.iter().zip(&z) {
            assert!((map.decode(zi) - v).abs() < 1e-12);
        }
    }

    #[test]
    fn none_and_constant_targets_keep_the_identity_scale() {
        assert_eq!(
            TargetMap::fit(TargetScaling::None, &[1.0, 5.0]),
            TargetMap::IDENTITY
        );
        let constant = TargetMap::fit(TargetScaling::Standard, &[3.0, 3.0]);
        assert_eq!((constant.mean, constant.scale), (3.0, 1.0));
    }
}
