//! A method's TOML entry to its configurations: the registry builds and
//! checks each point of its grid (a list value is a grid axis), and the
//! points of its `tune` grid become per-cell candidates.

use super::{MethodConfig, SweepPoint, limits};
use crate::plan::experiment::{RawMethod, Source};
use anyhow::{Result, anyhow, bail};

/// Bumped whenever the tuning procedure (`run::tune`) changes its choices, so
/// stored tuned cells are recomputed: 2 = stratified holdout, scaling fitted
/// on the inner part.
pub const TUNE_PROCEDURE: u32 = 2;

/// One config per point of the method's grid (a list value is a grid axis).
pub(super) fn method_configs(source: &Source, m: &RawMethod) -> Result<Vec<MethodConfig>> {
    let at = source.at(m.name.span());
    let name = m.name.get_ref();
    let reg = nnbench_methods::find(name).ok_or_else(|| {
        anyhow!(
            "{at}: unknown method {name:?}; the methods are: {} (see `harness methods`)",
            nnbench_methods::names()
        )
    })?;
    let params_at = m
        .params
        .as_ref()
        .map_or(at.clone(), |p| source.at(p.span()));
    let table = m
        .params
        .as_ref()
        .map(|p| p.get_ref().clone())
        .unwrap_or_default();
    limits::grid_points(axis_lengths(&table), &params_at)?;
    let candidates = tune_candidates(source, m, reg, &table)?;
    let grid = expand(&table);
    let axes: Vec<&String> = table
        .iter()
        .filter(|(_, v)| v.is_array())
        .map(|(k, _)| k)
        .collect();
    grid.into_iter()
        .map(|point| {
            let built = (reg.build)(point.clone())
                .map_err(|e| anyhow!("{params_at}: method {name}: {e}\n  `harness methods` lists every parameter with its default."))?;
            let base = m.label.clone().unwrap_or_else(|| name.clone());
            let label = if axes.is_empty() {
                base.clone()
            } else {
                let values: Vec<String> = axes.iter().map(|k| format!("{k}={}", point[k.as_str()])).collect();
                format!("{base}({})", values.join(","))
            };
            let sweep = match axes.as_slice() {
                [axis] => point[axis.as_str()].as_float().or_else(|| {
                    point[axis.as_str()].as_integer().map(|i| i as f64)
                }).map(|value| SweepPoint {
                    grid: format!("{base} over {axis}"),
                    parameter: axis.to_string(),
                    value,
                }),
                _ => None,
            };
            let mut resolved = serde_json::to_value(&built.resolved)?;
            if let (Some(tune), Some(object)) = (&m.tune, resolved.as_object_mut()) {
                // The tuning grid and share are part of what determines a cell's result.
                object.insert("tune".into(), serde_json::to_value(tune.get_ref())?);
                object.insert("validation".into(), m.validation.into());
                object.insert("tune_procedure".into(), TUNE_PROCEDURE.into());
            }
            Ok(MethodConfig {
                name: reg.name,
                label,
                sweep,
                candidates: candidates
                    .iter()
                    .map(|(json, table)| {
                        let built = (reg.build)(merge(&point, table))
                            .map_err(|e| anyhow!("{params_at}: method {name} (tuned): {e}"))?;
                        Ok((json.clone(), built.method))
                    })
                    .collect::<Result<_>>()?,
                validation: m.validation,
                version: reg.version,
                params_json: serde_json::to_string(&resolved)?,
                method: built.method,
            })
        })
        .collect()
}

/// The points of a method's `tune` grid, each as (JSON, table); checked
/// against the method so a bad value fails at plan time.
fn tune_candidates(
    source: &Source,
    m: &RawMethod,
    reg: nnbench_core::Registration,
    params: &toml::Table,
) -> Result<Vec<(String, toml::Table)>> {
    let Some(tune) = &m.tune else {
        return Ok(Vec::new());
    };
    let at = source.at(tune.span());
    if !(m.validation > 0.0 && m.validation < 1.0) {
        bail!(
            "{at}: validation = {} must be a share of the training part in (0, 1), e.g. 0.2",
            m.validation
        );
    }
    if let Some(both) = tune.get_ref().keys().find(|k| params.contains_key(*k)) {
        bail!("{at}: `{both}` is both in params and in tune; list its values in one of them");
    }
    limits::grid_points(axis_lengths(tune.get_ref()), &at)?;
    expand(tune.get_ref())
        .into_iter()
        .map(|point| {
            (reg.build)(merge(params, &point))
                .map_err(|e| anyhow!("{at}: method {}: {e}", m.name.get_ref()))?;
            Ok((serde_json::to_string(&point)?, point))
        })
        .collect()
}

/// (key, number of values) of every list-valued parameter.
fn axis_lengths(table: &toml::Table) -> impl Iterator<Item = (&str, usize)> {
    table
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.as_array()?.len())))
}

/// `base` with the keys of `over` set.
fn merge(base: &toml::Table, over: &toml::Table) -> toml::Table {
    let mut out = base.clone();
    out.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// The cross product of every list-valued parameter, in key order.
fn expand(table: &toml::Table) -> Vec<toml::Table> {
    let mut points = vec![toml::Table::new()];
    for (key, value) in table {
        let choices = match value {
            toml::Value::Array(a) => a.clone(),
            v => vec![v.clone()],
        };
        points = points
            .iter()
            .flat_map(|p| {
                choices.iter().map(move |c| {
                    let mut q = p.clone();
                    q.insert(key.clone(), c.clone());
                    q
                })
            })
            .collect();
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_expand_into_their_cross_product() {
        let t: toml::Table =
            toml::from_str("a = [1, 2]\nb = 3\nc = [\"x\", \"y\", \"z\"]").unwrap();
        let g = expand(&t);
        assert_eq!(g.len(), 6);
        assert!(g.iter().all(|p| p["b"].as_integer() == Some(3)));
        let pairs: std::collections::HashSet<String> =
            g.iter().map(|p| format!("{}{}", p["a"], p["c"])).collect();
        assert_eq!(pairs.len(), 6);
    }

    #[test]
    fn no_params_is_one_point() {
        assert_eq!(expand(&toml::Table::new()).len(), 1);
    }
}
