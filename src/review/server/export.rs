//! `GET /applications/{id}/export.json` and `export.csv`: streamed from the database in keyset-ordered
//! chunks through a small bounded channel, so memory stays flat however many transactions an import holds.

use super::decide;
use crate::account::model::AuditAction;
use crate::account::server::audit;
use crate::account::server::current_user::RequestUser;
use crate::account::server::users::CurrentUser;
use crate::imports::model::{ImportSummary, Transaction};
use crate::imports::server::reads::{self, OwnedImport, TRANSACTION_COLUMNS};
use crate::platform::db::Db;
use crate::platform::http::request::RequestFacts;
use crate::platform::state::AppState;
use crate::review::model::labels::OwnAccounts;
use crate::shared::money::format_minor;
use crate::shared::{AccountId, ImportId};
use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::sync::mpsc;

const CHUNK_ROWS: i64 = 2000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

pub async fn export(
    State(state): State<AppState>,
    // Loaded by the page guard, which covers `/applications/…` (a signed-out visitor is redirected there).
    user: Option<Extension<RequestUser>>,
    Extension(facts): Extension<RequestFacts>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    // SameSite=Lax cookies travel on another site's top-level links; a download of applicant data must start
    // here (or be typed / bookmarked), never from a link elsewhere.
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return (StatusCode::FORBIDDEN, "Exports can only be downloaded from the portal itself.").into_response();
    }
    let format = match file.as_str() {
        "export.json" => Format::Json,
        "export.csv" => Format::Csv,
        _ => return (StatusCode::NOT_FOUND, "Not found.").into_response(),
    };
    let Some(Extension(RequestUser(user))) = user else {
        return (StatusCode::UNAUTHORIZED, "Please sign in to continue.").into_response();
    };
    if !user.role.can_read_applications() {
        return (StatusCode::FORBIDDEN, "Your role does not include applicants' data.").into_response();
    }
    let Ok(import_id) = id.parse::<ImportId>() else { return (StatusCode::NOT_FOUND, "Not found.").into_response() };
    let found = reads::find_in(&state.db, user.organisation_id, import_id).await;
    let import = match found {
        Ok(Some(import)) => import,
        Ok(None) => return (StatusCode::NOT_FOUND, "Not found.").into_response(),
        Err(e) => {
            tracing::error!(error.cause_chain = ?anyhow::Error::from(e), "export failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again.")
                .into_response();
        }
    };
    record_export(&state.db, &user, import_id, format, Some(facts.client_ip.to_string())).await;
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let db = state.db.clone();
    let target_name = state.catalog.display_name(&import.summary().target_id);
    tokio::spawn(async move {
        let written = match format {
            Format::Json => write_json(&db, &import, target_name, &tx).await,
            Format::Csv => write_csv(&db, &import, &tx).await,
        };
        if let Err(e) = written {
            tracing::error!(error = %e, import_id = import_id.get(), "export stream broke off");
            let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
        }
    });
    // Fused: a body may be polled once more after its end (the compression layer does), which a bare
    // `unfold` answers with a panic.
    let stream = futures::StreamExt::fuse(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
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

async fn record_export(db: &Db, user: &CurrentUser, import_id: ImportId, format: Format, ip: Option<String>) {
    let event = audit::NewAuditEvent::by(
        user,
        AuditAction::ExportDownloaded,
        Some(format!("application #{import_id}")),
        format!("exported as {}", if format == Format::Json { "JSON" } else { "CSV" }),
        ip,
    );
    if let Err(e) = audit::record_alone(db, &event).await {
        tracing::error!(error.cause_chain = ?anyhow::Error::from(e), "could not audit an export");
    }
}

type Sender = mpsc::Sender<Result<Bytes, std::io::Error>>;

async fn send(tx: &Sender, text: String) -> anyhow::Result<()> {
    tx.send(Ok(Bytes::from(text))).await.map_err(|_| anyhow::anyhow!("client went away"))
}

/// A transaction with its row id, for keyset chunks.
#[derive(sqlx::FromRow)]
struct ChunkRow {
    #[sqlx(flatten)]
    transaction: Transaction,
    import_transaction_id: i64,
}

/// Transactions of one account of the import in chunks, in the order they were imported.
async fn for_each_chunk<F>(db: &Db, import: &OwnedImport, account_id: AccountId, mut f: F) -> anyhow::Result<()>
where
    F: AsyncChunk,
{
    let sql = format!(
        "SELECT {TRANSACTION_COLUMNS}, t.import_transaction_id
         FROM import_transaction t JOIN import_account a ON a.import_account_id = t.import_account_id
         WHERE t.import_account_id = $1 AND a.import_id = $2 AND t.import_transaction_id > $3
         ORDER BY t.import_transaction_id LIMIT $4"
    );
    let mut after = 0i64;
    loop {
        let rows: Vec<ChunkRow> = sqlx::query_as(&sql)
            .bind(account_id)
            .bind(import.id())
            .bind(after)
            .bind(CHUNK_ROWS)
            .fetch_all(&db.pool)
            .await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.import_transaction_id;
        let full = rows.len() as i64 == CHUNK_ROWS;
        f.chunk(rows.into_iter().map(|r| r.transaction).collect()).await?;
        if !full {
            return Ok(());
        }
    }
}

trait AsyncChunk {
    async fn chunk(&mut self, rows: Vec<Transaction>) -> anyhow::Result<()>;
}

struct JsonChunks<'a> {
    tx: &'a Sender,
    first: bool,
    own: &'a OwnAccounts,
}

impl AsyncChunk for JsonChunks<'_> {
    async fn chunk(&mut self, rows: Vec<Transaction>) -> anyhow::Result<()> {
        let mut out = String::with_capacity(rows.len() * 260);
        for t in rows {
            if !std::mem::take(&mut self.first) {
                out.push(',');
            }
            let t = super::search::with_labels(t, self.own);
            out.push_str(&serde_json::to_string(&t)?);
        }
        send(self.tx, out).await
    }
}

async fn write_json(db: &Db, import: &OwnedImport, target_name: String, tx: &Sender) -> anyhow::Result<()> {
    let owners = reads::owners(db, import).await?;
    let accounts = reads::accounts(db, import).await?;
    let own = super::search::own_accounts_of(&accounts, &owners);
    let summary = ImportSummary { target_name, ..import.summary().clone() };
    send(
        tx,
        format!(
            "{{\"import\":{},\"owners\":{},\"accounts\":[",
            serde_json::to_string(&summary)?,
            serde_json::to_string(&owners)?
        ),
    )
    .await?;
    for (i, a) in accounts.iter().enumerate() {
        let head = serde_json::to_string(a)?;
        // Reopen the account object to append its transactions array.
        let head = head.strip_suffix('}').unwrap_or(&head);
        send(tx, format!("{}{head},\"transactions\":[", if i > 0 { "," } else { "" })).await?;
        for_each_chunk(db, import, a.account_id, JsonChunks { tx, first: true, own: &own }).await?;
        send(tx, "]}".into()).await?;
    }
    let decisions = decide::decisions(db, import).await?;
    // The same figures the page shows (null while the import runs or after its data was erased).
    let analysis = if import.status().is_finished() && import.summary().erased_at.is_none() {
        Some(super::analysis::stored_or_analyse(db, import, &owners).await?)
    } else {
        None
    };
    send(
        tx,
        format!(
            "],\"decisions\":{},\"analysis\":{}}}",
            serde_json::to_string(&decisions)?,
            serde_json::to_string(&analysis)?
        ),
    )
    .await
}

/// A CSV cell, every one of them: quoted when needed, and text a spreadsheet would run as a formula is
/// defused (a plain signed amount like `-12.30` is a number, not a formula, and stays as it is).
fn csv_cell(v: &str) -> String {
    let number =
        v.strip_prefix('-').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    let v = if !number && v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_string() };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

struct CsvChunks<'a> {
    tx: &'a Sender,
    iban: &'a str,
    currency: &'a str,
}

impl AsyncChunk for CsvChunks<'_> {
    async fn chunk(&mut self, rows: Vec<Transaction>) -> anyhow::Result<()> {
        let mut out = String::with_capacity(rows.len() * 160);
        for t in &rows {
            let cells = [
                self.iban,
                &t.transaction_on,
                t.booked_on.as_deref().unwrap_or_default(),
                &format_minor(t.amount_minor),
                self.currency,
                &t.balance_after_minor.map(format_minor).unwrap_or_default(),
                &t.title,
                t.party.as_deref().unwrap_or_default(),
                t.party_iban.as_deref().unwrap_or_default(),
                &t.kind,
                t.status.as_str(),
            ]
            .map(csv_cell);
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        send(self.tx, out).await
    }
}

async fn write_csv(db: &Db, import: &OwnedImport, tx: &Sender) -> anyhow::Result<()> {
    send(
        tx,
        "account_iban,transaction_on,booked_on,amount,currency,balance_after,title,party,party_iban,kind,status\r\n"
            .into(),
    )
    .await?;
    for a in reads::accounts(db, import).await? {
        for_each_chunk(db, import, a.account_id, CsvChunks { tx, iban: &a.iban, currency: &a.currency }).await?;
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
        assert_eq!(super::csv_cell("-12.30"), "-12.30", "amounts stay numbers");
        assert_eq!(super::csv_cell("-2+3"), "'-2+3");
        assert_eq!(super::csv_cell("@cmd"), "'@cmd");
    }
}
