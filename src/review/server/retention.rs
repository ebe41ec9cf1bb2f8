//! Retention (SPEC §8): imports older than their organisation's retention period lose their bank data through
//! the same erase path as erasure on request; each organisation's trail gets one entry per run with the count.

use crate::account::model::AuditAction;
use crate::account::server::audit::{self, NewAuditEvent};
use crate::imports::model::{ErasureReason, ImportStatus};
use crate::imports::server::erase::erase_data;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::memo::Memo;
use crate::shared::{ImportId, OrganisationId};

pub const DAY_MS: i64 = 24 * 3600 * 1000;
/// Imports erased per query, so a first run over years of data does not hold one huge transaction.
const BATCH: i64 = 200;
/// How the trail names the job.
pub const ACTOR: &str = "Insight (retention)";

/// Erases every organisation's imports created before its retention period (as of `now`); returns how many.
/// This instance's memoised copies of their data go with them.
pub async fn erase_expired(db: &Db, memo: &Memo, now: i64) -> ServerResult<i64> {
    let organisations: Vec<(OrganisationId, i64)> =
        sqlx::query_as("SELECT organisation_id, retention_days FROM organisation ORDER BY organisation_id")
            .fetch_all(&db.pool)
            .await?;
    let mut total = 0;
    for (organisation_id, days) in organisations {
        let erased = erase_expired_of(db, memo, organisation_id, now - days * DAY_MS, now).await?;
        if erased > 0 {
            let event = NewAuditEvent {
                organisation_id,
                actor_user_id: None,
                actor_email: Some(ACTOR),
                action: AuditAction::RetentionErased,
                subject: Some("retention".into()),
                detail: format!("{erased} imports older than {days} days: owners, accounts and transactions erased"),
                ip: None,
            };
            audit::record_alone(db, &event).await?;
        }
        total += erased;
    }
    Ok(total)
}

async fn erase_expired_of(
    db: &Db,
    memo: &Memo,
    organisation_id: OrganisationId,
    cutoff: i64,
    now: i64,
) -> ServerResult<i64> {
    let finished: Vec<&str> = ImportStatus::FINISHED.iter().map(|s| s.as_str()).collect();
    let mut erased = 0;
    let mut after = 0i64;
    loop {
        let batch: Vec<(ImportId,)> = sqlx::query_as(
            "SELECT import_id FROM import
             WHERE organisation_id = $1 AND created_at < $2 AND erased_at IS NULL AND import_id > $3
               AND status IN ($4, $5, $6)
             ORDER BY import_id LIMIT $7",
        )
        .bind(organisation_id)
        .bind(cutoff)
        .bind(after)
        .bind(finished[0])
        .bind(finished[1])
        .bind(finished[2])
        .bind(BATCH)
        .fetch_all(&db.pool)
        .await?;
        for (import_id,) in &batch {
            let mut tx = db.begin().await?;
            let erased_now = erase_data(&mut tx, *import_id, ErasureReason::Retention, now).await?;
            tx.commit().await?;
            if erased_now {
                super::application::forget(memo, *import_id);
            }
            erased += i64::from(erased_now);
            after = import_id.get();
        }
        if (batch.len() as i64) < BATCH {
            return Ok(erased);
        }
    }
}
