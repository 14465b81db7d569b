//! `harness datasets list | verify | fetch`.

use crate::cli::DatasetsCommand;
use anyhow::{Result, bail};
use nnbench_datasets::{DataDir, DataError, Entry, Registry, fetch};

pub fn run(command: DatasetsCommand) -> Result<bool> {
    let registry = Registry::built_in();
    match command {
        DatasetsCommand::List(data) => {
            let dir = DataDir::resolve(data.data_dir.as_deref());
            println!("data directory: {} ({})", dir.path.display(), dir.origin);
            println!(
                "{:<20} {:<16} {:<15} {:>6} {:>5}  {:<24} status",
                "name", "variant", "task", "rows", "in", "classes / target"
            );
            for e in &registry.entries {
                let shape = match (e.classes, e.target_min, e.target_max) {
                    (Some(c), _, _) => format!("{c} classes"),
                    (_, Some(lo), Some(hi)) => format!("{lo} .. {hi}"),
                    _ => String::new(),
                };
                println!(
                    "{:<20} {:<16} {:<15} {:>6} {:>5}  {:<24} {}",
                    e.name,
                    e.variant,
                    e.task.as_str(),
                    e.rows.map_or(String::new(), |r| r.to_string()),
                    e.features.map_or(String::new(), |r| r.to_string()),
                    shape,
                    status(e, &dir)
                );
            }
            Ok(true)
        }
        DatasetsCommand::Verify { names, data } => {
            let dir = DataDir::resolve(data.data_dir.as_deref());
            let chosen = select(&registry, &names)?;
            let mut ok = true;
            for e in chosen {
                match dir.verify(e) {
                    Ok(()) => println!("ok       {}", e.id()),
                    // Without names, absent datasets are just listed as such.
                    Err(DataError::Missing { .. }) if names.is_empty() => {
                        println!("missing  {}", e.id())
                    }
                    Err(err) => {
                        ok = false;
                        println!("FAILED   {}: {err}", e.id());
                    }
                }
            }
            Ok(ok)
        }
        DatasetsCommand::Fetch {
            names,
            all,
            github_base,
            npm_base,
            data,
        } => {
            let bases = fetch::Bases {
                github: github_base,
                npm: npm_base,
            };
            let dir = DataDir::resolve(data.data_dir.as_deref());
            let chosen = if all {
                registry.entries.iter().collect()
            } else {
                select(&registry, &names)?
            };
            let mut ok = true;
            for e in chosen {
                for (file, outcome) in fetch::fetch(e, &dir, &bases) {
                    match outcome {
                        Ok(how) => println!("{:<14} {file}", format!("{how:?}").to_lowercase()),
                        Err(err) => {
                            ok = false;
                            eprintln!("harness: {}: {err}", e.id());
                        }
                    }
                }
            }
            Ok(ok)
        }
    }
}

fn status(e: &Entry, dir: &DataDir) -> &'static str {
    if e.is_embedded() {
        return "embedded";
    }
    if e.is_generated() {
        return "generated";
    }
    match dir.verify(e) {
        Ok(()) => "present",
        Err(DataError::Missing { .. }) => "missing",
        Err(_) => "CORRUPT (run `harness datasets verify`)",
    }
}

/// Every variant of each named dataset; all entries when no names are given.
fn select<'a>(registry: &'a Registry, names: &[String]) -> Result<Vec<&'a Entry>> {
    if names.is_empty() {
        return Ok(registry.entries.iter().collect());
    }
    let mut out = Vec::new();
    for n in names {
        let found: Vec<&Entry> = registry.entries.iter().filter(|e| &e.name == n).collect();
        if found.is_empty() {
            bail!("unknown dataset {n:?}; `harness datasets list` shows the known names");
        }
        out.extend(found);
    }
    Ok(out)
}
