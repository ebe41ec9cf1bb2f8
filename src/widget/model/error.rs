//! What a widget step returns when it fails: a SPEC §6 code and a message safe to show.

use crate::shared::{Locale, WidgetErrorCode};
use serde::{Deserialize, Serialize};

/// What the widget's server functions return when a step fails: a code and a message safe to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetError {
    pub code: WidgetErrorCode,
    pub message: String,
    /// A detail for the business's developer (e.g. which option was wrong); never a secret.
    pub detail: Option<String>,
}

impl WidgetError {
    pub fn new(code: WidgetErrorCode, locale: Locale) -> Self {
        Self { code, message: code.message(locale).to_string(), detail: None }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl leptos::server_fn::error::FromServerFnError for WidgetError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        // Transport problems (network, bad request) are shown like any other internal error.
        WidgetError::new(WidgetErrorCode::InternalError, Locale::En).with_detail(value.to_string())
    }
}

impl std::fmt::Display for WidgetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for WidgetError {}
