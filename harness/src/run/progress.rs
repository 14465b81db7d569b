//! Progress for a run: a bar with ETA on a terminal, plain lines otherwise
//! (CI logs, redirected output).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub enum Progress {
    Bar(ProgressBar),
    Lines {
        total: usize,
        done: usize,
        start: Instant,
        last: Instant,
    },
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {pos}/{len} cells, ETA {eta} {msg}",
                )
                .expect("static template")
                .progress_chars("=> "),
            );
            Progress::Bar(bar)
        } else {
            let now = Instant::now();
            Progress::Lines {
                total,
                done: 0,
                start: now,
                last: now,
            }
        }
    }

    pub fn tick(&mut self, failed: usize) {
        match self {
            Progress::Bar(bar) => {
                bar.inc(1);
                if failed > 0 {
                    bar.set_message(format!("({failed} failed)"));
                }
            }
            Progress::Lines {
                total,
                done,
                start,
                last,
            } => {
                *done += 1;
                if last.elapsed() >= Duration::from_secs(10) || *done == *total {
                    *last = Instant::now();
                    let elapsed = start.elapsed().as_secs_f64();
                    let eta = elapsed / *done as f64 * (*total - *done) as f64;
                    eprintln!(
                        "harness: {done}/{total} cells, {elapsed:.0} s elapsed, ETA {eta:.0} s, {failed} failed"
                    );
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish();
        }
    }
}
