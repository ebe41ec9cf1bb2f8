//! Aggregates over an import's transactions for the analysis panel. One pass per question, grouped in SQL.

use crate::imports::model::ImportStatus;
use crate::imports::server::reads::{self, OwnedImport};
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::state::AppState;
use crate::review::model::analysis::{Analysis, IncomeSource, KindTotal, MonthFlow};
use crate::shared::{ImportId, OrganisationId};
use futures::future::BoxFuture;
use std::collections::BTreeMap;

/// Which of the bank's `kind` texts mean cash withdrawals (Polish and German demo banks, common English).
const CASH_KINDS: &str = "(LOWER(kind) LIKE '%bankomat%' OR LOWER(kind) LIKE '%bargeld%' OR LOWER(kind) LIKE '%atm%')";

pub async fn analyse(db: &Db, import: &OwnedImport) -> ServerResult<Analysis> {
    let import_id = import.id();
    let accounts = "SELECT import_account_id FROM import_account WHERE import_id = $1";
    let flows: Vec<MonthFlow> = sqlx::query_as(&format!(
        "SELECT SUBSTR(transaction_on, 1, 7) AS month,
                CAST(COALESCE(SUM(CASE WHEN amount_minor > 0 THEN amount_minor ELSE 0 END), 0) AS BIGINT) AS inflow_minor,
                CAST(COALESCE(SUM(CASE WHEN amount_minor < 0 THEN amount_minor ELSE 0 END), 0) AS BIGINT) AS outflow_minor,
                COUNT(*) AS transactions
         FROM import_transaction WHERE import_account_id IN ({accounts})
         GROUP BY SUBSTR(transaction_on, 1, 7) ORDER BY month"
    ))
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    // Rows are stored newest first per account, so the smallest id of a month is its last transaction.
    let balances: Vec<(String, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT SUBSTR(t.transaction_on, 1, 7), t.balance_after_minor FROM import_transaction t
         WHERE t.import_transaction_id IN (
             SELECT MIN(import_transaction_id) FROM import_transaction
             WHERE import_account_id IN ({accounts})
             GROUP BY import_account_id, SUBSTR(transaction_on, 1, 7))"
    ))
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    let mut end_balance: BTreeMap<String, i64> = BTreeMap::new();
    for (month, balance) in balances {
        if let Some(b) = balance {
            *end_balance.entry(month).or_default() += b;
        }
    }
    let income: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT party, COUNT(DISTINCT SUBSTR(transaction_on, 1, 7)) AS months, CAST(AVG(amount_minor) AS BIGINT)
         FROM import_transaction
         WHERE import_account_id IN ({accounts}) AND amount_minor > 0 AND party IS NOT NULL
         GROUP BY party HAVING COUNT(DISTINCT SUBSTR(transaction_on, 1, 7)) >= 3
         ORDER BY months DESC, 3 DESC LIMIT 5"
    ))
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    let kinds: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT kind, COUNT(*), CAST(SUM(amount_minor) AS BIGINT) FROM import_transaction
         WHERE import_account_id IN ({accounts}) GROUP BY kind ORDER BY COUNT(*) DESC LIMIT 12"
    ))
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    let (cash,): (i64,) = sqlx::query_as(&format!(
        "SELECT CAST(COALESCE(SUM(-amount_minor), 0) AS BIGINT) FROM import_transaction
         WHERE import_account_id IN ({accounts}) AND amount_minor < 0 AND {CASH_KINDS}"
    ))
    .bind(import_id)
    .fetch_one(&db.pool)
    .await?;
    let currency: Option<(String,)> =
        sqlx::query_as("SELECT currency FROM import_account WHERE import_id = $1 ORDER BY position LIMIT 1")
            .bind(import_id)
            .fetch_optional(&db.pool)
            .await?;
    let (partial,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM import_account WHERE import_id = $1 AND partial_due_to_timeout = 1")
            .bind(import_id)
            .fetch_one(&db.pool)
            .await?;
    let mut analysis = Analysis {
        currency: currency.map(|c| c.0).unwrap_or_default(),
        months: flows
            .into_iter()
            .map(|m| MonthFlow { end_balance_minor: end_balance.get(&m.month).copied(), ..m })
            .collect(),
        income: income
            .into_iter()
            .map(|(party, months, average_minor)| IncomeSource { party, months, average_minor })
            .collect(),
        kinds: kinds.into_iter().map(|(kind, count, total_minor)| KindTotal { kind, count, total_minor }).collect(),
        cash_withdrawn_minor: cash,
        flags: Vec::new(),
    };
    analysis.derive_flags(partial > 0);
    Ok(analysis)
}

/// The stored analysis of a finished import, computing and storing it first if it is missing.
pub async fn stored_or_analyse(db: &Db, import: &OwnedImport) -> ServerResult<Analysis> {
    let (stored, status): (Option<String>, String) =
        sqlx::query_as("SELECT analysis_json, status FROM import WHERE import_id = $1")
            .bind(import.id())
            .fetch_one(&db.pool)
            .await?;
    if let Some(analysis) = stored.and_then(|json| serde_json::from_str(&json).ok()) {
        return Ok(analysis);
    }
    // Data still arriving: show the figures so far, but keep only those of a finished import.
    if !ImportStatus::parse(&status).is_ok_and(ImportStatus::is_finished) {
        return analyse(db, import).await;
    }
    store(db, import).await
}

/// Computes the analysis of an import whose data is complete and keeps it with the import.
pub async fn store(db: &Db, import: &OwnedImport) -> ServerResult<Analysis> {
    let analysis = analyse(db, import).await?;
    sqlx::query("UPDATE import SET analysis_json = $1 WHERE import_id = $2")
        .bind(serde_json::to_string(&analysis).map_err(anyhow::Error::from)?)
        .bind(import.id())
        .execute(&db.pool)
        .await?;
    Ok(analysis)
}

/// The import pipeline's `after_import` hook: the analysis of a finished import is stored once.
pub fn store_after_import(
    state: &AppState,
    organisation_id: OrganisationId,
    import_id: ImportId,
) -> BoxFuture<'_, ServerResult<()>> {
    Box::pin(async move {
        if let Some(import) = reads::find_in(&state.db, organisation_id, import_id).await? {
            store(&state.db, &import).await?;
        }
        Ok(())
    })
}
