//! Money is kept as signed integer minor units (grosze, cents) and only formatted at the edge.

/// `-1230` → `"-12.30"`: the exact decimal text used in exports and the UI.
pub fn format_minor(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Human display with thousands separators: `-123456` → `"-1 234.56"`.
pub fn display_minor(minor: i64) -> String {
    let plain = format_minor(minor);
    let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |r| ("-", r));
    let (int, frac) = rest.split_once('.').unwrap_or((rest, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_format_as_exact_decimals() {
        assert_eq!(format_minor(-1230), "-12.30");
        assert_eq!(format_minor(5), "0.05");
        assert_eq!(format_minor(-5), "-0.05");
        assert_eq!(format_minor(0), "0.00");
        assert_eq!(format_minor(i64::MIN), "-92233720368547758.08");
    }

    #[test]
    fn display_groups_thousands() {
        assert_eq!(display_minor(-12_345_678), "-123\u{a0}456.78");
        assert_eq!(display_minor(99), "0.99");
    }
}
