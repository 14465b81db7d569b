//! Training and test inputs as the hot loop wants them: feature-major, so the
//! evaluation of one hidden unit runs over contiguous patterns.

/// `n` patterns of `d` inputs, with one target each.
#[derive(Debug, Clone, PartialEq)]
pub struct Patterns {
    n: usize,
    d: usize,
    /// Feature-major: input `j` of pattern `p` is at `j * n + p`.
    columns: Vec<f64>,
    y: Vec<f64>,
}

impl Patterns {
    /// From row-major inputs (`rows.len() == y.len() * d`).
    pub fn from_rows(d: usize, rows: &[f64], y: &[f64]) -> Patterns {
        assert_eq!(rows.len(), y.len() * d, "rows hold y.len() * d values");
        let n = y.len();
        let mut columns = vec![0.0; n * d];
        for (p, row) in rows.chunks_exact(d.max(1)).enumerate().take(n) {
            for (j, v) in row.iter().enumerate() {
                columns[j * n + p] = *v;
            }
        }
        Patterns {
            n,
            d,
            columns,
            y: y.to_vec(),
        }
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    pub fn inputs(&self) -> usize {
        self.d
    }

    /// Input `j` of every pattern.
    pub fn column(&self, j: usize) -> &[f64] {
        &self.columns[j * self.n..(j + 1) * self.n]
    }

    /// The inputs row-major (`inputs()` values per pattern), for models
    /// that run one pattern at a time.
    pub fn rows(&self) -> Vec<f64> {
        let d = self.inputs();
        let mut out = vec![0.0; self.len() * d];
        for j in 0..d {
            for (p, v) in self.column(j).iter().enumerate() {
                out[p * d + j] = *v;
            }
        }
        out
    }

    pub fn targets(&self) -> &[f64] {
        &self.y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_the_transposed_rows() {
        let p = Patterns::from_rows(2, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[0.0, 1.0, 2.0]);
        assert_eq!(p.column(0), &[1.0, 3.0, 5.0]);
        assert_eq!(p.column(1), &[2.0, 4.0, 6.0]);
        assert_eq!((p.len(), p.inputs()), (3, 2));
    }
}
