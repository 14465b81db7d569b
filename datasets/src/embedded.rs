//! Small real datasets compiled into the binary, so the quick-start runs with
//! no data directory. Taken unchanged from the scikit-learn 1.9.1 wheel; see
//! datasets/embedded/README.md for source, licence and checksums.

const FILES: [(&str, &[u8]); 5] = [
    ("iris.csv", include_bytes!("../embedded/iris.csv")),
    ("wine_data.csv", include_bytes!("../embedded/wine_data.csv")),
    ("digits.csv.gz", include_bytes!("../embedded/digits.csv.gz")),
    (
        "diabetes_data_raw.csv.gz",
        include_bytes!("../embedded/diabetes_data_raw.csv.gz"),
    ),
    (
        "diabetes_target.csv.gz",
        include_bytes!("../embedded/diabetes_target.csv.gz"),
    ),
];

pub fn file(name: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}
