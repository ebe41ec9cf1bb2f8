//! What the applicant must pay each month and what should worry a reviewer: recurring obligations found the
//! way income sources are (the same counterparty at least three months in a row within ±5 days, or a payment
//! the labels call an obligation), the monthly affordability (income − obligations − typical living costs),
//! and the risk signals, each with the counterparty behind it so its evidence is one link away.

#[cfg(feature = "ssr")]
use super::income::{month_key, regularity, IncomeConfirmation, PayerHistory, MIN_MONTHS};
#[cfg(feature = "ssr")]
use super::labels::{group_of, label, LabelGroup, LabelInput, OwnAccounts};
#[cfg(feature = "ssr")]
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// A payment the applicant makes every month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    /// An `obligations:*` label (`docs/labels.md`), or `obligations:recurring` for a regular payment to a
    /// counterparty no rule names.
    pub category: String,
    pub payee: String,
    pub payee_iban: Option<String>,
    pub currency: String,
    pub day_of_month: u32,
    pub months_seen: i64,
    /// Why it counts: the label's rule, or the regularity.
    pub reason: String,
    pub last_90_days_minor: i64,
    /// The 90 days ÷ 3.
    pub monthly_minor: i64,
}

/// Income − obligations − typical living costs, per month over the 90 days up to the application, in the
/// analysis's currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affordability {
    pub currency: String,
    pub income_minor: i64,
    pub obligations_minor: i64,
    /// Money out labelled `living:*` (food, fuel, health, transport).
    pub living_costs_minor: i64,
    pub disposable_minor: i64,
}

/// Money to or from a counterparty that a risk label names (gambling, payday lenders, debt collection,
/// bailiffs, returned payments, crypto).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// The `risk:*` label.
    pub code: String,
    pub rule: String,
    pub party: String,
    /// `in` or `out`.
    pub flow: String,
    pub count: i64,
    /// The sum of the payments, as signed minor units.
    pub total_minor: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub obligations: Vec<Obligation>,
    pub affordability: Affordability,
    pub signals: Vec<Signal>,
}

#[cfg(feature = "ssr")]
fn label_of(c: &PayerHistory, incoming: bool) -> Vec<super::labels::TransactionLabel> {
    let (title, kind) = c.sample.clone().unwrap_or_default();
    let amount = if incoming { 1 } else { -1 };
    let input = LabelInput {
        title: &title,
        party: Some(&c.party),
        party_iban: c.party_iban.as_deref(),
        kind: &kind,
        amount_minor: amount,
        balance_after_minor: None,
    };
    label(&input, &OwnAccounts::default())
}

#[cfg(feature = "ssr")]
/// Obligations, affordability and signals from the counterparties' payments (own transfers left out) as of
/// the application's day. `outgoing` holds positive amounts.
pub fn assess(
    incoming: &[PayerHistory],
    outgoing: &[PayerHistory],
    income: &IncomeConfirmation,
    currency: &str,
    as_of: NaiveDate,
) -> Assessment {
    let window_from = as_of.checked_sub_days(Days::new(89)).unwrap_or(as_of);
    let in_window = |c: &PayerHistory| -> i64 {
        c.payments.iter().filter(|(on, _)| *on >= window_from && *on <= as_of).map(|(_, a)| a).sum()
    };
    let mut obligations = Vec::new();
    let mut signals = Vec::new();
    let mut living = 0;
    for c in outgoing {
        let labels = label_of(c, false);
        let named = labels.iter().find(|l| group_of(&l.label) == Some(LabelGroup::Obligations));
        let last_90 = in_window(c);
        if labels.iter().any(|l| group_of(&l.label) == Some(LabelGroup::Living)) && c.currency == currency {
            living += last_90;
        }
        let payments: Vec<(NaiveDate, i64)> = c.payments.iter().copied().filter(|(on, _)| *on <= as_of).collect();
        if let Some((day_of_month, months_seen)) = regularity(&payments) {
            let regular = months_seen >= MIN_MONTHS;
            let discretionary = labels.iter().any(|l| group_of(&l.label) == Some(LabelGroup::Discretionary));
            let category = match (named, regular && !discretionary) {
                (Some(l), _) => Some((l.label.clone(), format!("label {} (rule {})", l.label, l.rule))),
                (None, true) => Some((
                    "obligations:recurring".to_string(),
                    format!("paid {months_seen} months in a row around day {day_of_month}"),
                )),
                (None, false) => None,
            };
            // Paid in the last three months: a closed loan is no obligation any more.
            let recent = payments.iter().any(|(on, _)| month_key(*on) >= month_key(as_of) - 2);
            if let Some((category, reason)) = category.filter(|_| recent && last_90 > 0) {
                obligations.push(Obligation {
                    category,
                    payee: c.party.clone(),
                    payee_iban: c.party_iban.clone(),
                    currency: c.currency.clone(),
                    day_of_month,
                    months_seen: months_seen as i64,
                    reason,
                    last_90_days_minor: last_90,
                    monthly_minor: last_90 / 3,
                });
            }
        }
        signals.extend(signal(c, &labels, "out"));
    }
    for c in incoming {
        signals.extend(signal(c, &label_of(c, true), "in"));
    }
    obligations.sort_by(|a, b| b.monthly_minor.cmp(&a.monthly_minor).then(a.payee.cmp(&b.payee)));
    signals.sort_by(|a, b| a.code.cmp(&b.code).then(a.party.cmp(&b.party)).then(a.flow.cmp(&b.flow)));
    let income_minor: i64 =
        income.by_type.iter().filter(|t| t.currency == currency).map(|t| t.figures.average_90_days_minor).sum();
    let obligations_minor: i64 = obligations.iter().filter(|o| o.currency == currency).map(|o| o.monthly_minor).sum();
    let living_costs_minor = living / 3;
    Assessment {
        affordability: Affordability {
            currency: currency.to_string(),
            income_minor,
            obligations_minor,
            living_costs_minor,
            disposable_minor: income_minor - obligations_minor - living_costs_minor,
        },
        obligations,
        signals,
    }
}

#[cfg(feature = "ssr")]
fn signal(c: &PayerHistory, labels: &[super::labels::TransactionLabel], flow: &str) -> Option<Signal> {
    let risk = labels.iter().find(|l| group_of(&l.label) == Some(LabelGroup::Risk))?;
    let sum: i64 = c.payments.iter().map(|(_, a)| a).sum();
    Some(Signal {
        code: risk.label.clone(),
        rule: risk.rule.clone(),
        party: c.party.clone(),
        flow: flow.to_string(),
        count: c.payments.len() as i64,
        total_minor: if flow == "in" { sum } else { -sum },
    })
}

/// The applicant's name as the business gave it (`applicantName`) against the accounts' owners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerCheck {
    pub applicant_name: String,
    pub owners: Vec<String>,
    /// One of the owners is the applicant (the same words, ignoring case, accents and order; a middle name
    /// more or less is allowed).
    pub matches: bool,
}

impl OwnerCheck {
    pub fn new(applicant_name: &str, owners: Vec<String>) -> Self {
        let applicant = name_words(applicant_name);
        let matches = owners.iter().any(|o| {
            let owner = name_words(o);
            let (small, large) =
                if owner.len() <= applicant.len() { (&owner, &applicant) } else { (&applicant, &owner) };
            !small.is_empty() && (small == large || (small.len() >= 2 && small.is_subset(large)))
        });
        Self { applicant_name: applicant_name.to_string(), owners, matches }
    }
}

/// The words of a name, lower-cased and without accents (`Wiśniewska` = `wisniewska`).
fn name_words(name: &str) -> std::collections::BTreeSet<String> {
    let folded: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ą' | 'ä' | 'á' | 'à' => 'a',
            'ć' | 'č' => 'c',
            'ę' | 'é' | 'è' | 'ě' => 'e',
            'ł' => 'l',
            'ń' | 'ñ' => 'n',
            'ó' | 'ö' | 'ô' => 'o',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ü' | 'ú' => 'u',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    folded.replace('ß', "ss").split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_owner_matches_the_applicant_by_their_words_not_their_spelling() {
        let check =
            |name: &str, owners: &[&str]| OwnerCheck::new(name, owners.iter().map(|o| o.to_string()).collect()).matches;
        assert!(check("Jan Kowalski", &["Jan Kowalski", "Anna Kowalska"]));
        assert!(check("KOWALSKI jan", &["Jan Kowalski"]));
        assert!(check("Katarzyna Wisniewska", &["Katarzyna Wiśniewska"]));
        assert!(check("Jan Paweł Kowalski", &["Jan Kowalski"]), "a middle name more");
        assert!(!check("Anna Nowak", &["Jan Kowalski"]));
        assert!(!check("Kowalski", &["Jan Kowalski"]), "one word is not enough");
    }

    use super::*;

    fn history(party: &str, title: &str, kind: &str, payments: &[(&str, i64)]) -> PayerHistory {
        let mut c = PayerHistory::new(party, "PLN");
        for (on, amount) in payments {
            c.add_payment(NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap(), *amount, kind, title, None);
        }
        c
    }

    #[test]
    fn rent_a_loan_and_a_regular_unnamed_payment_are_obligations_and_groceries_are_living_costs() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let months = ["2026-08", "2026-09", "2026-10", "2026-11"];
        let monthly = |day: u32, amount: i64| -> Vec<(String, i64)> {
            months.iter().map(|m| (format!("{m}-{day:02}"), amount)).collect()
        };
        fn owned(v: &[(String, i64)]) -> Vec<(&str, i64)> {
            v.iter().map(|(d, a)| (d.as_str(), *a)).collect()
        }
        let rent = monthly(3, 250_000);
        let loan = monthly(15, 80_000);
        let gym = monthly(20, 12_000);
        let outgoing = vec![
            history("Maria Wiśniewska", "Czynsz za 11/2026", "ZLECENIE STAŁE", &owned(&rent)),
            history("Santander Consumer Bank", "Rata kredytu 12/36", "POLECENIE ZAPŁATY", &owned(&loan)),
            history("Fit Klub Anna Nowak", "Karnet", "PRZELEW WYCHODZĄCY", &owned(&gym)),
            history(
                "Biedronka",
                "BIEDRONKA 1234 WARSZAWA",
                "PŁATNOŚĆ KARTĄ",
                &[("2026-11-02", 30_000), ("2026-10-10", 60_000)],
            ),
            history("STS S.A.", "Zakład", "PRZELEW WYCHODZĄCY", &[("2026-11-05", 10_000), ("2026-11-06", 5_000)]),
        ];
        let a = assess(&[], &outgoing, &IncomeConfirmation::default(), "PLN", as_of);
        let found: Vec<(&str, &str, i64)> =
            a.obligations.iter().map(|o| (o.category.as_str(), o.payee.as_str(), o.monthly_minor)).collect();
        // 90 days back from 30 November: 2 September on, so three payments of each.
        assert_eq!(
            found,
            [
                ("obligations:rent", "Maria Wiśniewska", 250_000),
                ("obligations:loan", "Santander Consumer Bank", 80_000),
                ("obligations:recurring", "Fit Klub Anna Nowak", 12_000),
            ]
        );
        assert_eq!(a.affordability.living_costs_minor, 30_000);
        assert_eq!(a.affordability.disposable_minor, -(250_000 + 80_000 + 12_000 + 30_000));
        assert_eq!(a.signals.len(), 1);
        assert_eq!((a.signals[0].code.as_str(), a.signals[0].total_minor), ("risk:gambling", -15_000));
    }
}
