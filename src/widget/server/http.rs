//! Plain HTTP pieces of the widget: the loader script and the framing policy of the sign-in pages.

use super::embed::SIGNIN_PATH;
use super::flow::resolve_embed;
use super::sessions;
use crate::platform::http::headers::FrameAncestors;
use crate::platform::http::request::{own_origin_from, RequestFacts};
use crate::platform::state::AppState;
use crate::shared::WidgetErrorCode;
use crate::widget::model::embed::EmbedOptions;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const LOADER: &str = include_str!("signin-widget.js");

/// The loader's entity tag: a digest of its text, so a browser holding the current version gets 304.
fn loader_etag() -> &'static str {
    static ETAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ETAG.get_or_init(|| {
        use sha2::{Digest, Sha256};
        format!("\"{}\"", &hex::encode(Sha256::digest(LOADER.as_bytes()))[..20])
    })
}

/// `GET /signin-widget.js`: the stable public URL businesses embed, so it is cached only for a few minutes
/// (fixes reach sites quickly) and revalidated by its `ETag`.
pub async fn loader_script(headers: HeaderMap) -> Response {
    let etag = loader_etag();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let caching = [
        (header::CACHE_CONTROL, "public, max-age=300"),
        (header::ETAG, etag),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, caching).into_response();
    }
    (caching, [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LOADER).into_response()
}

/// Framing policy of every response (its `frame-ancestors`, which the security headers put in the policy).
/// The widget's bank list may be framed only by the organisation's allowed origins when its embed is valid,
/// and a session's steps only by the page that started it; an invalid embed, an unknown session and the
/// replies to the widget's posts show at most a small error view with fixed text, which may be framed
/// anywhere so the page can show why. Anything ambiguous (a parameter given twice, a database error) fails
/// closed. Every other page of the portal may be framed only by the portal itself.
pub async fn frame_policy(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().trim_end_matches('/').to_string();
    let ancestors = if path == SIGNIN_PATH {
        // Owned copies: a borrow of the request may not be held across an await.
        let query = req.uri().query().unwrap_or_default().to_string();
        let https = req.extensions().get::<RequestFacts>().is_some_and(|f| f.https);
        let own_origin = own_origin_from(state.settings.public_url.as_deref(), req.headers(), https);
        Some(embed_ancestors(&state, &query, own_origin).await)
    } else if let Some(rest) = path.strip_prefix("/embed/signin/s/") {
        let session = rest.split('/').next().unwrap_or_default();
        Some(match sessions::get(&state.db, session).await {
            Ok(Some(s)) => format!("'self' {}", s.embed_origin),
            Ok(None) => "*".to_string(),
            Err(_) => "'none'".to_string(),
        })
    } else if path.starts_with("/embed/") {
        Some("*".to_string())
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
