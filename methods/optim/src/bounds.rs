//! A box: per-coordinate lower and upper limits.

#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

impl Bounds {
    /// Panics if the lengths differ or a lower limit exceeds its upper one:
    /// callers build boxes from checked parameters.
    pub fn new(lower: Vec<f64>, upper: Vec<f64>) -> Bounds {
        assert_eq!(lower.len(), upper.len(), "bounds of one dimension");
        assert!(
            lower.iter().zip(&upper).all(|(l, u)| l <= u),
            "lower <= upper"
        );
        Bounds { lower, upper }
    }

    /// [-r, r] in every coordinate.
    pub fn symmetric(n: usize, r: f64) -> Bounds {
        Bounds::new(vec![-r; n], vec![r; n])
    }

    pub fn len(&self) -> usize {
        self.lower.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }

    pub fn contains(&self, x: &[f64]) -> bool {
        x.iter()
            .zip(&self.lower)
            .zip(&self.upper)
            .all(|((v, l), u)| l <= v && v <= u)
    }

    pub fn clamp(&self, x: &mut [f64]) {
        for ((v, l), u) in x.iter_mut().zip(&self.lower).zip(&self.upper) {
            *v = v.clamp(*l, *u);
        }
    }
}
