//! Copies the README's "Add a method" section where rustdoc can read it, so
//! its worked example runs as a doctest of this crate (`cargo test --doc`):
//! the README's steps cannot drift from the plug-in API.

fn main() {
    let readme = "../../README.md";
    println!("cargo::rerun-if-changed={readme}");
    let text = std::fs::read_to_string(readme).expect("the workspace README exists");
    let start = text
        .find("## Add a method")
        .expect("README has an \"Add a method\" section");
    let rest = &text[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("add_a_method.md");
    std::fs::write(out, &rest[..end]).expect("OUT_DIR is writable");
}
