//! How numbers, p-values and names are written in every report format.

/// A file-name-safe form: letters, digits and dashes.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

pub fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

pub fn signed(d: f64) -> String {
    if d < 0.0 {
        format!("-{}", number(-d))
    } else {
        format!("+{}", number(d))
    }
}

pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// Two decimals, or three significant digits for small values (the papers
/// print 0.002 for airfoil and 18.10 for appendicitis).
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == 0.0 || v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        let decimals = (2 - v.abs().log10().floor() as i32).max(2) as usize;
        format!("{v:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_three_significant_digits_when_small() {
        assert_eq!(number(18.1), "18.10");
        assert_eq!(number(0.00234), "0.00234");
        assert_eq!(number(0.5), "0.500");
        assert_eq!(number(0.0), "0.00");
        assert_eq!(number(-0.031), "-0.0310");
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("PROPOSED over limit"), "proposed-over-limit");
        assert_eq!(slug("wine/tsoulos"), "wine-tsoulos");
    }
}
