//! The transactions behind one figure of the analysis, named by URL parameters so a reviewer can open and share
//! the evidence of any figure: `/applications/42/evidence?month=2026-05&flow=in`.

use crate::imports::model::Transaction;
use crate::shared::query::encode;
use crate::shared::text_enum::text_enum;
use serde::{Deserialize, Serialize};

text_enum! {
    /// Money in or out, as the monthly figures count it: transfers between the applicant's own accounts left out.
    pub enum Flow {
        In = "in",
        Out = "out",
    }
}

/// Which transactions a figure stands for. Every condition narrows the one before; none at all is every row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EvidenceFilter {
    /// `YYYY-MM`.
    pub month: Option<String>,
    /// First and last day, `YYYY-MM-DD` (both included).
    pub from: Option<String>,
    pub to: Option<String>,
    pub flow: Option<Flow>,
    /// The counterparty's name, exactly as the bank sent it (a payer of regular income).
    pub party: Option<String>,
    /// The bank's `kind` text, exactly.
    pub kind: Option<String>,
    /// Cash withdrawals (outgoing, of a cash kind).
    pub cash: bool,
    /// Transfers between the applicant's own accounts.
    pub own: bool,
    /// With `cash`: only withdrawals of `LARGE_CASH_MINOR` or more.
    pub large: bool,
    /// Payments that left the balance below zero.
    pub negative: bool,
    /// The page after this row (`YYYY-MM-DD_id`, newest first): keyset paging through long evidence.
    pub after: Option<(String, i64)>,
}

impl EvidenceFilter {
    /// Reads the query parameters; malformed values are dropped (the page says which filter it shows).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let present = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let day = |k: &str| present(k).filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
        let bounded = |k: &str| present(k).filter(|v| v.chars().count() <= 200 && !v.chars().any(char::is_control));
        Self {
            month: present("month")
                .filter(|m| chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_ok()),
            from: day("from"),
            to: day("to"),
            flow: present("flow").and_then(|f| Flow::parse(&f).ok()),
            party: bounded("party"),
            kind: bounded("kind"),
            cash: present("cash").as_deref() == Some("1"),
            own: present("own").as_deref() == Some("1"),
            large: present("large").as_deref() == Some("1"),
            negative: present("negative").as_deref() == Some("1"),
            after: present("after").and_then(|a| {
                let (date, id) = a.rsplit_once('_')?;
                chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
                Some((date.to_string(), id.parse().ok()?))
            }),
        }
    }

    pub fn to_query(&self) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        if let Some(m) = &self.month {
            parts.push(("month", m.clone()));
        }
        if let Some(d) = &self.from {
            parts.push(("from", d.clone()));
        }
        if let Some(d) = &self.to {
            parts.push(("to", d.clone()));
        }
        if let Some(f) = self.flow {
            parts.push(("flow", f.as_str().into()));
        }
        if let Some(p) = &self.party {
            parts.push(("party", p.clone()));
        }
        if let Some(k) = &self.kind {
            parts.push(("kind", k.clone()));
        }
        if self.cash {
            parts.push(("cash", "1".into()));
        }
        if self.own {
            parts.push(("own", "1".into()));
        }
        if self.large {
            parts.push(("large", "1".into()));
        }
        if self.negative {
            parts.push(("negative", "1".into()));
        }
        if let Some((date, id)) = &self.after {
            parts.push(("after", format!("{date}_{id}")));
        }
        parts.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    }

    /// The evidence page of `import_id` for this filter.
    pub fn href(&self, import_id: crate::shared::ImportId) -> String {
        format!("/applications/{import_id}/evidence?{}", self.to_query())
    }

    /// What the filter shows, in words: the page's heading.
    pub fn describe(&self) -> String {
        let mut words = Vec::new();
        match (self.flow, self.cash, self.own) {
            _ if self.negative => words.push("Payments that left the balance below zero".to_string()),
            (_, true, _) if self.large => words.push("Large cash withdrawals".to_string()),
            (_, true, _) => words.push("Cash withdrawals".to_string()),
            (_, _, true) => words.push("Transfers between the applicant's own accounts".to_string()),
            (Some(Flow::In), ..) => words.push("Money in".to_string()),
            (Some(Flow::Out), ..) => words.push("Money out".to_string()),
            (None, ..) => words.push("All transactions".to_string()),
        }
        if let Some(p) = &self.party {
            words.push(format!("from or to {p}"));
        }
        if let Some(k) = &self.kind {
            words.push(format!("of kind “{k}”"));
        }
        if let Some(m) = &self.month {
            words.push(format!("in {m}"));
        }
        match (&self.from, &self.to) {
            (Some(f), Some(t)) => words.push(format!("from {f} to {t}")),
            (Some(f), None) => words.push(format!("from {f}")),
            (None, Some(t)) => words.push(format!("until {t}")),
            (None, None) => {}
        }
        words.join(" ")
    }
}

/// One transaction behind the figure, with the account it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRow {
    pub account_iban: String,
    pub transaction: Transaction,
}

/// The transactions behind a figure: every one counts toward `count` and `total_minor`; a page of
/// `EVIDENCE_ROWS` is listed, newest first, with the query of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidencePage {
    pub description: String,
    pub query: String,
    pub currency: String,
    pub count: i64,
    pub total_minor: i64,
    pub rows: Vec<EvidenceRow>,
    /// The query string of the next (older) page, if there is one.
    pub next_query: Option<String>,
}

pub const EVIDENCE_ROWS: i64 = 500;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_round_trip_and_malformed_values_are_dropped() {
        let q = [("month", "2026-05"), ("flow", "in"), ("party", "ACME Sp. z o.o."), ("cash", "1")];
        let get = |k: &str| q.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        let f = EvidenceFilter::from_query(get);
        assert_eq!(f.month.as_deref(), Some("2026-05"));
        assert_eq!(
            EvidenceFilter::from_query(|k| {
                let s = f.to_query();
                url_get(&s, k)
            }),
            f
        );
        let bad = EvidenceFilter::from_query(|k| match k {
            "month" => Some("2026-13".into()),
            "flow" => Some("sideways".into()),
            "party" => Some("x\u{0}".into()),
            "own" => Some("yes".into()),
            _ => None,
        });
        assert_eq!(bad, EvidenceFilter::default());
        assert_eq!(f.describe(), "Cash withdrawals from or to ACME Sp. z o.o. in 2026-05");
    }

    fn url_get(query: &str, key: &str) -> Option<String> {
        url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
    }
}
