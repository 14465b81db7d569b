//! The authors' variance stopping rule ("doublebox", OPTIMUS `Pso::terminated`
//! and the GA's equivalent; algorithms.md 1.2): track the variance of
//! 1 + |best| over the iterations so far, remember half of it at the last
//! improvement, and stop once it falls to that, after a minimum count.

#[derive(Debug, Clone, Default)]
pub struct Doublebox {
    min_iterations: usize,
    sum: f64,
    sum_sq: f64,
    count: f64,
    stop_at: f64,
    best: Option<f64>,
}

impl Doublebox {
    pub fn new(min_iterations: usize) -> Doublebox {
        Doublebox {
            min_iterations,
            ..Doublebox::default()
        }
    }

    /// Records iteration `k`'s best value; true when the search should stop.
    pub fn converged(&mut self, best: f64, k: usize) -> bool {
        let v = 1.0 + best.abs();
        self.sum += v;
        self.sum_sq += v * v;
        self.count += 1.0;
        let variance = self.sum_sq / self.count - (self.sum / self.count).powi(2);
        if self.best.is_none_or(|b| best < b) {
            self.best = Some(best);
            self.stop_at = variance / 2.0;
        }
        k >= self.min_iterations && variance <= self.stop_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_that_stalls_stops_after_the_minimum() {
        let mut rule = Doublebox::new(10);
        // Improves for 5 iterations, then stalls: the variance grows past
        // half its value at the last improvement, so the rule waits...
        let mut stopped = None;
        for k in 0..1000 {
            let best = if k < 5 { 10.0 - k as f64 } else { 6.0 };
            if rule.converged(best, k) {
                stopped = Some(k);
                break;
            }
        }
        // ...until the variance decays as the stall goes on.
        let k = stopped.expect("the rule stops a stalled search");
        assert!(k >= 10, "{k}");
    }

    #[test]
    fn never_before_the_minimum() {
        let mut rule = Doublebox::new(50);
        assert!((0..50).all(|k| !rule.converged(1.0, k)));
    }
}
