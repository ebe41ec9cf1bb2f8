//! Organisations: created with their first admin, found by Client ID, and their signing secret.

use super::password::PasswordHash;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::{ClientId, CompanyName, EmailAddress, OrganisationId, Role, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewOrganisation {
    pub organisation_id: OrganisationId,
    pub admin_user_id: UserId,
}

/// Creates the organisation and its first admin in one transaction, so a failure (e.g. the e-mail is
/// taken) leaves nothing half-created.
pub async fn create_with_admin(
    db: &Db,
    name: &CompanyName,
    client_id: &ClientId,
    signing_secret: &str,
    email: &EmailAddress,
    password_hash: &PasswordHash,
) -> ServerResult<NewOrganisation> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let (organisation_id,): (OrganisationId,) = sqlx::query_as(
        "INSERT INTO organisation (name, client_id, signing_secret, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING organisation_id",
    )
    .bind(name.as_str())
    .bind(client_id.as_str())
    .bind(signing_secret)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let (admin_user_id,): (UserId,) = sqlx::query_as(
        "INSERT INTO app_user (organisation_id, email, password_hash, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING app_user_id",
    )
    .bind(organisation_id)
    .bind(email.as_str())
    .bind(password_hash.as_str())
    .bind(Role::Admin.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(NewOrganisation { organisation_id, admin_user_id })
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrganisationRow {
    pub organisation_id: OrganisationId,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub client_id: ClientId,
}

pub async fn find_by_client_id(db: &Db, client_id: &ClientId) -> ServerResult<Option<OrganisationRow>> {
    Ok(sqlx::query_as("SELECT organisation_id, name, client_id FROM organisation WHERE client_id = $1")
        .bind(client_id.as_str())
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn find(db: &Db, organisation_id: OrganisationId) -> ServerResult<Option<OrganisationRow>> {
    Ok(sqlx::query_as("SELECT organisation_id, name, client_id FROM organisation WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// The organisation's Client ID and signing secret, for what the widget signs.
pub async fn client_id_and_secret(db: &Db, organisation_id: OrganisationId) -> ServerResult<(String, String)> {
    Ok(sqlx::query_as("SELECT client_id, signing_secret FROM organisation WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(&db.pool)
        .await?)
}

pub async fn signing_secret(db: &Db, organisation_id: OrganisationId) -> ServerResult<String> {
    let (secret,): (String,) = sqlx::query_as("SELECT signing_secret FROM organisation WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(secret)
}

pub async fn retention_days(db: &Db, organisation_id: OrganisationId) -> ServerResult<i64> {
    let (days,): (i64,) = sqlx::query_as("SELECT retention_days FROM organisation WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(days)
}

/// Sets the retention period and records the change in the same transaction.
pub async fn set_retention_days(
    db: &Db,
    admin: &super::users::CurrentUser,
    days: i64,
    ip: Option<String>,
) -> ServerResult<()> {
    use super::audit::{self, NewAuditEvent};
    use crate::account::model::AuditAction;
    let mut tx = db.begin().await?;
    let (old,): (i64,) = sqlx::query_as("SELECT retention_days FROM organisation WHERE organisation_id = $1")
        .bind(admin.organisation_id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("UPDATE organisation SET retention_days = $1 WHERE organisation_id = $2")
        .bind(days)
        .bind(admin.organisation_id)
        .execute(&mut *tx)
        .await?;
    let event = NewAuditEvent::by(
        admin,
        AuditAction::RetentionChanged,
        Some("retention".into()),
        format!("retention: {old} → {days} days"),
        ip,
    );
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether approvals need a second reviewer's confirmation (four eyes).
pub async fn second_approval_required(db: &Db, organisation_id: OrganisationId) -> ServerResult<bool> {
    let (required,): (i64,) =
        sqlx::query_as("SELECT require_second_approval FROM organisation WHERE organisation_id = $1")
            .bind(organisation_id)
            .fetch_one(&db.pool)
            .await?;
    Ok(required != 0)
}

/// Turns the four-eyes policy on or off and records the change in the same transaction. Approvals already
/// waiting stay open when it is turned off: a reviewer confirms or sends them back as before.
pub async fn set_second_approval_required(
    db: &Db,
    admin: &super::users::CurrentUser,
    required: bool,
    ip: Option<String>,
) -> ServerResult<()> {
    use super::audit::{self, NewAuditEvent};
    use crate::account::model::AuditAction;
    let mut tx = db.begin().await?;
    let (old,): (i64,) = sqlx::query_as("SELECT require_second_approval FROM organisation WHERE organisation_id = $1")
        .bind(admin.organisation_id)
        .fetch_one(&mut *tx)
        .await?;
    if (old != 0) == required {
        return Ok(());
    }
    sqlx::query("UPDATE organisation SET require_second_approval = $1 WHERE organisation_id = $2")
        .bind(i64::from(required))
        .bind(admin.organisation_id)
        .execute(&mut *tx)
        .await?;
    let detail = if required { "second approval required" } else { "second approval not required" };
    let event =
        NewAuditEvent::by(admin, AuditAction::SecondApprovalPolicyChanged, Some("policy".into()), detail.into(), ip);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(())
}
