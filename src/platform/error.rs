//! The server layer's error, and the single place it becomes a user-facing `AppError`.

use crate::error::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A bounded resource (the argon2 slots) stayed taken longer than a request may wait.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type ServerResult<T> = Result<T, ServerError>;

impl ServerError {
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, ServerError::Db(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

impl From<ServerError> for AppError {
    fn from(e: ServerError) -> Self {
        match &e {
            ServerError::Db(sqlx::Error::RowNotFound) => AppError::NotFound,
            ServerError::Busy => AppError::Overloaded { retry_after_secs: 5 },
            _ => {
                // Logged once here with its whole cause chain; the browser only learns that it failed.
                tracing::error!(error.cause_chain = ?anyhow::Error::from(e), "request failed");
                AppError::Internal
            }
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        ServerError::from(e).into()
    }
}
