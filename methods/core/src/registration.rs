//! Turns a [`MethodParams`] type into a registry row the harness can list,
//! parse from TOML and build, without the harness knowing the type.

use crate::method::{Method, MethodParams, ParamError};

/// Why a method's TOML table was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// Unknown key or wrong type, as serde reports it.
    #[error("{0}")]
    Toml(String),
    #[error(transparent)]
    Param(#[from] ParamError),
}

/// A built method with its parameters resolved (defaults filled in), which
/// is what goes into the cell key and the report.
pub struct Built {
    pub method: Box<dyn Method>,
    pub resolved: toml::Table,
}

#[derive(Clone, Copy)]
pub struct Registration {
    pub name: &'static str,
    pub summary: &'static str,
    pub version: u32,
    pub reconstructs: bool,
    pub needs_ood: bool,
    pub explains: bool,
    pub defaults: fn() -> toml::Table,
    pub build: fn(toml::Table) -> Result<Built, BuildError>,
}

pub fn register<P: MethodParams>() -> Registration {
    Registration {
        name: P::NAME,
        summary: P::SUMMARY,
        version: P::VERSION,
        reconstructs: P::RECONSTRUCTS,
        needs_ood: P::NEEDS_OOD,
        explains: P::EXPLAINS,
        defaults: || to_table(&P::default()),
        build: |table| {
            let mut params = P::deserialize(toml::Value::Table(table))
                .map_err(|e| BuildError::Toml(e.message().to_string()))?;
            params.resolve()?;
            let method = params.build()?;
            Ok(Built {
                method,
                resolved: to_table(&params),
            })
        },
    }
}

fn to_table<P: serde::Serialize>(p: &P) -> toml::Table {
    toml::Table::try_from(p).expect("method parameters serialise to a TOML table")
}
