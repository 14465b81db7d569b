//! Every dataset and variant of shared/datasets/MANIFEST.toml loads by name,
//! with the rows, features, classes and target range the manifest records.

use nnbench_datasets::{DataDir, Format, ReadOptions, Registry, Tables, Task, load};
use std::path::PathBuf;

/// NNBENCH_DATA (a relative path is taken from the workspace root, where
/// the README's test command runs), else the shared/ folder beside the checkout.
fn data_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = std::env::var_os("NNBENCH_DATA")
        .map(|d| root.join(d))
        .unwrap_or_else(|| root.join("../shared/datasets"));
    assert!(
        dir.join("MANIFEST.toml").is_file(),
        "these tests need the shared datasets: set NNBENCH_DATA (looked in {})",
        dir.display()
    );
    dir
}

fn manifest() -> Vec<toml::Table> {
    let text = std::fs::read_to_string(data_dir().join("MANIFEST.toml")).unwrap();
    let value: toml::Table = toml::from_str(&text).unwrap();
    value["dataset"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_table().unwrap().clone())
        .collect()
}

fn int(t: &toml::Table, key: &str) -> Option<usize> {
    t.get(key).and_then(|v| v.as_integer()).map(|v| v as usize)
}

#[test]
fn the_registry_matches_the_manifest_file_for_file() {
    let registry = Registry::built_in();
    let manifest = manifest();
    for m in &manifest {
        let name = m["name"].as_str().unwrap();
        let e = registry.find(name, m["variant"].as_str()).unwrap();
        let files: Vec<&str> = m["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let ours: Vec<&str> = e.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(files, ours, "{}", e.id());
        for f in &e.files {
            assert_eq!(
                m["sha256"][&f.path].as_str(),
                f.sha256.as_deref(),
                "{}",
                f.path
            );
        }
        assert_eq!(m["task"].as_str(), Some(e.task.as_str()));
        assert_eq!(m["source"].as_str(), Some(e.source.as_str()));
    }
    let shared = registry
        .entries
        .iter()
        .filter(|e| {
            !e.is_embedded() && !e.is_generated() && e.debian().is_none() && e.npm().is_none()
        })
        .count();
    assert_eq!(shared, manifest.len());
}

#[test]
fn every_manifest_dataset_loads_with_its_recorded_counts() {
    let registry = Registry::built_in();
    let dir = DataDir::resolve(Some(&data_dir()));
    for m in manifest() {
        let e = registry
            .find(m["name"].as_str().unwrap(), m["variant"].as_str())
            .unwrap();
        let ds =
            load(e, &dir, ReadOptions::default()).unwrap_or_else(|err| panic!("{}: {err}", e.id()));
        let rows = int(&m, "rows").unwrap();
        assert_eq!(
            ds.features(),
            int(&m, "features").unwrap(),
            "{} features",
            e.id()
        );
        match &ds.tables {
            Tables::Pairs(pairs) => {
                assert_eq!(pairs.len(), 10, "{}", e.id());
                for (k, (train, test)) in pairs.iter().enumerate() {
                    assert_eq!(
                        train.rows() + test.rows(),
                        rows,
                        "{} pair {}",
                        e.id(),
                        k + 1
                    );
                }
            }
            Tables::Single(t) => assert_eq!(t.rows() + t.dropped_rows, rows, "{} rows", e.id()),
        }
        let full = ds.full();
        if let Some(classes) = int(&m, "classes") {
            assert_eq!(full.class_labels().len(), classes, "{} classes", e.id());
        }
        if let (Some(lo), Some(hi)) = (m.get("target_min"), m.get("target_max")) {
            // California housing's target is read as scikit-learn gives it, in $100,000.
            let unit = if e.format == Format::CalHousingData {
                1e5
            } else {
                1.0
            };
            let min = full.y.iter().copied().fold(f64::INFINITY, f64::min) * unit;
            let max = full.y.iter().copied().fold(f64::NEG_INFINITY, f64::max) * unit;
            assert!(
                (min - lo.as_float().unwrap()).abs() < 1e-6,
                "{} min {min}",
                e.id()
            );
            assert!(
                (max - hi.as_float().unwrap()).abs() < 1e-6,
                "{} max {max}",
                e.id()
            );
        }
        assert_eq!(ds.task == Task::Classification, m.contains_key("classes"));
    }
}

#[test]
fn the_authors_reader_reproduces_the_row_count_quirk() {
    let registry = Registry::built_in();
    let dir = DataDir::resolve(Some(&data_dir()));
    let e = registry.find("bands", Some("tsoulos")).unwrap();
    let robust = load(e, &dir, ReadOptions::default()).unwrap();
    let authors = load(
        e,
        &dir,
        ReadOptions {
            reader: nnbench_datasets::TsoulosReader::Authors,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    let (Tables::Pairs(r), Tables::Pairs(a)) = (&robust.tables, &authors.tables) else {
        panic!("tsoulos data loads as pairs")
    };
    // bands_2.train declares 329 rows and holds 328 (shared/datasets/README.md).
    assert_eq!(r[1].0.rows(), 328);
    assert_eq!(a[1].0.rows(), 329);
    assert_eq!(a[1].0.row(328), vec![0.0; 19].as_slice());
    assert_eq!(a[1].1.rows() + 1, r[1].1.rows());
    assert_ne!(robust.content_hash, authors.content_hash);
}

#[test]
fn embedded_datasets_load_without_a_data_directory() {
    let registry = Registry::built_in();
    let nowhere = DataDir::resolve(Some(std::path::Path::new("/nonexistent")));
    for e in registry.entries.iter().filter(|e| e.is_embedded()) {
        let ds = load(e, &nowhere, ReadOptions::default()).unwrap();
        let full = ds.full();
        assert_eq!(Some(full.rows()), e.rows, "{}", e.id());
        assert_eq!(Some(full.d), e.features, "{}", e.id());
        if let Some(c) = e.classes {
            assert_eq!(full.class_labels().len(), c);
        }
    }
}
