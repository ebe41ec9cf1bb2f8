//! Plain data a connector describes itself with and returns: targets, accounts, transactions and paging
//! (owners are `banks::model::Owner`, stored as the bank reports them). Amounts are `i64` minor units
//! (2 decimals), never floats.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::BankError;
use crate::banks::model::{AccountOwner, Environment, TxStatus};
use crate::shared::text_enum::text_enum;

/// A target id such as `demo-pl`: 1..=64 characters of `[a-z0-9-]`, so it is safe in URLs and logs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TargetId(String);

impl TargetId {
    pub fn parse(s: &str) -> Result<Self, BankError> {
        let ok =
            (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(BankError::UnknownTarget)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TargetId {
    type Error = BankError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<TargetId> for String {
    fn from(id: TargetId) -> Self {
        id.0
    }
}

impl std::fmt::Display for TargetId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

text_enum! {
    /// How the end user authorises at the bank.
    pub enum AuthKind {
        Credentials = "credentials",
        CredentialsAndOneTimeCode = "credentials_and_one_time_code",
        Redirect = "redirect",
    }
}

impl AuthKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Credentials => "Login and password",
            Self::CredentialsAndOneTimeCode => "Login and password, sometimes a one-time code",
            Self::Redirect => "Redirect to the bank",
        }
    }
}

text_enum! {
    pub enum Health {
        Up = "up",
        Degraded = "degraded",
        Down = "down",
    }
}

/// Which kinds of data a target offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DataScope {
    pub owners: bool,
    pub accounts: bool,
    pub transactions: bool,
    pub cards: bool,
}

/// One entry of the bank catalog (`/banks`, the widget's bank list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetInfo {
    pub id: TargetId,
    pub name: String,
    /// ISO 3166-1 alpha-2, e.g. "PL".
    pub country: String,
    /// ISO 4217, e.g. "PLN".
    pub currency: String,
    pub scope: DataScope,
    pub auth: AuthKind,
    pub health: Health,
    pub environment: Environment,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    /// The bank's stable id of the account; pass it to `Connector::transactions`.
    pub provider_id: String,
    pub name: String,
    pub friendly_name: Option<String>,
    pub iban: String,
    pub currency: String,
    pub balance_minor: i64,
    pub funds_available_minor: i64,
    pub active_since_at_least: NaiveDate,
    pub owners: Vec<AccountOwner>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankTransaction {
    /// Unique within the account and stable across runs.
    pub provider_id: String,
    pub transaction_on: NaiveDate,
    /// `None` while the transaction is pending.
    pub booked_on: Option<NaiveDate>,
    /// Signed: negative leaves the account.
    pub amount_minor: i64,
    pub balance_after_minor: i64,
    pub title: String,
    pub party: Option<String>,
    pub party_iban: Option<String>,
    /// The bank's own text, in the bank's language.
    pub kind: String,
    pub status: TxStatus,
    /// A booked entry that the bank showed earlier as pending under another id: the pending row with this
    /// provider id is dropped when this one is stored, so the transaction is kept once, as booked.
    #[serde(default)]
    pub replaces: Option<String>,
}

/// Opaque continuation token for `Connector::transactions`; only the issuing connector reads it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PageCursor(String);

impl PageCursor {
    pub fn from_token(token: String) -> Self {
        Self(token)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One page of transactions, newest first; `next` is `None` on the last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionPage {
    pub transactions: Vec<BankTransaction>,
    pub next: Option<PageCursor>,
}

/// Inclusive range of transaction dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, BankError> {
        if from <= to {
            Ok(Self { from, to })
        } else {
            Err(BankError::Internal(format!("date range ends ({to}) before it starts ({from})")))
        }
    }

    /// The last `months` calendar months ending `today` inclusive: from the day after
    /// `today - months`, so 24 months from 2025-06-15 is 2023-06-16..=2025-06-15.
    pub fn last_months(today: NaiveDate, months: u32) -> Self {
        let from = today.checked_sub_months(chrono::Months::new(months)).and_then(|d| d.succ_opt()).unwrap_or(today);
        Self { from, to: today }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn target_ids_accept_lowercase_digits_and_dashes_only() {
        assert_eq!(TargetId::parse("demo-pl").unwrap().as_str(), "demo-pl");
        for bad in ["", "Demo", "demo_pl", "demo pl", "dęmo", &"a".repeat(65)] {
            assert!(TargetId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(TargetId::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn enums_render_their_contract_strings() {
        use crate::banks::model::OwnerKind;
        assert_eq!(AuthKind::CredentialsAndOneTimeCode.as_str(), "credentials_and_one_time_code");
        assert_eq!(OwnerKind::CoOwner.as_str(), "CO_OWNER");
        assert_eq!(TxStatus::Pending.as_str(), "PENDING");
        assert_eq!(Health::Up.as_str(), "up");
    }

    #[test]
    fn a_date_range_must_not_end_before_it_starts() {
        assert!(DateRange::new(d(2025, 1, 2), d(2025, 1, 1)).is_err());
        assert!(DateRange::new(d(2025, 1, 1), d(2025, 1, 1)).is_ok());
    }

    #[test]
    fn last_months_starts_the_day_after_the_same_date_months_ago() {
        let r = DateRange::last_months(d(2025, 6, 15), 24);
        assert_eq!((r.from, r.to), (d(2023, 6, 16), d(2025, 6, 15)));
        // Month ends clamp: 31 March minus one month is 28 Feb, so the range starts 1 March.
        assert_eq!(DateRange::last_months(d(2025, 3, 31), 1).from, d(2025, 3, 1));
    }
}
