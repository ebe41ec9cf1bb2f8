//! Portal users: the signed-in user of a request, and the credentials of a log-in attempt.

use super::password::PasswordHash;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::shared::{ClientId, EmailAddress, OrganisationId, Role, UserId};

/// A signed-in portal user with their organisation, loaded fresh on every request so that a removed member
/// or a changed role takes effect at once.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CurrentUser {
    pub user_id: UserId,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    #[sqlx(try_from = "String")]
    pub client_id: ClientId,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

pub async fn find_current(db: &Db, user_id: UserId) -> ServerResult<Option<CurrentUser>> {
    Ok(sqlx::query_as(
        "SELECT u.app_user_id AS user_id, u.organisation_id, o.name AS organisation_name, o.client_id, u.email, u.role
         FROM app_user u JOIN organisation o ON o.organisation_id = u.organisation_id
         WHERE u.app_user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The user id and password hash for a log-in attempt.
pub async fn find_credentials(db: &Db, email: &EmailAddress) -> ServerResult<Option<(UserId, PasswordHash)>> {
    let row: Option<(UserId, String)> =
        sqlx::query_as("SELECT app_user_id, password_hash FROM app_user WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(id, hash)| (id, PasswordHash::from_stored(hash))))
}
