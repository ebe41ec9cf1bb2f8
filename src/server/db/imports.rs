//! Reading imports for the portal and the widget. Every query is scoped by organisation: a user of another
//! organisation gets nothing back, exactly as if the import did not exist.

use super::Db;
use crate::domain::application::{AccountOwnerView, AccountView, Decision, ImportSummary, OwnerView, TransactionView};
use crate::domain::import::ImportStatus;
use crate::server::error::{ServerError, ServerResult};
use sqlx::any::AnyRow;
use sqlx::Row;

fn corrupt(what: String) -> ServerError {
    ServerError::Other(anyhow::anyhow!("stored import has invalid {what}"))
}

pub async fn progress(
    db: &Db,
    organisation_id: i64,
    import_id: i64,
) -> ServerResult<Option<(ImportStatus, i64, String)>> {
    let row: Option<(String, i64, String)> =
        sqlx::query_as("SELECT status, progress, step FROM import WHERE import_id = $1 AND organisation_id = $2")
            .bind(import_id)
            .bind(organisation_id)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|(s, p, step)| Ok((ImportStatus::parse(&s).map_err(corrupt)?, p, step))).transpose()
}

pub const SUMMARY_COLUMNS: &str =
    "import_id, target_id, owner_external_id, owner_names, months_requested, status, progress,
    step, error_code, error_message, attempts, owners_count, accounts_count, transactions_count, decision, created_at,
    started_at, finished_at, erased_at";

pub fn summary_row(r: &AnyRow, target_name: &(dyn Fn(&str) -> String + Send + Sync)) -> ServerResult<ImportSummary> {
    let target_id: String = r.try_get("target_id")?;
    Ok(ImportSummary {
        import_id: r.try_get("import_id")?,
        target_name: target_name(&target_id),
        target_id,
        owner_external_id: r.try_get("owner_external_id")?,
        owner_names: r.try_get("owner_names")?,
        months_requested: r.try_get("months_requested")?,
        status: ImportStatus::parse(&r.try_get::<String, _>("status")?).map_err(corrupt)?,
        progress: r.try_get("progress")?,
        step: r.try_get("step")?,
        error_code: r.try_get("error_code")?,
        error_message: r.try_get("error_message")?,
        attempts: r.try_get("attempts")?,
        owners_count: r.try_get("owners_count")?,
        accounts_count: r.try_get("accounts_count")?,
        transactions_count: r.try_get("transactions_count")?,
        decision: Decision::parse(&r.try_get::<String, _>("decision")?).map_err(corrupt)?,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        erased_at: r.try_get("erased_at")?,
    })
}

/// The newest imports of an organisation.
pub async fn latest(
    db: &Db,
    organisation_id: i64,
    limit: i64,
    target_name: &(dyn Fn(&str) -> String + Send + Sync),
) -> ServerResult<Vec<ImportSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM import WHERE organisation_id = $1 ORDER BY created_at DESC, import_id DESC LIMIT $2"
    );
    let rows = sqlx::query(&sql).bind(organisation_id).bind(limit).fetch_all(&db.pool).await?;
    rows.iter().map(|r| summary_row(r, target_name)).collect()
}

pub async fn find(
    db: &Db,
    organisation_id: i64,
    import_id: i64,
    target_name: &(dyn Fn(&str) -> String + Send + Sync),
) -> ServerResult<Option<ImportSummary>> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM import WHERE import_id = $1 AND organisation_id = $2");
    let row = sqlx::query(&sql).bind(import_id).bind(organisation_id).fetch_optional(&db.pool).await?;
    row.as_ref().map(|r| summary_row(r, target_name)).transpose()
}

type OwnerRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Owners of an import the caller has already checked belongs to their organisation.
pub async fn owners(db: &Db, import_id: i64) -> ServerResult<Vec<OwnerView>> {
    let rows: Vec<OwnerRow> = sqlx::query_as(
        "SELECT name, kind, address, polish_pesel, polish_nip, polish_regon, email, phone, citizenship,
                personal_document_type, personal_document_number, birth_date
         FROM import_owner WHERE import_id = $1 ORDER BY position",
    )
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OwnerView {
            name: r.0,
            kind: r.1,
            address: r.2,
            polish_pesel: r.3,
            polish_nip: r.4,
            polish_regon: r.5,
            email: r.6,
            phone: r.7,
            citizenship: r.8,
            personal_document_type: r.9,
            personal_document_number: r.10,
            birth_date: r.11,
        })
        .collect())
}

type AccountRow = (i64, String, Option<String>, String, String, i64, i64, String, String, i64, i64);

pub async fn accounts(db: &Db, import_id: i64) -> ServerResult<Vec<AccountView>> {
    let rows: Vec<AccountRow> = sqlx::query_as(
        "SELECT import_account_id, name, friendly_name, iban, currency, balance_minor, funds_available_minor,
                active_since_at_least, owners_json, partial_due_to_timeout, transactions_count
         FROM import_account WHERE import_id = $1 ORDER BY position",
    )
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let owners: Vec<AccountOwnerView> =
                serde_json::from_str(&r.8).map_err(|e| corrupt(format!("account owners: {e}")))?;
            Ok(AccountView {
                account_id: r.0,
                name: r.1,
                friendly_name: r.2,
                iban: r.3,
                currency: r.4,
                balance_minor: r.5,
                funds_available_minor: r.6,
                active_since_at_least: r.7,
                owners,
                partial_due_to_timeout: r.9 != 0,
                transactions_count: r.10,
            })
        })
        .collect()
}

pub type TransactionRow =
    (i64, String, Option<String>, i64, Option<i64>, String, String, Option<String>, Option<String>, String, String);

/// Reads a transaction row selected with the column order of [`TransactionRow`].
pub fn transaction_row(r: &AnyRow) -> Result<TransactionRow, sqlx::Error> {
    Ok((
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
        r.try_get(5)?,
        r.try_get(6)?,
        r.try_get(7)?,
        r.try_get(8)?,
        r.try_get(9)?,
        r.try_get(10)?,
    ))
}

pub fn transaction_view(r: TransactionRow) -> TransactionView {
    TransactionView {
        account_id: r.0,
        transaction_on: r.1,
        booked_on: r.2,
        amount_minor: r.3,
        balance_after_minor: r.4,
        currency: r.5,
        title: r.6,
        party: r.7,
        party_iban: r.8,
        kind: r.9,
        status: r.10,
    }
}
