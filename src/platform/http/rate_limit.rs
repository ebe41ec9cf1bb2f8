//! Fixed-window limits on the public widget endpoints: per IP address (all widget requests) and per Client ID
//! (new sign-ins), so neither one visitor nor one embedding site can hammer the bank connectors or guess
//! session ids. In-process: each instance limits what reaches it.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter<K = IpAddr> {
    window: Duration,
    max_per_window: u32,
    windows: Mutex<HashMap<K, (Instant, u32)>>,
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(max_per_window: u32, window: Duration) -> Self {
        Self { window, max_per_window, windows: Mutex::new(HashMap::new()) }
    }

    pub fn allow(&self, key: K, now: Instant) -> bool {
        let mut map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = map.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.max_per_window
    }
}

/// Refuses widget requests beyond the per-address budget; every other route passes untouched.
pub async fn limit_widget_requests(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_widget = path.starts_with("/api/widget/") || path.starts_with("/embed/");
    let ip = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    match ip {
        Some(ip) if is_widget && !limiter.allow(ip, Instant::now()) => {
            tracing::warn!(%ip, "widget rate limit reached");
            (StatusCode::TOO_MANY_REQUESTS, "Too many requests. Please wait a minute and try again.").into_response()
        }
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::RateLimiter;
    use std::time::{Duration, Instant};

    #[test]
    fn an_address_is_refused_after_the_window_budget() {
        let limiter: RateLimiter = RateLimiter::new(3, Duration::from_secs(60));
        let ip: std::net::IpAddr = "203.0.113.9".parse().unwrap();
        let now = Instant::now();
        assert!((0..3).all(|_| limiter.allow(ip, now)));
        assert!(!limiter.allow(ip, now));
        assert!(limiter.allow("203.0.113.10".parse().unwrap(), now), "other addresses are not affected");
        assert!(limiter.allow(ip, now + Duration::from_secs(60)));
    }
}
