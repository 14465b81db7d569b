//! The README's method table lists exactly the registered methods, in order.

use crate::util::*;

#[test]
fn the_readme_method_table_matches_harness_methods() {
    let dir = tempfile::tempdir().unwrap();
    let o = harness(&["methods"], dir.path());
    ok(&o);
    let listed: Vec<String> = stdout(&o)
        .lines()
        .filter(|l| l.contains("(version "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let table = readme
        .split("<!-- methods:start")
        .nth(1)
        .and_then(|s| s.split("<!-- methods:end").next())
        .expect("README has the method table markers");
    let documented: Vec<String> = table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| method"))
        .map(|l| {
            l.trim_start_matches("| ")
                .split(' ')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        listed,
        documented,
        "the README's method table must list `harness methods`' names in its order: {}",
        listed.join(", ")
    );
    assert!(listed.len() >= 3);
}

#[test]
fn methods_lists_every_parameter_with_its_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout(&harness(&["methods"], dir.path()));
    for needle in [
        "step = 0.1",
        "iterations = 2000",
        "beta2 = 0.999",
        "eta_plus = 1.2",
        "variant = \"irprop-\"",
    ] {
        assert!(out.contains(needle), "{needle:?} missing from:\n{out}");
    }
}
