//! What the store keeps of one cell, typed: the cell's identity and labels,
//! its status, why it stopped, its scores on both parts and what it spent.
//! Only this module knows how a record becomes a row of the `cells` table.

use crate::plan::experiment::Protocol;
use nnbench_core::metrics::Scores;
use nnbench_core::{MemberRule, Spent, StopReason};
use nnbench_datasets::{Scaling, Task};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
        }
    }
}

/// A model's scores on one part, with its own training loss where it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartScores {
    #[serde(flatten)]
    pub scores: Scores,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
}

/// The choice per-cell tuning made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tuned {
    /// The chosen point of the tune grid, as its parameters.
    pub chosen: serde_json::Value,
    /// Every candidate's validation error, in grid order.
    pub validation_errors: Vec<f64>,
}

/// One member of a cell's Pareto front.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    /// The method's objectives on the training part, in the front's order.
    pub train: Vec<f64>,
    /// The same on the test part.
    pub test: Vec<f64>,
    /// The member's test error (the papers' number), as the cell's own.
    pub test_error: f64,
}

/// A cell's whole front, for a method whose result is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontRecord {
    /// The objectives' names (all minimised).
    pub objectives: Vec<String>,
    /// The rule that chose the member standing in the error tables.
    pub rule: MemberRule,
    /// That member's index.
    pub chosen: usize,
    pub members: Vec<MemberRecord>,
}

/// What a scored cell measured, serialised once into the `metrics` column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellMetrics {
    pub test: PartScores,
    pub train: PartScores,
    /// Numbers the method noted about its run (e.g. `shap_seconds`).
    #[serde(with = "notes_json")]
    pub notes: BTreeMap<String, f64>,
    /// (evaluations, best training SSE so far) at powers of two; empty for
    /// methods that train a model of their own.
    pub trace: Vec<(u64, f64)>,
    pub tuned: Option<Tuned>,
    /// Every member of the front, for a method whose result is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub front: Option<FrontRecord>,
    /// The model's readable form, for an explainer's surrogate (one line
    /// per layer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expressions: Vec<String>,
}

/// Notes may be infinite or NaN (a surrogate infinitely far from its
/// network), which JSON cannot hold: each is kept as core's
/// [`nnbench_core::metrics::json_number`] keeps a float.
mod notes_json {
    use nnbench_core::metrics::json_number;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    #[derive(Serialize, Deserialize)]
    struct Number(#[serde(with = "json_number")] f64);

    pub fn serialize<S: Serializer>(
        notes: &BTreeMap<String, f64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(notes.iter().map(|(k, v)| (k, Number(*v))))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, f64>, D::Error> {
        let raw = BTreeMap::<String, Number>::deserialize(d)?;
        Ok(raw.into_iter().map(|(k, Number(v))| (k, v)).collect())
    }
}

impl CellMetrics {
    /// The test-part metric `name`, or a number the method noted.
    pub fn value(&self, name: &str) -> Option<f64> {
        if name == "loss" {
            return self.test.loss;
        }
        self.test
            .scores
            .get(name)
            .or_else(|| self.notes.get(name).copied())
    }
}

/// Everything recorded about one cell. `key` identifies it; the rest is
/// what the run produced, plus the labels reports group by.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellRecord {
    pub key: String,
    pub part: String,
    pub dataset: String,
    pub task: Task,
    pub method: String,
    pub label: String,
    /// The resolved parameters as JSON.
    pub params: String,
    pub protocol: Protocol,
    pub scaling: Scaling,
    pub repetition: i64,
    pub fold: i64,
    pub seed: u64,
    pub split_hash: String,
    pub status: Status,
    pub error: String,
    /// None when the cell failed before its method returned.
    pub stop_reason: Option<StopReason>,
    pub test_error: f64,
    pub train_error: f64,
    /// None when the cell failed before it was scored.
    pub metrics: Option<CellMetrics>,
    /// Training and tuning together.
    pub spent: Spent,
    pub wall_s: f64,
    pub cpu_s: f64,
}

impl CellRecord {
    pub fn is_ok(&self) -> bool {
        self.status == Status::Ok
    }

    /// The cell's front, for a method whose result is one.
    pub fn front(&self) -> Option<&FrontRecord> {
        self.metrics.as_ref()?.front.as_ref()
    }

    /// Equal in everything a run determines (timings excepted).
    pub fn same_result(&self, other: &CellRecord) -> bool {
        self.test_error.to_bits() == other.test_error.to_bits()
            && self.train_error.to_bits() == other.train_error.to_bits()
            && self.metrics == other.metrics
            && self.spent == other.spent
            && self.stop_reason == other.stop_reason
            && self.seed == other.seed
    }
}

/// A serde value as one SQL column: a plain enum as its text (`"ok"`), a
/// struct as JSON. Typed both ways, so a value the code does not know is an
/// error on reading, not a string passed along.
pub struct Column<T>(pub T);

impl<T: Serialize> ToSql for Column<T> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let value = serde_json::to_value(&self.0)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let text = match value {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        Ok(ToSqlOutput::from(text))
    }
}

impl<T: DeserializeOwned> FromSql for Column<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        let parsed = serde_json::from_str(text)
            .or_else(|_| serde_json::from_value(serde_json::Value::String(text.into())));
        parsed
            .map(Column)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

#[cfg(test)]
mod notes_tests {
    use super::*;

    #[derive(Debug, Serialize, Deserialize)]
    struct Notes(#[serde(with = "notes_json")] BTreeMap<String, f64>);

    #[test]
    fn notes_keep_infinities_and_nan_and_read_older_nulls() {
        let notes = Notes(
            [
                ("a", 1.5),
                ("b", f64::INFINITY),
                ("c", f64::NEG_INFINITY),
                ("d", f64::NAN),
            ]
            .map(|(k, v)| (k.to_string(), v))
            .into(),
        );
        let text = serde_json::to_string(&notes).unwrap();
        assert_eq!(text, r#"{"a":1.5,"b":"inf","c":"-inf","d":"nan"}"#);
        let back: Notes = serde_json::from_str(&text).unwrap();
        assert_eq!(back.0["a"], 1.5);
        assert_eq!(back.0["b"], f64::INFINITY);
        assert_eq!(back.0["c"], f64::NEG_INFINITY);
        assert!(back.0["d"].is_nan());
        let old: Notes = serde_json::from_str(r#"{"a":null}"#).unwrap();
        assert!(old.0["a"].is_nan());
        assert!(serde_json::from_str::<Notes>(r#"{"a":"many"}"#).is_err());
    }
}
