//! Income confirmation in the style of the bank-data aggregators: for the three calendar months up to the
//! application (M-0 is the month it was made in, then M-1, M-2) and the 90 days before it, the income per
//! currency split by source type, each source with its payer, regularity and confidence.
//!
//! A payer is an income source when its payments recur — at least [`MIN_MONTHS`] calendar months in a row
//! with a payment within ±[`DAY_TOLERANCE`] days of the same day of the month and of a similar amount — or
//! when the bank says what the payment is (its transaction kind: salary, pension, a benefit).

use crate::shared::text_enum::text_enum;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Months in a row a payer must pay on schedule to count as a source without the bank's word for it.
pub const MIN_MONTHS: usize = 3;
/// How far from its usual day of the month a payment may fall and still be on schedule.
pub const DAY_TOLERANCE: u32 = 5;
/// How far from the payer's usual amount an on-schedule payment may be (percent).
const AMOUNT_TOLERANCE_PERCENT: i64 = 35;

text_enum! {
    #[derive(PartialOrd, Ord)]
    pub enum SourceType {
        Salary = "salary",
        Pension = "pension",
        Benefits = "benefits",
        Invoices = "invoices",
        Other = "other",
    }
}

text_enum! {
    pub enum Confidence {
        High = "high",
        Medium = "medium",
    }
}

/// The incoming payments of one counterparty in one currency (never transfers between the applicant's own
/// accounts), kept compact: the pipeline builds these while it stores 100,000 rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayerHistory {
    pub party: String,
    /// The currency of the first payment seen (a counterparty paid in two currencies is rare enough to
    /// show under one).
    pub currency: String,
    pub party_iban: Option<String>,
    /// Amounts as positive minor units, whichever way the money went.
    pub payments: Vec<(NaiveDate, i64)>,
    /// How many payments the bank's texts say are of each type (incoming payments only).
    pub stated: BTreeMap<SourceType, usize>,
    /// The smallest (title, kind) seen: what the labels read for the whole counterparty, the same whatever
    /// order the rows arrive in.
    pub sample: Option<(String, String)>,
}

impl PayerHistory {
    pub fn new(party: &str, currency: &str) -> Self {
        Self { party: party.to_string(), currency: currency.to_string(), ..Default::default() }
    }

    /// Adds one incoming payment (`amount_minor` > 0) and what the bank says it is.
    pub fn add(&mut self, on: NaiveDate, amount_minor: i64, kind: &str, title: &str, party_iban: Option<&str>) {
        if let Some(t) = stated_type(kind, title) {
            *self.stated.entry(t).or_default() += 1;
        }
        self.add_payment(on, amount_minor, kind, title, party_iban);
    }

    /// Adds one payment (`amount_minor` as a positive amount).
    pub fn add_payment(&mut self, on: NaiveDate, amount_minor: i64, kind: &str, title: &str, party_iban: Option<&str>) {
        self.payments.push((on, amount_minor));
        // The smallest IBAN and texts seen, so the result does not depend on the order rows arrive in.
        if let Some(iban) = party_iban.filter(|i| self.party_iban.as_deref().is_none_or(|seen| *i < seen)) {
            self.party_iban = Some(iban.to_string());
        }
        if self.sample.as_ref().is_none_or(|(t, k)| (title, kind) < (t.as_str(), k.as_str())) {
            self.sample = Some((title.to_string(), kind.to_string()));
        }
    }
}

/// Income in M-0, M-1, M-2 and over the 90 days up to the application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeFigures {
    /// `[M-0, M-1, M-2]`, each the sum of the month's payments.
    pub months_minor: [i64; 3],
    /// The payments of the 90 days up to and including the application day, and their monthly average (÷ 3).
    pub last_90_days_minor: i64,
    pub average_90_days_minor: i64,
}

impl IncomeFigures {
    fn add(&mut self, other: &IncomeFigures) {
        for (mine, theirs) in self.months_minor.iter_mut().zip(other.months_minor) {
            *mine += theirs;
        }
        self.last_90_days_minor += other.last_90_days_minor;
        self.average_90_days_minor = self.last_90_days_minor / 3;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeSourceConfirmed {
    pub source_type: SourceType,
    pub payer: String,
    pub payer_iban: Option<String>,
    pub currency: String,
    /// The usual day of the month (the median of the payments' days).
    pub day_of_month: u32,
    /// The longest run of consecutive months paid on schedule.
    pub months_seen: i64,
    pub confidence: Confidence,
    /// Why this payer counts, in words (the rule that fired).
    pub reason: String,
    pub figures: IncomeFigures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeByType {
    pub source_type: SourceType,
    pub currency: String,
    pub figures: IncomeFigures,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeConfirmation {
    /// The application's day (`YYYY-MM-DD`): M-0 is its month, the 90 days end on it.
    pub as_of: String,
    /// `YYYY-MM` of M-0, M-1, M-2.
    pub months: [String; 3],
    /// The first day of the 90-day window (`YYYY-MM-DD`).
    pub window_from: String,
    pub by_type: Vec<IncomeByType>,
    pub sources: Vec<IncomeSourceConfirmed>,
}

/// What the bank's kind or the title says a payment is; `None` when it says nothing we can rely on.
pub fn stated_type(kind: &str, title: &str) -> Option<SourceType> {
    let text = format!("{} {}", kind.to_lowercase(), title.to_lowercase());
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&["wynagrodzenie", "gehalt", "lohn", "salary", "payroll", "wages"]) {
        Some(SourceType::Salary)
    } else if has(&["emerytura", "renta ", "rente", "pension"]) {
        Some(SourceType::Pension)
    } else if has(&["świadczenie", "zasiłek", "800+", "kindergeld", "arbeitslosengeld", "bürgergeld", "benefit"]) {
        Some(SourceType::Benefits)
    } else if has(&["faktura", "fv/", "rechnung", "invoice"]) {
        Some(SourceType::Invoices)
    } else {
        None
    }
}

pub(crate) fn month_key(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

pub(crate) fn month_text(key: i32) -> String {
    format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1)
}

pub(crate) fn median<T: Copy + Ord>(mut values: Vec<T>) -> Option<T> {
    values.sort_unstable();
    values.get(values.len().saturating_sub(1) / 2).copied()
}

/// Confirms the income of `payers` as of `as_of` (the application's day).
pub fn confirm_income(payers: impl IntoIterator<Item = PayerHistory>, as_of: NaiveDate) -> IncomeConfirmation {
    let m0 = month_key(as_of);
    let window_from = as_of.checked_sub_days(Days::new(89)).unwrap_or(as_of);
    let mut sources: Vec<IncomeSourceConfirmed> =
        payers.into_iter().filter_map(|payer| source_of(payer, m0, window_from, as_of)).collect();
    sources.sort_by(|a, b| {
        b.figures
            .last_90_days_minor
            .cmp(&a.figures.last_90_days_minor)
            .then(a.payer.cmp(&b.payer))
            .then(a.currency.cmp(&b.currency))
    });
    let mut by_type: BTreeMap<(SourceType, String), IncomeFigures> = BTreeMap::new();
    for s in &sources {
        by_type.entry((s.source_type, s.currency.clone())).or_default().add(&s.figures);
    }
    IncomeConfirmation {
        as_of: as_of.to_string(),
        months: [month_text(m0), month_text(m0 - 1), month_text(m0 - 2)],
        window_from: window_from.to_string(),
        by_type: by_type
            .into_iter()
            .map(|((source_type, currency), figures)| IncomeByType { source_type, currency, figures })
            .collect(),
        sources,
    }
}

fn source_of(payer: PayerHistory, m0: i32, window_from: NaiveDate, as_of: NaiveDate) -> Option<IncomeSourceConfirmed> {
    let payments: Vec<(NaiveDate, i64)> =
        payer.payments.iter().copied().filter(|(on, amount)| *amount > 0 && *on <= as_of).collect();
    let (day_of_month, months_seen) = regularity(&payments)?;
    // The bank's word: the type its texts give most of the payer's payments.
    let stated = payer.stated.iter().max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t))).map(|(t, _)| *t);
    let regular = months_seen >= MIN_MONTHS;
    // An invoice paid once is not income one can count on; a salary, pension or benefit the bank names is.
    if !regular && stated.is_none_or(|t| t == SourceType::Invoices) {
        return None;
    }
    let source_type = stated.unwrap_or(SourceType::Other);
    let reason = match (stated, regular) {
        (Some(t), true) => format!("the bank marks the payments as {}; paid {months_seen} months in a row", t.as_str()),
        (Some(t), false) => format!("the bank marks the payments as {}", t.as_str()),
        (None, _) => format!(
            "paid {months_seen} months in a row within ±{DAY_TOLERANCE} days of day {day_of_month}, similar amounts"
        ),
    };
    let confidence =
        if (regular && stated.is_some()) || months_seen >= 6 { Confidence::High } else { Confidence::Medium };
    let mut figures = IncomeFigures::default();
    for (on, amount) in &payments {
        if let Some(slot) = usize::try_from(m0 - month_key(*on)).ok().filter(|k| *k < 3) {
            figures.months_minor[slot] += amount;
        }
        if *on >= window_from {
            figures.last_90_days_minor += amount;
        }
    }
    figures.average_90_days_minor = figures.last_90_days_minor / 3;
    Some(IncomeSourceConfirmed {
        source_type,
        payer: payer.party,
        payer_iban: payer.party_iban,
        currency: payer.currency,
        day_of_month,
        months_seen: months_seen as i64,
        confidence,
        reason,
        figures,
    })
}

/// The usual day of the month of `payments` (the median day) and the longest run of consecutive months with a
/// payment within ±`DAY_TOLERANCE` days of it and of a similar amount; `None` without payments.
pub(crate) fn regularity(payments: &[(NaiveDate, i64)]) -> Option<(u32, usize)> {
    let day_of_month = median(payments.iter().map(|(on, _)| on.day()).collect())?;
    let usual_amount = median(payments.iter().map(|(_, amount)| *amount).collect())?;
    let on_schedule = |(on, amount): &&(NaiveDate, i64)| {
        on.day().abs_diff(day_of_month) <= DAY_TOLERANCE
            && (amount - usual_amount).abs() * 100 <= usual_amount * AMOUNT_TOLERANCE_PERCENT
    };
    let months: BTreeSet<i32> = payments.iter().filter(on_schedule).map(|(on, _)| month_key(*on)).collect();
    Some((day_of_month, longest_run(&months)))
}

/// The longest run of consecutive month keys.
pub(crate) fn longest_run(months: &BTreeSet<i32>) -> usize {
    let (mut best, mut run, mut previous) = (0, 0, None);
    for &m in months {
        run = if previous == Some(m - 1) { run + 1 } else { 1 };
        best = best.max(run);
        previous = Some(m);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Payments grouped by payer, as the pipeline builds them.
    fn payers(payments: &[(&str, i64, &str, &str)]) -> Vec<PayerHistory> {
        let mut by: BTreeMap<String, PayerHistory> = BTreeMap::new();
        for (on, amount, party, kind) in payments {
            let on = NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
            by.entry(party.to_string())
                .or_insert_with(|| PayerHistory::new(party, "PLN"))
                .add(on, *amount, kind, "", None);
        }
        by.into_values().collect()
    }

    #[test]
    fn a_monthly_salary_is_confirmed_with_its_months_and_the_90_day_average() {
        let mut paid: Vec<(String, i64)> = Vec::new();
        for (m, day) in [(7, 10), (8, 8), (9, 10), (10, 10), (11, 10)] {
            paid.push((format!("2026-{m:02}-{day:02}"), 800_000 + m));
        }
        let mut all: Vec<(&str, i64, &str, &str)> =
            paid.iter().map(|(on, amount)| (on.as_str(), *amount, "ACME", "WYNAGRODZENIE")).collect();
        all.push(("2026-11-03", 15_000, "Katarzyna", "PRZELEW PRZYCHODZĄCY"));
        all.push(("2026-08-21", 9_000, "Katarzyna", "PRZELEW PRZYCHODZĄCY"));
        let c = confirm_income(payers(&all), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        assert_eq!(c.months, ["2026-12", "2026-11", "2026-10"]);
        assert_eq!(c.sources.len(), 1, "a friend's occasional transfers are not income: {:?}", c.sources);
        let s = &c.sources[0];
        assert_eq!(
            (s.source_type, s.payer.as_str(), s.day_of_month, s.months_seen),
            (SourceType::Salary, "ACME", 10, 5)
        );
        assert_eq!(s.confidence, Confidence::High);
        assert_eq!(s.figures.months_minor, [0, 800_011, 800_010]);
        // 2026-09-04 .. 2026-12-02: September's, October's and November's salaries.
        assert_eq!(s.figures.last_90_days_minor, 800_009 + 800_010 + 800_011);
        assert_eq!(c.by_type[0].figures.average_90_days_minor, (800_009 + 800_010 + 800_011) / 3);
    }

    #[test]
    fn an_unnamed_payer_counts_only_after_three_months_in_a_row_on_schedule() {
        let two = [("2026-09-01", 50_000, "Tenant", "PRZELEW"), ("2026-10-02", 50_000, "Tenant", "PRZELEW")];
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert!(confirm_income(payers(&two), as_of).sources.is_empty());
        let mut three = two.to_vec();
        three.push(("2026-11-03", 51_000, "Tenant", "PRZELEW"));
        let c = confirm_income(payers(&three), as_of);
        assert_eq!(c.sources[0].source_type, SourceType::Other);
        assert_eq!(c.sources[0].confidence, Confidence::Medium);
        // Off schedule (day 25 vs the usual 2) breaks the run.
        let mut late = two.to_vec();
        late.push(("2026-11-25", 50_000, "Tenant", "PRZELEW"));
        assert!(confirm_income(payers(&late), as_of).sources.is_empty());
    }

    #[test]
    fn the_banks_word_names_the_type_even_before_three_months() {
        let c = confirm_income(
            payers(&[("2026-11-05", 240_000, "ZUS", "EMERYTURA")]),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        );
        assert_eq!(c.sources[0].source_type, SourceType::Pension);
        assert_eq!(stated_type("Gehalt", ""), Some(SourceType::Salary));
        assert_eq!(stated_type("Überweisung", "Kindergeld 11/2026"), Some(SourceType::Benefits));
        assert_eq!(stated_type("Credit transfer", "Invoice 2026/11/7"), Some(SourceType::Invoices));
        assert_eq!(stated_type("PRZELEW PRZYCHODZĄCY", "Zwrot za obiad"), None);
    }
}
