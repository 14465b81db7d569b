//! From stored records to the numbers a report shows: tables of every run's
//! value with their statistics (`table`), the tests over each table
//! (`compare`, on the leaf `stats`), and the regenerated-against-published
//! ledger (`ledger`); the indicators of cells whose result is a front
//! (`fronts`); the explainers' median expressions (`expressions`).

pub mod compare;
pub mod expressions;
pub mod fronts;
pub mod ledger;
mod table;

pub use table::{PartResults, Robust, Run, Stat, TAIL_MULTIPLE, Table, analyse};
