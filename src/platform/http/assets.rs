//! Static files of the site (the wasm, JS and CSS Leptos builds, and `public/`). Names that carry a content
//! hash (`insight.<hash>.wasm`, `hash-files` in cargo-leptos) never change, so they are cached for a year;
//! other files are revalidated. Brotli and gzip variants made at build time (`--precompress`) are sent to
//! clients that accept them; responses without one are compressed on the fly by the compression layer.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::services::ServeDir;

/// `/pkg/insight.bz1Mj1nY9gD7cZ2e1m9qsQ.wasm`: a file name with cargo-leptos' 22-character content hash.
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() == 22
        && parts[parts.len() - 2].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The site's files, with their precompressed variants.
pub fn site_files(site_root: &str) -> ServeDir {
    ServeDir::new(site_root).precompressed_br().precompressed_gzip()
}

/// Cache headers of a static file's response.
pub async fn asset_caching(req: Request, next: Next) -> Response {
    let immutable = is_hashed(req.uri().path());
    let mut response = next.run(req).await;
    let ok = response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED;
    if ok && !response.headers().contains_key(header::CACHE_CONTROL) {
        let value =
            if immutable { "public, max-age=31536000, immutable" } else { "public, max-age=300, must-revalidate" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_content_hashed_names_count_as_immutable() {
        assert!(super::is_hashed("/pkg/insight.bz1Mj1nY9gD7cZ2e1m9qsQ.wasm"));
        assert!(super::is_hashed("/pkg/insight.bz1Mj1nY9gD7cZ2e1m9q-_.css"));
        assert!(!super::is_hashed("/pkg/insight.wasm"));
        assert!(!super::is_hashed("/favicon.svg"));
        assert!(!super::is_hashed("/pkg/insight.short.js"));
    }
}
