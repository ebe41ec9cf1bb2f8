//! Errors of `/v1` as RFC 9457 problem details (`application/problem+json`), with the status the portal's
//! `AppError` already chooses, so the API and the pages never disagree about what went wrong.

use crate::error::AppError;
use crate::platform::error::ServerError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;

/// The body of an error response (RFC 9457).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProblemDetails {
    /// `about:blank`: the status code says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    /// The status code's phrase, e.g. `Not Found`.
    pub title: String,
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// For `422`: the parameter names and what is wrong with each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, String>>,
}

#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub detail: String,
    pub errors: Option<BTreeMap<String, String>>,
    pub retry_after_secs: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self { status, detail: detail.into(), errors: None, retry_after_secs: None }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "No such resource in your organisation.")
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Send a valid API key: `Authorization: Bearer ins_sk_…`.")
    }

    /// One invalid parameter.
    pub fn invalid(parameter: &str, message: impl Into<String>) -> Self {
        let mut errors = BTreeMap::new();
        errors.insert(parameter.to_string(), message.into());
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: format!("The parameter `{parameter}` is not valid."),
            errors: Some(errors),
            retry_after_secs: None,
        }
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests for this API key.")
        }
    }

    pub fn body(&self) -> ProblemDetails {
        ProblemDetails {
            kind: "about:blank".into(),
            title: self.status.canonical_reason().unwrap_or("Error").into(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
        }
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after_secs = e.retry_after_secs();
        let errors = match &e {
            AppError::Invalid(fields) => Some(fields.0.clone()),
            _ => None,
        };
        Self { status, detail: e.to_string(), errors, retry_after_secs }
    }
}

/// A fault of ours: logged once (by the `AppError` conversion), answered 500 without its cause.
impl From<ServerError> for Problem {
    fn from(e: ServerError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
