//! Where data files live, and reading them with their checksum verified.

use crate::embedded;
use crate::error::{DataError, Result};
use crate::registry::{Entry, FileEntry};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The data directory and how it was chosen, so errors can say where we looked.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub path: PathBuf,
    pub origin: &'static str,
}

impl DataDir {
    /// `--data-dir`, else `NNBENCH_DATA`, else `<cache dir>/nnbench/datasets`.
    pub fn resolve(flag: Option<&Path>) -> DataDir {
        if let Some(p) = flag {
            return DataDir {
                path: p.to_path_buf(),
                origin: "--data-dir",
            };
        }
        if let Some(p) = std::env::var_os("NNBENCH_DATA").filter(|p| !p.is_empty()) {
            return DataDir {
                path: PathBuf::from(p),
                origin: "NNBENCH_DATA",
            };
        }
        let base = dirs::cache_dir().unwrap_or_else(std::env::temp_dir);
        DataDir {
            path: base.join("nnbench").join("datasets"),
            origin: "the default",
        }
    }

    pub fn file_path(&self, file: &FileEntry) -> PathBuf {
        self.path.join(&file.path)
    }

    /// The file's bytes, checked against the registry's sha256.
    pub fn read(&self, entry: &Entry, file: &FileEntry) -> Result<Vec<u8>> {
        let (bytes, path) = if entry.is_embedded() {
            let bytes = embedded::file(&file.path).ok_or_else(|| DataError::Registry {
                origin: entry.id(),
                what: format!("no embedded file {:?}", file.path),
            })?;
            (bytes.to_vec(), PathBuf::from(&file.path))
        } else {
            let path = self.file_path(file);
            let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => DataError::Missing {
                    dataset: entry.name.clone(),
                    file: file.path.clone(),
                    dir: self.path.clone(),
                },
                _ => DataError::io(&path, e),
            })?;
            (bytes, path)
        };
        check(entry, file, &path, &bytes)?;
        Ok(bytes)
    }

    /// Present and valid, or why not.
    pub fn verify(&self, entry: &Entry) -> Result<()> {
        entry
            .files
            .iter()
            .try_for_each(|f| self.read(entry, f).map(drop))
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(crate) fn check(entry: &Entry, file: &FileEntry, path: &Path, bytes: &[u8]) -> Result<()> {
    let Some(expected) = &file.sha256 else {
        return Ok(());
    };
    let actual = sha256_hex(bytes);
    if &actual != expected {
        return Err(DataError::Checksum {
            dataset: entry.name.clone(),
            path: path.to_path_buf(),
            expected: expected.clone(),
            actual,
        });
    }
    Ok(())
}
