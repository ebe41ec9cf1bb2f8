//! Building statements whose filters depend on the request, with their bind values numbered in order.

use super::Backend;
use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs};
use sqlx::Any;

/// Bind values of a dynamically built statement, numbered `$1…` in the order they are pushed.
#[derive(Default)]
pub struct Binds {
    values: Vec<BindValue>,
}

enum BindValue {
    Int(i64),
    Text(String),
}

impl Binds {
    pub fn push_int(&mut self, v: i64) -> String {
        self.values.push(BindValue::Int(v));
        format!("${}", self.values.len())
    }

    pub fn push_text(&mut self, v: impl Into<String>) -> String {
        self.values.push(BindValue::Text(v.into()));
        format!("${}", self.values.len())
    }

    /// `($n, $n+1, …)` for an `IN` list of texts.
    pub fn push_text_list<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> String {
        let placeholders: Vec<String> = values.into_iter().map(|v| self.push_text(v)).collect();
        format!("({})", placeholders.join(", "))
    }

    pub fn apply<'q>(&'q self, mut q: Query<'q, Any, AnyArguments<'q>>) -> Query<'q, Any, AnyArguments<'q>> {
        for v in &self.values {
            q = match v {
                BindValue::Int(i) => q.bind(*i),
                BindValue::Text(t) => q.bind(t.as_str()),
            };
        }
        q
    }

    pub fn apply_as<'q, O>(
        &'q self,
        mut q: QueryAs<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
        for v in &self.values {
            q = match v {
                BindValue::Int(i) => q.bind(*i),
                BindValue::Text(t) => q.bind(t.as_str()),
            };
        }
        q
    }
}

/// `%text%` for LIKE, with the pattern characters of the user's text escaped.
fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A case-insensitive "contains" over `columns`, true when any column contains the text. Text of ASCII
/// characters only needs one lower-cased match per column: a match of ASCII text is ASCII in the value too.
/// SQLite's LIKE ignores ASCII case by itself (LOWER() would only copy every row's text to fold what LIKE
/// already ignores); SQLite's LOWER() and LIKE fold nothing else, so other text is also tried in upper case and
/// title case ("łukasz" finds "Łukasz", "ŻABKA"). PostgreSQL compares `strpos(LOWER(value), text)` instead of
/// `LOWER(value) LIKE '%text%'`: the same test, but the planner's estimate for LIKE (a few rows) made it scan
/// and sort every row of an account instead of walking its index until a page was full (100 ms → 0.6 ms on
/// 100,000 transactions).
pub fn contains_text(b: &mut Binds, backend: Backend, columns: &[&str], text: &str) -> String {
    let parts: Vec<String> = match backend {
        Backend::Sqlite => {
            let lower = b.push_text(like_pattern(&text.to_lowercase()));
            let cases: Vec<String> =
                other_cases(text).into_iter().map(|case| b.push_text(like_pattern(&case))).collect();
            columns
                .iter()
                .map(|c| {
                    let mut part = format!("COALESCE({c}, '') LIKE {lower} ESCAPE '\\'");
                    for case in &cases {
                        part.push_str(&format!(" OR COALESCE({c}, '') LIKE {case} ESCAPE '\\'"));
                    }
                    part
                })
                .collect()
        }
        Backend::Postgres => {
            let lower = b.push_text(text.to_lowercase());
            let cases: Vec<String> = other_cases(text).into_iter().map(|case| b.push_text(case)).collect();
            columns
                .iter()
                .map(|c| {
                    let mut part = format!("strpos(LOWER({c}), {lower}) > 0");
                    for case in &cases {
                        part.push_str(&format!(" OR strpos({c}, {case}) > 0"));
                    }
                    part
                })
                .collect()
        }
    };
    format!("({})", parts.join(" OR "))
}

/// Upper and title case of text that is not ASCII ("łukasz" → "ŁUKASZ", "Łukasz"): the cases SQLite's case
/// folding, which knows only ASCII letters, cannot match by itself. None for ASCII text.
fn other_cases(text: &str) -> Vec<String> {
    if text.is_ascii() {
        return vec![];
    }
    let title: String = text
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect()).unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ");
    vec![text.to_uppercase(), title]
}

/// A case-insensitive "contains" over a column the engine keeps as `lower(…)` of the searched text: a plain
/// substring test (`instr` / `strpos`, no pattern to escape or match) of the lower-cased text, and for other
/// than ASCII text also of its upper and title case with ASCII letters folded (SQLite's `lower()`, like a
/// PostgreSQL cluster in the C locale, folds only ASCII: "ŁUKASZ" is kept as "Łukasz"). It finds what
/// [`contains_text`] finds in the columns the text is made of.
pub fn contains_folded(b: &mut Binds, backend: Backend, column: &str, text: &str) -> String {
    let mut needles = vec![text.to_lowercase()];
    for case in other_cases(text) {
        let folded = case.to_ascii_lowercase();
        if !needles.contains(&folded) {
            needles.push(folded);
        }
    }
    let find = match backend {
        Backend::Sqlite => "instr",
        Backend::Postgres => "strpos",
    };
    let parts: Vec<String> = needles.into_iter().map(|n| format!("{find}({column}, {}) > 0", b.push_text(n))).collect();
    format!("({})", parts.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_push_order() {
        let mut b = Binds::default();
        assert_eq!(b.push_int(1), "$1");
        assert_eq!(b.push_text_list(["a", "b"]), "($2, $3)");
        assert_eq!(b.push_text("c"), "$4");
    }

    #[test]
    fn ascii_text_is_one_lower_cased_match_per_column_and_other_text_three() {
        let mut b = Binds::default();
        let ascii = contains_text(&mut b, Backend::Sqlite, &["a", "b"], "NoWak");
        assert_eq!(ascii.matches(" LIKE ").count(), 2);
        assert!(!ascii.contains("LOWER("), "SQLite's LIKE ignores ASCII case itself: {ascii}");
        assert!(matches!(&b.values[..], [BindValue::Text(p)] if p == "%nowak%"));
        let mut b = Binds::default();
        let postgres = contains_text(&mut b, Backend::Postgres, &["a", "b"], "NoWak");
        assert_eq!(postgres, "(strpos(LOWER(a), $1) > 0 OR strpos(LOWER(b), $1) > 0)", "PostgreSQL's LIKE does not");
        assert!(matches!(&b.values[..], [BindValue::Text(p)] if p == "nowak"), "a plain text, nothing escaped");
        let mut b = Binds::default();
        let postgres = contains_text(&mut b, Backend::Postgres, &["a"], "łukasz");
        assert_eq!(postgres, "(strpos(LOWER(a), $1) > 0 OR strpos(a, $2) > 0 OR strpos(a, $3) > 0)");
        let mut b = Binds::default();
        let other = contains_text(&mut b, Backend::Sqlite, &["a", "b"], "łukasz nowak");
        assert_eq!(other.matches(" LIKE ").count(), 6);
        let patterns: Vec<&str> =
            b.values.iter().map(|v| if let BindValue::Text(t) = v { t.as_str() } else { "" }).collect();
        assert_eq!(patterns, ["%łukasz nowak%", "%ŁUKASZ NOWAK%", "%Łukasz Nowak%"]);
    }

    #[test]
    fn a_folded_column_is_searched_by_substring_of_each_distinct_case() {
        let texts = |b: &Binds| -> Vec<String> {
            b.values.iter().map(|v| if let BindValue::Text(t) = v { t.clone() } else { String::new() }).collect()
        };
        let mut b = Binds::default();
        assert_eq!(contains_folded(&mut b, Backend::Sqlite, "s", "NoWak"), "(instr(s, $1) > 0)");
        assert_eq!(texts(&b), ["nowak"]);
        let mut b = Binds::default();
        assert_eq!(contains_folded(&mut b, Backend::Postgres, "s", "100%_"), "(strpos(s, $1) > 0)");
        assert_eq!(texts(&b), ["100%_"], "no pattern characters to escape");
        let mut b = Binds::default();
        let other = contains_folded(&mut b, Backend::Sqlite, "s", "ŁUKASZ nowak");
        // Upper and title case fold to the same ASCII-lowered text: "Łukasz nowak", tried once.
        assert_eq!(other, "(instr(s, $1) > 0 OR instr(s, $2) > 0)");
        assert_eq!(texts(&b), ["łukasz nowak", "Łukasz nowak"]);
    }

    #[test]
    fn like_metacharacters_in_the_text_are_escaped() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
