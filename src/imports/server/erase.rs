//! The one erase path, for erasure on request and by retention: what the bank gave us goes (owners, accounts,
//! transactions, the stored analysis and the owner names); the import's summary row, its decisions and the audit
//! trail stay, so the record of what was decided survives the data it was decided on. The erasure is announced
//! (`application.erased`, with its reason) in the same transaction.

use crate::imports::model::ErasureReason;
use crate::platform::error::ServerResult;
use crate::shared::{ImportId, OrganisationId};
use crate::webhooks::model::EventType;
use crate::webhooks::server::outbox;
use sqlx::AnyConnection;

/// Erases one import's data inside the caller's transaction and queues its webhook. `false` when it was
/// already erased: the first UPDATE marks it, so two erasures at once (two instances' retention jobs, a
/// request during a run) erase and announce once.
pub async fn erase_data(
    conn: &mut AnyConnection,
    import_id: ImportId,
    reason: ErasureReason,
    now: i64,
) -> ServerResult<bool> {
    let marked: Option<(OrganisationId, Option<String>)> = sqlx::query_as(
        "UPDATE import SET owner_names = '', analysis_json = NULL, erased_at = $1, erased_reason = $2, updated_at = $1
         WHERE import_id = $3 AND erased_at IS NULL RETURNING organisation_id, owner_external_id",
    )
    .bind(now)
    .bind(reason.as_str())
    .bind(import_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((organisation_id, owner_external_id)) = marked else { return Ok(false) };
    sqlx::query(
        "DELETE FROM import_transaction WHERE import_account_id IN
            (SELECT import_account_id FROM import_account WHERE import_id = $1)",
    )
    .bind(import_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM import_account WHERE import_id = $1").bind(import_id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM import_owner WHERE import_id = $1").bind(import_id).execute(&mut *conn).await?;
    let data = serde_json::json!({
        "importId": import_id, "ownerExternalId": owner_external_id, "reason": reason.as_str()
    });
    outbox::enqueue(&mut *conn, organisation_id, EventType::ApplicationErased, data).await?;
    Ok(true)
}
