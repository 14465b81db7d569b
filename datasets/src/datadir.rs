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

    /// The file's bytes, checked against the registry's sha256, and where
    /// they were found (`<embedded>/NAME` for a file in the binary).
    pub fn read(&self, entry: &Entry, file: &FileEntry) -> Result<(Vec<u8>, PathBuf)> {
        let (bytes, path) = if entry.is_embedded() {
            let bytes = embedded::file(&file.path).ok_or_else(|| DataError::Registry {
                origin: entry.id(),
                what: format!("no embedded file {:?}", file.path),
            })?;
            (
                bytes.to_vec(),
                PathBuf::from(format!("<embedded>/{}", file.path)),
            )
        } else {
            self.find(entry, file)?
        };
        check(entry, file, &path, &bytes)?;
        Ok((bytes, path))
    }

    /// The file's bytes and where they were: the data directory, else the
    /// folder a `debian:` source's package installs it into.
    fn find(&self, entry: &Entry, file: &FileEntry) -> Result<(Vec<u8>, PathBuf)> {
        let mut places = vec![self.file_path(file)];
        if let Some((_, dir)) = entry.debian() {
            let name = Path::new(&file.path).file_name().unwrap_or_default();
            places.push(Path::new(dir).join(name));
        }
        for path in &places {
            match std::fs::read(path) {
                Ok(bytes) => return Ok((bytes, path.clone())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(DataError::io(path, e)),
            }
        }
        let remedy = match entry.debian() {
            Some((package, _)) => format!(
                "Install Debian's package with `apt-get install {package}`, or copy the file into {}.",
                self.path.display()
            ),
            None => format!(
                "Get it with `harness datasets fetch {}`, or point --data-dir / NNBENCH_DATA at a folder that holds it.",
                entry.name
            ),
        };
        Err(DataError::Missing {
            dataset: entry.id(),
            file: file.path.clone(),
            looked: places
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" and "),
            remedy,
        })
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
