//! Runs the cells the store lacks, in parallel across cells on a rayon pool
//! of `jobs` threads. Workers send finished rows to this thread, which writes
//! each to the store at once in its own transaction.

mod cell;
pub use cell::{panic_message, run as run_cell, running};
pub mod clock;
mod explain;
mod fit;
pub mod progress;
pub mod tune;

use crate::plan::{Cell, Plan};
use crate::store::Store;
use anyhow::{Context, Result};
use clock::Clock;
use progress::Progress;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub planned: usize,
    pub skipped: usize,
    pub ran: usize,
    pub failed: usize,
}

/// Cells of shard `index` (1-based) of `count`: every count-th cell in key order.
pub fn shard(cells: &[Cell], index: usize, count: usize) -> Vec<&Cell> {
    cells
        .iter()
        .enumerate()
        .filter(|(i, _)| i % count == index - 1)
        .map(|(_, c)| c)
        .collect()
}

pub fn run(
    plan: &Plan,
    cells: &[&Cell],
    store: &mut Store,
    jobs: usize,
    clock: Clock,
) -> Result<Summary> {
    let finished = store.finished()?;
    // Two parts of an experiment may share a cell; it runs once.
    let mut seen = std::collections::HashSet::new();
    let pending: Vec<&Cell> = cells
        .iter()
        .copied()
        .filter(|c| !finished.contains(&c.key) && seen.insert(&c.key))
        .collect();
    let mut summary = Summary {
        planned: cells.len(),
        skipped: cells.len() - pending.len(),
        ..Summary::default()
    };
    if pending.is_empty() {
        return Ok(summary);
    }
    // No more threads than cells: each cell runs on one.
    let jobs = jobs.min(pending.len());
    eprintln!(
        "harness: {} cells planned, {} already in the store, running {} on {jobs} thread(s)",
        summary.planned,
        summary.skipped,
        pending.len()
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .context("cannot start worker threads")?;
    let (tx, rx) = mpsc::channel();
    let mut progress = Progress::new(pending.len());
    let stop = AtomicBool::new(false);
    let result = std::thread::scope(|scope| -> Result<()> {
        scope.spawn(|| {
            pool.install(|| {
                pending.par_iter().for_each_with(tx, |tx, cell| {
                    if !stop.load(Ordering::Relaxed) {
                        // A send fails only once the receiver stopped on a store error.
                        let _ = tx.send(cell::run(plan, cell, clock));
                    }
                })
            })
        });
        for row in rx {
            if !row.is_ok() {
                summary.failed += 1;
                eprintln!(
                    "harness: cell failed: {} on {}, repetition {}, fold {}: {}",
                    row.label, row.dataset, row.repetition, row.fold, row.error
                );
            }
            if let Err(e) = store.put(&row) {
                stop.store(true, Ordering::Relaxed);
                return Err(e.context(format!("cannot record cell {}", row.key)));
            }
            summary.ran += 1;
            progress.tick(summary.failed);
        }
        Ok(())
    });
    progress.finish();
    result?;
    Ok(summary)
}
