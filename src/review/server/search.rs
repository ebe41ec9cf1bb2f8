//! The review queue, its counts, and filtered pages of an application's transactions. Every query is scoped
//! by organisation (the queue) or goes through an `OwnedImport` (one application's data).

use crate::imports::model::{ImportSummary, Transaction};
use crate::imports::server::reads::{OwnedImport, SUMMARY_COLUMNS, TRANSACTION_COLUMNS};
use crate::platform::db::query::{contains_text, Binds};
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::review::model::filter::{ApplicationFilter, DateOrder, PageCursor, TransactionFilter, TransactionSort};
use crate::review::model::labels::labels_for;
use crate::review::model::views::{TransactionPage, TRANSACTIONS_PER_PAGE};
use crate::shared::{AccountId, OrganisationId};

fn day_start_ms(d: chrono::NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis()).unwrap_or(0)
}

pub struct QueuePage {
    pub rows: Vec<ImportSummary>,
    /// More rows further in the sort order / back towards the start.
    pub has_more_forward: bool,
    pub has_more_backward: bool,
}

pub async fn search(
    db: &Db,
    organisation_id: OrganisationId,
    f: &ApplicationFilter,
    per_page: i64,
) -> ServerResult<QueuePage> {
    let mut b = Binds::default();
    let mut sql =
        format!("SELECT {SUMMARY_COLUMNS} FROM import WHERE organisation_id = {}", b.push_int(organisation_id.get()));
    if let Some(s) = f.status {
        sql += &format!(" AND status = {}", b.push_text(s.as_str()));
    }
    if let Some(d) = f.decision {
        sql += &format!(" AND decision = {}", b.push_text(d.as_str()));
    }
    if let Some(t) = &f.target {
        sql += &format!(" AND target_id = {}", b.push_text(t.clone()));
    }
    if let Some(from) = f.from {
        sql += &format!(" AND created_at >= {}", b.push_int(day_start_ms(from)));
    }
    if let Some(to) = f.to.and_then(|d| d.succ_opt()) {
        sql += &format!(" AND created_at < {}", b.push_int(day_start_ms(to)));
    }
    if let Some(q) = &f.search {
        sql += &format!(" AND {}", contains_text(&mut b, &["owner_names", "owner_external_id"], q));
    }
    // Keyset paging on (created_at, import_id): each page costs the same however deep it is.
    let newest_first = f.order == DateOrder::NewestFirst;
    let backward = matches!(f.cursor, Some(PageCursor::Before { .. }));
    let descending = newest_first != backward;
    if let Some(PageCursor::After { created_at, import_id } | PageCursor::Before { created_at, import_id }) = f.cursor {
        let op = if descending { "<" } else { ">" };
        let c = b.push_int(created_at);
        let i = b.push_int(import_id);
        sql += &format!(" AND (created_at {op} {c} OR (created_at = {c} AND import_id {op} {i}))");
    }
    let dir = if descending { "DESC" } else { "ASC" };
    sql += &format!(" ORDER BY created_at {dir}, import_id {dir} LIMIT {}", b.push_int(per_page + 1));
    let mut out: Vec<ImportSummary> = b.apply_as(sqlx::query_as(&sql)).fetch_all(&db.pool).await?;
    let more = out.len() as i64 > per_page;
    out.truncate(per_page as usize);
    if backward {
        out.reverse();
    }
    Ok(QueuePage {
        rows: out,
        has_more_forward: if backward { true } else { more },
        has_more_backward: if backward { more } else { f.cursor.is_some() },
    })
}

/// Imports of the organisation by status and by decision.
pub async fn counts(
    db: &Db,
    organisation_id: OrganisationId,
) -> ServerResult<(Vec<(String, i64)>, Vec<(String, i64)>)> {
    let by_status: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM import WHERE organisation_id = $1 GROUP BY status ORDER BY status",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?;
    let by_decision: Vec<(String, i64)> = sqlx::query_as(
        "SELECT decision, COUNT(*) FROM import WHERE organisation_id = $1 GROUP BY decision ORDER BY decision",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?;
    Ok((by_status, by_decision))
}

/// Oldest and newest transaction dates of an import.
pub async fn dates_covered(db: &Db, import: &OwnedImport) -> ServerResult<Option<(String, String)>> {
    let row: (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT MIN(t.transaction_on), MAX(t.transaction_on) FROM import_transaction t
         WHERE t.import_account_id IN (SELECT import_account_id FROM import_account WHERE import_id = $1)",
    )
    .bind(import.id())
    .fetch_one(&db.pool)
    .await?;
    Ok(row.0.zip(row.1))
}

/// One page of an account's transactions under the reviewer's filters; empty when the account is not one of
/// the import's.
pub async fn transactions(
    db: &Db,
    import: &OwnedImport,
    account_id: AccountId,
    f: &TransactionFilter,
    limit: i64,
    offset: i64,
) -> ServerResult<Vec<Transaction>> {
    let mut b = Binds::default();
    let mut sql = format!(
        "SELECT {TRANSACTION_COLUMNS}
         FROM import_transaction t JOIN import_account a ON a.import_account_id = t.import_account_id
         WHERE t.import_account_id = {} AND a.import_id = {}",
        b.push_int(account_id.get()),
        b.push_int(import.id().get())
    );
    if let Some(from) = f.from {
        sql += &format!(" AND t.transaction_on >= {}", b.push_text(from.to_string()));
    }
    if let Some(to) = f.to {
        sql += &format!(" AND t.transaction_on <= {}", b.push_text(to.to_string()));
    }
    if let Some(min) = f.min_minor {
        sql += &format!(" AND t.amount_minor >= {}", b.push_int(min));
    }
    if let Some(max) = f.max_minor {
        sql += &format!(" AND t.amount_minor <= {}", b.push_int(max));
    }
    if let Some(text) = &f.text {
        sql += &format!(" AND {}", contains_text(&mut b, &["t.title", "t.party", "t.kind"], text));
    }
    sql += match f.sort {
        TransactionSort::NewestFirst => " ORDER BY t.transaction_on DESC, t.import_transaction_id DESC",
        TransactionSort::OldestFirst => " ORDER BY t.transaction_on ASC, t.import_transaction_id ASC",
        TransactionSort::LargestFirst => " ORDER BY t.amount_minor DESC, t.import_transaction_id DESC",
        TransactionSort::SmallestFirst => " ORDER BY t.amount_minor ASC, t.import_transaction_id ASC",
    };
    sql += &format!(" LIMIT {} OFFSET {}", b.push_int(limit), b.push_int(offset));
    Ok(b.apply_as(sqlx::query_as(&sql)).fetch_all(&db.pool).await?)
}

/// One page of an account's transactions under `filter`, with their labels, fetching one row more to know if
/// another page follows.
pub async fn transaction_page(
    db: &Db,
    import: &OwnedImport,
    account_id: AccountId,
    filter: &TransactionFilter,
    page: i64,
) -> ServerResult<TransactionPage> {
    let offset = page * TRANSACTIONS_PER_PAGE;
    let mut rows = transactions(db, import, account_id, filter, TRANSACTIONS_PER_PAGE + 1, offset).await?;
    let has_next = rows.len() as i64 > TRANSACTIONS_PER_PAGE;
    rows.truncate(TRANSACTIONS_PER_PAGE as usize);
    for t in &mut rows {
        t.labels = labels_for(&t.kind, t.amount_minor).into_iter().map(str::to_string).collect();
    }
    Ok(TransactionPage { rows, page, has_next })
}
