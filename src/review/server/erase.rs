//! Erasure on request (SPEC §8): what the bank gave us goes, the record of what was decided stays.

use crate::account::model::AuditAction;
use crate::account::server::audit::{self, Actor};
use crate::imports::model::{ErasureReason, ImportStatus};
use crate::imports::server::erase as imports_erase;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::memo::Memo;
use crate::platform::now_ms;
use crate::shared::ImportId;

pub enum EraseOutcome {
    Erased,
    NotFound,
    NotFinished,
}

/// Erases what the bank gave us for one application through the one erase path (`imports::server::erase`),
/// with its audit entry in the same transaction (the path queues the `application.erased` webhook); this
/// instance's memoised copy of the data goes with it.
pub async fn erase(
    db: &Db,
    memo: &Memo,
    actor: Actor<'_>,
    import_id: ImportId,
    ip: Option<String>,
) -> ServerResult<EraseOutcome> {
    let mut tx = db.begin().await?;
    let row: Option<(String,)> =
        sqlx::query_as("SELECT status FROM import WHERE import_id = $1 AND organisation_id = $2")
            .bind(import_id)
            .bind(actor.organisation_id())
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status,)) = row else { return Ok(EraseOutcome::NotFound) };
    if !ImportStatus::parse(&status).is_ok_and(ImportStatus::is_finished) {
        return Ok(EraseOutcome::NotFinished);
    }
    if !imports_erase::erase_data(&mut tx, import_id, ErasureReason::Request, now_ms()).await? {
        // Erased already (on request or by retention): nothing more to erase, record or announce.
        return Ok(EraseOutcome::Erased);
    }
    let event = actor.event(
        AuditAction::DataErased,
        Some(format!("application #{import_id}")),
        "owners, accounts and transactions erased on request".into(),
        ip,
    );
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    super::application::forget(memo, import_id);
    Ok(EraseOutcome::Erased)
}
