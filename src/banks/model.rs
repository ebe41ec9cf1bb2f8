//! What a bank reports and what the coverage page shows of each bank. Owners are stored exactly as reported,
//! so `imports::model` re-exports these records.

use crate::shared::text_enum::text_enum;
use serde::{Deserialize, Serialize};

text_enum! {
    pub enum OwnerKind {
        Owner = "OWNER",
        CoOwner = "CO_OWNER",
        Company = "COMPANY",
    }
}

text_enum! {
    /// Whether a bank target is a sandbox (test data, documented logins) or a live bank.
    pub enum Environment {
        Sandbox = "sandbox",
        Live = "live",
    }
}

text_enum! {
    pub enum TxStatus {
        Done = "DONE",
        Pending = "PENDING",
    }
}

/// A person or company holding accounts (SPEC §5 "Owner"), as the bank reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    pub name: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub kind: OwnerKind,
    pub address: Option<String>,
    pub polish_pesel: Option<String>,
    pub polish_nip: Option<String>,
    pub polish_regon: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub citizenship: Option<String>,
    pub personal_document_type: Option<String>,
    pub personal_document_number: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
}

/// Who holds one account, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountOwner {
    pub name: String,
    pub kind: OwnerKind,
}

/// One bank target of the coverage page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankInfo {
    pub id: String,
    pub name: String,
    pub country: String,
    pub currency: String,
    pub data: Vec<String>,
    pub authentication: String,
    pub status: String,
    pub environment: Environment,
}
