//! Local optimisers shared by method families (DESIGN.md: shared optimisers
//! live in their own crate so families never depend on each other):
//! [`bfgs::minimise`], a bound-constrained BFGS with an evaluation cap, and
//! [`adam::minimise`], the authors' box-clipped Adam; and the authors'
//! variance stopping rule, [`Doublebox`].

pub mod adam;
pub mod bfgs;
mod bounds;
mod doublebox;

pub use bounds::Bounds;
pub use doublebox::Doublebox;
