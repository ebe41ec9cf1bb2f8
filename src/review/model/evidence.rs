//! The transactions behind one figure of the analysis, named by URL parameters so a reviewer can open and share
//! the evidence of any figure: `/applications/42/evidence?month=2026-05&flow=in`.

use crate::imports::model::Transaction;
use crate::shared::query::encode_into;
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
    /// The query parameters the filter reads (the page passes these on to the server).
    pub const KEYS: [&'static str; 11] =
        ["month", "from", "to", "flow", "party", "kind", "cash", "own", "large", "negative", "after"];

    /// Reads the query parameters. A value that is there but malformed is an error, never a dropped filter
    /// (which would list other rows than the figure's). `party` and `kind` are kept exactly as sent.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let present = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let canonical_day = |d: &str| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().filter(|p| p.format("%Y-%m-%d").to_string() == d)
        };
        let day = |k: &str| -> Result<Option<String>, String> {
            match present(k) {
                None => Ok(None),
                Some(d) if canonical_day(&d).is_some() => Ok(Some(d)),
                Some(_) => Err(format!("{k} must be a date like 2026-01-31.")),
            }
        };
        let exact = |k: &str| -> Result<Option<String>, String> {
            match get(k).filter(|v| !v.trim().is_empty()) {
                None => Ok(None),
                Some(v) if v.chars().count() <= 200 && !v.chars().any(char::is_control) => Ok(Some(v)),
                Some(_) => Err(format!("{k} must be at most 200 characters of text.")),
            }
        };
        let flag = |k: &str| -> Result<bool, String> {
            match present(k).as_deref() {
                None => Ok(false),
                Some("1") => Ok(true),
                Some(_) => Err(format!("{k} must be 1 or left out.")),
            }
        };
        let month = match present("month") {
            None => None,
            Some(m) if canonical_day(&format!("{m}-01")).is_some() => Some(m),
            Some(_) => return Err("month must be a month like 2026-01.".into()),
        };
        let flow = match present("flow") {
            None => None,
            Some(f) => Some(Flow::parse(&f).map_err(|_| "flow must be in or out.".to_string())?),
        };
        let after = match present("after") {
            None => None,
            Some(a) => {
                let position = a.rsplit_once('_').and_then(|(date, id)| {
                    canonical_day(date)?;
                    Some((date.to_string(), id.parse().ok()?))
                });
                Some(position.ok_or("after must be the position the previous page gave.")?)
            }
        };
        Ok(Self {
            month,
            from: day("from")?,
            to: day("to")?,
            flow,
            party: exact("party")?,
            kind: exact("kind")?,
            cash: flag("cash")?,
            own: flag("own")?,
            large: flag("large")?,
            negative: flag("negative")?,
            after,
        })
    }

    pub fn to_query(&self) -> String {
        let mut out = String::with_capacity(64);
        self.write_query(&mut out);
        out
    }

    /// The query appended to `out`, parameters in a fixed order (one buffer per link: the application page
    /// has hundreds of these links).
    fn write_query(&self, out: &mut String) {
        let start = out.len();
        let mut param = |key: &str, value: &str| {
            if out.len() > start {
                out.push('&');
            }
            out.push_str(key);
            out.push('=');
            encode_into(out, value);
        };
        for (key, value) in [("month", &self.month), ("from", &self.from), ("to", &self.to)] {
            if let Some(v) = value {
                param(key, v);
            }
        }
        if let Some(f) = self.flow {
            param("flow", f.as_str());
        }
        for (key, value) in [("party", &self.party), ("kind", &self.kind)] {
            if let Some(v) = value {
                param(key, v);
            }
        }
        for (key, on) in [("cash", self.cash), ("own", self.own), ("large", self.large), ("negative", self.negative)] {
            if on {
                param(key, "1");
            }
        }
        if let Some((date, id)) = &self.after {
            param("after", &format!("{date}_{id}"));
        }
    }

    /// The evidence page of `import_id` for this filter.
    pub fn href(&self, import_id: crate::shared::ImportId) -> String {
        let mut out = format!("/applications/{import_id}/evidence?");
        self.write_query(&mut out);
        out
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

    fn url_get(query: &str, key: &str) -> Option<String> {
        url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
    }

    #[test]
    fn links_carry_their_parameters_in_a_fixed_order_encoded() {
        let f = EvidenceFilter {
            month: Some("2026-05".into()),
            flow: Some(Flow::Out),
            party: Some("A&B Sp. z o.o.".into()),
            cash: true,
            large: true,
            ..Default::default()
        };
        assert_eq!(
            f.href(crate::shared::ImportId(7)),
            "/applications/7/evidence?month=2026-05&flow=out&party=A%26B%20Sp.%20z%20o.o.&cash=1&large=1"
        );
        assert_eq!(EvidenceFilter::default().href(crate::shared::ImportId(7)), "/applications/7/evidence?");
        assert_eq!(EvidenceFilter { own: true, ..Default::default() }.to_query(), "own=1");
    }

    #[test]
    fn filters_round_trip_and_malformed_values_are_refused_not_dropped() {
        let q = [("month", "2026-05"), ("flow", "in"), ("party", "ACME Sp. z o.o."), ("cash", "1")];
        let get = |k: &str| q.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        let f = EvidenceFilter::parse(get).unwrap();
        assert_eq!(f.month.as_deref(), Some("2026-05"));
        assert_eq!(EvidenceFilter::parse(|k| url_get(&f.to_query(), k)).unwrap(), f);
        assert_eq!(f.describe(), "Cash withdrawals from or to ACME Sp. z o.o. in 2026-05");
        for (key, value) in [
            ("month", "2026-13"),
            ("month", "2026-5"),
            ("from", "2026-5-1"),
            ("flow", "sideways"),
            ("party", "x\u{0}"),
            ("own", "yes"),
            ("after", "x_y"),
        ] {
            let bad = EvidenceFilter::parse(|k| (k == key).then(|| value.to_string()));
            assert!(bad.is_err(), "{key}={value:?}");
        }
        let spaced = EvidenceFilter::parse(|k| (k == "party").then(|| " Maria Wiśniewska ".to_string())).unwrap();
        assert_eq!(spaced.party.as_deref(), Some(" Maria Wiśniewska "), "the bank's spelling, spaces and all");
    }
}
