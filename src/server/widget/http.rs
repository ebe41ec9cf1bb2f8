//! Plain HTTP pieces of the widget: the loader script and the framing policy of the sign-in pages.

use super::signin::{resolve_embed, EmbedRequest};
use crate::domain::widget_error::WidgetErrorCode;
use crate::server::state::AppState;
use axum::extract::{Request, State};
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

/// Framing policy of every response. The sign-in page may be framed only by the organisation's allowed origins
/// when its embed is valid; an invalid embed shows just a small error view, which may be framed anywhere so the
/// page can show why. Anything ambiguous (a parameter given twice, a database error) fails closed. Every other
/// page of the portal may be framed only by the portal itself.
pub async fn frame_policy(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_embed = req.uri().path().trim_end_matches('/') == "/embed/signin";
    let policy = if is_embed {
        // Owned copies: a borrow of the request may not be held across an await.
        let query = req.uri().query().unwrap_or_default().to_string();
        let own_origin = crate::server::request::own_origin_from(req.headers());
        embed_policy(&state, &query, own_origin).await
    } else {
        "frame-ancestors 'self'".to_string()
    };
    let mut response = next.run(req).await;
    if !response.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    if is_embed {
        response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    response
}

const FIELDS: [&str; 7] = ["client_id", "origin", "owner", "locale", "country", "target", "months"];

async fn embed_policy(state: &AppState, query: &str, own_origin: String) -> String {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    // The page reads the same parameters; if one is given twice the two readings could disagree.
    if FIELDS.iter().any(|f| pairs.iter().filter(|(k, _)| k == f).count() > 1) {
        return "frame-ancestors 'none'".to_string();
    }
    let get = |f: &str| pairs.iter().find(|(k, _)| k == f).map(|(_, v)| v.clone());
    let embed_req = EmbedRequest {
        client_id: get("client_id").unwrap_or_default(),
        origin: get("origin").unwrap_or_default(),
        owner: get("owner"),
        locale: get("locale"),
        country: get("country"),
        target: get("target"),
        months: get("months"),
        own_origin: Some(own_origin),
    };
    match resolve_embed(state, &embed_req).await {
        Ok(embed) => {
            let origins: Vec<&str> = embed.settings.allowed_origins.iter().map(|o| o.as_str()).collect();
            // 'self' lets the portal's own live preview show the widget.
            format!("frame-ancestors 'self' {}", origins.join(" "))
        }
        Err(e) if e.code == WidgetErrorCode::InternalError => "frame-ancestors 'none'".to_string(),
        Err(_) => "frame-ancestors *".to_string(),
    }
}
