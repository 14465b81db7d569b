//! The harness end to end, as one test binary (one link step instead of six):
//! each module drives the real `harness` binary on real or embedded data.

mod bad_input;
mod browser;
mod concurrency;
mod estimates;
mod evoprune;
mod experiments;
mod explain;
mod external;
mod fetch;
mod fronts;
mod layering;
mod limits;
mod readme;
mod runs;
mod slurm;
mod snapshots;
mod stores;
mod util;
