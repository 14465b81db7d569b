//! The HTML report in a real browser: headless Chromium loads index.html
//! with no network and must show no console or loading errors, draw every
//! figure, keep every table, and paint a screenshot that is not blank.
//! Chromium comes from Debian's `chromium` package (.ci/run installs it);
//! without it the test is skipped, unless NNBENCH_REQUIRE_BROWSER=1 (as in CI).

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let candidates = ["chromium", "chromium-browser", "google-chrome"];
    std::env::var_os("NNBENCH_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(candidates.iter().filter_map(|c| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join(c))
                    .find(|p| p.is_file())
            })
        }))
        .next()
}

/// Headless, offline, throwaway profile: the flags this machine's Chromium needs.
fn browse(browser: &Path, profile: &Path, extra: &[&str], page: &Path) -> String {
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(o.status.success(), "chromium failed: {}", stderr(&o));
    stdout(&o)
}

/// Collects errors from the first moment, then reports what the page drew.
const PROBE: &str = r#"<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message || (e.target && (e.target.src || e.target.href)) || e.type)), true);
const original = console.error;
console.error = (...a) => { window.__errors.push(a.join(' ')); original(...a); };
window.addEventListener('load', () => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const svgs = [...document.querySelectorAll('svg')];
  const drawn = svgs.filter(s => { const b = s.getBoundingClientRect(); return b.width > 50 && b.height > 50 && s.querySelectorAll('*').length > 3; }).length;
  const broken = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length;
  const out = document.createElement('pre');
  out.id = 'nnbench-check';
  out.textContent = JSON.stringify({ errors: window.__errors, svgs: svgs.length, drawn, broken, tables: document.querySelectorAll('table').length });
  document.body.appendChild(out);
});
</script>"#;

#[test]
fn the_html_report_renders_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("NNBENCH_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "NNBENCH_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    ok(&harness(
        &[
            &repo().join("experiments/smoke.toml").display().to_string(),
            "--out",
            &out.display().to_string(),
        ],
        dir.path(),
    ));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    // Self-contained: nothing to fetch.
    for external in ["<img", "<link", "src=\"", "url("] {
        assert!(
            !html.contains(external),
            "index.html refers to an outside file: {external}"
        );
    }
    let expected_svgs = html.matches("<svg").count();
    let expected_tables = html.matches("<table").count();
    assert!(expected_svgs >= 8 && expected_tables >= 8);

    let probed = dir.path().join("probed.html");
    std::fs::write(
        &probed,
        html.replacen("<head>", &format!("<head>\n{PROBE}"), 1),
    )
    .unwrap();
    let dom = browse(&browser, &dir.path().join("p1"), &["--dump-dom"], &probed);
    let json = dom
        .split("<pre id=\"nnbench-check\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("the probe did not run:\n{dom}"));
    let check: serde_json::Value = serde_json::from_str(&json.replace("&amp;", "&")).unwrap();
    assert_eq!(check["errors"], serde_json::json!([]), "{check}");
    assert_eq!(check["broken"], 0, "{check}");
    assert_eq!(check["svgs"], expected_svgs, "{check}");
    assert_eq!(
        check["drawn"], expected_svgs,
        "every figure has a size and content: {check}"
    );
    assert_eq!(check["tables"], expected_tables, "{check}");

    let shot = dir.path().join("shot.png");
    browse(
        &browser,
        &dir.path().join("p2"),
        &[
            "--window-size=1280,2400",
            &format!("--screenshot={}", shot.display()),
        ],
        &out.join("index.html"),
    );
    let (inked, colours) = ink(&shot);
    // Text, tables and coloured points: a blank page would be all white.
    assert!(
        inked > 0.02,
        "only {:.3} of the screenshot is not white",
        inked
    );
    assert!(colours > 20, "only {colours} distinct colours");
}

/// Fraction of pixels that are not near-white, and distinct colours seen.
fn ink(png_file: &Path) -> (f64, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_file).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let mut colours = std::collections::HashSet::new();
    let mut inked = 0usize;
    let count = pixels.len() / channels;
    for px in pixels.chunks_exact(channels) {
        let rgb = [px[0], px[1 % channels], px[2 % channels]];
        if rgb.iter().any(|&c| c < 235) {
            inked += 1;
        }
        colours.insert(rgb);
    }
    (inked as f64 / count as f64, colours.len())
}
