//! Cells of a plan: one per (part, dataset, repetition, fold, method), each
//! with a content key (a hash of everything that determines its result) and
//! seeds derived from the master seed and the cell's identity, never from
//! execution order.

use super::{Cell, Plan, Split};
use crate::plan::experiment::Protocol;
use anyhow::Result;
use nnbench_core::seed;
use nnbench_datasets::{Dataset, Tables, sha256_hex, split};
use std::sync::Arc;

/// Bumped when the cell key's recipe changes: 2 = core's algorithm version
/// joined the key (and the store's records became typed).
const KEY_SCHEMA: u32 = 2;

pub(super) fn cells(plan: &Plan) -> Result<Vec<Cell>> {
    let mut out = Vec::new();
    for (p, part) in plan.parts.iter().enumerate() {
        for &(d, protocol) in &part.datasets {
            let ds = &plan.datasets[d];
            for (repetition, folds) in splits(ds, protocol, part.seed)?.into_iter().enumerate() {
                for (fold, split) in folds.into_iter().enumerate() {
                    let split_hash = split_hash(ds, &split);
                    for &m in &part.methods {
                        let method = &plan.methods[m];
                        let identity = serde_json::json!({
                            "schema": KEY_SCHEMA,
                            "dataset": ds.id,
                            "content": ds.content_hash,
                            "protocol": protocol,
                            "scaling": part.scaling,
                            "budget": part.budget,
                            "master_seed": part.seed,
                            "method": method.name,
                            "version": method.version,
                            "core": nnbench_core::ALGORITHM_VERSION,
                            "params": method.params_json,
                            "repetition": repetition,
                            "fold": fold,
                        });
                        let rep = repetition.to_string();
                        let fold_s = fold.to_string();
                        // Not the params: every config of a method starts from
                        // the same stream on a cell (common random numbers).
                        let seed =
                            seed::derive(part.seed, &["train", &ds.id, &rep, &fold_s, method.name]);
                        let shared_seed =
                            seed::derive(part.seed, &["shared", &ds.id, &fold_s, method.name]);
                        out.push(Cell {
                            key: sha256_hex(identity.to_string().as_bytes()),
                            part: p,
                            dataset: d,
                            method: m,
                            protocol,
                            repetition,
                            fold,
                            seed,
                            shared_seed,
                            split: split.clone(),
                            split_hash: split_hash.clone(),
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// How many cells `cells` will make, counted without making them
/// (saturating, so a count too large to hold reads as usize::MAX).
pub(super) fn count(plan: &Plan) -> usize {
    plan.parts
        .iter()
        .flat_map(|part| {
            part.datasets.iter().map(|&(d, protocol)| {
                let runs = match (protocol, &plan.datasets[d].tables) {
                    (Protocol::Authors { repetitions }, Tables::Pairs(pairs)) => {
                        repetitions.saturating_mul(pairs.len())
                    }
                    (Protocol::Authors { .. }, Tables::Single(_)) => 0,
                    (Protocol::Kfold { folds, repetitions }, _) => {
                        repetitions.saturating_mul(folds)
                    }
                };
                runs.saturating_mul(part.methods.len())
            })
        })
        .fold(0, usize::saturating_add)
}

/// Per repetition, the splits of its folds. A function of (seed, dataset,
/// repetition) only.
fn splits(ds: &Dataset, protocol: Protocol, master: u64) -> Result<Vec<Vec<Split>>> {
    Ok(match protocol {
        Protocol::Authors { repetitions } => {
            let Tables::Pairs(pairs) = &ds.tables else {
                unreachable!("check_protocol refuses authors on single tables")
            };
            (0..repetitions)
                .map(|_| (0..pairs.len()).map(Split::Pair).collect())
                .collect()
        }
        Protocol::Kfold { folds, repetitions } => {
            let y = ds.full().y;
            (0..repetitions)
                .map(|r| {
                    let s = seed::derive(master, &["split", &ds.id, &r.to_string()]);
                    let assignment = Arc::new(split::kfold(&y, ds.task, folds, s, &ds.id)?);
                    Ok((0..folds)
                        .map(|fold| Split::Folds {
                            assignment: assignment.clone(),
                            fold,
                        })
                        .collect())
                })
                .collect::<Result<_>>()?
        }
    })
}

fn split_hash(ds: &Dataset, split: &Split) -> String {
    let text = match split {
        Split::Pair(k) => format!("{}:pair:{k}", ds.content_hash),
        Split::Folds { assignment, fold } => {
            let test: Vec<String> = (0..assignment.len())
                .filter(|&i| assignment[i] == *fold)
                .map(|i| i.to_string())
                .collect();
            format!("{}:test:{}", ds.content_hash, test.join(","))
        }
    };
    sha256_hex(text.as_bytes())
}
