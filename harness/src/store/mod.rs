//! The durable record: one SQLite row per finished cell, each written in its
//! own transaction the moment the cell finishes, so a crash or kill loses at
//! most the cells in flight, and the plan's metadata, written before the
//! first cell, so analysis and reports read only from here: a merged store
//! can be reported on a machine without the data.

pub mod export;
pub mod lock;
pub mod record;

use crate::plan::meta::PlanMeta;
use anyhow::{Context, Result, bail};
use record::{CellRecord, Column, Status};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

/// The layout of the tables, in SQLite's `user_version`: 2 = typed records
/// (JSON metrics struct, protocol as JSON) and the `plans` table.
const SCHEMA: i32 = 2;

const COLUMNS: &str = "key, part, dataset, task, method, label, params, protocol, scaling, repetition, fold, seed, \
     split_hash, status, error, stop_reason, test_error, train_error, metrics, objective_evals, gradient_evals, wall_s, cpu_s";

pub struct Store {
    conn: Connection,
    /// For messages: every error names the store.
    path: std::path::PathBuf,
    /// Held while the store is open: one writer, or readers (`lock`).
    _lock: lock::Lock,
}

impl Store {
    /// Opens (or creates) the store at `path`, first locking it for
    /// `access`: refused at once if another process holds it.
    pub fn open(path: &Path, access: lock::Access) -> Result<Store> {
        let lock = lock::Lock::take(path, access)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the result store {}", path.display()))?;
        let at = || format!("result store {}", path.display());
        let not_a_store = || {
            format!(
                "{} is not an SQLite database, so not a result store (a different file, or one damaged or cut short): name the store with --store, or move the file away to start a new one",
                path.display()
            )
        };
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .with_context(at)?;
        // WAL: a reader (report) never blocks the runner, and a committed row
        // survives a kill of the process.
        conn.pragma_update(None, "journal_mode", "WAL")
            .with_context(not_a_store)?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .with_context(not_a_store)?;
        if check != "ok" {
            bail!(
                "{} is damaged (SQLite's check: {check}); it may have been cut short by a full disk or a copy: restore it, or move it away and run again (its cells are recomputed)",
                path.display()
            );
        }
        let version: i32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .with_context(at)?;
        let count =
            |sql: &str| -> Result<i64> { conn.query_row(sql, [], |r| r.get(0)).with_context(at) };
        let tables = count("SELECT count(*) FROM sqlite_master WHERE type = 'table'")?;
        // The first stores had a cells table and no schema version.
        let cells =
            count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cells'")?;
        match version {
            SCHEMA => check_columns(&conn, path)?,
            0 if tables > 0 && cells == 0 => bail!(
                "{} is an SQLite database but not an nnbench result store (it has tables of its own and no store schema): name the store with --store, or another file",
                path.display()
            ),
            0 if tables == 0 => {
                conn.execute_batch(&format!(
                    "CREATE TABLE cells (
                        key TEXT PRIMARY KEY, part TEXT NOT NULL, dataset TEXT NOT NULL, task TEXT NOT NULL,
                        method TEXT NOT NULL, label TEXT NOT NULL, params TEXT NOT NULL, protocol TEXT NOT NULL,
                        scaling TEXT NOT NULL, repetition INTEGER NOT NULL, fold INTEGER NOT NULL, seed INTEGER NOT NULL,
                        split_hash TEXT NOT NULL, status TEXT NOT NULL, error TEXT NOT NULL, stop_reason TEXT,
                        test_error REAL, train_error REAL, metrics TEXT,
                        objective_evals INTEGER NOT NULL, gradient_evals INTEGER NOT NULL,
                        wall_s REAL NOT NULL, cpu_s REAL NOT NULL);
                     CREATE TABLE plans (name TEXT PRIMARY KEY, meta TEXT NOT NULL);
                     PRAGMA user_version = {SCHEMA};"
                ))
                .with_context(|| format!("cannot create the result store {}", path.display()))?;
            }
            older if older < SCHEMA => bail!(
                "{} was written by an older nnbench (store schema {older}; this one reads schema {SCHEMA}). \
                 Its cells would be recomputed anyway (the cell keys changed): move it away, or name a new \
                 store with --store, and run the experiment again",
                path.display()
            ),
            newer => bail!(
                "{} was written by a newer nnbench (store schema {newer}; this one reads schema {SCHEMA}): \
                 use that version, or name a new store with --store",
                path.display()
            ),
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            _lock: lock,
        })
    }

    /// `result store PATH` for messages.
    fn at(&self) -> String {
        format!("result store {}", self.path.display())
    }

    /// Records the plan's metadata (before its first cell runs); a plan of
    /// the same name is replaced, as the experiment file may have changed.
    pub fn put_plan(&mut self, meta: &PlanMeta) -> Result<()> {
        insert_plan(&self.conn, meta).with_context(|| {
            format!(
                "cannot record the plan in the {} (is the disk full?)",
                self.at()
            )
        })
    }

    /// The plan called `name`, as it was last run into this store.
    pub fn plan(&self, name: &str) -> Result<Option<PlanMeta>> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT meta FROM plans WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()
            .with_context(|| self.at())?;
        text.map(|t| {
            serde_json::from_str(&t)
                .with_context(|| format!("{}: the stored plan {name:?} does not parse", self.at()))
        })
        .transpose()
    }

    /// Every stored plan, by name.
    pub fn plans(&self) -> Result<Vec<PlanMeta>> {
        let texts = (|| {
            let mut stmt = self.conn.prepare("SELECT meta FROM plans ORDER BY name")?;
            stmt.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })()
        .with_context(|| self.at())?;
        texts
            .iter()
            .map(|t| {
                serde_json::from_str(t)
                    .with_context(|| format!("{}: a stored plan does not parse", self.at()))
            })
            .collect()
    }

    /// Keys of cells finished successfully.
    pub fn finished(&self) -> Result<std::collections::HashSet<String>> {
        (|| {
            let mut stmt = self
                .conn
                .prepare("SELECT key FROM cells WHERE status = 'ok'")?;
            stmt.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()
        })()
        .with_context(|| self.at())
    }

    /// Writes (or replaces) one record in its own transaction.
    pub fn put(&mut self, r: &CellRecord) -> Result<()> {
        let at = self.at();
        let tx = self.conn.transaction().with_context(|| at.clone())?;
        insert(&tx, r).with_context(|| at.clone())?;
        tx.commit()
            .with_context(|| format!("cannot commit a result to the {at} (is the disk full?)"))?;
        Ok(())
    }

    #[cfg(test)]
    pub fn get(&self, key: &str) -> Result<Option<CellRecord>> {
        self.read_rows(
            &format!("SELECT {COLUMNS} FROM cells WHERE key = ?1"),
            [key],
        )
        .map(|mut rows| rows.pop())
    }

    /// Every record, sorted by key.
    pub fn records(&self) -> Result<Vec<CellRecord>> {
        self.read_rows(&format!("SELECT {COLUMNS} FROM cells ORDER BY key"), [])
    }

    /// The records `sql` selects. A value of the wrong type (a store changed
    /// by hand, or damaged) is refused naming its cell and column.
    fn read_rows(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<CellRecord>> {
        let mut stmt = self.conn.prepare(sql).with_context(|| self.at())?;
        let mut rows = stmt.query(params).with_context(|| self.at())?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().with_context(|| self.at())? {
            let record = record_from(row).map_err(|e| {
                let key = match row.get::<_, rusqlite::types::Value>(0) {
                    Ok(rusqlite::types::Value::Text(k)) => k,
                    other => format!("{other:?}"),
                };
                let column = match &e {
                    rusqlite::Error::InvalidColumnType(_, name, _) => name.clone(),
                    rusqlite::Error::FromSqlConversionFailure(i, _, _)
                    | rusqlite::Error::IntegralValueOutOfRange(i, _) => {
                        COLUMNS.split(", ").nth(*i).unwrap_or("?").to_string()
                    }
                    _ => "?".into(),
                };
                anyhow::anyhow!(
                    "{}: cell {key}: column {column} does not hold what nnbench wrote ({e}); the store was changed by hand or is damaged: delete that row, or move the store away and run again",
                    self.at()
                )
            })?;
            out.push(record);
        }
        Ok(out)
    }

    /// The stored records of `plan`'s cells, in key order.
    pub fn records_of(&self, plan: &PlanMeta) -> Result<Vec<CellRecord>> {
        let keys: std::collections::HashSet<&str> =
            plan.cells.iter().map(|c| c.key.as_str()).collect();
        Ok(self
            .records()?
            .into_iter()
            .filter(|r| keys.contains(r.key.as_str()))
            .collect())
    }

    pub fn delete(&mut self, keys: &[String]) -> Result<()> {
        let at = self.at();
        let tx = self.conn.transaction().with_context(|| at.clone())?;
        for k in keys {
            tx.execute("DELETE FROM cells WHERE key = ?1", [k])
                .with_context(|| at.clone())?;
        }
        tx.commit().with_context(|| at.clone())?;
        Ok(())
    }

    /// Adds the plans and records of `sources` (each with the path it was
    /// opened from), in order and all in one transaction: refused (a key
    /// whose result differs from ours or an earlier source's, a plan of the
    /// same name with other cells), nothing is added. A failed record never
    /// replaces a finished one. Returns the cells each source added.
    pub fn merge_from(&mut self, sources: &[(&Store, &Path)]) -> Result<Vec<usize>> {
        let at = self.at();
        let tx = self.conn.transaction().with_context(|| at.clone())?;
        let mut added = Vec::with_capacity(sources.len());
        for (other, origin) in sources {
            added.push(merge_one(&tx, &at, other, origin)?);
        }
        tx.commit().with_context(|| {
            format!("cannot commit the merge into the {at} (is the disk full?)")
        })?;
        Ok(added)
    }
}

/// One source of `Store::merge_from`, inside its transaction.
fn merge_one(tx: &Connection, at: &str, other: &Store, origin: &Path) -> Result<usize> {
    let plans = other.plans()?;
    let records = other.records()?;
    for plan in plans {
        let mine: Option<String> = tx
            .query_row(
                "SELECT meta FROM plans WHERE name = ?1",
                [&plan.name],
                |r| r.get(0),
            )
            .optional()
            .with_context(|| at.to_string())?;
        let mine: Option<PlanMeta> = mine
            .map(|t| serde_json::from_str(&t))
            .transpose()
            .with_context(|| format!("{at}: the stored plan {:?} does not parse", plan.name))?;
        match mine {
            Some(mine) if mine.cell_keys() != plan.cell_keys() => bail!(
                "{} holds plan {:?} with other cells than the stores merged before it (was the experiment \
                 file changed between shards?). Merge refused; nothing was added.",
                origin.display(),
                plan.name
            ),
            Some(_) => {}
            None => insert_plan(tx, &plan).with_context(|| at.to_string())?,
        }
    }
    let mut added = 0;
    for r in records {
        let mine = read_one(tx, &r.key).with_context(|| at.to_string())?;
        match mine {
            Some(mine) if mine.is_ok() && r.is_ok() => {
                if !mine.same_result(&r) {
                    bail!(
                        "{} holds a different result for cell {} ({} {} on {}, repetition {}, fold {}) than the stores merged before it: \
                         test error {} vs {}. Results of one cell must be bit-identical; was one shard run with another \
                         nnbench version? Merge refused; nothing was added.",
                        origin.display(),
                        r.key,
                        r.label,
                        r.protocol.describe(),
                        r.dataset,
                        r.repetition,
                        r.fold,
                        r.test_error,
                        mine.test_error
                    );
                }
            }
            Some(mine) if mine.is_ok() => {}
            _ => {
                insert(tx, &r).with_context(|| at.to_string())?;
                added += 1;
            }
        }
    }
    Ok(added)
}

/// The record of `key` on `conn` (inside a merge's transaction).
fn read_one(conn: &Connection, key: &str) -> rusqlite::Result<Option<CellRecord>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM cells WHERE key = ?1"),
        [key],
        record_from,
    )
    .optional()
}

/// A store of this schema whose tables lack a column was not written by
/// nnbench (or was changed by hand): refused at open, naming what is missing.
fn check_columns(conn: &Connection, path: &Path) -> Result<()> {
    let wanted = [("cells", COLUMNS), ("plans", "name, meta")];
    for (table, columns) in wanted {
        let have: Vec<String> = (|| {
            let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
            stmt.query_map([], |r| r.get::<_, String>(1))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })()
        .with_context(|| format!("result store {}", path.display()))?;
        if let Some(missing) = columns.split(", ").find(|c| !have.iter().any(|h| h == c)) {
            bail!(
                "{} says it is an nnbench result store (schema {SCHEMA}) but its table {table} has no column {missing}: it was changed by hand or by another program. Move it away and run again (its cells are recomputed), or name another store with --store",
                path.display()
            );
        }
    }
    Ok(())
}

fn insert(conn: &Connection, r: &CellRecord) -> rusqlite::Result<()> {
    conn.execute(
        &format!("INSERT OR REPLACE INTO cells ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)"),
        params![
            r.key, r.part, r.dataset, Column(r.task), r.method, r.label, r.params, Column(r.protocol),
            Column(r.scaling), r.repetition, r.fold, r.seed as i64, r.split_hash, Column(r.status), r.error,
            r.stop_reason.map(Column), r.test_error, r.train_error, r.metrics.as_ref().map(Column),
            r.spent.objective_evals as i64, r.spent.gradient_evals as i64, r.wall_s, r.cpu_s
        ],
    )?;
    Ok(())
}

fn insert_plan(conn: &Connection, meta: &PlanMeta) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO plans (name, meta) VALUES (?1, ?2)",
        params![meta.name, serde_json::to_string(meta)?],
    )?;
    Ok(())
}

fn record_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<CellRecord> {
    let stop: Option<Column<_>> = r.get(15)?;
    let metrics: Option<Column<_>> = r.get(18)?;
    Ok(CellRecord {
        key: r.get(0)?,
        part: r.get(1)?,
        dataset: r.get(2)?,
        task: r.get::<_, Column<_>>(3)?.0,
        method: r.get(4)?,
        label: r.get(5)?,
        params: r.get(6)?,
        protocol: r.get::<_, Column<_>>(7)?.0,
        scaling: r.get::<_, Column<_>>(8)?.0,
        repetition: r.get(9)?,
        fold: r.get(10)?,
        seed: r.get::<_, i64>(11)? as u64,
        split_hash: r.get(12)?,
        status: r.get::<_, Column<Status>>(13)?.0,
        error: r.get(14)?,
        stop_reason: stop.map(|c| c.0),
        test_error: r.get::<_, Option<f64>>(16)?.unwrap_or(f64::NAN),
        train_error: r.get::<_, Option<f64>>(17)?.unwrap_or(f64::NAN),
        metrics: metrics.map(|c| c.0),
        spent: nnbench_core::Spent {
            objective_evals: r.get::<_, i64>(19)? as u64,
            gradient_evals: r.get::<_, i64>(20)? as u64,
        },
        wall_s: r.get(21)?,
        cpu_s: r.get(22)?,
    })
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::plan::experiment::Protocol;
    use nnbench_core::metrics::{ClassificationMetrics, Scores};
    use nnbench_core::{Spent, StopReason};
    use nnbench_datasets::{Scaling, Task};
    use record::{CellMetrics, PartScores};

    pub fn record(key: &str, err: f64) -> CellRecord {
        let scores = |e: f64| PartScores {
            scores: Scores::Classification(ClassificationMetrics {
                class_error_pct: e,
                accuracy_pct: 100.0 - e,
                macro_precision: 0.5,
                macro_recall: 0.25,
            }),
            loss: Some(0.125),
        };
        CellRecord {
            key: key.into(),
            part: "p".into(),
            dataset: "iris/embedded".into(),
            task: Task::Classification,
            method: "MEAN".into(),
            label: "MEAN".into(),
            params: "{}".into(),
            protocol: Protocol::Kfold {
                folds: 10,
                repetitions: 1,
            },
            scaling: Scaling::Minmax,
            repetition: 0,
            fold: 1,
            seed: u64::MAX - 3,
            split_hash: "h".into(),
            status: Status::Ok,
            error: String::new(),
            stop_reason: Some(StopReason::Converged),
            test_error: err,
            train_error: 1.0,
            metrics: Some(CellMetrics {
                test: scores(err),
                train: scores(1.0),
                notes: [
                    ("shap_seconds".to_string(), 0.5),
                    ("fidelity_mse_extrapolation".to_string(), f64::INFINITY),
                    ("fidelity_r2_extrapolation".to_string(), f64::NEG_INFINITY),
                ]
                .into(),
                trace: vec![(1, 3.0), (2, 2.5)],
                tuned: None,
                front: None,
                expressions: vec!["y = x0".into()],
            }),
            spent: Spent {
                objective_evals: 3,
                gradient_evals: 1,
            },
            wall_s: 0.5,
            cpu_s: 0.4,
        }
    }

    #[test]
    fn records_round_trip_typed_with_a_full_64_bit_seed() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("r.sqlite"), lock::Access::Write).unwrap();
        s.put(&record("a", 2.5)).unwrap();
        let mut failed = record("b", f64::NAN);
        failed.status = Status::Failed;
        failed.stop_reason = None;
        failed.metrics = None;
        s.put(&failed).unwrap();
        assert_eq!(s.get("a").unwrap(), Some(record("a", 2.5)));
        let b = s.get("b").unwrap().unwrap();
        assert_eq!(
            (b.status, b.stop_reason, b.metrics),
            (Status::Failed, None, None)
        );
        assert!(b.test_error.is_nan());
        assert_eq!(s.finished().unwrap().into_iter().collect::<Vec<_>>(), ["a"]);
        let m = s.get("a").unwrap().unwrap().metrics.unwrap();
        assert_eq!(
            (
                m.value("macro_recall"),
                m.value("loss"),
                m.value("shap_seconds"),
                m.value("r2")
            ),
            (Some(0.25), Some(0.125), Some(0.5), None)
        );
    }

    #[test]
    fn an_unknown_status_in_the_file_is_an_error_not_a_string() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("r.sqlite"), lock::Access::Write).unwrap();
        s.put(&record("a", 2.5)).unwrap();
        s.conn
            .execute("UPDATE cells SET status = 'maybe'", [])
            .unwrap();
        assert!(s.get("a").is_err());
    }

    #[test]
    fn a_store_of_another_schema_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.sqlite");
        let conn = Connection::open(&old).unwrap();
        conn.execute_batch("CREATE TABLE cells (key TEXT PRIMARY KEY)")
            .unwrap();
        drop(conn);
        let e = Store::open(&old, lock::Access::Write)
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("older nnbench (store schema 0") && e.contains("--store"),
            "{e}"
        );
        let newer = dir.path().join("new.sqlite");
        Connection::open(&newer)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA + 1)
            .unwrap();
        let e = Store::open(&newer, lock::Access::Write)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("newer nnbench"), "{e}");
        // A fresh store opens, and opens again.
        let fresh = dir.path().join("fresh.sqlite");
        Store::open(&fresh, lock::Access::Write).unwrap();
        Store::open(&fresh, lock::Access::Write).unwrap();
    }

    #[test]
    fn merge_adds_new_records_and_refuses_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Store::open(&dir.path().join("a.sqlite"), lock::Access::Write).unwrap();
        let mut b = Store::open(&dir.path().join("b.sqlite"), lock::Access::Write).unwrap();
        a.put(&record("k1", 1.0)).unwrap();
        b.put(&record("k1", 1.0)).unwrap();
        b.put(&record("k2", 2.0)).unwrap();
        assert_eq!(a.merge_from(&[(&b, Path::new("b"))]).unwrap(), vec![1]);
        let mut c = Store::open(&dir.path().join("c.sqlite"), lock::Access::Write).unwrap();
        c.put(&record("k2", 2.0000001)).unwrap();
        let mut d = Store::open(&dir.path().join("d.sqlite"), lock::Access::Write).unwrap();
        d.put(&record("k3", 3.0)).unwrap();
        // A conflict in the second source: the first one's new cell is not
        // added either.
        let e = a
            .merge_from(&[(&d, Path::new("d.sqlite")), (&c, Path::new("c.sqlite"))])
            .unwrap_err()
            .to_string();
        assert!(e.contains("different result for cell k2"), "{e}");
        assert!(a.records().unwrap().iter().all(|r| r.key != "k3"));
    }

    #[test]
    fn timing_does_not_make_a_conflict() {
        let mut r = record("k", 1.0);
        r.wall_s = 99.0;
        assert!(record("k", 1.0).same_result(&r));
        r.spent.gradient_evals += 1;
        assert!(!record("k", 1.0).same_result(&r));
    }
}
