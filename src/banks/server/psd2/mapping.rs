//! From NextGenPSD2 messages to Insight's records: exact amounts, owners, balances, stable transaction ids, and
//! the error codes of SPEC §6.

use std::collections::HashMap;

use chrono::NaiveDate;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use super::wire;
use crate::banks::model::{AccountOwner, Owner, OwnerKind, TxStatus};
use crate::banks::server::error::BankError;
use crate::banks::server::types::{BankAccount, BankTransaction, DateRange};

/// What a bank's error answer means for the import and the widget.
pub fn error_for(status: StatusCode, codes: &[&str], retry_after: Option<u64>) -> BankError {
    let has = |code: &str| codes.contains(&code);
    if status == StatusCode::TOO_MANY_REQUESTS || has("ACCESS_EXCEEDED") {
        return BankError::AccessExceeded { retry_after_secs: retry_after.unwrap_or(60) };
    }
    // The consent no longer reads (expired, revoked, unknown, or history outside what it may read without a new
    // SCA): the applicant must connect again.
    if has("CONSENT_EXPIRED")
        || has("CONSENT_INVALID")
        || has("CONSENT_UNKNOWN")
        || has("RESOURCE_EXPIRED")
        || has("PERIOD_INVALID")
        || (status == StatusCode::UNAUTHORIZED && codes.is_empty())
    {
        return BankError::SessionExpired;
    }
    if has("PSU_CREDENTIALS_INVALID") {
        return BankError::InvalidCredentials;
    }
    if has("SERVICE_BLOCKED") || has("RESOURCE_BLOCKED") {
        return BankError::AccessBlocked;
    }
    if status.is_server_error() {
        return BankError::ServiceTemporarilyUnavailable;
    }
    BankError::Internal(format!("the bank answered {status} {}", codes.join(", ")))
}

/// An id the bank gave, safe as one path segment.
pub fn path_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

/// `-?[0-9]{1,14}(\.[0-9]{1,3})?` as minor units (cents). A third decimal other than 0 cannot be stored exactly.
pub fn minor_units(amount: &str) -> Result<i64, BankError> {
    let bad = || BankError::Internal(format!("the bank sent an amount that is not a decimal: {amount:?}"));
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 14 || fraction.len() > 3 || !all_digits(whole) || !all_digits(fraction) {
        return Err(bad());
    }
    if fraction.len() == 3 && !fraction.ends_with('0') {
        return Err(BankError::Internal(format!("an amount with three decimals cannot be kept exactly: {amount}")));
    }
    let cents: i64 = format!("{:0<2}", &fraction[..fraction.len().min(2)]).parse().map_err(|_| bad())?;
    let value = whole.parse::<i64>().map_err(|_| bad())? * 100 + cents;
    Ok(if negative { -value } else { value })
}

fn date(text: Option<&String>) -> Option<NaiveDate> {
    text.and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok())
}

/// The account's holders: `ownerNames` with their roles, else `ownerName`; a business account's holder is a company.
fn account_owners(details: &wire::AccountDetails) -> Vec<AccountOwner> {
    let company = details.usage.as_deref() == Some("ORGA");
    let kind = |index: usize, role: Option<&str>| match role.map(str::to_ascii_lowercase).as_deref() {
        _ if company => OwnerKind::Company,
        Some("owner") => OwnerKind::Owner,
        Some(_) => OwnerKind::CoOwner,
        None if index == 0 => OwnerKind::Owner,
        None => OwnerKind::CoOwner,
    };
    if !details.owner_names.is_empty() {
        return details
            .owner_names
            .iter()
            .enumerate()
            .map(|(i, o)| AccountOwner { name: o.name.trim().to_string(), kind: kind(i, o.role.as_deref()) })
            .collect();
    }
    details.owner_name.iter().map(|name| AccountOwner { name: name.trim().to_string(), kind: kind(0, None) }).collect()
}

/// Every holder of the accounts, once each. A PSD2 bank tells only names; the other owner fields stay empty.
pub fn owners(accounts: &[wire::AccountDetails]) -> Vec<Owner> {
    let mut owners: Vec<Owner> = Vec::new();
    for holder in accounts.iter().flat_map(account_owners) {
        if holder.name.is_empty() || owners.iter().any(|o| o.name == holder.name) {
            continue;
        }
        owners.push(Owner {
            name: holder.name,
            kind: holder.kind,
            address: None,
            polish_pesel: None,
            polish_nip: None,
            polish_regon: None,
            email: None,
            phone: None,
            citizenship: None,
            personal_document_type: None,
            personal_document_number: None,
            birth_date: None,
        });
    }
    owners
}

fn balance_of(balances: &[wire::Balance], types: &[&str]) -> Option<i64> {
    types
        .iter()
        .find_map(|t| balances.iter().find(|b| b.balance_type == *t))
        .and_then(|b| minor_units(&b.balance_amount.amount).ok())
}

/// The booked balance (SPEC §5 "balance").
pub fn booked_balance(balances: &[wire::Balance]) -> Option<i64> {
    balance_of(balances, &["closingBooked", "interimBooked", "expected", "openingBooked"])
}

pub fn account(details: &wire::AccountDetails, id: &str, balances: &[wire::Balance]) -> Result<BankAccount, BankError> {
    let balance = booked_balance(balances).or_else(|| balance_of(balances, &["interimAvailable"])).unwrap_or(0);
    let available = balance_of(balances, &["interimAvailable", "expected", "forwardAvailable"]).unwrap_or(balance);
    let name = [&details.name, &details.product, &details.display_name]
        .into_iter()
        .flatten()
        .find(|n| !n.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| "Account".to_string());
    Ok(BankAccount {
        provider_id: id.to_string(),
        friendly_name: details.display_name.clone().filter(|d| *d != name),
        name,
        iban: details.iban.clone().or_else(|| details.bban.clone()).unwrap_or_default(),
        currency: details.currency.clone(),
        balance_minor: balance,
        funds_available_minor: available,
        // A PSD2 bank does not say since when the account exists; the day of the import is a true lower bound.
        active_since_at_least: chrono::Utc::now().date_naive(),
        owners: account_owners(details),
    })
}

/// The entry's content without the ids a bank may change when it books it: pending and booked twins agree.
fn content_key(t: &wire::Transaction) -> String {
    content_hash(t, &[])
}

/// A booked entry without ids: its content plus what tells identical entries apart across pages (the booking
/// date and the balance after it).
fn booked_key(t: &wire::Transaction) -> String {
    let balance = t.balance_after_transaction.as_ref().map(|b| b.balance_amount.amount.as_str()).unwrap_or_default();
    content_hash(t, &[t.booking_date.as_deref().unwrap_or_default(), balance])
}

fn content_hash(t: &wire::Transaction, more: &[&str]) -> String {
    let party = |r: &Option<wire::AccountReference>| {
        r.as_ref().and_then(|r| r.iban.clone().or_else(|| r.bban.clone())).unwrap_or_default()
    };
    let mut hash = Sha256::new();
    for part in [
        t.transaction_amount.currency.as_str(),
        t.transaction_amount.amount.as_str(),
        t.value_date.as_deref().unwrap_or_default(),
        t.creditor_name.as_deref().unwrap_or_default(),
        &party(&t.creditor_account),
        t.debtor_name.as_deref().unwrap_or_default(),
        &party(&t.debtor_account),
        t.remittance_information_unstructured.as_deref().unwrap_or_default(),
        t.end_to_end_id.as_deref().unwrap_or_default(),
    ]
    .into_iter()
    .chain(more.iter().copied())
    {
        hash.update(part.as_bytes());
        hash.update([0x1f]);
    }
    hex::encode(&hash.finalize()[..12])
}

/// One report (a page) as Insight's transactions, newest first, and the balance before the oldest of them.
///
/// Ids: booked entries keep the bank's `transactionId`, else `entryReference`, else a hash of their content
/// (numbered when the page holds identical entries), so a resumed import never stores a row twice. Pending
/// entries are known by their content only (banks give them other ids, or none, once booked); a booked entry
/// names the pending id it replaces, so the pair is stored once, as booked.
pub fn transactions(
    report: &wire::AccountReport,
    range: DateRange,
    opening_balance: i64,
) -> Result<(Vec<BankTransaction>, i64), BankError> {
    // Numbered within the report when it holds identical entries (two coffees on one day).
    let (mut pending_seen, mut twin_seen, mut hashed_seen) = (HashMap::new(), HashMap::new(), HashMap::new());
    // Shown both ways in one report: the booked entry is the one to keep, once per booked twin.
    let booked_keys: Vec<String> = report.booked.iter().map(content_key).collect();
    let mut booked_twins: HashMap<String, usize> = HashMap::new();
    for key in &booked_keys {
        *booked_twins.entry(key.clone()).or_insert(0) += 1;
    }
    let mut out = Vec::with_capacity(report.booked.len() + report.pending.len());
    for t in &report.pending {
        let key = content_key(t);
        if let Some(twins) = booked_twins.get_mut(&key).filter(|n| **n > 0) {
            *twins -= 1;
            continue;
        }
        let id = format!("p:{}", numbered(&mut pending_seen, key));
        out.push(entry(t, TxStatus::Pending, id, None, range)?);
    }
    for (t, key) in report.booked.iter().zip(booked_keys) {
        let twin = format!("p:{}", numbered(&mut twin_seen, key));
        let id = match (&t.transaction_id, &t.entry_reference) {
            (Some(id), _) if !id.is_empty() => format!("t:{id}"),
            (_, Some(reference)) if !reference.is_empty() => format!("e:{reference}"),
            _ => format!("h:{}", numbered(&mut hashed_seen, booked_key(t))),
        };
        out.push(entry(t, TxStatus::Done, id, Some(twin), range)?);
    }
    out.sort_by(|a, b| b.transaction_on.cmp(&a.transaction_on).then(a.status.as_str().cmp(b.status.as_str())));
    // Banks that send no balance after each entry: carried down from the newest booked one.
    let mut balance = opening_balance;
    for t in out.iter_mut().filter(|t| t.status == TxStatus::Done) {
        if t.balance_after_minor == i64::MIN {
            t.balance_after_minor = balance;
        }
        balance = t.balance_after_minor - t.amount_minor;
    }
    for t in out.iter_mut().filter(|t| t.balance_after_minor == i64::MIN) {
        t.balance_after_minor = opening_balance;
    }
    Ok((out, balance))
}

/// `key`, or `key-2`, `key-3` … for its later occurrences.
fn numbered(seen: &mut HashMap<String, usize>, key: String) -> String {
    let n = seen.entry(key.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        key
    } else {
        format!("{key}-{n}")
    }
}

fn entry(
    t: &wire::Transaction,
    status: TxStatus,
    provider_id: String,
    replaces: Option<String>,
    range: DateRange,
) -> Result<BankTransaction, BankError> {
    let amount = minor_units(&t.transaction_amount.amount)?;
    let booked_on =
        if status == TxStatus::Done { date(t.booking_date.as_ref()).or(date(t.value_date.as_ref())) } else { None };
    let transaction_on =
        date(t.value_date.as_ref()).or(date(t.booking_date.as_ref())).unwrap_or(range.to).clamp(range.from, range.to);
    let (party, party_account) =
        if amount < 0 { (&t.creditor_name, &t.creditor_account) } else { (&t.debtor_name, &t.debtor_account) };
    let title = t
        .remittance_information_unstructured
        .clone()
        .or_else(|| {
            (!t.remittance_information_unstructured_array.is_empty())
                .then(|| t.remittance_information_unstructured_array.join(" "))
        })
        .or_else(|| t.additional_information.clone())
        .unwrap_or_default();
    Ok(BankTransaction {
        provider_id,
        transaction_on,
        booked_on,
        amount_minor: amount,
        balance_after_minor: t
            .balance_after_transaction
            .as_ref()
            .and_then(|b| minor_units(&b.balance_amount.amount).ok())
            .unwrap_or(i64::MIN),
        title,
        party: party.clone().filter(|p| !p.trim().is_empty()),
        party_iban: party_account.as_ref().and_then(|a| a.iban.clone()),
        kind: t
            .proprietary_bank_transaction_code
            .clone()
            .or_else(|| t.bank_transaction_code.clone())
            .unwrap_or_default(),
        status,
        replaces: if status == TxStatus::Done { replaces } else { None },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_minor_units() {
        assert_eq!(minor_units("12.34").unwrap(), 1234);
        assert_eq!(minor_units("-0.5").unwrap(), -50);
        assert_eq!(minor_units("7").unwrap(), 700);
        assert_eq!(minor_units("1.230").unwrap(), 123);
        assert_eq!(minor_units("99999999999999.99").unwrap(), 9_999_999_999_999_999);
        for bad in ["", "-", "1.2.3", "1,00", "1e3", "1.234", " 1", "123456789012345", "0.1234"] {
            assert!(minor_units(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn berlin_group_errors_map_to_the_spec_codes() {
        let e = |s: u16, codes: &[&str]| error_for(StatusCode::from_u16(s).unwrap(), codes, Some(3));
        assert_eq!(e(401, &["CONSENT_EXPIRED"]), BankError::SessionExpired);
        assert_eq!(e(401, &["CONSENT_INVALID"]), BankError::SessionExpired);
        assert_eq!(e(429, &["ACCESS_EXCEEDED"]), BankError::AccessExceeded { retry_after_secs: 3 });
        assert_eq!(e(503, &[]), BankError::ServiceTemporarilyUnavailable);
        assert!(matches!(e(400, &["FORMAT_ERROR"]), BankError::Internal(_)));
        assert_eq!(
            error_for(StatusCode::TOO_MANY_REQUESTS, &[], None),
            BankError::AccessExceeded { retry_after_secs: 60 }
        );
    }
}
