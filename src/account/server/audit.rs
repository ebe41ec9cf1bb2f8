//! The append-only audit trail: rows are inserted, never updated or deleted by the application.

use super::users::CurrentUser;
use crate::account::model::{AuditAction, AuditEntry};
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::{OrganisationId, UserId};
use sqlx::{Any, Executor};

pub struct NewAuditEvent<'a> {
    pub organisation_id: OrganisationId,
    pub actor_user_id: Option<UserId>,
    pub actor_email: Option<&'a str>,
    pub action: AuditAction,
    pub subject: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
}

impl<'a> NewAuditEvent<'a> {
    /// An event done by a signed-in member of the organisation.
    pub fn by(
        user: &'a CurrentUser,
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

/// Who did something: a signed-in member, or the business's back-end through one of its API keys.
#[derive(Clone, Copy)]
pub enum Actor<'a> {
    Member(&'a CurrentUser),
    /// `label` names the key in the trail (its name and prefix).
    ApiKey {
        organisation_id: OrganisationId,
        label: &'a str,
    },
}

impl<'a> Actor<'a> {
    pub fn organisation_id(self) -> OrganisationId {
        match self {
            Actor::Member(user) => user.organisation_id,
            Actor::ApiKey { organisation_id, .. } => organisation_id,
        }
    }

    pub fn event(
        self,
        action: AuditAction,
        subject: Option<String>,
        detail: String,
        ip: Option<String>,
    ) -> NewAuditEvent<'a> {
        match self {
            Actor::Member(user) => NewAuditEvent::by(user, action, subject, detail, ip),
            Actor::ApiKey { organisation_id, label } => NewAuditEvent {
                organisation_id,
                actor_user_id: None,
                actor_email: Some(label),
                action,
                subject,
                detail,
                ip,
            },
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

pub async fn list(db: &Db, organisation_id: OrganisationId, limit: i64, offset: i64) -> ServerResult<Vec<AuditEntry>> {
    Ok(sqlx::query_as(
        "SELECT action, actor_email, subject, detail, ip, created_at FROM audit_event
         WHERE organisation_id = $1 ORDER BY created_at DESC, audit_event_id DESC LIMIT $2 OFFSET $3",
    )
    .bind(organisation_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?)
}
