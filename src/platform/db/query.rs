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

/// A case-insensitive "contains" over `columns`. Text of ASCII characters only needs one lower-cased match per
/// column: a match of ASCII text is ASCII in the value too, and SQLite's LIKE ignores ASCII case by itself
/// (PostgreSQL's does not, so there the value is LOWER()ed; on SQLite LOWER() would only copy every row's text
/// to fold what LIKE already ignores). SQLite's LOWER() and LIKE fold nothing else, so other text is also tried
/// in upper case and title case ("łukasz" finds "Łukasz", "ŻABKA"). One cheap predicate per column is what
/// keeps the queue's name search, which walks rows until a page is full, close to the unfiltered queue.
pub fn contains_text(b: &mut Binds, backend: Backend, columns: &[&str], text: &str) -> String {
    let lower = b.push_text(like_pattern(&text.to_lowercase()));
    let other_cases = (!text.is_ascii()).then(|| {
        let title: String = text
            .split(' ')
            .map(|w| {
                let mut c = w.chars();
                c.next().map(|f| f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect()).unwrap_or_default()
            })
            .collect::<Vec<String>>()
            .join(" ");
        [b.push_text(like_pattern(&text.to_uppercase())), b.push_text(like_pattern(&title))]
    });
    let parts: Vec<String> = columns
        .iter()
        .map(|c| {
            let mut part = match backend {
                Backend::Sqlite => format!("COALESCE({c}, '') LIKE {lower} ESCAPE '\\'"),
                Backend::Postgres => format!("LOWER(COALESCE({c}, '')) LIKE {lower} ESCAPE '\\'"),
            };
            for case in other_cases.iter().flatten() {
                part.push_str(&format!(" OR COALESCE({c}, '') LIKE {case} ESCAPE '\\'"));
            }
            part
        })
        .collect();
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
        assert_eq!(postgres.matches("LOWER(COALESCE(").count(), 2, "PostgreSQL's LIKE does not: {postgres}");
        let mut b = Binds::default();
        let other = contains_text(&mut b, Backend::Sqlite, &["a", "b"], "łukasz nowak");
        assert_eq!(other.matches(" LIKE ").count(), 6);
        let patterns: Vec<&str> =
            b.values.iter().map(|v| if let BindValue::Text(t) = v { t.as_str() } else { "" }).collect();
        assert_eq!(patterns, ["%łukasz nowak%", "%ŁUKASZ NOWAK%", "%Łukasz Nowak%"]);
    }

    #[test]
    fn like_metacharacters_in_the_text_are_escaped() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
