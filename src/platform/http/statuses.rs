//! Truthful statuses for server functions. `server_fn` answers every error with 500 and the error in the body
//! (also when the arguments could not be read, before the function runs), so this layer reads that body (the
//! `serverfnerror` header marks it) and applies the one mapping: `AppError::status` for the portal,
//! `WidgetErrorCode::status` for the widget, with `Retry-After` for limits and overload. Only a real fault
//! stays 500.

use crate::error::AppError;
use crate::widget::model::error::WidgetError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// Error bodies are small; anything larger is left as it is.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn server_fn_statuses(req: Request, next: Next) -> Response {
    let widget = req.uri().path().starts_with("/api/widget/");
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let (status, retry_after) = if widget {
        serde_json::from_slice::<WidgetError>(&bytes)
            .map(|e| (e.code.status(), e.retry_after_secs))
            .unwrap_or((500, None))
    } else {
        serde_json::from_slice::<AppError>(&bytes).map(|e| (e.status(), e.retry_after_secs())).unwrap_or((500, None))
    };
    parts.status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(secs) = retry_after {
        parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    Response::from_parts(parts, Body::from(bytes))
}
