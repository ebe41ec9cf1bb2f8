//! Typed access to the portal session, so keys and their types live in one place.

use crate::error::{AppError, AppResult};
use crate::shared::UserId;
use tower_sessions::Session;

const USER_ID: &str = "user_id";

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

    pub async fn log_out(&self) -> AppResult<()> {
        self.0.flush().await.map_err(session_error)
    }
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store failed");
    AppError::Internal
}
