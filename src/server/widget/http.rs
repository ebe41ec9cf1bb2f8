//! Plain HTTP pieces of the widget: the loader script and the framing policy of the sign-in pages.

use super::signin::{resolve_embed, EmbedRequest};
use crate::server::state::AppState;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const LOADER: &str = include_str!("signin-widget.js");

/// `GET /signin-widget.js`: small, dependency-free, cacheable for a few minutes so fixes reach sites quickly.
pub async fn loader_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        LOADER,
    )
        .into_response()
}

/// Adds `Content-Security-Policy: frame-ancestors …` to the sign-in page: the organisation's allowed origins
/// when the embed is valid, so the steps never render inside a page elsewhere. An invalid embed only gets a
/// small error view, which may be framed anywhere so the page can show why.
pub async fn frame_policy(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() != "/embed/signin" {
        return next.run(req).await;
    }
    let policy = match Query::<EmbedRequest>::try_from_uri(req.uri()).ok() {
        Some(Query(mut embed_req)) => {
            embed_req.own_origin = Some(crate::server::request::own_origin_from(req.headers()));
            match resolve_embed(&state, &embed_req).await {
                Ok(embed) => {
                    let origins: Vec<&str> = embed.settings.allowed_origins.iter().map(|o| o.as_str()).collect();
                    // 'self' lets the portal's own live preview show the widget.
                    format!("frame-ancestors 'self' {}", origins.join(" "))
                }
                Err(_) => "frame-ancestors *".to_string(),
            }
        }
        None => "frame-ancestors *".to_string(),
    };
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
