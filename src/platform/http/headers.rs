//! Security headers on every response. A Content-Security-Policy limits scripts to Insight's own files plus
//! a per-response nonce (the inline scripts Leptos streams carry it), and says who may frame the page; the
//! static headers (no sniffing, referrer policy, no caching of anything not marked cacheable) come from
//! tower-http; HSTS is sent when the request arrived over https.

use super::request::RequestFacts;
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// The nonce of this response's inline scripts (a request extension, handed to Leptos' render context).
#[derive(Debug, Clone)]
pub struct CspNonce(pub Arc<str>);

/// Who may frame this response, decided by the route (a response extension; default: Insight itself).
#[derive(Debug, Clone)]
pub struct FrameAncestors(pub String);

fn new_nonce() -> CspNonce {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    CspNonce(hex::encode(bytes).into())
}

/// The whole policy for one response.
pub fn content_security_policy(nonce: &str, frame_ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}

pub async fn security_headers(mut req: Request, next: Next) -> Response {
    let nonce = new_nonce();
    let https = req.extensions().get::<RequestFacts>().is_some_and(|f| f.https);
    req.extensions_mut().insert(nonce.clone());
    let mut response = next.run(req).await;
    let ancestors =
        response.extensions_mut().remove::<FrameAncestors>().map(|f| f.0).unwrap_or_else(|| "'self'".to_string());
    if let Ok(value) = HeaderValue::from_str(&content_security_policy(&nonce.0, &ancestors)) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    if https {
        response
            .headers_mut()
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
        secure_cookies(response.headers_mut());
    }
    response
}

/// Over https (also when only a trusted proxy knows it), every cookie is `Secure`.
fn secure_cookies(headers: &mut axum::http::HeaderMap) {
    let cookies: Vec<HeaderValue> = headers.get_all(header::SET_COOKIE).iter().cloned().collect();
    if cookies.is_empty() {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        let text = cookie.to_str().unwrap_or_default();
        let secured = if text.is_empty() || text.to_ascii_lowercase().split(';').any(|p| p.trim() == "secure") {
            cookie
        } else {
            HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
        };
        headers.append(header::SET_COOKIE, secured);
    }
}

/// `X-Content-Type-Options`, `Referrer-Policy` (unless a route chose one) and `Cache-Control: no-store`
/// (unless a route marked its response cacheable): portal pages and API answers carry personal data.
pub fn static_header_layers(
) -> (SetResponseHeaderLayer<HeaderValue>, SetResponseHeaderLayer<HeaderValue>, SetResponseHeaderLayer<HeaderValue>) {
    (
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ),
        SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn cookies_become_secure_once() {
        let mut h = axum::http::HeaderMap::new();
        h.append(super::header::SET_COOKIE, super::HeaderValue::from_static("a=1; HttpOnly"));
        h.append(super::header::SET_COOKIE, super::HeaderValue::from_static("b=2; Secure"));
        super::secure_cookies(&mut h);
        let all: Vec<&str> = h.get_all(super::header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
        assert_eq!(all, ["a=1; HttpOnly; Secure", "b=2; Secure"]);
    }

    #[test]
    fn the_policy_allows_only_own_and_nonced_scripts() {
        let p = super::content_security_policy("abc", "'self' https://shop.example");
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("object-src 'none'") && p.contains("base-uri 'none'"));
        assert!(p.ends_with("frame-ancestors 'self' https://shop.example"));
    }
}
