//! The durable record: one SQLite row per finished cell, each written in its
//! own transaction the moment the cell finishes, so a crash or kill loses at
//! most the cells in flight. Analysis and reports read only from here.

pub mod export;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

/// Everything recorded about one cell. `key` identifies it; the rest is
/// what the run produced, plus the labels reports group by.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    pub key: String,
    pub part: String,
    pub dataset: String,
    pub task: String,
    pub method: String,
    pub label: String,
    pub params: String,
    pub protocol: String,
    pub scaling: String,
    pub repetition: i64,
    pub fold: i64,
    pub seed: u64,
    pub split_hash: String,
    /// "ok" or "failed".
    pub status: String,
    pub error: String,
    pub stop_reason: String,
    pub test_error: f64,
    pub train_error: f64,
    /// JSON: {"test": {...}, "train": {...}}.
    pub metrics: String,
    pub objective_evals: i64,
    pub gradient_evals: i64,
    pub wall_s: f64,
    pub cpu_s: f64,
}

const COLUMNS: &str = "key, part, dataset, task, method, label, params, protocol, scaling, repetition, fold, seed, \
     split_hash, status, error, stop_reason, test_error, train_error, metrics, objective_evals, gradient_evals, wall_s, cpu_s";

pub struct Store {
    conn: Connection,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the result store {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // WAL: a reader (report) never blocks the runner, and a committed row
        // survives a kill of the process.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS cells (
                key TEXT PRIMARY KEY, part TEXT NOT NULL, dataset TEXT NOT NULL, task TEXT NOT NULL,
                method TEXT NOT NULL, label TEXT NOT NULL, params TEXT NOT NULL, protocol TEXT NOT NULL,
                scaling TEXT NOT NULL, repetition INTEGER NOT NULL, fold INTEGER NOT NULL, seed INTEGER NOT NULL,
                split_hash TEXT NOT NULL, status TEXT NOT NULL, error TEXT NOT NULL, stop_reason TEXT NOT NULL,
                test_error REAL, train_error REAL, metrics TEXT NOT NULL,
                objective_evals INTEGER NOT NULL, gradient_evals INTEGER NOT NULL,
                wall_s REAL NOT NULL, cpu_s REAL NOT NULL)",
        )
        .with_context(|| format!("{} is not an nnbench result store", path.display()))?;
        Ok(Store { conn })
    }

    /// Keys of cells finished successfully.
    pub fn finished(&self) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key FROM cells WHERE status = 'ok'")?;
        let keys = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(keys)
    }

    /// Writes (or replaces) one row in its own transaction.
    pub fn put(&mut self, row: &Row) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            &format!("INSERT OR REPLACE INTO cells ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)"),
            params![
                row.key, row.part, row.dataset, row.task, row.method, row.label, row.params, row.protocol,
                row.scaling, row.repetition, row.fold, row.seed as i64, row.split_hash, row.status, row.error,
                row.stop_reason, row.test_error, row.train_error, row.metrics, row.objective_evals,
                row.gradient_evals, row.wall_s, row.cpu_s
            ],
        )?;
        tx.commit()
            .context("cannot commit a result to the store (is the disk full?)")?;
        Ok(())
    }

    pub fn get(&self, key: &str) -> Result<Option<Row>> {
        let sql = format!("SELECT {COLUMNS} FROM cells WHERE key = ?1");
        Ok(self.conn.query_row(&sql, [key], row_from).optional()?)
    }

    /// Every row, sorted by key.
    pub fn rows(&self) -> Result<Vec<Row>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM cells ORDER BY key"))?;
        let rows = stmt
            .query_map([], row_from)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn delete(&mut self, keys: &[String]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for k in keys {
            tx.execute("DELETE FROM cells WHERE key = ?1", [k])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds `other`'s rows; refuses a key whose result differs from ours.
    /// A failed row never replaces a finished one.
    pub fn merge_from(&mut self, other: &Store, origin: &Path) -> Result<usize> {
        let mut added = 0;
        for row in other.rows()? {
            match self.get(&row.key)? {
                Some(mine) if mine.status == "ok" && row.status == "ok" => {
                    if !same_result(&mine, &row) {
                        bail!(
                            "{} holds a different result for cell {} ({} {} on {}, repetition {}, fold {}) than the stores merged before it: \
                             test error {} vs {}. Results of one cell must be bit-identical; was one shard run with another \
                             nnbench version? Merge refused; nothing after this cell was added.",
                            origin.display(),
                            row.key,
                            row.label,
                            row.protocol,
                            row.dataset,
                            row.repetition,
                            row.fold,
                            row.test_error,
                            mine.test_error
                        );
                    }
                }
                Some(mine) if mine.status == "ok" => {}
                _ => {
                    self.put(&row)?;
                    added += 1;
                }
            }
        }
        Ok(added)
    }
}

/// Equal in everything a run determines (timings excepted).
pub fn same_result(a: &Row, b: &Row) -> bool {
    a.test_error.to_bits() == b.test_error.to_bits()
        && a.train_error.to_bits() == b.train_error.to_bits()
        && a.metrics == b.metrics
        && a.objective_evals == b.objective_evals
        && a.gradient_evals == b.gradient_evals
        && a.stop_reason == b.stop_reason
        && a.seed == b.seed
}

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        key: r.get(0)?,
        part: r.get(1)?,
        dataset: r.get(2)?,
        task: r.get(3)?,
        method: r.get(4)?,
        label: r.get(5)?,
        params: r.get(6)?,
        protocol: r.get(7)?,
        scaling: r.get(8)?,
        repetition: r.get(9)?,
        fold: r.get(10)?,
        seed: r.get::<_, i64>(11)? as u64,
        split_hash: r.get(12)?,
        status: r.get(13)?,
        error: r.get(14)?,
        stop_reason: r.get(15)?,
        test_error: r.get::<_, Option<f64>>(16)?.unwrap_or(f64::NAN),
        train_error: r.get::<_, Option<f64>>(17)?.unwrap_or(f64::NAN),
        metrics: r.get(18)?,
        objective_evals: r.get(19)?,
        gradient_evals: r.get(20)?,
        wall_s: r.get(21)?,
        cpu_s: r.get(22)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn row(key: &str, err: f64) -> Row {
        Row {
            key: key.into(),
            part: "p".into(),
            dataset: "iris/embedded".into(),
            task: "classification".into(),
            method: "MEAN".into(),
            label: "MEAN".into(),
            params: "{}".into(),
            protocol: "kfold".into(),
            scaling: "minmax".into(),
            repetition: 0,
            fold: 1,
            seed: u64::MAX - 3,
            split_hash: "h".into(),
            status: "ok".into(),
            error: String::new(),
            stop_reason: "converged".into(),
            test_error: err,
            train_error: 1.0,
            metrics: "{}".into(),
            objective_evals: 3,
            gradient_evals: 0,
            wall_s: 0.5,
            cpu_s: 0.4,
        }
    }

    #[test]
    fn rows_round_trip_with_a_full_64_bit_seed() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("r.sqlite")).unwrap();
        s.put(&row("a", 2.5)).unwrap();
        assert_eq!(s.get("a").unwrap(), Some(row("a", 2.5)));
        assert!(s.finished().unwrap().contains("a"));
    }

    #[test]
    fn merge_adds_new_rows_and_refuses_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Store::open(&dir.path().join("a.sqlite")).unwrap();
        let mut b = Store::open(&dir.path().join("b.sqlite")).unwrap();
        a.put(&row("k1", 1.0)).unwrap();
        b.put(&row("k1", 1.0)).unwrap();
        b.put(&row("k2", 2.0)).unwrap();
        assert_eq!(a.merge_from(&b, Path::new("b")).unwrap(), 1);
        let mut c = Store::open(&dir.path().join("c.sqlite")).unwrap();
        c.put(&row("k2", 2.0000001)).unwrap();
        let e = a
            .merge_from(&c, Path::new("c.sqlite"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("different result for cell k2"), "{e}");
    }

    #[test]
    fn timing_does_not_make_a_conflict() {
        let mut r = row("k", 1.0);
        r.wall_s = 99.0;
        assert!(same_result(&row("k", 1.0), &r));
    }
}
