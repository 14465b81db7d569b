//! Typed errors of the datasets crate. Every variant names the file (and the
//! line where there is one), what is wrong, and what to do about it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    #[error("data file {file} is missing (looked in {looked}).\n  {remedy}")]
    Missing {
        dataset: String,
        file: String,
        /// Every place that was searched, joined for the message.
        looked: String,
        remedy: String,
    },
    #[error(
        "data file {path} is corrupt: its sha256 is {actual}, the registry expects {expected}.\n  Delete it and run `harness datasets fetch {dataset}` to download a fresh copy."
    )]
    Checksum {
        dataset: String,
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("{path}:{line}: {what}")]
    Malformed {
        path: PathBuf,
        line: usize,
        what: String,
    },
    /// A binary file (IDX) whose bytes are not what its header says.
    #[error("{path}: byte {offset}: {what}")]
    MalformedBinary {
        path: PathBuf,
        offset: usize,
        what: String,
    },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("unknown dataset {0:?}; `harness datasets list` shows the known names")]
    UnknownDataset(String),
    #[error("dataset {name:?} has no variant {variant:?}; it has: {available}")]
    UnknownVariant {
        name: String,
        variant: String,
        available: String,
    },
    #[error(
        "dataset {name:?} has several variants: {available}; pick one with a line under its name, such as `variant = \"{first}\"`"
    )]
    NeedsVariant {
        name: String,
        available: String,
        first: String,
    },
    #[error("dataset registry {origin}: {what}")]
    Registry { origin: String, what: String },
    #[error("{0}")]
    Split(String),
    #[error("download of {url} failed: {what}")]
    Download { url: String, what: String },
}

impl DataError {
    pub(crate) fn malformed(path: &std::path::Path, line: usize, what: impl Into<String>) -> Self {
        DataError::Malformed {
            path: path.to_path_buf(),
            line,
            what: what.into(),
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        DataError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, DataError>;
