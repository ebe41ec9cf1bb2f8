//! Plain HTTP pieces of the widget: the loader script and the framing policy of the sign-in pages.

use super::flow::resolve_embed;
use crate::platform::http::headers::FrameAncestors;
use crate::platform::http::request::{own_origin_from, RequestFacts};
use crate::platform::state::AppState;
use crate::shared::WidgetErrorCode;
use crate::widget::model::embed::EmbedOptions;
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

/// Framing policy of every response (its `frame-ancestors`, which the security headers put in the policy).
/// The sign-in page may be framed only by the organisation's allowed origins when its embed is valid; an
/// invalid embed shows just a small error view, which may be framed anywhere so the page can show why.
/// Anything ambiguous (a parameter given twice, a database error) fails closed. Every other page of the
/// portal may be framed only by the portal itself.
pub async fn frame_policy(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_embed = req.uri().path().trim_end_matches('/') == "/embed/signin";
    let ancestors = if is_embed {
        // Owned copies: a borrow of the request may not be held across an await.
        let query = req.uri().query().unwrap_or_default().to_string();
        let https = req.extensions().get::<RequestFacts>().is_some_and(|f| f.https);
        let own_origin = own_origin_from(state.settings.public_url.as_deref(), req.headers(), https);
        Some(embed_ancestors(&state, &query, own_origin).await)
    } else {
        None
    };
    let mut response = next.run(req).await;
    if let Some(ancestors) = ancestors {
        response.extensions_mut().insert(FrameAncestors(ancestors));
        response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    response
}

async fn embed_ancestors(state: &AppState, query: &str, own_origin: String) -> String {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    // The page reads the same parameters; if one is given twice the two readings could disagree.
    let Some(options) = EmbedOptions::from_pairs(&pairs) else {
        return "'none'".to_string();
    };
    match resolve_embed(state, &options, Some(&own_origin)).await {
        Ok(embed) => {
            let origins: Vec<&str> = embed.settings.allowed_origins.iter().map(|o| o.as_str()).collect();
            // 'self' lets the portal's own live preview show the widget.
            format!("'self' {}", origins.join(" "))
        }
        Err(e) if e.code == WidgetErrorCode::InternalError => "'none'".to_string(),
        Err(_) => "*".to_string(),
    }
}
