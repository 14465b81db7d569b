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
    // Each field of the key serialized once where it is fixed (per method,
    // per part and dataset), not per cell: per cell that was most of a
    // large plan's time.
    let methods = plan
        .methods
        .iter()
        .map(|m| {
            Ok([
                ("method", json(&m.name)?),
                ("version", json(&m.version)?),
                ("params", json(&m.params_json)?),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (p, part) in plan.parts.iter().enumerate() {
        for &(d, protocol) in &part.datasets {
            let ds = &plan.datasets[d];
            let shared = [
                ("schema", json(&KEY_SCHEMA)?),
                ("dataset", json(&ds.id)?),
                ("content", json(&ds.content_hash)?),
                ("protocol", json(&protocol)?),
                ("scaling", json(&part.scaling)?),
                ("budget", json(&part.budget)?),
                ("master_seed", json(&part.seed)?),
                ("core", json(&nnbench_core::ALGORITHM_VERSION)?),
            ];
            for (repetition, folds) in splits(ds, protocol, part.seed)?.into_iter().enumerate() {
                let rep = repetition.to_string();
                for (fold, split) in folds.into_iter().enumerate() {
                    let split_hash = split_hash(ds, &split);
                    let fold_s = fold.to_string();
                    for &m in &part.methods {
                        let method = &plan.methods[m];
                        let mut fields: Vec<(&str, &str)> = shared
                            .iter()
                            .chain(&methods[m])
                            .map(|(k, v)| (*k, v.as_str()))
                            .chain([("repetition", rep.as_str()), ("fold", fold_s.as_str())])
                            .collect();
                        // Not the params: every config of a method starts from
                        // the same stream on a cell (common random numbers).
                        let seed =
                            seed::derive(part.seed, &["train", &ds.id, &rep, &fold_s, method.name]);
                        let shared_seed =
                            seed::derive(part.seed, &["shared", &ds.id, &fold_s, method.name]);
                        out.push(Cell {
                            key: sha256_hex(object(&mut fields).as_bytes()),
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

/// `value` as JSON text with every object's names sorted, as a
/// `serde_json::Value` writes it (a struct serialized directly keeps its
/// field order).
fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    Ok(serde_json::to_value(value)?.to_string())
}

/// The text of the JSON object of `fields` (name, value as JSON), as
/// serde_json writes a map: compact, names in sorted order. The keys of
/// every stored cell are hashes of this text, so it must not change.
fn object(fields: &mut [(&str, &str)]) -> String {
    fields.sort_unstable_by_key(|(name, _)| *name);
    let mut text = String::from("{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push('"');
        text.push_str(name);
        text.push_str("\":");
        text.push_str(value);
    }
    text.push('}');
    text
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of stored cells are hashes of this text: it is the text
    /// serde_json writes for the whole identity as one value.
    #[test]
    fn the_key_text_is_the_identity_as_one_json_value() {
        let protocol = Protocol::Kfold {
            folds: 5,
            repetitions: 2,
        };
        let params = r#"{"step":0.1,"note":"a \"quoted\" word"}"#;
        let whole = serde_json::json!({
            "schema": KEY_SCHEMA,
            "dataset": "heart/keel",
            "protocol": protocol,
            "params": params,
            "master_seed": 7u64,
            "fold": 3usize,
            "budget": Option::<u64>::None,
        })
        .to_string();
        let mut fields = [
            ("schema", json(&KEY_SCHEMA).unwrap()),
            ("dataset", json("heart/keel").unwrap()),
            ("protocol", json(&protocol).unwrap()),
            ("params", json(params).unwrap()),
            ("master_seed", json(&7u64).unwrap()),
            ("fold", 3.to_string()),
            ("budget", json(&Option::<u64>::None).unwrap()),
        ];
        let mut borrowed: Vec<(&str, &str)> =
            fields.iter_mut().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(object(&mut borrowed), whole);
    }
}
