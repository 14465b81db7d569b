//! What analysis and reports need of a plan, and nothing that needs the
//! data or the methods themselves: the parts with their settings and
//! published numbers, each dataset's shape and hash, each method
//! configuration's labels, and every cell's key and split. The store keeps
//! it beside the cells, so a report needs only the store.

use super::{Part, Plan, SweepPoint};
use nnbench_datasets::Task;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanMeta {
    pub name: String,
    /// The top experiment file, as it was named.
    pub file: String,
    pub parts: Vec<Part>,
    /// Indexed as the parts index them.
    pub datasets: Vec<DatasetMeta>,
    /// Indexed as the parts index them.
    pub methods: Vec<MethodMeta>,
    /// Sorted by key, as the plan's.
    pub cells: Vec<CellMeta>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetMeta {
    pub id: String,
    pub task: Task,
    pub rows: usize,
    pub features: usize,
    pub content_hash: String,
    /// What the reader noticed (dropped rows, quirks of the file).
    pub notes: Vec<String>,
    /// The target's class names in code order, where the file wrote them as text.
    #[serde(default)]
    pub classes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodMeta {
    pub name: String,
    pub label: String,
    pub version: u32,
    pub params_json: String,
    pub sweep: Option<SweepPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellMeta {
    pub key: String,
    pub part: usize,
    pub split_hash: String,
}

impl PlanMeta {
    /// The cells' keys in order: two stores of one plan share them.
    pub fn cell_keys(&self) -> Vec<&str> {
        self.cells.iter().map(|c| c.key.as_str()).collect()
    }

    /// The labels of part `p`'s methods, in file order.
    pub fn labels(&self, p: usize) -> Vec<String> {
        self.parts[p]
            .methods
            .iter()
            .map(|&m| self.methods[m].label.clone())
            .collect()
    }
}

impl Plan {
    pub fn meta(&self) -> PlanMeta {
        PlanMeta {
            name: self.name.clone(),
            file: self.file.display().to_string(),
            parts: self.parts.clone(),
            datasets: self
                .datasets
                .iter()
                .map(|ds| {
                    let full = ds.full();
                    DatasetMeta {
                        id: ds.id.clone(),
                        task: ds.task,
                        rows: full.rows(),
                        features: full.d,
                        content_hash: ds.content_hash.clone(),
                        notes: ds.notes.clone(),
                        classes: ds.classes().to_vec(),
                    }
                })
                .collect(),
            methods: self
                .methods
                .iter()
                .map(|m| MethodMeta {
                    name: m.name.to_string(),
                    label: m.label.clone(),
                    version: m.version,
                    params_json: m.params_json.clone(),
                    sweep: m.sweep.clone(),
                })
                .collect(),
            cells: self
                .cells
                .iter()
                .map(|c| CellMeta {
                    key: c.key.clone(),
                    part: c.part,
                    split_hash: c.split_hash.clone(),
                })
                .collect(),
        }
    }
}
