//! Members of an organisation and invitations to join it.

use super::audit::{self, NewAuditEvent};
use super::password::PasswordHash;
use super::users::CurrentUser;
use crate::account::model::AuditAction;
use crate::platform::db::{Backend, Db};
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::{EmailAddress, OrganisationId, Role, UserId};

pub const INVITE_VALID_MS: i64 = 7 * 24 * 3600 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    #[sqlx(rename = "app_user_id")]
    pub user_id: UserId,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_at: i64,
}

pub async fn members(db: &Db, organisation_id: OrganisationId) -> ServerResult<Vec<Member>> {
    Ok(sqlx::query_as(
        "SELECT app_user_id, email, role, created_at FROM app_user WHERE organisation_id = $1 ORDER BY created_at, app_user_id",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn create_invite(
    db: &Db,
    admin: &CurrentUser,
    email: &EmailAddress,
    role: Role,
    token_hash: &str,
    ip: Option<String>,
) -> ServerResult<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO invite (organisation_id, email, role, token_hash, created_by, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(admin.organisation_id)
    .bind(email.as_str())
    .bind(role.as_str())
    .bind(token_hash)
    .bind(admin.user_id)
    .bind(now + INVITE_VALID_MS)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let event = NewAuditEvent::by(
        admin,
        AuditAction::InviteCreated,
        Some(email.as_str().to_string()),
        format!("invited {} as {role}", email.as_str()),
        ip,
    );
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenInvite {
    pub invite_id: i64,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

/// An invite still counts while it is unused, unexpired, unrevoked and its creator is still an admin of the
/// organisation (a removed or demoted admin's invites die with their rights).
const INVITE_IS_OPEN: &str = "i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
     AND EXISTS (SELECT 1 FROM app_user c WHERE c.app_user_id = i.created_by
                 AND c.organisation_id = i.organisation_id AND c.role = 'admin')";

/// An invitation that is still open (`INVITE_IS_OPEN`).
pub async fn open_invite(db: &Db, token_hash: &str) -> ServerResult<Option<OpenInvite>> {
    Ok(sqlx::query_as(&format!(
        "SELECT i.invite_id, i.organisation_id, o.name AS organisation_name, i.email, i.role FROM invite i
         JOIN organisation o ON o.organisation_id = i.organisation_id
         WHERE i.token_hash = $1 AND {INVITE_IS_OPEN}"
    ))
    .bind(token_hash)
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?)
}

pub enum AcceptOutcome {
    Joined { user_id: UserId },
    AlreadyUsed,
    EmailTaken,
}

/// Uses the invitation once and creates the member, atomically.
pub async fn accept_invite(
    db: &Db,
    invite: &OpenInvite,
    hash: &PasswordHash,
    ip: Option<String>,
) -> ServerResult<AcceptOutcome> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    // Re-checked while using it: the invite may have been revoked, or its creator demoted, since it was read.
    // The conditions are on the updated row itself, so PostgreSQL re-checks them after waiting for a revoke
    // or another accept that holds the row (a demotion or removal revokes the creator's invites too).
    let used = sqlx::query(
        "UPDATE invite SET used_at = $2
         WHERE invite_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
           AND EXISTS (SELECT 1 FROM app_user c WHERE c.app_user_id = invite.created_by
                       AND c.organisation_id = invite.organisation_id AND c.role = 'admin')",
    )
    .bind(invite.invite_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Ok(AcceptOutcome::AlreadyUsed);
    }
    let inserted: Result<(UserId,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO app_user (organisation_id, email, password_hash, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING app_user_id",
    )
    .bind(invite.organisation_id)
    .bind(&invite.email)
    .bind(hash.as_str())
    .bind(invite.role.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let user_id = match inserted {
        Ok((id,)) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(AcceptOutcome::EmailTaken),
        Err(e) => return Err(e.into()),
    };
    let event = NewAuditEvent {
        organisation_id: invite.organisation_id,
        actor_user_id: Some(user_id),
        actor_email: Some(&invite.email),
        action: AuditAction::InviteAccepted,
        subject: Some(invite.email.clone()),
        detail: format!("joined as {}", invite.role),
        ip,
    };
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(AcceptOutcome::Joined { user_id })
}

pub enum TeamChange {
    Done,
    NotFound,
    /// The organisation would be left without an admin.
    LastAdmin,
}

/// Whether another admin than `user_id` remains. On PostgreSQL the organisation row is locked first, so two
/// admins demoting each other at once cannot both succeed.
async fn other_admin_remains(
    db: &Db,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    admin: &CurrentUser,
    user_id: UserId,
) -> ServerResult<bool> {
    if db.backend == Backend::Postgres {
        sqlx::query("SELECT organisation_id FROM organisation WHERE organisation_id = $1 FOR UPDATE")
            .bind(admin.organisation_id)
            .execute(&mut **tx)
            .await?;
    }
    let (others,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM app_user WHERE organisation_id = $1 AND role = 'admin' AND app_user_id <> $2",
    )
    .bind(admin.organisation_id)
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(others > 0)
}

/// The e-mail and role of a member of the admin's organisation.
async fn member_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    admin: &CurrentUser,
    user_id: UserId,
) -> ServerResult<Option<(String, Role)>> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT email, role FROM app_user WHERE app_user_id = $1 AND organisation_id = $2")
            .bind(user_id)
            .bind(admin.organisation_id)
            .fetch_optional(&mut **tx)
            .await?;
    row.map(|(email, role)| Ok((email, Role::parse(&role).map_err(anyhow::Error::msg)?))).transpose()
}

/// Changes a member's role in the admin's organisation.
pub async fn change_role(
    db: &Db,
    admin: &CurrentUser,
    user_id: UserId,
    role: Role,
    ip: Option<String>,
) -> ServerResult<TeamChange> {
    let mut tx = db.begin().await?;
    let Some((email, old)) = member_in(&mut tx, admin, user_id).await? else { return Ok(TeamChange::NotFound) };
    if old == Role::Admin && role != Role::Admin && !other_admin_remains(db, &mut tx, admin, user_id).await? {
        return Ok(TeamChange::LastAdmin);
    }
    sqlx::query("UPDATE app_user SET role = $1, updated_at = $2 WHERE app_user_id = $3")
        .bind(role.as_str())
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if old == Role::Admin && role != Role::Admin {
        void_invites_by(&mut tx, user_id).await?;
    }
    let event =
        NewAuditEvent::by(admin, AuditAction::RoleChanged, Some(email.clone()), format!("{email}: {old} → {role}"), ip);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(TeamChange::Done)
}

/// Removes a member; their sessions stop working at once because every request reloads the user.
pub async fn remove(db: &Db, admin: &CurrentUser, user_id: UserId, ip: Option<String>) -> ServerResult<TeamChange> {
    let mut tx = db.begin().await?;
    let Some((email, role)) = member_in(&mut tx, admin, user_id).await? else { return Ok(TeamChange::NotFound) };
    if role == Role::Admin && !other_admin_remains(db, &mut tx, admin, user_id).await? {
        return Ok(TeamChange::LastAdmin);
    }
    void_invites_by(&mut tx, user_id).await?;
    sqlx::query("DELETE FROM app_user WHERE app_user_id = $1").bind(user_id).execute(&mut *tx).await?;
    let event =
        NewAuditEvent::by(admin, AuditAction::MemberRemoved, Some(email.clone()), format!("removed {email}"), ip);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(TeamChange::Done)
}

/// Revokes the open invites a member created (they are being removed or lose the admin role).
async fn void_invites_by(tx: &mut sqlx::Transaction<'_, sqlx::Any>, user_id: UserId) -> ServerResult<()> {
    sqlx::query("UPDATE invite SET revoked_at = $1 WHERE created_by = $2 AND used_at IS NULL AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingInvite {
    pub invite_id: i64,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_by_email: Option<String>,
    pub expires_at: i64,
}

/// The organisation's invites that can still be accepted, newest first.
pub async fn pending_invites(db: &Db, organisation_id: OrganisationId) -> ServerResult<Vec<PendingInvite>> {
    Ok(sqlx::query_as(&format!(
        "SELECT i.invite_id, i.email, i.role, u.email AS created_by_email, i.expires_at FROM invite i
         LEFT JOIN app_user u ON u.app_user_id = i.created_by
         WHERE i.organisation_id = $1 AND {INVITE_IS_OPEN} ORDER BY i.created_at DESC, i.invite_id DESC"
    ))
    .bind(organisation_id)
    .bind(now_ms())
    .fetch_all(&db.pool)
    .await?)
}

/// Revokes one open invite of the admin's organisation.
pub async fn revoke_invite(
    db: &Db,
    admin: &CurrentUser,
    invite_id: i64,
    ip: Option<String>,
) -> ServerResult<TeamChange> {
    let mut tx = db.begin().await?;
    let email: Option<(String,)> = sqlx::query_as(
        "UPDATE invite SET revoked_at = $1 WHERE invite_id = $2 AND organisation_id = $3
         AND used_at IS NULL AND revoked_at IS NULL RETURNING email",
    )
    .bind(now_ms())
    .bind(invite_id)
    .bind(admin.organisation_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((email,)) = email else { return Ok(TeamChange::NotFound) };
    let event = NewAuditEvent::by(
        admin,
        AuditAction::InviteRevoked,
        Some(email.clone()),
        format!("revoked the invite of {email}"),
        ip,
    );
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(TeamChange::Done)
}
