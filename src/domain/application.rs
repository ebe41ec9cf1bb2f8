//! Read models of an imported application, as the portal shows and exports them (SPEC §5).

use super::import::ImportStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Pending,
    Approved,
    Rejected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pending => "pending",
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        [Decision::Pending, Decision::Approved, Decision::Rejected]
            .into_iter()
            .find(|d| d.as_str() == raw)
            .ok_or_else(|| format!("unknown decision {raw:?}"))
    }
}

/// One row of the applications list, and the head of the detail page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub import_id: i64,
    pub target_id: String,
    pub target_name: String,
    pub owner_external_id: Option<String>,
    pub owner_names: String,
    pub months_requested: i64,
    pub status: ImportStatus,
    pub progress: i64,
    pub step: String,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub attempts: i64,
    pub owners_count: i64,
    pub accounts_count: i64,
    pub transactions_count: i64,
    pub decision: Decision,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// When the imported data was erased on request, if it was.
    pub erased_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerView {
    pub name: String,
    pub kind: String,
    pub address: Option<String>,
    pub polish_pesel: Option<String>,
    pub polish_nip: Option<String>,
    pub polish_regon: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub citizenship: Option<String>,
    pub personal_document_type: Option<String>,
    pub personal_document_number: Option<String>,
    pub birth_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOwnerView {
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub account_id: i64,
    pub name: String,
    pub friendly_name: Option<String>,
    pub iban: String,
    pub currency: String,
    pub balance_minor: i64,
    pub funds_available_minor: i64,
    pub active_since_at_least: String,
    pub owners: Vec<AccountOwnerView>,
    pub partial_due_to_timeout: bool,
    pub transactions_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionView {
    pub account_id: i64,
    pub transaction_on: String,
    pub booked_on: Option<String>,
    pub amount_minor: i64,
    pub balance_after_minor: Option<i64>,
    pub currency: String,
    pub title: String,
    pub party: Option<String>,
    pub party_iban: Option<String>,
    pub kind: String,
    pub status: String,
}
