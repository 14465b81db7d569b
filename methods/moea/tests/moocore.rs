//! The indicators against moocore 0.3.2 (the reference C implementation
//! behind pymoo): fronts with duplicates, dominated points and points beyond
//! the reference point, in 2 and 3 objectives. The vectors were made once
//! by tests/data/moocore_vectors.py and are committed with it.

use nnbench_moea::indicators::{hypervolume, igd, igd_plus};

fn vectors() -> toml::Table {
    let text = include_str!("data/moocore.toml");
    toml::from_str(text).expect("moocore.toml parses")
}

fn matrix(v: &toml::Value) -> Vec<Vec<f64>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_float().unwrap())
                .collect()
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn hypervolume_agrees_with_moocore() {
    let cases = vectors()["hypervolume"].as_array().unwrap().clone();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let reference: Vec<f64> =
            matrix(&toml::Value::Array(vec![case["reference"].clone()])).remove(0);
        let ours = hypervolume(&matrix(&case["points"]), &reference).unwrap();
        let theirs = case["value"].as_float().unwrap();
        assert!(close(ours, theirs), "{name}: {ours} vs moocore's {theirs}");
    }
}

#[test]
fn igd_and_igd_plus_agree_with_moocore() {
    let cases = vectors()["distance"].as_array().unwrap().clone();
    assert_eq!(cases.len(), 2);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let (front, reference) = (matrix(&case["front"]), matrix(&case["reference"]));
        let (a, b) = (
            igd(&front, &reference).unwrap(),
            igd_plus(&front, &reference).unwrap(),
        );
        let (x, y) = (
            case["igd"].as_float().unwrap(),
            case["igd_plus"].as_float().unwrap(),
        );
        assert!(close(a, x), "{name}: IGD {a} vs moocore's {x}");
        assert!(close(b, y), "{name}: IGD+ {b} vs moocore's {y}");
    }
}
