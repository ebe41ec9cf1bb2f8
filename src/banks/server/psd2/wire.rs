//! The parts of NextGenPSD2 1.3.12 (Berlin Group XS2A) AIS messages the connector reads and writes, named as the
//! specification names them (`shared/specs/psd2-api_v1.3.12-2022-07-06.yaml`). Unknown fields are ignored:
//! banks add their own.

use serde::{Deserialize, Serialize};

/// `POST /v1/consents` body (`consents`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentRequest {
    pub access: ConsentAccess,
    pub recurring_indicator: bool,
    pub valid_until: String,
    pub frequency_per_day: u32,
    pub combined_service_indicator: bool,
}

/// A bank-offered consent: empty lists, the applicant picks the accounts at the bank.
#[derive(Debug, Serialize)]
pub struct ConsentAccess {
    pub accounts: Vec<AccountReference>,
    pub balances: Vec<AccountReference>,
    pub transactions: Vec<AccountReference>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountReference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bban: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Href {
    pub href: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Links {
    pub sca_redirect: Option<Href>,
    pub start_authorisation: Option<Href>,
    pub next: Option<Href>,
}

/// `consentsResponse-201`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentCreated {
    pub consent_id: String,
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `startScaprocessResponse` (explicit start of the authorisation).
#[derive(Debug, Deserialize)]
pub struct AuthorisationStarted {
    #[serde(rename = "_links", default)]
    pub links: Links,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentStatus {
    pub consent_status: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Amount {
    pub currency: String,
    pub amount: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    pub balance_amount: Amount,
    pub balance_type: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AccountOwnerName {
    pub name: String,
    pub role: Option<String>,
}

/// `accountDetails`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDetails {
    pub resource_id: Option<String>,
    pub iban: Option<String>,
    pub bban: Option<String>,
    pub currency: String,
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub product: Option<String>,
    pub usage: Option<String>,
    pub owner_name: Option<String>,
    #[serde(default)]
    pub owner_names: Vec<AccountOwnerName>,
    #[serde(default)]
    pub balances: Vec<Balance>,
}

#[derive(Debug, Deserialize)]
pub struct AccountList {
    #[serde(default)]
    pub accounts: Vec<AccountDetails>,
}

#[derive(Debug, Deserialize)]
pub struct BalancesReport {
    #[serde(default)]
    pub balances: Vec<Balance>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    pub transaction_id: Option<String>,
    pub entry_reference: Option<String>,
    pub end_to_end_id: Option<String>,
    pub booking_date: Option<String>,
    pub value_date: Option<String>,
    pub transaction_amount: Amount,
    pub creditor_name: Option<String>,
    pub creditor_account: Option<AccountReference>,
    pub debtor_name: Option<String>,
    pub debtor_account: Option<AccountReference>,
    pub remittance_information_unstructured: Option<String>,
    #[serde(default)]
    pub remittance_information_unstructured_array: Vec<String>,
    pub additional_information: Option<String>,
    pub bank_transaction_code: Option<String>,
    pub proprietary_bank_transaction_code: Option<String>,
    pub balance_after_transaction: Option<Balance>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AccountReport {
    #[serde(default)]
    pub booked: Vec<Transaction>,
    #[serde(default)]
    pub pending: Vec<Transaction>,
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `transactionsResponse-200_json`.
#[derive(Debug, Deserialize)]
pub struct TransactionsResponse {
    #[serde(default)]
    pub transactions: AccountReport,
    #[serde(default)]
    pub balances: Vec<Balance>,
}

#[derive(Debug, Deserialize)]
pub struct TppMessage {
    pub code: String,
}

/// An error body: the NextGenPSD2 form (`tppMessages`) or RFC 7807 (`code`, `additionalErrors`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(default)]
    pub tpp_messages: Vec<TppMessage>,
    pub code: Option<String>,
    #[serde(default)]
    pub additional_errors: Vec<TppMessage>,
}

impl ErrorBody {
    /// Every error code the body names.
    pub fn codes(&self) -> Vec<&str> {
        self.tpp_messages
            .iter()
            .chain(&self.additional_errors)
            .map(|m| m.code.as_str())
            .chain(self.code.as_deref())
            .collect()
    }
}
