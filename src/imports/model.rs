//! What an import holds (SPEC §5): its status and summary, owners, accounts and transactions. One struct per
//! record serves the portal's pages, the JSON export and the API: serde gives the SPEC §5 field names (amounts
//! as exact decimal text, instants as RFC 3339), sqlx reads the stored row into it. Owners are stored exactly
//! as the bank reports them, so their record is the banks' (re-exported here).

pub use crate::banks::model::{AccountOwner, Environment, Owner, OwnerKind, TxStatus};
use crate::shared::instant::as_rfc3339;
use crate::shared::money::as_decimal;
use crate::shared::text_enum::text_enum;
use crate::shared::{AccountId, ImportId, StoredFlag};
use serde::{Deserialize, Serialize};

text_enum! {
    /// `queued` → `running` → `succeeded` | `partial` | `failed` (SPEC §6).
    pub enum ImportStatus {
        Queued = "queued",
        Running = "running",
        Succeeded = "succeeded",
        Partial = "partial",
        Failed = "failed",
    }
}

impl ImportStatus {
    /// The statuses an import ends in; the one source for "finished", in Rust and (bound as a list) in SQL.
    pub const FINISHED: [ImportStatus; 3] = [ImportStatus::Succeeded, ImportStatus::Partial, ImportStatus::Failed];

    pub fn is_finished(self) -> bool {
        Self::FINISHED.contains(&self)
    }
}

text_enum! {
    /// A reviewer's decision on an application: `pending` → `approved` | `rejected`. Under the four-eyes
    /// policy an approval first shows as `approval_pending` until a second reviewer confirms it; that state is
    /// read from the import's open approval request, never stored as the decision itself.
    pub enum Decision {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
        ApprovalPending = "approval_pending",
    }
}

/// The holders of one account, stored as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(value_type = Vec<AccountOwner>))]
pub struct AccountOwners(pub Vec<AccountOwner>);

impl TryFrom<String> for AccountOwners {
    type Error = serde_json::Error;
    fn try_from(json: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&json)
    }
}

impl std::ops::Deref for AccountOwners {
    type Target = [AccountOwner];
    fn deref(&self) -> &[AccountOwner] {
        &self.0
    }
}

/// One stored account of an import (SPEC §5 "Account").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Account {
    #[serde(rename = "id")]
    #[cfg_attr(feature = "ssr", sqlx(rename = "import_account_id"))]
    pub account_id: AccountId,
    pub name: String,
    pub friendly_name: Option<String>,
    pub iban: String,
    #[serde(rename = "currencyName")]
    pub currency: String,
    #[serde(rename = "currencyBalance", with = "as_decimal")]
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub balance_minor: i64,
    #[serde(rename = "currencyFundsAvailable", with = "as_decimal")]
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub funds_available_minor: i64,
    /// `YYYY-MM-DD`.
    pub active_since_at_least: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "owners_json", try_from = "String"))]
    pub owners: AccountOwners,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub partial_due_to_timeout: StoredFlag,
    pub transactions_count: i64,
}

/// One stored transaction (SPEC §5 "Transaction"), newest first within its account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    /// `YYYY-MM-DD`.
    pub transaction_on: String,
    pub booked_on: Option<String>,
    #[serde(rename = "currencyAmount", with = "as_decimal")]
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub amount_minor: i64,
    #[serde(rename = "currencyBalance", with = "as_decimal::option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub balance_after_minor: Option<i64>,
    pub title: String,
    pub party: Option<String>,
    pub party_iban: Option<String>,
    /// The bank's own text.
    pub kind: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: TxStatus,
    /// Labels from the review's rules (`docs/labels.md`), each with the rule that gave it; filled in by the
    /// review layer when the transaction is read (the rules are code, so every reader sees the same).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub labels: Vec<TransactionLabel>,
}

/// A label of a transaction and the rule that fired for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TransactionLabel {
    pub label: String,
    pub rule: String,
}

/// One import: a row of the review queue and the head of its detail page and export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    #[serde(rename = "id")]
    pub import_id: ImportId,
    #[serde(rename = "target")]
    pub target_id: String,
    /// The bank's display name, looked up in the catalog above the database layer.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub target_name: String,
    pub owner_external_id: Option<String>,
    pub owner_names: String,
    pub months_requested: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: ImportStatus,
    pub progress: i64,
    pub step: String,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub attempts: i64,
    pub owners_count: i64,
    pub accounts_count: i64,
    pub transactions_count: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub decision: Decision,
    /// `sandbox` for a test bank's data (the Demo Bank), `live` for a real bank's.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub environment: Environment,
    #[serde(with = "as_rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub created_at: i64,
    #[serde(with = "as_rfc3339::option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub started_at: Option<i64>,
    #[serde(with = "as_rfc3339::option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub finished_at: Option<i64>,
    /// When the imported data was erased, if it was, and why.
    #[serde(with = "as_rfc3339::option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub erased_at: Option<i64>,
    pub erased_reason: Option<ErasureReason>,
    /// The member on the case (their e-mail), if anyone is.
    #[serde(rename = "assignee")]
    pub assignee_email: Option<String>,
}

text_enum! {
    /// Why an import's data was erased.
    pub enum ErasureReason {
        /// Someone asked (the portal's **Erase imported data**, or `DELETE /v1/imports/{id}`).
        Request = "request",
        /// It was older than the organisation's retention period.
        Retention = "retention",
    }
}

/// Where a running import stands, for the widget's success screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ImportProgress {
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: ImportStatus,
    pub progress: i64,
    pub step: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in ImportStatus::ALL {
            assert_eq!(ImportStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(ImportStatus::parse("done").is_err());
    }

    #[test]
    fn finished_means_succeeded_partial_or_failed() {
        let finished: Vec<ImportStatus> = ImportStatus::ALL.into_iter().filter(|s| s.is_finished()).collect();
        assert_eq!(finished, ImportStatus::FINISHED);
    }

    #[test]
    fn records_serialise_with_the_spec_field_names() {
        let t = Transaction {
            transaction_on: "2026-01-31".into(),
            booked_on: None,
            amount_minor: -1230,
            balance_after_minor: Some(5),
            title: "Rent".into(),
            party: None,
            party_iban: None,
            kind: "PRZELEW".into(),
            status: TxStatus::Done,
            labels: vec![TransactionLabel { label: "obligations:rent".into(), rule: "rent".into() }],
        };
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["transactionOn"], "2026-01-31");
        assert_eq!(json["currencyAmount"], "-12.30");
        assert_eq!(json["currencyBalance"], "0.05");
        assert_eq!(json["status"], "DONE");
        assert_eq!(serde_json::from_value::<Transaction>(json).unwrap(), t);
    }
}
