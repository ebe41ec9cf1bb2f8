use super::Db;
use crate::domain::{ClientId, EmailAddress, Role};
use crate::server::auth::PasswordHash;
use crate::server::error::{ServerError, ServerResult};

/// A signed-in portal user with their organisation, loaded fresh on every request so that a removed member
/// or a changed role takes effect at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    pub user_id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub client_id: ClientId,
    pub email: String,
    pub role: Role,
}

pub async fn find_current(db: &Db, user_id: i64) -> ServerResult<Option<CurrentUser>> {
    let row: Option<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT u.app_user_id, u.organisation_id, o.name, o.client_id, u.email, u.role
         FROM app_user u JOIN organisation o ON o.organisation_id = u.organisation_id
         WHERE u.app_user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(user_id, organisation_id, organisation_name, client_id, email, role)| {
        Ok(CurrentUser {
            user_id,
            organisation_id,
            organisation_name,
            client_id: ClientId::parse(&client_id).map_err(|e| anyhow::anyhow!("stored client id invalid: {e}"))?,
            email,
            role: Role::parse(&role).map_err(|e| anyhow::anyhow!("stored role invalid: {e}"))?,
        })
    })
    .transpose()
    .map_err(|e: anyhow::Error| ServerError::Other(e))
}

/// The user id and password hash for a log-in attempt.
pub async fn find_credentials(db: &Db, email: &EmailAddress) -> ServerResult<Option<(i64, PasswordHash)>> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT app_user_id, password_hash FROM app_user WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id, hash)| (id, PasswordHash::from_stored(hash))))
}

pub async fn count_in_organisation(db: &Db, organisation_id: i64) -> ServerResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM app_user WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}
