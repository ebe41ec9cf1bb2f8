//! What the import worker writes. Every write runs in one transaction that first renews the job's lease
//! (and fails if the job is no longer this worker's), and every insert is keyed on the bank's ids with
//! `ON CONFLICT DO NOTHING`, so a resumed import never duplicates a row.

use super::queue;
use crate::banks::model::TxStatus;
use crate::banks::server::{BankAccount, BankTransaction};
use crate::imports::model::Owner;
use crate::platform::db::{Backend, Db};
use crate::platform::error::ServerResult;
use crate::shared::{AccountId, ImportId, StoredFlag};
use sqlx::{Any, Transaction};

/// Rows per multi-row INSERT: 11 columns × 500 = 5,500 parameters, well inside both engines' limits.
const TX_CHUNK: usize = 500;
const TX_COLUMNS: usize = 11;

/// Renews the lease inside `tx`; `false` when another worker owns the job now.
async fn hold_lease(tx: &mut Transaction<'_, Any>, lease: &Lease<'_>) -> ServerResult<bool> {
    queue::heartbeat(&mut **tx, lease.import_id, lease.worker, lease.until, lease.progress, lease.step).await
}

pub struct Lease<'a> {
    pub import_id: ImportId,
    pub worker: &'a str,
    pub until: i64,
    pub progress: i64,
    pub step: &'a str,
}

pub async fn save_owners(db: &Db, lease: &Lease<'_>, owners: &[Owner]) -> ServerResult<bool> {
    let mut tx = db.begin().await?;
    if !hold_lease(&mut tx, lease).await? {
        return Ok(false);
    }
    for (position, o) in owners.iter().enumerate() {
        sqlx::query(
            "INSERT INTO import_owner (import_id, position, name, kind, address, polish_pesel, polish_nip, polish_regon,
                email, phone, citizenship, personal_document_type, personal_document_number, birth_date)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT (import_id, position) DO NOTHING",
        )
        .bind(lease.import_id)
        .bind(position as i64)
        .bind(&o.name)
        .bind(o.kind.as_str())
        .bind(o.address.clone())
        .bind(o.polish_pesel.clone())
        .bind(o.polish_nip.clone())
        .bind(o.polish_regon.clone())
        .bind(o.email.clone())
        .bind(o.phone.clone())
        .bind(o.citizenship.clone())
        .bind(o.personal_document_type.clone())
        .bind(o.personal_document_number.clone())
        .bind(o.birth_date.clone())
        .execute(&mut *tx)
        .await?;
    }
    let names: Vec<&str> = owners.iter().map(|o| o.name.as_str()).collect();
    sqlx::query("UPDATE import SET owner_names = $1 WHERE import_id = $2")
        .bind(names.join(", "))
        .bind(lease.import_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// An account as stored, with where its transaction download stands.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredAccount {
    pub import_account_id: AccountId,
    pub provider_id: String,
    #[sqlx(rename = "transactions_complete", try_from = "i64")]
    pub complete: StoredFlag,
    pub next_cursor: Option<String>,
    #[sqlx(rename = "partial_due_to_timeout", try_from = "i64")]
    pub partial: StoredFlag,
}

pub async fn save_accounts(
    db: &Db,
    lease: &Lease<'_>,
    accounts: &[BankAccount],
) -> ServerResult<Option<Vec<StoredAccount>>> {
    let mut tx = db.begin().await?;
    if !hold_lease(&mut tx, lease).await? {
        return Ok(None);
    }
    for (position, a) in accounts.iter().enumerate() {
        let owners = serde_json::to_string(&a.owners).map_err(anyhow::Error::from)?;
        sqlx::query(
            "INSERT INTO import_account (import_id, position, provider_id, name, friendly_name, iban, currency,
                balance_minor, funds_available_minor, active_since_at_least, owners_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (import_id, provider_id) DO NOTHING",
        )
        .bind(lease.import_id)
        .bind(position as i64)
        .bind(&a.provider_id)
        .bind(&a.name)
        .bind(a.friendly_name.clone())
        .bind(&a.iban)
        .bind(&a.currency)
        .bind(a.balance_minor)
        .bind(a.funds_available_minor)
        .bind(a.active_since_at_least.to_string())
        .bind(owners)
        .execute(&mut *tx)
        .await?;
    }
    let stored: Vec<StoredAccount> = sqlx::query_as(
        "SELECT import_account_id, provider_id, transactions_complete, next_cursor, partial_due_to_timeout
         FROM import_account WHERE import_id = $1 ORDER BY position",
    )
    .bind(lease.import_id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(stored))
}

/// Stores one page of transactions and where to continue, atomically: after a crash the import resumes
/// from the last committed page and the unique key drops anything written twice. Returns how many rows were
/// new, or `None` when the job is no longer this worker's.
pub async fn save_transaction_page(
    db: &Db,
    lease: &Lease<'_>,
    import_account_id: AccountId,
    transactions: &[BankTransaction],
    next_cursor: Option<&str>,
) -> ServerResult<Option<u64>> {
    let mut tx = db.begin().await?;
    if !hold_lease(&mut tx, lease).await? {
        return Ok(None);
    }
    let mut inserted = 0u64;
    for chunk in transactions.chunks(TX_CHUNK) {
        inserted += insert_transactions(&mut tx, db.backend, import_account_id, chunk).await?;
    }
    let replaced = delete_replaced_pending(&mut tx, import_account_id, transactions).await?;
    sqlx::query(
        "UPDATE import_account SET next_cursor = $1, transactions_complete = $2,
            transactions_count = transactions_count + $3
         WHERE import_account_id = $4",
    )
    .bind(next_cursor.map(str::to_string))
    .bind(i64::from(next_cursor.is_none()))
    .bind(inserted as i64 - replaced as i64)
    .bind(import_account_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // A replaced pending row makes the page's count differ from what it holds, so the caller re-reads.
    Ok(Some(inserted - replaced.min(inserted)))
}

/// Drops the pending rows that booked entries of this page replace (`BankTransaction::replaces`), one
/// statement per page.
async fn delete_replaced_pending(
    tx: &mut Transaction<'_, Any>,
    import_account_id: AccountId,
    transactions: &[BankTransaction],
) -> ServerResult<u64> {
    let replaced: Vec<&String> =
        transactions.iter().filter(|t| t.status == TxStatus::Done).filter_map(|t| t.replaces.as_ref()).collect();
    let mut deleted = 0;
    for chunk in replaced.chunks(500) {
        let placeholders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "DELETE FROM import_transaction WHERE import_account_id = $1 AND status = $2 AND provider_id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(import_account_id).bind(TxStatus::Pending.as_str());
        for id in chunk {
            query = query.bind(id.as_str());
        }
        deleted += query.execute(&mut **tx).await?.rows_affected();
    }
    Ok(deleted)
}

/// The multi-row statement for `rows` rows. SQLite gets anonymous `?` placeholders: sqlx resolves numbered
/// `$N` ones by name, which costs time quadratic in the parameter count (5× slower at 5,500 parameters).
pub fn insert_transactions_sql(backend: Backend, rows: usize) -> String {
    let mut sql = String::with_capacity(200 + rows * 70);
    sql.push_str(
        "INSERT INTO import_transaction (import_account_id, provider_id, transaction_on, booked_on, amount_minor,
            balance_after_minor, title, party, party_iban, kind, status) VALUES ",
    );
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..TX_COLUMNS {
            if c > 0 {
                sql.push(',');
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&(r * TX_COLUMNS + c + 1).to_string());
                }
            }
        }
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (import_account_id, provider_id) DO NOTHING");
    sql
}

/// Inserts up to `TX_CHUNK` rows in one statement; returns how many were new.
pub async fn insert_transactions(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    import_account_id: AccountId,
    rows: &[BankTransaction],
) -> ServerResult<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let sql = insert_transactions_sql(backend, rows.len());
    let mut q = sqlx::query(&sql);
    for t in rows {
        q = q
            .bind(import_account_id)
            .bind(&t.provider_id)
            .bind(t.transaction_on.to_string())
            .bind(t.booked_on.map(|d| d.to_string()))
            .bind(t.amount_minor)
            .bind(t.balance_after_minor)
            .bind(&t.title)
            .bind(t.party.clone())
            .bind(t.party_iban.clone())
            .bind(&t.kind)
            .bind(t.status.as_str());
    }
    Ok(q.execute(&mut **tx).await?.rows_affected())
}

/// The bank stopped answering for this account: keep what arrived and say so.
pub async fn mark_account_partial(db: &Db, lease: &Lease<'_>, import_account_id: AccountId) -> ServerResult<bool> {
    let mut tx = db.begin().await?;
    if !hold_lease(&mut tx, lease).await? {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE import_account SET partial_due_to_timeout = 1, transactions_complete = 1, next_cursor = NULL
         WHERE import_account_id = $1",
    )
    .bind(import_account_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_suit_each_backend() {
        let sqlite = super::insert_transactions_sql(super::Backend::Sqlite, 2);
        assert!(sqlite.contains("(?,?,?,?,?,?,?,?,?,?,?),(?,"));
        let sql = super::insert_transactions_sql(super::Backend::Postgres, 2);
        assert!(sql.contains("($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11),($12,"));
        assert!(sql.ends_with(
            "($12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22) ON CONFLICT (import_account_id, provider_id) DO NOTHING"
        ));
    }
}
