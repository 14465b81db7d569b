//! How wide a label will be, without fonts: the report's SVG leaves text
//! layout to the browser, so figures are laid out from an estimate that
//! errs wide. The widths are DejaVu Sans's (the usual `sans-serif` on
//! Linux, and wider than Arial or Helvetica), rounded up, in em.

/// Estimated advance width of `text` at `size` pixels.
pub fn width(text: &str, size: f64) -> f64 {
    text.chars().map(em).sum::<f64>() * size
}

/// Height of one line of text at `size` pixels: ascent above the baseline
/// and descent below it.
pub fn ascent(size: f64) -> f64 {
    0.8 * size
}

pub fn descent(size: f64) -> f64 {
    0.25 * size
}

fn em(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.3,
        ' ' | 'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' | '/' => 0.42,
        'm' | 'w' => 0.98,
        'M' | 'W' => 1.0,
        c if c.is_ascii_uppercase() => 0.78,
        c if c.is_ascii_alphanumeric() => 0.64,
        c if c.is_ascii() => 0.84,
        // Symbols and letters beyond ASCII (…, ±, ▲, accented names).
        _ => 1.0,
    }
}

/// `text` cut with an ellipsis so it is at most `max` pixels wide at `size`.
pub fn fit(text: &str, size: f64, max: f64) -> String {
    if width(text, size) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if width(&out, size) + (em(c) + 1.0) * size > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_letters_count_more_and_fitting_respects_the_limit() {
        assert!(width("MMMM", 10.0) > width("iiii", 10.0) * 3.0);
        assert_eq!(width("", 12.0), 0.0);
        let long = "PROPOSED_ADAM with a very long label";
        let cut = fit(long, 12.0, 100.0);
        assert!(cut.ends_with('…') && width(&cut, 12.0) <= 100.0, "{cut}");
        assert_eq!(fit("wine", 12.0, 100.0), "wine");
    }
}
