//! The review queue's and the transaction table's filters, parsed from the URL so a reviewer can share a link.

use crate::imports::model::{Decision, ImportStatus};
use crate::shared::query::encode;
use crate::shared::text_enum::text_enum;
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
    /// `assigned=me` / `assigned=nobody`: the cases of the member looking, or those nobody is on.
    pub assigned: Option<Assigned>,
    /// The member `Assigned::Me` means, filled in by the server from the session (never from the URL).
    #[serde(skip)]
    pub viewer: Option<crate::shared::UserId>,
}

text_enum! {
    pub enum Assigned {
        Me = "me",
        Nobody = "nobody",
    }
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
            search: present("q").map(|q| searchable(&q)),
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
            assigned: present("assigned").and_then(|a| Assigned::parse(&a).ok()),
            viewer: None,
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
        if let Some(a) = self.assigned {
            parts.push(("assigned".into(), a.as_str().into()));
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

/// Where a page of an account's transactions starts: after or before a row, by its position in the sort
/// (`2026-01-31_812` for dates, `-1230_812` for amounts; the number after `_` is the row id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransactionCursor {
    After(String),
    Before(String),
}

/// The sort key of a cursor position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorKey {
    Date(String),
    Amount(i64),
}

impl TransactionCursor {
    /// The page's cursor from the query (`after` wins over `before`); blanks are no cursor.
    pub fn from_query(after: Option<String>, before: Option<String>) -> Option<Self> {
        let present = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        present(after).map(Self::After).or_else(|| present(before).map(Self::Before))
    }

    /// The position a cursor names, read as an amount or a date; `None` when it is malformed.
    pub fn position(&self, amounts: bool) -> Option<(CursorKey, i64)> {
        let (Self::After(raw) | Self::Before(raw)) = self;
        let (key, id) = raw.rsplit_once('_')?;
        let id = id.parse().ok()?;
        let key = if amounts {
            CursorKey::Amount(key.parse().ok()?)
        } else {
            NaiveDate::parse_from_str(key, "%Y-%m-%d").ok()?;
            CursorKey::Date(key.to_string())
        };
        Some((key, id))
    }
}

/// Text to search for as a person typed it: at most 200 characters, control characters dropped (they are
/// never part of a name, and PostgreSQL cannot hold a NUL).
pub fn searchable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
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

text_enum! {
    #[derive(Default)]
    pub enum TransactionSort {
        #[default]
        NewestFirst = "newest",
        OldestFirst = "oldest",
        LargestFirst = "largest",
        SmallestFirst = "smallest",
    }
}

impl TransactionSort {
    /// The sort a link asked for; anything unknown sorts newest first.
    pub fn from_query(raw: &str) -> Self {
        Self::parse(raw).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn transaction_cursors_read_their_position_or_nothing() {
        let c = TransactionCursor::from_query(Some("2026-01-31_812".into()), None).unwrap();
        assert_eq!(c.position(false), Some((CursorKey::Date("2026-01-31".into()), 812)));
        assert_eq!(c.position(true), None, "a date is not an amount");
        let c = TransactionCursor::from_query(Some(" ".into()), Some("-1230_7".into())).unwrap();
        assert_eq!(c, TransactionCursor::Before("-1230_7".into()));
        assert_eq!(c.position(true), Some((CursorKey::Amount(-1230), 7)));
        assert_eq!(TransactionCursor::After("x_y".into()).position(true), None);
        assert_eq!(TransactionCursor::from_query(None, None), None);
    }

    #[test]
    fn search_text_is_bounded_and_has_no_control_characters() {
        assert_eq!(searchable("Jan\u{0}Kowalski\r\n"), "JanKowalski");
        assert_eq!(searchable(&"x".repeat(1000)).len(), 200);
    }
}
