//! The sandbox bank's data: the Demo Bank's deterministic generator (German bank, EUR), shown as NextGenPSD2
//! `accountDetails`, `balance` and `transactions` objects.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::banks::model::{OwnerKind, TxStatus};
use crate::banks::server::demo::Scenario;
use crate::banks::server::{BankAccount, BankTransaction};

use super::store::Psu;

/// Transactions per page.
pub const PAGE_SIZE: usize = 100;
/// What `psu-paged` serves in all.
pub const PAGED_TOTAL: usize = 5_000;
/// How many of the newest entries `psu-pending` shows as pending first.
pub const PENDING_COUNT: usize = 3;

/// The Demo Bank login behind a scenario PSU.
pub fn demo_scenario(psu: Psu) -> Scenario {
    match psu {
        Psu::Paged => Scenario::Large,
        _ => Scenario::Standard,
    }
}

/// `-1234` → `"-12.34"`.
pub fn amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.unsigned_abs() / 100, minor.unsigned_abs() % 100)
}

fn money(currency: &str, minor: i64) -> Value {
    json!({ "currency": currency, "amount": amount(minor) })
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

pub fn balances(account: &BankAccount) -> Value {
    json!([
        { "balanceAmount": money(&account.currency, account.balance_minor), "balanceType": "closingBooked" },
        { "balanceAmount": money(&account.currency, account.funds_available_minor), "balanceType": "interimAvailable" },
    ])
}

pub fn account_reference(account: &BankAccount) -> Value {
    json!({ "iban": account.iban, "currency": account.currency })
}

pub fn account_details(account: &BankAccount, with_balance: bool, prefix: &str) -> Value {
    let owner_names: Vec<Value> = account
        .owners
        .iter()
        .map(|o| json!({ "name": cut(&o.name, 140), "role": if o.kind == OwnerKind::CoOwner { "coAccountHolder" } else { "owner" } }))
        .collect();
    let id = &account.provider_id;
    let mut details = json!({
        "resourceId": id,
        "iban": account.iban,
        "currency": account.currency,
        "name": cut(&account.name, 70),
        "product": cut(&account.name, 35),
        "cashAccountType": if account.name.to_lowercase().contains("spar") || account.name.to_lowercase().contains("saving") { "SVGS" } else { "CACC" },
        "status": "enabled",
        "usage": "PRIV",
        "ownerName": account.owners.first().map(|o| cut(&o.name, 140)),
        "ownerNames": owner_names,
        "_links": {
            "balances": { "href": format!("{prefix}/v1/accounts/{id}/balances") },
            "transactions": { "href": format!("{prefix}/v1/accounts/{id}/transactions") },
        },
    });
    if account.owners.is_empty() {
        details.as_object_mut().map(|o| o.remove("ownerName"));
    }
    if let Some(display) = &account.friendly_name {
        details["displayName"] = json!(cut(display, 70));
    }
    if with_balance {
        details["balances"] = balances(account);
    }
    details
}

/// How one entry is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Booked,
    /// Not yet booked: no booking date, no balance after it.
    Pending,
    /// Booked after it was shown pending: the bank gave it new ids.
    BookedLater,
}

fn entry_reference(t: &BankTransaction, salt: &str) -> String {
    let digest = Sha256::digest(format!("{salt}{}", t.provider_id).as_bytes());
    format!("E{}", &hex::encode(digest)[..20])
}

pub fn transaction(t: &BankTransaction, account: &BankAccount, shown: Shown, psu: Psu) -> Value {
    let currency = &account.currency;
    let mut v = json!({
        "transactionAmount": money(currency, t.amount_minor),
        "valueDate": t.transaction_on.to_string(),
    });
    let ids = psu != Psu::NoTransactionId;
    match shown {
        Shown::Booked => {
            v["bookingDate"] = json!(t.booked_on.unwrap_or(t.transaction_on).to_string());
            v["balanceAfterTransaction"] =
                json!({ "balanceAmount": money(currency, t.balance_after_minor), "balanceType": "interimBooked" });
            if ids {
                v["transactionId"] = json!(t.provider_id);
                v["entryReference"] = json!(entry_reference(t, ""));
            }
        }
        Shown::BookedLater => {
            v["bookingDate"] = json!(t.transaction_on.to_string());
            v["balanceAfterTransaction"] =
                json!({ "balanceAmount": money(currency, t.balance_after_minor), "balanceType": "interimBooked" });
            v["transactionId"] = json!(format!("{}-B", t.provider_id));
            v["entryReference"] = json!(entry_reference(t, "booked:"));
        }
        Shown::Pending => {
            v["transactionId"] = json!(format!("{}-P", t.provider_id));
        }
    }
    let party = t.party.as_deref().map(|p| cut(p, 70));
    let party_account = t.party_iban.as_ref().map(|iban| json!({ "iban": iban }));
    if t.amount_minor < 0 {
        v["creditorName"] = json!(party);
        v["creditorAccount"] = json!(party_account);
        v["debtorAccount"] = account_reference(account);
    } else {
        v["debtorName"] = json!(party);
        v["debtorAccount"] = json!(party_account);
        v["creditorAccount"] = account_reference(account);
    }
    if !t.title.is_empty() {
        v["remittanceInformationUnstructured"] = json!(cut(&t.title, 140));
    }
    if !t.kind.is_empty() {
        v["proprietaryBankTransactionCode"] = json!(cut(&t.kind, 35));
    }
    // Optional fields the bank does not know are left out, not sent as null.
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, value| !value.is_null());
    }
    v
}

/// Whether the Demo Bank's entry is still pending at the bank.
pub fn is_pending(t: &BankTransaction) -> bool {
    t.status == TxStatus::Pending
}
