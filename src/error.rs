//! The one error type that crosses the wire. It carries only messages that are safe to show a person.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Messages keyed by form field name, shown next to the field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_string()).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was added, so a parser can collect every problem before failing.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// Not allowed for a reason the person can act on (e.g. confirming one's own approval).
    #[error("{0}")]
    Refused(String),
    /// The organisation requires two-factor and this member has not set it up yet.
    #[error("Your organisation requires two-factor authentication. Please set it up first.")]
    TwoFactorSetupRequired,
    #[error("Not found.")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("Please fix the highlighted fields.")]
    Invalid(FieldErrors),
    #[error("Invalid email or password.")]
    InvalidLogin,
    #[error("Too many attempts. Please wait {retry_after_secs} seconds and try again.")]
    RateLimited { retry_after_secs: u64 },
    #[error("Insight is busy right now. Please try again in a few seconds.")]
    Overloaded { retry_after_secs: u64 },
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("Network problem: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        Self::Invalid(errors)
    }

    /// The message for one form field, if this error is about it.
    pub fn field(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => errors.get(field).map(str::to_string),
            _ => None,
        }
    }

    /// The one mapping of errors to HTTP statuses (server functions and pages alike).
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::Forbidden | Self::Refused(_) | Self::TwoFactorSetupRequired => 403,
            Self::NotFound => 404,
            Self::Conflict(_) => 409,
            Self::Invalid(_) => 422,
            Self::InvalidLogin => 401,
            Self::RateLimited { .. } => 429,
            Self::Overloaded { .. } => 503,
            Self::Internal | Self::Transport(_) => 500,
        }
    }

    /// Seconds a client should wait before trying again (`Retry-After`), for limits and overload.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } | Self::Overloaded { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A malformed request body (e.g. a missing form field) is the caller's fault: say so plainly.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                Self::invalid("form", "The form was incomplete. Please fill in every field.")
            }
            other => Self::Transport(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
