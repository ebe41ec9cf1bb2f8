//! What a widget step returns when it fails: a SPEC §6 code and a message safe to show.

use crate::shared::{Locale, WidgetErrorCode};
use serde::{Deserialize, Serialize};

/// What the widget's server functions return when a step fails: a code and a message safe to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetError {
    pub code: WidgetErrorCode,
    pub message: String,
    /// A detail for the business's developer (e.g. which option was wrong); never a secret, never an echo.
    pub detail: Option<String>,
    /// When the step may be tried again (limits), in seconds; sent as `Retry-After`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

impl WidgetError {
    pub fn new(code: WidgetErrorCode, locale: Locale) -> Self {
        Self { code, message: code.message(locale).to_string(), detail: None, retry_after_secs: None }
    }

    /// `ServiceTemporarilyUnavailable` because Insight is busy for this business (its limits), not the bank.
    pub fn busy(locale: Locale) -> Self {
        let message = match locale {
            Locale::En => "Too many bank connections are in progress for this service right now. Please try again in a few minutes.",
            Locale::Pl => "Ten serwis obsługuje teraz zbyt wiele połączeń z bankami. Spróbuj ponownie za kilka minut.",
        };
        Self { message: message.to_string(), ..Self::new(WidgetErrorCode::ServiceTemporarilyUnavailable, locale) }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after_secs = Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        self
    }
}

impl leptos::server_fn::error::FromServerFnError for WidgetError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            // The request itself was malformed (a field missing or unreadable): the caller's fault, said plainly.
            E::Args(_) | E::MissingArg(_) | E::Deserialization(_) => {
                WidgetError::new(WidgetErrorCode::InvalidOptions, Locale::En)
                    .with_detail("the request was incomplete or malformed")
            }
            // Transport problems (network) are shown like any other internal error.
            other => WidgetError::new(WidgetErrorCode::InternalError, Locale::En).with_detail(other.to_string()),
        }
    }
}

impl std::fmt::Display for WidgetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for WidgetError {}
