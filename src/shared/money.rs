//! Money is kept as signed integer minor units (grosze, cents) and only formatted at the edge.

/// `-1230` → `"-12.30"`: the exact decimal text used in exports and the UI.
pub fn format_minor(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Human display with thousands separators: `-123456` → `"-1 234.56"` (the gaps are U+00A0, so an amount never
/// breaks across lines). The same text as [`format_minor`] but for the grouping.
pub fn display_minor(minor: i64) -> String {
    let abs = minor.unsigned_abs();
    let mut out = String::with_capacity(32);
    if minor < 0 {
        out.push('-');
    }
    group_thousands(abs / 100, '\u{a0}', &mut out);
    let cents = (abs % 100) as u8;
    out.push('.');
    out.push(char::from(b'0' + cents / 10));
    out.push(char::from(b'0' + cents % 10));
    out
}

/// [`display_minor`] with its currency: `-123456, "PLN"` → `"-1 234.56 PLN"`.
pub fn display_amount(minor: i64, currency: &str) -> String {
    let mut out = display_minor(minor);
    out.push(' ');
    out.push_str(currency);
    out
}

/// Appends `value`'s digits to `out` with `separator` between groups of three: `1234567` → `1␣234␣567`.
pub fn group_thousands(value: u64, separator: char, out: &mut String) {
    let digits = value.to_string();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
}

/// `"-12.30"` → `-1230`: the exact inverse of [`format_minor`] (sign, digits, a dot, two decimals).
pub fn parse_minor(text: &str) -> Option<i64> {
    let (negative, digits) = text.strip_prefix('-').map_or((false, text), |d| (true, d));
    let (int, frac) = digits.split_once('.')?;
    if int.is_empty() || frac.len() != 2 || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = int.parse::<i128>().ok()? * 100 + frac.parse::<i128>().ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// `"-12.3"` / `"1 234,50"` → minor units, as a person types an amount. Exact: never through a float.
pub fn parse_amount(raw: &str) -> Result<i64, String> {
    let cleaned: String =
        raw.trim().chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect::<String>().replace(',', ".");
    let bad = || format!("\"{}\" is not an amount like -12.30.", raw.trim());
    let (neg, digits) = cleaned.strip_prefix('-').map_or((false, cleaned.as_str()), |d| (true, d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || frac.len() > 2
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || int.len() > 15
    {
        return Err(bad());
    }
    let int: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| bad())? };
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let minor = int * 100 + frac;
    Ok(if neg { -minor } else { minor })
}

/// Serde for minor units as their exact decimal text (`"-12.30"`), the SPEC §5 form of amounts.
pub mod as_decimal {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(minor: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_minor(*minor))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        super::parse_minor(&text).ok_or_else(|| D::Error::custom(format!("{text:?} is not an amount like -12.30")))
    }

    /// The same for an optional amount (`null` when absent).
    pub mod option {
        crate::shared::serde_text::optional_i64!();
    }
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
    fn decimal_text_parses_back_exactly() {
        for minor in [-1230, 5, -5, 0, 123_456_789, i64::MAX, i64::MIN] {
            assert_eq!(parse_minor(&format_minor(minor)), Some(minor), "{minor}");
        }
        for bad in ["", "1", "1.2", "1.234", "-.12", "+1.00", "1,00", "x.00"] {
            assert_eq!(parse_minor(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts_parse_exactly() {
        assert_eq!(parse_amount("-12.3"), Ok(-1230));
        assert_eq!(parse_amount("1 234,50"), Ok(123_450));
        assert_eq!(parse_amount("0.05"), Ok(5));
        assert_eq!(parse_amount("7"), Ok(700));
        for bad in ["", "abc", "1.234", "--1", "1e3", "12.3.4"] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_groups_thousands() {
        assert_eq!(display_minor(-12_345_678), "-123\u{a0}456.78");
        assert_eq!(display_minor(99), "0.99");
        assert_eq!(display_minor(-5), "-0.05");
        assert_eq!(display_minor(100_000), "1\u{a0}000.00");
        assert_eq!(display_minor(i64::MIN), "-92\u{a0}233\u{a0}720\u{a0}368\u{a0}547\u{a0}758.08");
        assert_eq!(display_amount(-123_456, "PLN"), "-1\u{a0}234.56 PLN");
    }

    #[test]
    fn thousands_are_grouped_from_the_right() {
        let grouped = |v: u64| {
            let mut out = String::from(">");
            group_thousands(v, '_', &mut out);
            out
        };
        assert_eq!(grouped(0), ">0");
        assert_eq!(grouped(999), ">999");
        assert_eq!(grouped(1_000), ">1_000");
        assert_eq!(grouped(12_345_678), ">12_345_678");
        assert_eq!(grouped(u64::MAX), ">18_446_744_073_709_551_615");
    }
}
