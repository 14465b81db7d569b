//! The harness's stages depend one way: each stage may use only the stages
//! before it in the pipeline, and `stats` is a leaf that uses nothing of the
//! harness; no stage uses the command line (`cli`, `commands`). Read from the source, so a new `use` that points the wrong way
//! fails here with the file and line.

use crate::util::repo;
use std::path::Path;

/// The pipeline, in order; `commands`, `cli` and `main.rs` sit above it.
const STAGES: [&str; 5] = ["plan", "store", "run", "analysis", "report"];
const LEAF: &str = "stats";

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::NAME` a file mentions, with its line number.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
        }
        // `use crate::{a, b}` names several modules at once.
        if let Some(group) = code.split("crate::{").nth(1) {
            let group = group.split('}').next().unwrap_or_default();
            for name in group.split(',').map(str::trim) {
                let name = name.split("::").next().unwrap_or_default();
                if !name.is_empty() {
                    out.push((n + 1, name.to_string()));
                }
            }
        }
    }
    out
}

fn violations(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for stage in STAGES.iter().copied().chain([LEAF]) {
        // A stage may use itself, the stages before it and the leaf; the leaf only itself.
        let allowed: Vec<&str> = match STAGES.iter().position(|s| *s == stage) {
            Some(i) => STAGES[..=i].iter().copied().chain([LEAF]).collect(),
            None => vec![LEAF],
        };
        let mut files = Vec::new();
        rust_files(&src.join(stage), &mut files);
        assert!(!files.is_empty(), "harness/src/{stage}/ has no source");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (line, name) in crate_paths(&text) {
                if !allowed.contains(&name.as_str()) {
                    found.push(format!(
                        "{}:{line}: {stage} uses crate::{name}",
                        file.display()
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn every_stage_uses_only_the_stages_before_it() {
    let found = violations(&repo().join("harness/src"));
    assert!(
        found.is_empty(),
        "imports against the pipeline:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_layering_check_sees_a_wrong_import() {
    let dir = tempfile::tempdir().unwrap();
    for stage in STAGES.iter().chain([&LEAF]) {
        std::fs::create_dir_all(dir.path().join(stage)).unwrap();
        std::fs::write(dir.path().join(stage).join("mod.rs"), "").unwrap();
    }
    std::fs::write(
        dir.path().join("plan/mod.rs"),
        "use crate::store::Row;\nuse crate::{plan, report::x};\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("stats/mod.rs"), "use crate::plan::Plan;\n").unwrap();
    std::fs::write(
        dir.path().join("report/mod.rs"),
        "use crate::{analysis, plan};\n",
    )
    .unwrap();
    let found = violations(dir.path());
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].ends_with("plan/mod.rs:1: plan uses crate::store"),
        "{}",
        found[0]
    );
    assert!(
        found[1].ends_with("plan/mod.rs:2: plan uses crate::report"),
        "{}",
        found[1]
    );
    assert!(
        found[2].ends_with("stats/mod.rs:1: stats uses crate::plan"),
        "{}",
        found[2]
    );
}
