//! The in-memory form of a dataset: inputs row-major, one target per row.

use serde::{Deserialize, Serialize};

/// What a dataset's target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Classification,
    Regression,
    /// The inputs are the targets: a model returns one output per input of
    /// every row (an auto-encoder); the row's own target is not used.
    Reconstruction,
}

impl Task {
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
            Task::Reconstruction => "reconstruction",
        }
    }
}

/// Rows of `d` inputs and one numeric target. Class labels are numbers, as in
/// the Tsoulos files; symbolic labels are encoded when read (see `encodings`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub d: usize,
    /// Row-major inputs, `rows() * d` values.
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// How symbolic columns were turned into numbers: (column, symbols in code order).
    pub encodings: Vec<(String, Vec<String>)>,
    /// The target's class names in code order, where the file wrote them as
    /// text (empty where the labels are numbers).
    pub classes: Vec<String>,
    /// Rows the reader dropped (missing values, by policy).
    pub dropped_rows: usize,
    /// What the reader did that a user should know (rows dropped, quirks applied).
    pub notes: Vec<String>,
}

impl Table {
    pub fn new(d: usize) -> Self {
        Table {
            d,
            ..Table::default()
        }
    }

    pub fn rows(&self) -> usize {
        self.y.len()
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.d..(i + 1) * self.d]
    }

    pub fn push(&mut self, inputs: &[f64], target: f64) {
        debug_assert_eq!(inputs.len(), self.d);
        self.x.extend_from_slice(inputs);
        self.y.push(target);
    }

    /// The rows at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Table {
        let mut t = Table::new(self.d);
        t.encodings = self.encodings.clone();
        t.classes = self.classes.clone();
        for &i in indices {
            t.push(self.row(i), self.y[i]);
        }
        t
    }

    /// This table's rows followed by `other`'s.
    pub fn concat(&self, other: &Table) -> Table {
        let mut t = self.clone();
        t.x.extend_from_slice(&other.x);
        t.y.extend_from_slice(&other.y);
        t
    }

    /// Distinct target values, ascending, with labels closer than 1e-5 taken as
    /// equal (the authors' tolerance, algorithms.md section 0.3).
    pub fn class_labels(&self) -> Vec<f64> {
        distinct_labels(&self.y)
    }
}

pub fn distinct_labels(y: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = y.to_vec();
    v.sort_by(f64::total_cmp);
    v.dedup_by(|a, b| (*a - *b).abs() < 1e-5);
    v
}
