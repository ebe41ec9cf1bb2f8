//! Facts about the current request that server functions need: the caller's address and our own origin.

use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap};
use std::net::SocketAddr;

/// The peer address of the request (not a forwarded header, which a client could forge).
pub async fn client_ip() -> Option<String> {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>().await.ok().map(|c| c.0.ip().to_string())
}

/// The portal's own origin, for links, the embed snippet and the preview: `APP_PUBLIC_URL` when set, else the
/// request's Host, over https when a TLS-terminating proxy says so (`X-Forwarded-Proto`). A browser framing the
/// widget cannot set these headers, so a forged value only misleads the client that sent it.
pub fn own_origin_from(headers: &HeaderMap) -> String {
    if let Some(url) = std::env::var("APP_PUBLIC_URL").ok().filter(|u| !u.is_empty()) {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:3000");
    let https =
        headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// [`own_origin_from`] for the current server-function call.
pub async fn own_origin() -> String {
    own_origin_from(&leptos_axum::extract::<HeaderMap>().await.unwrap_or_default())
}
