//! The review queue's filters, parsed from the URL so a reviewer can share a link.

use super::application::Decision;
use super::import::ImportStatus;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const APPLICATIONS_PER_PAGE: i64 = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum DateOrder {
    #[default]
    NewestFirst,
    OldestFirst,
}

/// Where a page of the queue starts: after (older than, in the sort order) or before a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageCursor {
    After { created_at: i64, import_id: i64 },
    Before { created_at: i64, import_id: i64 },
}

impl PageCursor {
    /// `"1732500000000_42"` → the position of that row.
    pub fn parse_position(raw: &str) -> Option<(i64, i64)> {
        let (c, i) = raw.split_once('_')?;
        Some((c.parse().ok()?, i.parse().ok()?))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ApplicationFilter {
    /// Owner name or the business's reference, case-insensitive substring.
    pub search: Option<String>,
    pub status: Option<ImportStatus>,
    pub decision: Option<Decision>,
    pub target: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub order: DateOrder,
    pub cursor: Option<PageCursor>,
}

impl ApplicationFilter {
    /// Reads the query parameters; unknown or malformed values are ignored rather than failing the page.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let present = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let date = |k: &str| present(k).and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
        let cursor = present("after")
            .and_then(|v| PageCursor::parse_position(&v))
            .map(|(created_at, import_id)| PageCursor::After { created_at, import_id })
            .or_else(|| {
                present("before")
                    .and_then(|v| PageCursor::parse_position(&v))
                    .map(|(created_at, import_id)| PageCursor::Before { created_at, import_id })
            });
        Self {
            search: present("q").map(|q| q.chars().take(200).collect()),
            status: present("status").and_then(|s| ImportStatus::parse(&s).ok()),
            decision: present("decision").and_then(|d| Decision::parse(&d).ok()),
            target: present("bank").filter(|b| b.len() <= 64),
            from: date("from"),
            to: date("to"),
            order: if present("sort").as_deref() == Some("oldest") {
                DateOrder::OldestFirst
            } else {
                DateOrder::NewestFirst
            },
            cursor,
        }
    }

    /// The query string for this filter with another cursor (`None` = first page).
    pub fn to_query(&self, cursor: Option<PageCursor>) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        if let Some(q) = &self.search {
            parts.push(("q".into(), q.clone()));
        }
        if let Some(s) = self.status {
            parts.push(("status".into(), s.as_str().into()));
        }
        if let Some(d) = self.decision {
            parts.push(("decision".into(), d.as_str().into()));
        }
        if let Some(b) = &self.target {
            parts.push(("bank".into(), b.clone()));
        }
        if let Some(f) = self.from {
            parts.push(("from".into(), f.to_string()));
        }
        if let Some(t) = self.to {
            parts.push(("to".into(), t.to_string()));
        }
        if self.order == DateOrder::OldestFirst {
            parts.push(("sort".into(), "oldest".into()));
        }
        match cursor {
            Some(PageCursor::After { created_at, import_id }) => {
                parts.push(("after".into(), format!("{created_at}_{import_id}")))
            }
            Some(PageCursor::Before { created_at, import_id }) => {
                parts.push(("before".into(), format!("{created_at}_{import_id}")))
            }
            None => {}
        }
        parts.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    }
}

/// Percent-encodes a query value (unreserved characters stay as they are).
pub fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Filters of one account's transaction table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TransactionFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
    pub text: Option<String>,
    pub sort: TransactionSort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TransactionSort {
    #[default]
    NewestFirst,
    OldestFirst,
    LargestFirst,
    SmallestFirst,
}

impl TransactionSort {
    pub fn parse(raw: &str) -> Self {
        match raw {
            "oldest" => Self::OldestFirst,
            "largest" => Self::LargestFirst,
            "smallest" => Self::SmallestFirst,
            _ => Self::NewestFirst,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewestFirst => "newest",
            Self::OldestFirst => "oldest",
            Self::LargestFirst => "largest",
            Self::SmallestFirst => "smallest",
        }
    }
}

/// `"-12.3"` / `"1 234,50"` → minor units. Amounts are exact: never through a float.
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn filters_round_trip_through_the_query_string() {
        let q = [
            ("q", "Jan Kowalski"),
            ("status", "succeeded"),
            ("decision", "pending"),
            ("bank", "demo-pl"),
            ("from", "2026-01-01"),
            ("after", "100_7"),
        ];
        let get = |k: &str| q.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        let f = ApplicationFilter::from_query(get);
        assert_eq!(f.search.as_deref(), Some("Jan Kowalski"));
        assert_eq!(f.cursor, Some(PageCursor::After { created_at: 100, import_id: 7 }));
        let query = f.to_query(None);
        assert!(query.contains("q=Jan%20Kowalski") && query.contains("status=succeeded") && !query.contains("after"));
    }

    #[test]
    fn malformed_filters_are_ignored() {
        let f = ApplicationFilter::from_query(|k| match k {
            "status" => Some("bogus".into()),
            "from" => Some("yesterday".into()),
            "after" => Some("x_y".into()),
            _ => None,
        });
        assert_eq!(f, ApplicationFilter::default());
    }
}
