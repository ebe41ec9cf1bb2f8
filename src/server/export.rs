//! `GET /applications/{id}/export.json` and `export.csv`: streamed from the database in keyset-ordered
//! chunks through a small bounded channel, so memory stays flat however many transactions an import holds.

use super::db::imports::{self, TransactionRow};
use super::db::review;
use super::db::users::{self, CurrentUser};
use super::db::{audit, Db};
use super::session::TypedSession;
use super::state::AppState;
use crate::domain::application::{AccountView, ImportSummary, OwnerView};
use crate::domain::audit::AuditAction;
use crate::domain::money::format_minor;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;
use std::net::SocketAddr;
use tokio::sync::mpsc;
use tower_sessions::Session;

const CHUNK_ROWS: i64 = 2000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

pub async fn export(
    State(state): State<AppState>,
    session: Session,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let format = match file.as_str() {
        "export.json" => Format::Json,
        "export.csv" => Format::Csv,
        _ => return (StatusCode::NOT_FOUND, "Not found.").into_response(),
    };
    let user = match TypedSession::new(session).user_id().await {
        Ok(Some(id)) => users::find_current(&state.db, id).await.ok().flatten(),
        _ => None,
    };
    let Some(user) = user else { return (StatusCode::UNAUTHORIZED, "Please sign in to continue.").into_response() };
    let Ok(import_id) = id.parse::<i64>() else { return (StatusCode::NOT_FOUND, "Not found.").into_response() };
    let found = imports::find(&state.db, user.organisation_id, import_id, &|t| state.catalog.display_name(t)).await;
    let summary = match found {
        Ok(Some(s)) => s,
        Ok(None) => return (StatusCode::NOT_FOUND, "Not found.").into_response(),
        Err(e) => {
            tracing::error!(error.cause_chain = ?anyhow::Error::from(e), "export failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again.")
                .into_response();
        }
    };
    record_export(&state.db, &user, import_id, format, Some(peer.ip().to_string())).await;
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let db = state.db.clone();
    tokio::spawn(async move {
        let written = match format {
            Format::Json => write_json(&db, &summary, &tx).await,
            Format::Csv => write_csv(&db, &summary, &tx).await,
        };
        if let Err(e) = written {
            tracing::error!(error = %e, import_id, "export stream broke off");
            let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
        }
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let (content_type, ext) = match format {
        Format::Json => ("application/json", "json"),
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"application-{import_id}.{ext}\"")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

async fn record_export(db: &Db, user: &CurrentUser, import_id: i64, format: Format, ip: Option<String>) {
    let event = audit::NewAuditEvent::by(
        user,
        AuditAction::ExportDownloaded,
        Some(format!("application #{import_id}")),
        format!("exported as {}", if format == Format::Json { "JSON" } else { "CSV" }),
        ip,
    );
    if let Err(e) = audit::record(&db.pool, &event).await {
        tracing::error!(error.cause_chain = ?anyhow::Error::from(e), "could not audit an export");
    }
}

type Sender = mpsc::Sender<Result<Bytes, std::io::Error>>;

async fn send(tx: &Sender, text: String) -> anyhow::Result<()> {
    tx.send(Ok(Bytes::from(text))).await.map_err(|_| anyhow::anyhow!("client went away"))
}

/// Transactions of one account in chunks, in the order they were imported.
async fn for_each_chunk<F>(db: &Db, account_id: i64, mut f: F) -> anyhow::Result<()>
where
    F: AsyncChunk,
{
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(
            "SELECT t.import_account_id, t.transaction_on, t.booked_on, t.amount_minor, t.balance_after_minor,
                    a.currency, t.title, t.party, t.party_iban, t.kind, t.status, t.import_transaction_id
             FROM import_transaction t JOIN import_account a ON a.import_account_id = t.import_account_id
             WHERE t.import_account_id = $1 AND t.import_transaction_id > $2
             ORDER BY t.import_transaction_id LIMIT $3",
        )
        .bind(account_id)
        .bind(after)
        .bind(CHUNK_ROWS)
        .fetch_all(&db.pool)
        .await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = sqlx::Row::try_get(last, 11)?;
        let chunk: Vec<TransactionRow> = rows.iter().map(imports::transaction_row).collect::<Result<_, _>>()?;
        f.chunk(chunk).await?;
        if (rows.len() as i64) < CHUNK_ROWS {
            return Ok(());
        }
    }
}

trait AsyncChunk {
    async fn chunk(&mut self, rows: Vec<TransactionRow>) -> anyhow::Result<()>;
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportJson<'a> {
    id: i64,
    status: &'a str,
    target: &'a str,
    target_name: &'a str,
    owner_external_id: Option<&'a str>,
    months_requested: i64,
    progress: i64,
    error_code: Option<&'a str>,
    error_message: Option<&'a str>,
    decision: &'a str,
    owners_count: i64,
    accounts_count: i64,
    transactions_count: i64,
    created_at: String,
    started_at: Option<String>,
    finished_at: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OwnerJson<'a> {
    name: &'a str,
    kind: &'a str,
    address: Option<&'a str>,
    polish_pesel: Option<&'a str>,
    polish_nip: Option<&'a str>,
    polish_regon: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    citizenship: Option<&'a str>,
    personal_document_type: Option<&'a str>,
    personal_document_number: Option<&'a str>,
    birth_date: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountJson<'a> {
    name: &'a str,
    friendly_name: Option<&'a str>,
    iban: &'a str,
    currency_name: &'a str,
    currency_balance: String,
    currency_funds_available: String,
    active_since_at_least: &'a str,
    owners: &'a [crate::domain::application::AccountOwnerView],
    partial_due_to_timeout: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TransactionJson<'a> {
    transaction_on: &'a str,
    booked_on: Option<&'a str>,
    currency_amount: String,
    currency_balance: Option<String>,
    title: &'a str,
    party: Option<&'a str>,
    party_iban: Option<&'a str>,
    kind: &'a str,
    status: &'a str,
    labels: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DecisionJson<'a> {
    reviewer: &'a str,
    from: &'a str,
    to: &'a str,
    note: &'a str,
    decided_at: String,
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|d| d.to_rfc3339()).unwrap_or_default()
}

fn owner_json(o: &OwnerView) -> OwnerJson<'_> {
    OwnerJson {
        name: &o.name,
        kind: &o.kind,
        address: o.address.as_deref(),
        polish_pesel: o.polish_pesel.as_deref(),
        polish_nip: o.polish_nip.as_deref(),
        polish_regon: o.polish_regon.as_deref(),
        email: o.email.as_deref(),
        phone: o.phone.as_deref(),
        citizenship: o.citizenship.as_deref(),
        personal_document_type: o.personal_document_type.as_deref(),
        personal_document_number: o.personal_document_number.as_deref(),
        birth_date: o.birth_date.as_deref(),
    }
}

fn account_json(a: &AccountView) -> AccountJson<'_> {
    AccountJson {
        name: &a.name,
        friendly_name: a.friendly_name.as_deref(),
        iban: &a.iban,
        currency_name: &a.currency,
        currency_balance: format_minor(a.balance_minor),
        currency_funds_available: format_minor(a.funds_available_minor),
        active_since_at_least: &a.active_since_at_least,
        owners: &a.owners,
        partial_due_to_timeout: a.partial_due_to_timeout,
    }
}

struct JsonChunks<'a> {
    tx: &'a Sender,
    first: bool,
}

impl AsyncChunk for JsonChunks<'_> {
    async fn chunk(&mut self, rows: Vec<TransactionRow>) -> anyhow::Result<()> {
        let mut out = String::with_capacity(rows.len() * 260);
        for r in &rows {
            if !std::mem::take(&mut self.first) {
                out.push(',');
            }
            let t = TransactionJson {
                transaction_on: &r.1,
                booked_on: r.2.as_deref(),
                currency_amount: format_minor(r.3),
                currency_balance: r.4.map(format_minor),
                title: &r.6,
                party: r.7.as_deref(),
                party_iban: r.8.as_deref(),
                kind: &r.9,
                status: &r.10,
                labels: crate::domain::labels::labels_for(&r.9, r.3),
            };
            out.push_str(&serde_json::to_string(&t)?);
        }
        send(self.tx, out).await
    }
}

async fn write_json(db: &Db, s: &ImportSummary, tx: &Sender) -> anyhow::Result<()> {
    let owners = imports::owners(db, s.import_id).await?;
    let accounts = imports::accounts(db, s.import_id).await?;
    let import = ImportJson {
        id: s.import_id,
        status: s.status.as_str(),
        target: &s.target_id,
        target_name: &s.target_name,
        owner_external_id: s.owner_external_id.as_deref(),
        months_requested: s.months_requested,
        progress: s.progress,
        error_code: s.error_code.as_deref(),
        error_message: s.error_message.as_deref(),
        decision: s.decision.as_str(),
        owners_count: s.owners_count,
        accounts_count: s.accounts_count,
        transactions_count: s.transactions_count,
        created_at: rfc3339(s.created_at),
        started_at: s.started_at.map(rfc3339),
        finished_at: s.finished_at.map(rfc3339),
    };
    let owners_json: Vec<OwnerJson> = owners.iter().map(owner_json).collect();
    send(
        tx,
        format!(
            "{{\"import\":{},\"owners\":{},\"accounts\":[",
            serde_json::to_string(&import)?,
            serde_json::to_string(&owners_json)?
        ),
    )
    .await?;
    for (i, a) in accounts.iter().enumerate() {
        let head = serde_json::to_string(&account_json(a))?;
        // Reopen the account object to append its transactions array.
        let head = head.strip_suffix('}').unwrap_or(&head);
        send(tx, format!("{}{head},\"transactions\":[", if i > 0 { "," } else { "" })).await?;
        for_each_chunk(db, a.account_id, JsonChunks { tx, first: true }).await?;
        send(tx, "]}".into()).await?;
    }
    let decisions = review::decisions(db, s.import_id).await?;
    let decisions: Vec<DecisionJson> = decisions
        .iter()
        .map(|d| DecisionJson {
            reviewer: &d.reviewer_email,
            from: d.from.as_str(),
            to: d.to.as_str(),
            note: &d.note,
            decided_at: rfc3339(d.created_at),
        })
        .collect();
    send(tx, format!("],\"decisions\":{}}}", serde_json::to_string(&decisions)?)).await
}

/// A CSV cell: quoted when needed, and text that a spreadsheet would run as a formula is defused.
fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_string() };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

struct CsvChunks<'a> {
    tx: &'a Sender,
    iban: &'a str,
}

impl AsyncChunk for CsvChunks<'_> {
    async fn chunk(&mut self, rows: Vec<TransactionRow>) -> anyhow::Result<()> {
        let mut out = String::with_capacity(rows.len() * 160);
        for r in &rows {
            let cells = [
                csv_cell(self.iban),
                r.1.clone(),
                r.2.clone().unwrap_or_default(),
                format_minor(r.3),
                r.5.clone(),
                r.4.map(format_minor).unwrap_or_default(),
                csv_cell(&r.6),
                csv_cell(r.7.as_deref().unwrap_or_default()),
                csv_cell(r.8.as_deref().unwrap_or_default()),
                csv_cell(&r.9),
                r.10.clone(),
            ];
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        send(self.tx, out).await
    }
}

async fn write_csv(db: &Db, s: &ImportSummary, tx: &Sender) -> anyhow::Result<()> {
    send(
        tx,
        "account_iban,transaction_on,booked_on,amount,currency,balance_after,title,party,party_iban,kind,status\r\n"
            .into(),
    )
    .await?;
    for a in imports::accounts(db, s.import_id).await? {
        for_each_chunk(db, a.account_id, CsvChunks { tx, iban: &a.iban }).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(super::csv_cell("plain"), "plain");
        assert_eq!(super::csv_cell("a,b"), "\"a,b\"");
        assert_eq!(super::csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::csv_cell("=SUM(A1)"), "'=SUM(A1)");
    }
}
