//! Typed access to the portal session, so keys and their types live in one place.

use crate::error::{AppError, AppResult};
use crate::shared::UserId;
use tower_sessions::Session;

const USER_ID: &str = "user_id";
/// A member who gave the right password and still owes their second factor, with when that offer ends.
const PENDING_TWO_FACTOR: &str = "pending_two_factor";
/// How long the authentication-code step waits after the password.
const PENDING_TWO_FACTOR_MS: i64 = 5 * 60 * 1000;

pub struct TypedSession(Session);

impl TypedSession {
    pub fn new(session: Session) -> Self {
        Self(session)
    }

    /// The session of the current server-function call or SSR request.
    pub async fn extract() -> AppResult<Self> {
        let session: Session = leptos_axum::extract().await.map_err(|e| {
            tracing::error!(error = %e, "session layer missing");
            AppError::Internal
        })?;
        Ok(Self(session))
    }

    pub async fn user_id(&self) -> AppResult<Option<UserId>> {
        self.0.get::<UserId>(USER_ID).await.map_err(session_error)
    }

    /// Signs the user in under a fresh session id, so an id planted before log-in is worthless after it.
    pub async fn log_in(&self, user_id: UserId) -> AppResult<()> {
        self.0.cycle_id().await.map_err(session_error)?;
        self.0.insert(USER_ID, user_id).await.map_err(session_error)
    }

    /// The password was right; the member must now give an authentication code. Not signed in yet.
    pub async fn await_second_factor(&self, user_id: UserId) -> AppResult<()> {
        self.0.cycle_id().await.map_err(session_error)?;
        let until = crate::platform::now_ms() + PENDING_TWO_FACTOR_MS;
        self.0.insert(PENDING_TWO_FACTOR, (user_id, until)).await.map_err(session_error)
    }

    /// The member waiting for their code step, while the offer lasts.
    pub async fn pending_second_factor(&self) -> AppResult<Option<UserId>> {
        let pending: Option<(UserId, i64)> = self.0.get(PENDING_TWO_FACTOR).await.map_err(session_error)?;
        Ok(pending.filter(|(_, until)| *until > crate::platform::now_ms()).map(|(id, _)| id))
    }

    /// Signs in after the second factor, under a fresh id, forgetting the pending step.
    pub async fn complete_second_factor(&self, user_id: UserId) -> AppResult<()> {
        self.0.remove::<(UserId, i64)>(PENDING_TWO_FACTOR).await.map_err(session_error)?;
        self.log_in(user_id).await
    }

    pub async fn log_out(&self) -> AppResult<()> {
        self.0.flush().await.map_err(session_error)
    }
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store failed");
    AppError::Internal
}
