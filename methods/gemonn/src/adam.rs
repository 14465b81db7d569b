//! The Adam step both gradient searches of this crate take (GEMONN's
//! refinement and DESCENT), with torch's defaults: betas 0.9 and 0.999,
//! epsilon 1e-8.

pub struct Adam {
    rate: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl Adam {
    pub fn new(rate: f64, genes: usize) -> Adam {
        Adam {
            rate,
            m: vec![0.0; genes],
            v: vec![0.0; genes],
            t: 0,
        }
    }

    /// One step of `w` along `g`, on the genes `mask` allows (all if None).
    pub fn step(&mut self, w: &mut [f64], g: &[f64], mask: Option<&[bool]>) {
        self.t += 1;
        let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
        let (c1, c2) = (1.0 - b1.powi(self.t), 1.0 - b2.powi(self.t));
        for i in 0..w.len() {
            if mask.is_some_and(|m| !m[i]) {
                continue;
            }
            self.m[i] = b1 * self.m[i] + (1.0 - b1) * g[i];
            self.v[i] = b2 * self.v[i] + (1.0 - b2) * g[i] * g[i];
            let (mh, vh) = (self.m[i] / c1, self.v[i] / c2);
            w[i] -= self.rate * mh / (vh.sqrt() + eps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_steps_move_by_the_rate_and_the_mask_holds() {
        // Bias-corrected, Adam's first step is rate x |g| / (|g| + eps) against g.
        let mut adam = Adam::new(0.1, 3);
        let mut w = [1.0, 1.0, 1.0];
        adam.step(&mut w, &[2.0, -0.5, 7.0], Some(&[true, true, false]));
        let first = |g: f64| 0.1 * g.abs() / (g.abs() + 1e-8);
        assert!((w[0] - (1.0 - first(2.0))).abs() < 1e-15, "{w:?}");
        assert!((w[1] - (1.0 + first(0.5))).abs() < 1e-15, "{w:?}");
        assert_eq!(w[2], 1.0, "masked");
        // A constant gradient keeps steps of the rate.
        adam.step(&mut w, &[2.0, -0.5, 7.0], None);
        assert!((w[0] - (1.0 - 2.0 * first(2.0))).abs() < 1e-12, "{w:?}");
    }
}
