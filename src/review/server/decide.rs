//! Decisions on an application: the history, and the guarded change that records it with its audit entry.

use crate::account::model::AuditAction;
use crate::account::server::audit::{self, NewAuditEvent};
use crate::account::server::users::CurrentUser;
use crate::imports::model::{Decision, ImportStatus};
use crate::imports::server::reads::OwnedImport;
use crate::platform::db::Db;
use crate::platform::error::{ServerError, ServerResult};
use crate::platform::now_ms;
use crate::review::model::views::DecisionEntry;
use crate::shared::ImportId;
use crate::webhooks::model::EventType;
use crate::webhooks::server::outbox;

pub async fn decisions(db: &Db, import: &OwnedImport) -> ServerResult<Vec<DecisionEntry>> {
    Ok(sqlx::query_as(
        "SELECT reviewer_email, from_decision, to_decision, note, created_at FROM decision
         WHERE import_id = $1 ORDER BY created_at DESC, decision_id DESC",
    )
    .bind(import.id())
    .fetch_all(&db.pool)
    .await?)
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
    import_id: ImportId,
    to: Decision,
    note: &str,
    ip: Option<String>,
) -> ServerResult<DecideOutcome> {
    for _ in 0..3 {
        let mut tx = db.pool.begin().await?;
        let row: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT decision, status, owner_external_id FROM import WHERE import_id = $1 AND organisation_id = $2",
        )
        .bind(import_id)
        .bind(reviewer.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((from, status, owner_external_id)) = row else { return Ok(DecideOutcome::NotFound) };
        if !ImportStatus::parse(&status).is_ok_and(ImportStatus::is_finished) {
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
        audit::record(&mut tx, &event).await?;
        let data = serde_json::json!({
            "importId": import_id,
            "ownerExternalId": owner_external_id,
            "decision": to.as_str(),
            "previousDecision": from,
            "reviewer": reviewer.email,
            "note": note,
        });
        outbox::enqueue(&mut *tx, reviewer.organisation_id, EventType::ApplicationDecided, data).await?;
        tx.commit().await?;
        let from = Decision::parse(&from).map_err(|e| ServerError::Other(anyhow::anyhow!(e)))?;
        return Ok(DecideOutcome::Decided { from });
    }
    Err(ServerError::Other(anyhow::anyhow!("decision kept changing under us")))
}
