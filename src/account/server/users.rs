//! Portal users: the signed-in user of a request, and the credentials of a log-in attempt.

use super::password::PasswordHash;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::shared::{ClientId, EmailAddress, OrganisationId, Role, StoredFlag, UserId};

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
    /// Two-factor sign-in is on for this member.
    #[sqlx(try_from = "i64")]
    pub two_factor: StoredFlag,
    /// Their organisation requires two-factor of every member.
    #[sqlx(try_from = "i64")]
    pub two_factor_required: StoredFlag,
}

impl CurrentUser {
    /// Signed in, but the organisation requires two-factor and this member has not set it up yet.
    pub fn must_set_up_two_factor(&self) -> bool {
        self.two_factor_required.0 && !self.two_factor.0
    }
}

pub async fn find_current(db: &Db, user_id: UserId) -> ServerResult<Option<CurrentUser>> {
    Ok(sqlx::query_as(
        "SELECT u.app_user_id AS user_id, u.organisation_id, o.name AS organisation_name, o.client_id, u.email, u.role,
            CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END AS two_factor, o.require_two_factor AS two_factor_required
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
