//! The append-only audit trail: rows are inserted, never updated or deleted by the application.

use super::Db;
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::server::error::{ServerError, ServerResult};
use crate::server::now_ms;
use sqlx::{Any, Executor};

pub struct NewAuditEvent<'a> {
    pub organisation_id: i64,
    pub actor_user_id: Option<i64>,
    pub actor_email: Option<&'a str>,
    pub action: AuditAction,
    pub subject: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
}

impl<'a> NewAuditEvent<'a> {
    /// An event done by a signed-in member of the organisation.
    pub fn by(
        user: &'a super::users::CurrentUser,
        action: AuditAction,
        subject: Option<String>,
        detail: String,
        ip: Option<String>,
    ) -> Self {
        Self {
            organisation_id: user.organisation_id,
            actor_user_id: Some(user.user_id),
            actor_email: Some(&user.email),
            action,
            subject,
            detail,
            ip,
        }
    }
}

/// Records an event inside the caller's transaction (or on the pool), so the action and its trail commit together.
pub async fn record<'e, E: Executor<'e, Database = Any>>(executor: E, e: &NewAuditEvent<'_>) -> ServerResult<()> {
    sqlx::query(
        "INSERT INTO audit_event (organisation_id, actor_user_id, actor_email, action, subject, detail, ip, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.organisation_id)
    .bind(e.actor_user_id)
    .bind(e.actor_email.map(str::to_string))
    .bind(e.action.as_str())
    .bind(e.subject.clone())
    .bind(e.detail.clone())
    .bind(e.ip.clone())
    .bind(now_ms())
    .execute(executor)
    .await?;
    Ok(())
}

type Row = (String, Option<String>, Option<String>, String, Option<String>, i64);

pub async fn list(db: &Db, organisation_id: i64, limit: i64, offset: i64) -> ServerResult<Vec<AuditEntry>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT action, actor_email, subject, detail, ip, created_at FROM audit_event
         WHERE organisation_id = $1 ORDER BY created_at DESC, audit_event_id DESC LIMIT $2 OFFSET $3",
    )
    .bind(organisation_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AuditEntry {
                action: AuditAction::parse(&r.0)
                    .ok_or_else(|| ServerError::Other(anyhow::anyhow!("unknown audit action {}", r.0)))?,
                actor_email: r.1,
                subject: r.2,
                detail: r.3,
                ip: r.4,
                created_at: r.5,
            })
        })
        .collect()
}
