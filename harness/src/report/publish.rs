//! Publishing a rendered report at one moment. The files go into a new
//! generation folder, `OUT/.report/<generation>/`, and one rename of the
//! symlink `OUT/.report/current` makes them the report. The names a reader
//! opens (index.html, results.csv, plots/, ...) are symlinks into
//! `.report/current`, so a reader, or a kill at any instant, finds every
//! file of one report: all of the old one or all of the new one. (Renaming
//! each file into place, as before, left results.csv and the pages from
//! different moments when killed between two renames.) Unix only, as the
//! harness is.

use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::File;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

/// The folder inside OUT that holds the generations and the lock.
pub const DIR: &str = ".report";
const CURRENT: &str = "current";

/// Writes `files` (paths inside the report folder, bytes) as the report in
/// `out`, replacing the previous report whole.
pub fn publish(out: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let root = out.join(DIR);
    std::fs::create_dir_all(&root)
        .with_context(|| format!("cannot create the folder {}", root.display()))?;
    // Two reports into one folder take turns, which also makes it safe to
    // remove every generation but the new one at the end.
    let lock = File::options()
        .create(true)
        .write(true)
        .truncate(false)
        .open(root.join("lock"))
        .with_context(|| format!("cannot open {}", root.join("lock").display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock {}", root.join("lock").display()))?;

    let generation = generation_name();
    let folder = root.join(&generation);
    for (file, bytes) in files {
        let path = folder.join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    // The moment: one rename.
    replace_with_link(&root.join(CURRENT), Path::new(&generation))?;

    let names: BTreeSet<OsString> = files
        .iter()
        .filter_map(|(file, _)| file.components().next())
        .map(|c| c.as_os_str().to_owned())
        .collect();
    for name in &names {
        let target = link_target(name);
        let place = out.join(name);
        if std::fs::read_link(&place).ok().as_deref() != Some(target.as_path()) {
            replace_with_link(&place, &target)?;
        }
    }
    // Links of an earlier report's names that this one has not.
    for entry in read_dir(out)? {
        let name = entry.file_name();
        let place = entry.path();
        if !names.contains(&name) && std::fs::read_link(&place).ok() == Some(link_target(&name)) {
            std::fs::remove_file(&place)
                .with_context(|| format!("cannot remove {}", place.display()))?;
        }
    }
    for entry in read_dir(&root)? {
        let path = entry.path();
        if entry.file_name() != generation.as_str() && path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Unique to this process and moment: a pid reused after a kill never
/// writes into a generation that may still be the current one.
fn generation_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}", std::process::id())
}

/// What the report's name `name` in OUT points to.
fn link_target(name: &std::ffi::OsStr) -> PathBuf {
    Path::new(DIR).join(CURRENT).join(name)
}

/// Puts a symlink to `target` at `place` by renaming a new link over it:
/// at once over a file or link; a real folder (a report written before
/// reports were published this way) is moved aside first and removed.
fn replace_with_link(place: &Path, target: &Path) -> Result<()> {
    let cannot = || format!("cannot put the report's {} in place", place.display());
    let with_suffix = |suffix: &str| {
        let mut name = place.as_os_str().to_owned();
        name.push(format!(".{suffix}-{}", std::process::id()));
        PathBuf::from(name)
    };
    let new = with_suffix("link");
    let _ = std::fs::remove_file(&new);
    symlink(target, &new).with_context(cannot)?;
    if place.is_dir() && !place.is_symlink() {
        let aside = with_suffix("old");
        std::fs::rename(place, &aside).with_context(cannot)?;
        std::fs::rename(&new, place).with_context(cannot)?;
        std::fs::remove_dir_all(&aside)
            .with_context(|| format!("cannot remove {}", aside.display()))?;
    } else {
        std::fs::rename(&new, place).with_context(cannot)?;
    }
    Ok(())
}

fn read_dir(dir: &Path) -> Result<Vec<std::fs::DirEntry>> {
    std::fs::read_dir(dir)
        .and_then(|entries| entries.collect())
        .with_context(|| format!("cannot list {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str, with_plots: bool) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = vec![
            (PathBuf::from("results.csv"), text.as_bytes().to_vec()),
            (PathBuf::from("report.md"), text.as_bytes().to_vec()),
        ];
        if with_plots {
            files.push((PathBuf::from("plots/a.svg"), text.as_bytes().to_vec()));
        }
        files
    }

    fn read(out: &Path, name: &str) -> String {
        std::fs::read_to_string(out.join(name)).unwrap()
    }

    #[test]
    fn a_report_replaces_the_old_one_whole_and_leaves_one_generation() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        // A report folder of the layout before: real files and folders,
        // and the store, which is not the report's.
        std::fs::create_dir_all(out.join("plots")).unwrap();
        std::fs::write(out.join("plots/old.svg"), "old").unwrap();
        std::fs::write(out.join("report.md"), "old").unwrap();
        std::fs::write(out.join("results.sqlite"), "store").unwrap();
        publish(out, &files("one", true)).unwrap();
        assert_eq!(read(out, "results.csv"), "one");
        assert_eq!(read(out, "plots/a.svg"), "one");
        assert!(!out.join("plots/old.svg").exists());
        publish(out, &files("two", false)).unwrap();
        assert_eq!(read(out, "results.csv"), "two");
        assert_eq!(read(out, "report.md"), "two");
        // plots/ was this report's and the new one has none.
        assert!(!out.join("plots").exists() && !out.join("plots").is_symlink());
        assert_eq!(read(out, "results.sqlite"), "store");
        let generations = read_dir(&out.join(DIR))
            .unwrap()
            .into_iter()
            .filter(|e| e.path().is_dir() && !e.path().is_symlink())
            .count();
        assert_eq!(generations, 1);
        let leftovers: Vec<_> = read_dir(out)
            .unwrap()
            .into_iter()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".link-") || n.contains(".old-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn every_name_resolves_into_the_current_generation() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        publish(out, &files("one", true)).unwrap();
        // A kill after a new generation was written and before the swap
        // leaves a folder that nothing points to: the report is still the
        // old one throughout, and the next report removes the folder.
        std::fs::create_dir_all(out.join(DIR).join("999-1")).unwrap();
        std::fs::write(out.join(DIR).join("999-1/results.csv"), "half").unwrap();
        assert_eq!(read(out, "results.csv"), "one");
        publish(out, &files("two", true)).unwrap();
        let current = std::fs::canonicalize(out.join(DIR).join(CURRENT)).unwrap();
        for name in ["results.csv", "report.md", "plots"] {
            let real = std::fs::canonicalize(out.join(name)).unwrap();
            assert_eq!(real.parent().unwrap(), current, "{name}");
        }
        assert!(!out.join(DIR).join("999-1").exists());
    }
}
