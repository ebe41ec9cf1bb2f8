//! Erasure on request (SPEC §8): what the bank gave us goes, the record of what was decided stays.

use crate::account::model::AuditAction;
use crate::account::server::audit::{self, Actor};
use crate::imports::model::ImportStatus;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::ImportId;
use crate::webhooks::model::EventType;
use crate::webhooks::server::outbox;

pub enum EraseOutcome {
    Erased,
    NotFound,
    NotFinished,
}

/// Erases what the bank gave us for one application: owners, accounts and transactions, the stored analysis
/// and the owner names. The import row (status, counts, decision) and the audit trail stay, so the record of
/// what was decided survives the data it was decided on.
pub async fn erase(db: &Db, actor: Actor<'_>, import_id: ImportId, ip: Option<String>) -> ServerResult<EraseOutcome> {
    let mut tx = db.pool.begin().await?;
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT status, owner_external_id FROM import WHERE import_id = $1 AND organisation_id = $2")
            .bind(import_id)
            .bind(actor.organisation_id())
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status, owner_external_id)) = row else { return Ok(EraseOutcome::NotFound) };
    if !ImportStatus::parse(&status).is_ok_and(ImportStatus::is_finished) {
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
    let event = actor.event(
        AuditAction::DataErased,
        Some(format!("application #{import_id}")),
        "owners, accounts and transactions erased on request".into(),
        ip,
    );
    audit::record(&mut *tx, &event).await?;
    let data = serde_json::json!({ "importId": import_id, "ownerExternalId": owner_external_id });
    outbox::enqueue(&mut *tx, actor.organisation_id(), EventType::ApplicationErased, data).await?;
    tx.commit().await?;
    Ok(EraseOutcome::Erased)
}
