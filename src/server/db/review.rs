//! The review queue, filtered transaction pages and decisions. Every query is scoped by organisation.

use super::audit::{self, NewAuditEvent};
use super::imports::{summary_row, SUMMARY_COLUMNS};
use super::users::CurrentUser;
use super::Db;
use crate::domain::application::{Decision, ImportSummary, TransactionView};
use crate::domain::audit::AuditAction;
use crate::domain::review::{ApplicationFilter, DateOrder, PageCursor, TransactionFilter, TransactionSort};
use crate::server::error::{ServerError, ServerResult};
use crate::server::now_ms;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

/// Bind values of a dynamically built statement, numbered `$1…` in the order they are pushed.
#[derive(Default)]
struct Binds {
    values: Vec<BindValue>,
}

enum BindValue {
    Int(i64),
    Text(String),
}

impl Binds {
    fn push_int(&mut self, v: i64) -> String {
        self.values.push(BindValue::Int(v));
        format!("${}", self.values.len())
    }

    fn push_text(&mut self, v: String) -> String {
        self.values.push(BindValue::Text(v));
        format!("${}", self.values.len())
    }

    fn apply<'q>(&'q self, mut q: Query<'q, Any, AnyArguments<'q>>) -> Query<'q, Any, AnyArguments<'q>> {
        for v in &self.values {
            q = match v {
                BindValue::Int(i) => q.bind(*i),
                BindValue::Text(t) => q.bind(t.as_str()),
            };
        }
        q
    }
}

/// `%text%` for LIKE, with the pattern characters of the user's text escaped.
fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A case-insensitive "contains" over `columns`. SQLite's LOWER() and LIKE fold ASCII only, so besides the
/// lower-cased match the text is also tried in upper case and title case ("łukasz" finds "Łukasz", "ŻABKA").
fn contains_text(b: &mut Binds, columns: &[&str], text: &str) -> String {
    let title: String = text
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect()).unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ");
    let lower = b.push_text(like_pattern(&text.to_lowercase()));
    let upper = b.push_text(like_pattern(&text.to_uppercase()));
    let title = b.push_text(like_pattern(&title));
    let parts: Vec<String> = columns
        .iter()
        .map(|c| {
            format!(
                "LOWER(COALESCE({c}, '')) LIKE {lower} ESCAPE '\\' OR COALESCE({c}, '') LIKE {upper} ESCAPE '\\'
                 OR COALESCE({c}, '') LIKE {title} ESCAPE '\\'"
            )
        })
        .collect();
    format!("({})", parts.join(" OR "))
}

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
    organisation_id: i64,
    f: &ApplicationFilter,
    per_page: i64,
    target_name: &(dyn Fn(&str) -> String + Send + Sync),
) -> ServerResult<QueuePage> {
    let mut b = Binds::default();
    let mut sql =
        format!("SELECT {SUMMARY_COLUMNS} FROM import WHERE organisation_id = {}", b.push_int(organisation_id));
    if let Some(s) = f.status {
        sql += &format!(" AND status = {}", b.push_text(s.as_str().into()));
    }
    if let Some(d) = f.decision {
        sql += &format!(" AND decision = {}", b.push_text(d.as_str().into()));
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
    let rows = b.apply(sqlx::query(&sql)).fetch_all(&db.pool).await?;
    let mut out: Vec<ImportSummary> = rows.iter().map(|r| summary_row(r, target_name)).collect::<ServerResult<_>>()?;
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
pub async fn counts(db: &Db, organisation_id: i64) -> ServerResult<(Vec<(String, i64)>, Vec<(String, i64)>)> {
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
pub async fn dates_covered(db: &Db, import_id: i64) -> ServerResult<Option<(String, String)>> {
    let row: (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT MIN(t.transaction_on), MAX(t.transaction_on) FROM import_transaction t
         WHERE t.import_account_id IN (SELECT import_account_id FROM import_account WHERE import_id = $1)",
    )
    .bind(import_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.0.zip(row.1))
}

/// One page of an account's transactions under the reviewer's filters.
pub async fn transactions(
    db: &Db,
    account_id: i64,
    f: &TransactionFilter,
    limit: i64,
    offset: i64,
) -> ServerResult<Vec<TransactionView>> {
    let mut b = Binds::default();
    let mut sql = format!(
        "SELECT t.import_account_id, t.transaction_on, t.booked_on, t.amount_minor, t.balance_after_minor, a.currency,
                t.title, t.party, t.party_iban, t.kind, t.status
         FROM import_transaction t JOIN import_account a ON a.import_account_id = t.import_account_id
         WHERE t.import_account_id = {}",
        b.push_int(account_id)
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
    let rows: Vec<super::imports::TransactionRow> = {
        let q = b.apply(sqlx::query(&sql));
        q.fetch_all(&db.pool).await?.iter().map(super::imports::transaction_row).collect::<Result<_, _>>()?
    };
    Ok(rows.into_iter().map(super::imports::transaction_view).collect())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub reviewer_email: String,
    pub from: Decision,
    pub to: Decision,
    pub note: String,
    pub created_at: i64,
}

pub async fn decisions(db: &Db, import_id: i64) -> ServerResult<Vec<DecisionRow>> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT reviewer_email, from_decision, to_decision, note, created_at FROM decision
         WHERE import_id = $1 ORDER BY created_at DESC, decision_id DESC",
    )
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    let corrupt = |e: String| ServerError::Other(anyhow::anyhow!(e));
    rows.into_iter()
        .map(|r| {
            Ok(DecisionRow {
                reviewer_email: r.0,
                from: Decision::parse(&r.1).map_err(corrupt)?,
                to: Decision::parse(&r.2).map_err(corrupt)?,
                note: r.3,
                created_at: r.4,
            })
        })
        .collect()
}

pub enum DecideOutcome {
    Decided { from: Decision },
    NotFound,
    NotFinished,
}

/// Records a decision, its history row and its audit entry in one transaction. The update is guarded on the
/// decision it read, so two reviewers deciding at once both land in the history, in order.
pub async fn decide(
    db: &Db,
    reviewer: &CurrentUser,
    import_id: i64,
    to: Decision,
    note: &str,
    ip: Option<String>,
) -> ServerResult<DecideOutcome> {
    for _ in 0..3 {
        let mut tx = db.pool.begin().await?;
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT decision, status FROM import WHERE import_id = $1 AND organisation_id = $2")
                .bind(import_id)
                .bind(reviewer.organisation_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((from, status)) = row else { return Ok(DecideOutcome::NotFound) };
        if !matches!(status.as_str(), "succeeded" | "partial" | "failed") {
            return Ok(DecideOutcome::NotFinished);
        }
        let now = now_ms();
        let updated =
            sqlx::query("UPDATE import SET decision = $1, updated_at = $2 WHERE import_id = $3 AND decision = $4")
                .bind(to.as_str())
                .bind(now)
                .bind(import_id)
                .bind(&from)
                .execute(&mut *tx)
                .await?;
        if updated.rows_affected() != 1 {
            continue; // someone decided in between: read again
        }
        sqlx::query(
            "INSERT INTO decision (import_id, organisation_id, reviewer_user_id, reviewer_email, from_decision,
                to_decision, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(import_id)
        .bind(reviewer.organisation_id)
        .bind(reviewer.user_id)
        .bind(&reviewer.email)
        .bind(&from)
        .bind(to.as_str())
        .bind(note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let event = NewAuditEvent::by(
            reviewer,
            AuditAction::DecisionMade,
            Some(format!("application #{import_id}")),
            format!("{from} → {}: {note}", to.as_str()),
            ip.clone(),
        );
        audit::record(&mut *tx, &event).await?;
        tx.commit().await?;
        let from = Decision::parse(&from).map_err(|e| ServerError::Other(anyhow::anyhow!(e)))?;
        return Ok(DecideOutcome::Decided { from });
    }
    Err(ServerError::Other(anyhow::anyhow!("decision kept changing under us")))
}

pub enum EraseOutcome {
    Erased,
    NotFound,
    NotFinished,
}

/// Erases what the bank gave us for one application: owners, accounts and transactions, the stored analysis
/// and the owner names. The import row (status, counts, decision) and the audit trail stay, so the record of
/// what was decided survives the data it was decided on.
pub async fn erase(db: &Db, admin: &CurrentUser, import_id: i64, ip: Option<String>) -> ServerResult<EraseOutcome> {
    let mut tx = db.pool.begin().await?;
    let row: Option<(String,)> =
        sqlx::query_as("SELECT status FROM import WHERE import_id = $1 AND organisation_id = $2")
            .bind(import_id)
            .bind(admin.organisation_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status,)) = row else { return Ok(EraseOutcome::NotFound) };
    if matches!(status.as_str(), "queued" | "running") {
        return Ok(EraseOutcome::NotFinished);
    }
    sqlx::query(
        "DELETE FROM import_transaction WHERE import_account_id IN
            (SELECT import_account_id FROM import_account WHERE import_id = $1)",
    )
    .bind(import_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM import_account WHERE import_id = $1").bind(import_id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM import_owner WHERE import_id = $1").bind(import_id).execute(&mut *tx).await?;
    sqlx::query(
        "UPDATE import SET owner_names = '', analysis_json = NULL, erased_at = $1, updated_at = $1 WHERE import_id = $2",
    )
    .bind(now_ms())
    .bind(import_id)
    .execute(&mut *tx)
    .await?;
    let event = NewAuditEvent::by(
        admin,
        AuditAction::DataErased,
        Some(format!("application #{import_id}")),
        "owners, accounts and transactions erased on request".into(),
        ip,
    );
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok(EraseOutcome::Erased)
}
