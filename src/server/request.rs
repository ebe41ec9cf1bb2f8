//! Facts about the current request that server functions need: the caller's address and our own origin.

use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap};
use std::net::SocketAddr;

/// The peer address of the request (not a forwarded header, which a client could forge).
pub async fn client_ip() -> Option<String> {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>().await.ok().map(|c| c.0.ip().to_string())
}

/// The portal's own origin: `APP_PUBLIC_URL` when set, else the request's Host over http.
pub fn own_origin_from(headers: &HeaderMap) -> String {
    if let Some(url) = std::env::var("APP_PUBLIC_URL").ok().filter(|u| !u.is_empty()) {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:3000");
    format!("http://{host}")
}

/// [`own_origin_from`] for the current server-function call.
pub async fn own_origin() -> String {
    own_origin_from(&leptos_axum::extract::<HeaderMap>().await.unwrap_or_default())
}
