//! The check that no figure clips a label: every `<text>` element's
//! estimated box (its anchor, font size, `dy` and rotation applied) must lie
//! inside the SVG's viewBox. The report runs it on every figure it draws,
//! so a user's long method or dataset name that a layout did not foresee
//! shows up as a warning instead of a silently cut label.

use super::text;

/// A description of each text element that reaches outside the figure.
pub fn clipped(svg: &str) -> Result<Vec<String>, String> {
    let doc = roxmltree::Document::parse(svg).map_err(|e| format!("invalid SVG: {e}"))?;
    let root = doc.root_element();
    let (x0, y0, w, h) = view_box(root).ok_or("the SVG has no viewBox or size")?;
    let mut out = Vec::new();
    for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let label: String = node
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect::<String>()
            .trim()
            .to_string();
        if label.is_empty() {
            continue;
        }
        let size = inherited(node, "font-size")
            .and_then(|s| s.trim_end_matches("px").parse().ok())
            .unwrap_or(16.0);
        let (left, right, top, bottom) = extent(node, &label, size);
        let eps = 0.5;
        if left < x0 - eps || top < y0 - eps || right > x0 + w + eps || bottom > y0 + h + eps {
            out.push(format!(
                "{label:?} spans x {left:.0}..{right:.0}, y {top:.0}..{bottom:.0}, outside 0..{w:.0} x 0..{h:.0}"
            ));
        }
    }
    Ok(out)
}

/// (left, right, top, bottom) of a text element, in the figure's frame.
fn extent(node: roxmltree::Node, label: &str, size: f64) -> (f64, f64, f64, f64) {
    let number = |a: &str| node.attribute(a).and_then(|v| v.parse::<f64>().ok());
    let (x, y) = (number("x").unwrap_or(0.0), number("y").unwrap_or(0.0));
    let width = text::width(label, size);
    let (left, right) = match inherited(node, "text-anchor").unwrap_or("start") {
        "middle" => (x - width / 2.0, x + width / 2.0),
        "end" => (x - width, x),
        _ => (x, x + width),
    };
    let dy = node.attribute("dy").map_or(0.0, |d| length(d, size));
    let baseline = y + dy;
    let (top, bottom) = (
        baseline - text::ascent(size),
        baseline + text::descent(size),
    );
    match node.attribute("transform").and_then(rotation) {
        Some((angle, cx, cy)) => {
            let (sin, cos) = angle.to_radians().sin_cos();
            let corners = [(left, top), (right, top), (left, bottom), (right, bottom)];
            let turned = corners.map(|(px, py)| {
                let (dx, dy) = (px - cx, py - cy);
                (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)
            });
            let xs = turned.map(|p| p.0);
            let ys = turned.map(|p| p.1);
            let min = |v: [f64; 4]| v.into_iter().fold(f64::INFINITY, f64::min);
            let max = |v: [f64; 4]| v.into_iter().fold(f64::NEG_INFINITY, f64::max);
            (min(xs), max(xs), min(ys), max(ys))
        }
        None => (left, right, top, bottom),
    }
}

/// `dy` as plotters and hand-written figures write it: em, ex or pixels.
fn length(value: &str, size: f64) -> f64 {
    let (number, unit) = value
        .find(|c: char| c.is_ascii_alphabetic())
        .map_or((value, ""), |i| value.split_at(i));
    let v: f64 = number.trim().parse().unwrap_or(0.0);
    match unit {
        "em" => v * size,
        "ex" => v * size * 0.5,
        _ => v,
    }
}

/// `rotate(angle, cx, cy)` (or `rotate(angle)` about the origin).
fn rotation(transform: &str) -> Option<(f64, f64, f64)> {
    let inner = transform
        .trim()
        .strip_prefix("rotate(")?
        .strip_suffix(')')?;
    let v: Vec<f64> = inner
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    match v[..] {
        [a] => Some((a, 0.0, 0.0)),
        [a, cx, cy] => Some((a, cx, cy)),
        _ => None,
    }
}

fn inherited<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.ancestors().find_map(|n| n.attribute(name))
}

fn view_box(root: roxmltree::Node) -> Option<(f64, f64, f64, f64)> {
    if let Some(v) = root.attribute("viewBox") {
        let v: Vec<f64> = v
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect::<Option<_>>()?;
        if let [x, y, w, h] = v[..] {
            return Some((x, y, w, h));
        }
    }
    let size = |a: &str| root.attribute(a)?.parse().ok();
    Some((0.0, 0.0, size("width")?, size("height")?))
}

#[cfg(test)]
mod tests {
    use super::clipped;

    fn svg(body: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100" font-size="10">{body}</svg>"#
        )
    }

    #[test]
    fn text_inside_passes_and_text_past_any_edge_is_named() {
        assert_eq!(
            clipped(&svg(r#"<text x="10" y="50">inside</text>"#)),
            Ok(vec![])
        );
        let cases = [
            // Past the right edge: a long label anchored at its start.
            r#"<text x="150" y="50">PROPOSED_ADAM (4.12)</text>"#,
            // Past the left edge: anchored at its end.
            r#"<text x="20" y="50" text-anchor="end">label</text>"#,
            // Above the top: the baseline at 3 leaves no room for the ascent.
            r#"<text x="50" y="3">top</text>"#,
            // A rotated axis label longer than the figure is tall.
            r#"<text x="12" y="50" text-anchor="middle" transform="rotate(270, 12, 50)">a y-axis description far longer than the height</text>"#,
            // The size inherited from the root, too big for the box.
            r#"<g font-size="60"><text x="10" y="90">BIG</text></g>"#,
        ];
        for body in cases {
            let found = clipped(&svg(body)).unwrap();
            assert_eq!(found.len(), 1, "{body}: {found:?}");
        }
        // dy in em moves the baseline down: the top line fits.
        assert_eq!(
            clipped(&svg(r#"<text x="50" y="1" dy="0.76em">top</text>"#)),
            Ok(vec![])
        );
    }
}
