//! Refuses cross-site state-changing requests. Leptos server functions are plain form POST endpoints that any
//! other site could submit to, and Leptos leaves CSRF to the application; browsers tell us where a request
//! came from through `Sec-Fetch-Site` (modern) or `Origin` (older), and non-browser clients send neither
//! and carry no ambient cookies from another site.

use crate::platform::config::Settings;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn reject_cross_site(State(settings): State<Arc<Settings>>, req: Request, next: Next) -> Response {
    let public_host = settings.public_url.as_deref().and_then(|u| u.split_once("://")).map(|(_, host)| host);
    if is_safe(req.method()) || is_same_site(req.headers(), public_host) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site state-changing request refused");
        (StatusCode::FORBIDDEN, "Cross-site request refused. Please use the form on this site.").into_response()
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a state-changing request comes from Insight's own pages. The `Origin` fallback compares with the
/// public host when `APP_PUBLIC_URL` is set (requests for other hosts never get this far), else with `Host`.
pub fn is_same_site(headers: &HeaderMap, public_host: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none" is a user-initiated navigation (typed URL, bookmark), never a forged one.
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        None => true,
        Some(Ok(origin)) => {
            let host =
                public_host.or_else(|| headers.get(header::HOST).and_then(|h| h.to_str().ok())).unwrap_or_default();
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
            !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
        }
        Some(Err(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn is_same_site_here(h: &HeaderMap) -> bool {
        is_same_site(h, None)
    }

    #[test]
    fn with_a_public_url_the_origin_must_be_the_public_one() {
        let h = headers(&[("origin", "https://insight.example"), ("host", "insight.example")]);
        assert!(is_same_site(&h, Some("insight.example")));
        let h = headers(&[("origin", "http://evil.example"), ("host", "evil.example")]);
        assert!(!is_same_site(&h, Some("insight.example")), "a forged Host does not help");
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(is_same_site_here(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!is_same_site_here(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!is_same_site_here(&headers(&[("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn origin_must_match_host_when_fetch_metadata_is_absent() {
        assert!(is_same_site_here(&headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")])));
        assert!(!is_same_site_here(&headers(&[("origin", "http://evil.example"), ("host", "127.0.0.1:3000")])));
        assert!(!is_same_site_here(&headers(&[("origin", "null"), ("host", "127.0.0.1:3000")])));
        assert!(is_same_site_here(&headers(&[("host", "127.0.0.1:3000")])));
    }
}
