//! One writer per store: `harness run` and `merge` hold an exclusive lock on
//! `<store>.lock` while they write, `report` and `export` a shared one while
//! they read, so a second process on the same store stops at once, naming
//! the one that holds it. The operating system releases the lock when the
//! holder exits, however it exits: a killed run leaves no stale lock.

use anyhow::{Context, Result, bail};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Held for as long as it lives.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Writing the store (run, merge): no one else may use it.
    Write,
    /// Reading it (report, export): others may read too.
    Read,
}

/// The lock file beside `store`.
pub fn path_for(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl Lock {
    pub fn take(store: &Path, access: Access) -> Result<Lock> {
        let path = path_for(store);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        let taken = match access {
            Access::Write => file.try_lock(),
            Access::Read => file.try_lock_shared(),
        };
        match taken {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let who = match holder.trim() {
                    "" => "another harness process".to_string(),
                    pid => format!("another harness process (pid {pid})"),
                };
                bail!(
                    "{who} is using the result store {}; wait for it to finish, or give this one another --out or --store",
                    store.display()
                );
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        if access == Access::Write {
            // Who holds it, for the message of the next one that tries.
            file.set_len(0)?;
            file.rewind()?;
            write!(file, "{}", std::process::id())?;
            file.flush()?;
        }
        Ok(Lock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_excludes_everyone_and_readers_share() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("results.sqlite");
        let writer = Lock::take(&store, Access::Write).unwrap();
        for access in [Access::Write, Access::Read] {
            let e = Lock::take(&store, access).unwrap_err().to_string();
            let pid = std::process::id();
            assert!(
                e.contains(&format!(
                    "another harness process (pid {pid}) is using the result store"
                )),
                "{e}"
            );
        }
        drop(writer);
        let a = Lock::take(&store, Access::Read).unwrap();
        let _b = Lock::take(&store, Access::Read).unwrap();
        assert!(Lock::take(&store, Access::Write).is_err());
        drop((a, _b));
        Lock::take(&store, Access::Write).unwrap();
    }
}
