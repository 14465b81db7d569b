//! Test and train metrics. Names say exactly what each number is.
//!
//! Classification from a single output (algorithms.md 0.3): the predicted
//! class is the training label nearest to the output; labels within 1e-5 are
//! one class. Regression reports the mean squared error on the targets as the
//! files hold them (0.4), with SSE, RMSE and R^2 beside it.

use serde::{Deserialize, Serialize};

/// Label tolerance of the authors' code.
const LABEL_TOL: f64 = 1e-5;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassificationMetrics {
    /// 100 * misclassified / patterns.
    pub class_error_pct: f64,
    /// 100 - class_error_pct.
    pub accuracy_pct: f64,
    /// Unweighted mean over the training labels of TP / (TP + FP); a class
    /// never predicted counts as 0.
    pub macro_precision: f64,
    /// Unweighted mean over the training labels of TP / (TP + FN); a class
    /// absent from the scored part is left out of the mean.
    pub macro_recall: f64,
}

/// A diverged model's outputs give non-finite errors, kept as such.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RegressionMetrics {
    #[serde(with = "json_number")]
    pub mse: f64,
    #[serde(with = "json_number")]
    pub sse: f64,
    #[serde(with = "json_number")]
    pub rmse: f64,
    /// 1 - SSE / sum (y - mean y)^2 over the scored part.
    #[serde(with = "json_number")]
    pub r2: f64,
}

/// A float as JSON can keep it: JSON has no infinity or NaN (serde_json
/// writes them as null, which does not read back as a number), so a
/// non-finite value is the string "inf", "-inf" or "nan"; a null (stores
/// written before) reads as NaN.
pub mod json_number {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        match *v {
            v if v.is_finite() => s.serialize_f64(v),
            v if v.is_nan() => s.serialize_str("nan"),
            v if v > 0.0 => s.serialize_str("inf"),
            _ => s.serialize_str("-inf"),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Number(f64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        match Option::<Value>::deserialize(d)? {
            Some(Value::Number(n)) => Ok(n),
            None => Ok(f64::NAN),
            Some(Value::Text(t)) => match t.as_str() {
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                "nan" => Ok(f64::NAN),
                other => Err(serde::de::Error::custom(format!(
                    "{other:?} is not a number"
                ))),
            },
        }
    }
}

/// A model's scores on one part of the data, for its task.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scores {
    Classification(ClassificationMetrics),
    /// A regression's, or a reconstruction's over every input of every row.
    Regression(RegressionMetrics),
}

impl Scores {
    /// The papers' number: classification error in percent, or MSE.
    pub fn error(&self) -> f64 {
        match self {
            Scores::Classification(c) => c.class_error_pct,
            Scores::Regression(r) => r.mse,
        }
    }

    /// The metric called `name`, if this task has it.
    pub fn get(&self, name: &str) -> Option<f64> {
        match (self, name) {
            (Scores::Classification(c), "class_error_pct") => Some(c.class_error_pct),
            (Scores::Classification(c), "accuracy_pct") => Some(c.accuracy_pct),
            (Scores::Classification(c), "macro_precision") => Some(c.macro_precision),
            (Scores::Classification(c), "macro_recall") => Some(c.macro_recall),
            (Scores::Regression(r), "mse") => Some(r.mse),
            (Scores::Regression(r), "sse") => Some(r.sse),
            (Scores::Regression(r), "rmse") => Some(r.rmse),
            (Scores::Regression(r), "r2") => Some(r.r2),
            _ => None,
        }
    }
}

/// The label in `labels` nearest to `output` (ties go to the smaller label).
pub fn nearest_label(output: f64, labels: &[f64]) -> f64 {
    labels
        .iter()
        .copied()
        .min_by(|a, b| (output - a).abs().total_cmp(&(output - b).abs()))
        .unwrap_or(output)
}

/// `labels`: the distinct labels of the training part, ascending.
pub fn classification(outputs: &[f64], targets: &[f64], labels: &[f64]) -> ClassificationMetrics {
    let predicted: Vec<f64> = outputs.iter().map(|o| nearest_label(*o, labels)).collect();
    let same = |a: f64, b: f64| (a - b).abs() < LABEL_TOL;
    let wrong = predicted
        .iter()
        .zip(targets)
        .filter(|(p, t)| !same(**p, **t))
        .count();
    let (mut precision, mut recall, mut recalled) = (0.0, 0.0, 0);
    for &c in labels {
        let tp = predicted
            .iter()
            .zip(targets)
            .filter(|(p, t)| same(**p, c) && same(**t, c))
            .count();
        let predicted_c = predicted.iter().filter(|p| same(**p, c)).count();
        let actual_c = targets.iter().filter(|t| same(**t, c)).count();
        if predicted_c > 0 {
            precision += tp as f64 / predicted_c as f64;
        }
        if actual_c > 0 {
            recall += tp as f64 / actual_c as f64;
            recalled += 1;
        }
    }
    let class_error_pct = 100.0 * wrong as f64 / targets.len().max(1) as f64;
    ClassificationMetrics {
        class_error_pct,
        accuracy_pct: 100.0 - class_error_pct,
        macro_precision: precision / labels.len().max(1) as f64,
        macro_recall: recall / recalled.max(1) as f64,
    }
}

pub fn regression(outputs: &[f64], targets: &[f64]) -> RegressionMetrics {
    let n = targets.len().max(1) as f64;
    let sse: f64 = outputs
        .iter()
        .zip(targets)
        .map(|(o, t)| (o - t) * (o - t))
        .sum();
    let mean = targets.iter().sum::<f64>() / n;
    let total: f64 = targets.iter().map(|t| (t - mean) * (t - mean)).sum();
    RegressionMetrics {
        mse: sse / n,
        sse,
        rmse: (sse / n).sqrt(),
        r2: if total > 0.0 {
            1.0 - sse / total
        } else {
            f64::NAN
        },
    }
}

/// The first index of the largest value, as numpy's argmax: the lowest of
/// tied classes.
pub fn argmax<T: PartialOrd>(row: &[T]) -> usize {
    (0..row.len()).fold(0, |b, c| if row[c] > row[b] { c } else { b })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diverged_regression_survives_json() {
        let m = regression(&[f64::NAN, 1.0], &[0.0, 1.0]);
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(text, r#"{"mse":"nan","sse":"nan","rmse":"nan","r2":"nan"}"#);
        let back: RegressionMetrics = serde_json::from_str(&text).unwrap();
        assert!(back.mse.is_nan() && back.r2.is_nan());
        let far = regression(&[f64::INFINITY], &[0.0]);
        let back: RegressionMetrics =
            serde_json::from_str(&serde_json::to_string(&far).unwrap()).unwrap();
        assert_eq!(back.mse, f64::INFINITY);
    }

    #[test]
    fn outputs_round_to_the_nearest_label_not_a_threshold() {
        let labels = [0.0, 0.5, 1.0];
        assert_eq!(nearest_label(0.3, &labels), 0.5);
        assert_eq!(nearest_label(0.2, &labels), 0.0);
        assert_eq!(nearest_label(7.0, &labels), 1.0);
    }

    #[test]
    fn a_textbook_confusion_matrix() {
        // True 0,0,0,1,1 ; predicted 0,0,1,1,0.
        let m = classification(
            &[0.1, -0.2, 0.9, 1.4, 0.3],
            &[0.0, 0.0, 0.0, 1.0, 1.0],
            &[0.0, 1.0],
        );
        assert_eq!(m.class_error_pct, 40.0);
        // Precision: class 0 2/3, class 1 1/2. Recall: class 0 2/3, class 1 1/2.
        assert!((m.macro_precision - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-15);
        assert!((m.macro_recall - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-15);
    }

    #[test]
    fn regression_metrics_agree_with_their_definitions() {
        let m = regression(&[1.0, 2.0, 4.0], &[1.0, 3.0, 5.0]);
        assert_eq!(m.sse, 2.0);
        assert!((m.mse - 2.0 / 3.0).abs() < 1e-15);
        assert!((m.rmse - (2.0f64 / 3.0).sqrt()).abs() < 1e-15);
        // mean 3, total sum of squares 4 + 0 + 4 = 8.
        assert!((m.r2 - 0.75).abs() < 1e-15);
    }
}
