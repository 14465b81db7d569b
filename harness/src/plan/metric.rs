//! The metric names experiments and reports use, and how to read each from
//! a stored cell.

use anyhow::{Result, bail};
use nnbench_datasets::Task;

/// `test_error` is the papers' number: classification error in percent, or
/// MSE for regression. The others are test-part metrics of one task.
pub const ALL: [(&str, Option<Task>); 39] = [
    ("test_error", None),
    ("class_error_pct", Some(Task::Classification)),
    ("accuracy_pct", Some(Task::Classification)),
    ("macro_precision", Some(Task::Classification)),
    ("macro_recall", Some(Task::Classification)),
    ("mse", Some(Task::Regression)),
    ("sse", Some(Task::Regression)),
    ("rmse", Some(Task::Regression)),
    ("r2", Some(Task::Regression)),
    // The model's own loss on the test part (cross-entropy or MSE), where it has one.
    ("loss", None),
    // Seconds a run spent computing Shapley values (SHAP-informed methods).
    ("shap_seconds", None),
    // The size of a Tsoulos network's trained weights (NetworkModel's notes).
    ("weight_max_abs", None),
    ("weight_rms", None),
    // Indicators of a front's test-part objectives (analysis/fronts.rs);
    // their tables appear by themselves when a method returns a front.
    ("hypervolume", None),
    ("hypervolume_at", None),
    ("igd", None),
    ("igd_plus", None),
    // EVOPRUNE's front on the test part: the chosen member's AUROC of
    // telling the out-of-distribution rows, the front's members averaged
    // (softmax) and voting, and the unpruned layer (every unit kept).
    ("member_auroc", Some(Task::Classification)),
    ("ensemble_average_accuracy_pct", Some(Task::Classification)),
    ("ensemble_average_auroc", Some(Task::Classification)),
    ("ensemble_vote_accuracy_pct", Some(Task::Classification)),
    ("ensemble_vote_auroc", Some(Task::Classification)),
    ("unpruned_accuracy_pct", Some(Task::Classification)),
    ("unpruned_auroc", Some(Task::Classification)),
    // Explanation cells (run/explain.rs): the surrogate against the network
    // it explains on the test part (interpolation) and the dataset's wider
    // domains; the surrogate's and the network's own error there; SRNet's
    // fitness as the authors' logs report it.
    ("fidelity_mse_interpolation", Some(Task::Regression)),
    ("fidelity_r2_interpolation", Some(Task::Regression)),
    ("fidelity_mse_validation", Some(Task::Regression)),
    ("fidelity_r2_validation", Some(Task::Regression)),
    ("fidelity_mse_extrapolation", Some(Task::Regression)),
    ("fidelity_r2_extrapolation", Some(Task::Regression)),
    ("validation_mse", Some(Task::Regression)),
    ("extrapolation_mse", Some(Task::Regression)),
    ("blackbox_mse", Some(Task::Regression)),
    ("blackbox_validation_mse", Some(Task::Regression)),
    ("blackbox_extrapolation_mse", Some(Task::Regression)),
    (
        "fidelity_agreement_pct_interpolation",
        Some(Task::Classification),
    ),
    ("blackbox_accuracy_pct", Some(Task::Classification)),
    ("srnet_fitness", None),
    ("explanations", None),
];

pub fn check(name: &str) -> Result<()> {
    if ALL.iter().any(|(n, _)| *n == name) {
        Ok(())
    } else {
        bail!(
            "unknown metric {name:?}; the metrics are: {}",
            ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        )
    }
}

/// Whether `name` is reported for datasets of `task`. A reconstruction is
/// scored with the regression metrics, over every input of every row.
pub fn applies(name: &str, task: Task) -> bool {
    let scored_as = match task {
        Task::Reconstruction => Task::Regression,
        t => t,
    };
    ALL.iter()
        .any(|(n, t)| *n == name && t.is_none_or(|t| t == scored_as))
}

/// Whether a smaller value is better (errors) or a larger one (precision,
/// recall, R^2).
pub fn lower_is_better(name: &str) -> bool {
    !matches!(
        name,
        "macro_precision"
            | "macro_recall"
            | "r2"
            | "accuracy_pct"
            | "hypervolume"
            | "hypervolume_at"
            | "member_auroc"
            | "ensemble_average_accuracy_pct"
            | "ensemble_average_auroc"
            | "ensemble_vote_accuracy_pct"
            | "ensemble_vote_auroc"
            | "unpruned_accuracy_pct"
            | "unpruned_auroc"
            | "fidelity_r2_interpolation"
            | "fidelity_r2_validation"
            | "fidelity_r2_extrapolation"
            | "fidelity_agreement_pct_interpolation"
            | "blackbox_accuracy_pct"
    )
}

/// What the papers report for a task.
pub fn test_error_name(task: Task) -> &'static str {
    match task {
        Task::Classification => "class_error_pct",
        Task::Regression | Task::Reconstruction => "mse",
    }
}
