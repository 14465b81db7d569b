//! Fashion-MNIST as Debian's package dataset-fashion-mnist installs it
//! (.ci/run installs it; by hand: `apt-get install dataset-fashion-mnist`):
//! found outside the data directory, checked, and read with the counts the
//! dataset's authors publish.

use nnbench_datasets::{DataDir, DataError, ReadOptions, Registry, Tables, Task, load};

#[test]
fn fashion_mnist_loads_from_the_debian_package_with_its_published_counts() {
    let registry = Registry::built_in();
    let entry = registry.find("fashion-mnist", Some("debian")).unwrap();
    // An empty data directory: the files are found where the package puts them.
    let empty = tempfile::tempdir().unwrap();
    let dir = DataDir::resolve(Some(empty.path()));
    let ds = load(entry, &dir, ReadOptions::default()).unwrap_or_else(|e| {
        panic!("{e}\n(these tests need Debian's dataset-fashion-mnist; .ci/run installs it)")
    });
    assert_eq!(ds.task, Task::Classification);
    let Tables::Pairs(pairs) = &ds.tables else {
        panic!("Fashion-MNIST has its own train/test split")
    };
    let [(train, test)] = &pairs[..] else {
        panic!("one pair")
    };
    assert_eq!((train.rows(), test.rows(), train.d), (60_000, 10_000, 784));
    // Balanced classes: 6 000 training and 1 000 test images of each of 10.
    for (part, each) in [(train, 6_000), (test, 1_000)] {
        let mut counts = [0usize; 10];
        part.y.iter().for_each(|&l| counts[l as usize] += 1);
        assert_eq!(counts, [each; 10]);
    }
    let (lo, hi) = train
        .x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    assert_eq!((lo, hi), (0.0, 1.0), "pixels as value / 255");
    // The reconstruction variant reads the same files.
    let rec = registry
        .find("fashion-mnist", Some("reconstruction"))
        .unwrap();
    let same = load(rec, &dir, ReadOptions::default()).unwrap();
    assert_eq!(same.content_hash, ds.content_hash);
}

#[test]
fn a_missing_debian_file_says_which_package_to_install() {
    let registry = Registry::built_in();
    let mut entry = registry
        .find("fashion-mnist", Some("debian"))
        .unwrap()
        .clone();
    entry.source = "debian:no-such-package@1:/nonexistent/".into();
    let empty = tempfile::tempdir().unwrap();
    let dir = DataDir::resolve(Some(empty.path()));
    let err = dir.verify(&entry).unwrap_err();
    assert!(matches!(err, DataError::Missing { .. }));
    let text = err.to_string();
    assert!(text.contains("apt-get install no-such-package"), "{text}");
    assert!(
        text.contains("/nonexistent/train-images-idx3-ubyte.gz"),
        "{text}"
    );
}
