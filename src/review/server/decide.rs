//! Decisions on an application: the history, the open four-eyes request, and the guarded changes that record
//! each step with its audit entry.

use crate::account::model::AuditAction;
use crate::account::server::audit::{self, NewAuditEvent};
use crate::account::server::users::CurrentUser;
use crate::imports::model::{Decision, ImportStatus};
use crate::imports::server::reads::OwnedImport;
use crate::platform::db::Db;
use crate::platform::error::{ServerError, ServerResult};
use crate::platform::now_ms;
use crate::review::model::views::{ApprovalRequest, DecisionEntry};
use crate::shared::{ImportId, UserId};
use crate::webhooks::model::EventType;
use crate::webhooks::server::outbox;

pub async fn decisions(db: &Db, import: &OwnedImport) -> ServerResult<Vec<DecisionEntry>> {
    Ok(sqlx::query_as(
        "SELECT reviewer_email, from_decision, to_decision, note, first_approver_email, created_at FROM decision
         WHERE import_id = $1 ORDER BY created_at DESC, decision_id DESC",
    )
    .bind(import.id())
    .fetch_all(&db.pool)
    .await?)
}

/// The import row's columns behind [`approval_state`], for a read that already fetches the row; the policy is
/// the organisation's.
pub const APPROVAL_COLUMNS: &str = "approval_requested_by, approval_requested_email, approval_requested_note,
    approval_requested_at,
    (SELECT o.require_second_approval FROM organisation o WHERE o.organisation_id = import.organisation_id)
        AS require_second_approval";

/// An import's open four-eyes request and the organisation's policy, as [`APPROVAL_COLUMNS`] read them.
#[derive(sqlx::FromRow)]
pub struct ApprovalColumns {
    approval_requested_by: Option<i64>,
    approval_requested_email: Option<String>,
    approval_requested_note: Option<String>,
    approval_requested_at: Option<i64>,
    require_second_approval: i64,
}

/// The approval waiting for a second reviewer, as `viewer` sees it, and whether the organisation requires
/// second approvals (the panel shows both).
pub fn approval_state(row: ApprovalColumns, viewer: &CurrentUser) -> (Option<ApprovalRequest>, bool) {
    let request = row.request().map(|r| ApprovalRequest {
        by_viewer: r.by == viewer.user_id,
        approver_email: r.email,
        note: r.note,
        requested_at: r.at,
    });
    (request, row.require_second_approval != 0)
}

struct OpenRequest {
    by: UserId,
    email: String,
    note: String,
    at: i64,
}

impl ApprovalColumns {
    /// The open request, if one waits (an approver and a time).
    fn request(&self) -> Option<OpenRequest> {
        Some(OpenRequest {
            by: UserId(self.approval_requested_by?),
            email: self.approval_requested_email.clone().unwrap_or_default(),
            note: self.approval_requested_note.clone().unwrap_or_default(),
            at: self.approval_requested_at?,
        })
    }
}

/// What a reviewer asks for on the decision panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecideAction {
    Approve,
    Reject,
    /// Close another reviewer's approval request without approving (four eyes).
    SendBack,
}

pub enum DecideOutcome {
    Decided {
        from: Decision,
    },
    /// The approval waits for a different reviewer (the organisation requires a second approval).
    AwaitingSecondApproval,
    SentBack,
    NotFound,
    NotFinished,
    /// The reviewer tried to confirm or send back their own approval.
    OwnApproval,
    /// Send back, with no approval waiting.
    NothingWaiting,
}

/// An import's decision as stored, with its open approval request and the organisation's policy.
#[derive(sqlx::FromRow)]
struct DecisionState {
    decision: String,
    status: String,
    owner_external_id: Option<String>,
    #[sqlx(flatten)]
    approval: ApprovalColumns,
}

/// Records one step of the decision in one transaction with its history row, audit entry and (for a final
/// decision) webhook. Every update is guarded on the state it read, so two reviewers acting at once both
/// land in order, and an approval can never be confirmed by the reviewer who gave it.
pub async fn decide(
    db: &Db,
    reviewer: &CurrentUser,
    import_id: ImportId,
    action: DecideAction,
    note: &str,
    ip: Option<String>,
) -> ServerResult<DecideOutcome> {
    for _ in 0..3 {
        let mut tx = db.begin().await?;
        let row: Option<DecisionState> = sqlx::query_as(&format!(
            "SELECT decision, status, owner_external_id, {APPROVAL_COLUMNS} FROM import
                 WHERE import_id = $1 AND organisation_id = $2"
        ))
        .bind(import_id)
        .bind(reviewer.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(state) = row else { return Ok(DecideOutcome::NotFound) };
        if !ImportStatus::parse(&state.status).is_ok_and(ImportStatus::is_finished) {
            return Ok(DecideOutcome::NotFinished);
        }
        let request = state.approval.request();
        let subject = Some(format!("application #{import_id}"));
        let now = now_ms();
        match (action, &request) {
            (DecideAction::SendBack, None) => return Ok(DecideOutcome::NothingWaiting),
            (DecideAction::SendBack | DecideAction::Approve, Some(r)) if r.by == reviewer.user_id => {
                return Ok(DecideOutcome::OwnApproval)
            }
            (DecideAction::SendBack, Some(r)) => {
                if !close_request(&mut tx, import_id, r, now).await? {
                    continue;
                }
                let body = format!("Sent back the approval by {}: {note}", r.email);
                super::case::insert_note(&mut tx, reviewer, import_id, &body).await?;
                let detail = format!("approval by {} sent back: {note}", r.email);
                let event = NewAuditEvent::by(reviewer, AuditAction::ApprovalSentBack, subject, detail, ip.clone());
                audit::record(&mut tx, &event).await?;
                tx.commit().await?;
                return Ok(DecideOutcome::SentBack);
            }
            (DecideAction::Approve, None) if state.approval.require_second_approval != 0 => {
                let opened = sqlx::query(
                    "UPDATE import SET approval_requested_by = $1, approval_requested_email = $2,
                        approval_requested_note = $3, approval_requested_at = $4, updated_at = $4
                     WHERE import_id = $5 AND approval_requested_at IS NULL",
                )
                .bind(reviewer.user_id)
                .bind(&reviewer.email)
                .bind(note)
                .bind(now)
                .bind(import_id)
                .execute(&mut *tx)
                .await?;
                if opened.rows_affected() != 1 {
                    continue; // another reviewer approved first: read again
                }
                let detail = format!("{} → approval_pending: {note}", state.decision);
                let event = NewAuditEvent::by(reviewer, AuditAction::ApprovalRequested, subject, detail, ip.clone());
                audit::record(&mut tx, &event).await?;
                tx.commit().await?;
                return Ok(DecideOutcome::AwaitingSecondApproval);
            }
            _ => {}
        }
        // A final decision: one reviewer's approval without the policy, a second reviewer's confirmation, or
        // any rejection (which also closes an open request).
        let to = if action == DecideAction::Reject { Decision::Rejected } else { Decision::Approved };
        let from = state.decision;
        let updated = sqlx::query(
            "UPDATE import SET decision = $1, updated_at = $2, approval_requested_by = NULL,
                approval_requested_email = NULL, approval_requested_note = NULL, approval_requested_at = NULL
             WHERE import_id = $3 AND decision = $4 AND COALESCE(approval_requested_at, 0) = $5
                AND COALESCE(approval_requested_by, 0) = $6",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(import_id)
        .bind(&from)
        .bind(request.as_ref().map_or(0, |r| r.at))
        .bind(request.as_ref().map_or(0, |r| r.by.0))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            continue; // someone decided in between: read again
        }
        let first_approver = request.as_ref().filter(|_| to == Decision::Approved).map(|r| r.email.clone());
        sqlx::query(
            "INSERT INTO decision (import_id, organisation_id, reviewer_user_id, reviewer_email, from_decision,
                to_decision, note, first_approver_email, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(import_id)
        .bind(reviewer.organisation_id)
        .bind(reviewer.user_id)
        .bind(&reviewer.email)
        .bind(&from)
        .bind(to.as_str())
        .bind(note)
        .bind(first_approver.clone())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let detail = match (&first_approver, &request) {
            (Some(first), _) => format!("{from} → {} (second approval of {first}'s): {note}", to.as_str()),
            (None, Some(r)) => format!("{from} → {} (closes the approval by {}): {note}", to.as_str(), r.email),
            (None, None) => format!("{from} → {}: {note}", to.as_str()),
        };
        let event = NewAuditEvent::by(reviewer, AuditAction::DecisionMade, subject, detail, ip.clone());
        audit::record(&mut tx, &event).await?;
        let data = serde_json::json!({
            "importId": import_id,
            "ownerExternalId": state.owner_external_id,
            "decision": to.as_str(),
            "previousDecision": from,
            "reviewer": reviewer.email,
            "firstApprover": first_approver,
            "note": note,
        });
        outbox::enqueue(&mut *tx, reviewer.organisation_id, EventType::ApplicationDecided, data).await?;
        tx.commit().await?;
        let from = Decision::parse(&from).map_err(|e| ServerError::Other(anyhow::anyhow!(e)))?;
        return Ok(DecideOutcome::Decided { from });
    }
    Err(ServerError::Other(anyhow::anyhow!("decision kept changing under us")))
}

/// Closes the approval request `r`; false when it changed in between (guarded on its time and its approver).
async fn close_request(
    conn: &mut sqlx::AnyConnection,
    import_id: ImportId,
    r: &OpenRequest,
    now: i64,
) -> ServerResult<bool> {
    let closed = sqlx::query(
        "UPDATE import SET approval_requested_by = NULL, approval_requested_email = NULL,
            approval_requested_note = NULL, approval_requested_at = NULL, updated_at = $1
         WHERE import_id = $2 AND approval_requested_at = $3 AND approval_requested_by = $4",
    )
    .bind(now)
    .bind(import_id)
    .bind(r.at)
    .bind(r.by)
    .execute(&mut *conn)
    .await?;
    Ok(closed.rows_affected() == 1)
}
