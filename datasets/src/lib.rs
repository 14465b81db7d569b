//! nnbench's data layer: the dataset registry, a parser for each file format,
//! the data directory with checksum verification and downloads, seeded
//! splits, and input scaling. It knows nothing about training methods.
//!
//! Main types: [`Registry`] and [`Entry`] (what exists), [`DataDir`] (where
//! files are), [`load`] -> [`Dataset`] (verified, parsed tables),
//! [`split::kfold`] and [`Scaler`].

mod datadir;
mod embedded;
mod error;
pub mod fetch;
pub mod formats;
pub mod formulas;
mod load;
mod registry;
mod scale;
pub mod split;
mod table;

pub use datadir::{DataDir, sha256_hex};
pub use error::{DataError, Result};
pub use formats::{MissingPolicy, ReadOptions, TsoulosReader};
pub use load::{Dataset, Domains, Tables, first_training_part, load};
pub use registry::{Entry, FileEntry, Format, Registry};
pub use scale::{Scaler, Scaling};
pub use table::{Table, Task, distinct_labels};
