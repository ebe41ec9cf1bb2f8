//! Request bodies are bounded before any handler reads them: forms and server-function calls are small, so a
//! larger body is refused with 413 instead of being buffered.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Nothing Insight accepts comes near this.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub async fn limit_body(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(_) => (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response(),
    }
}
