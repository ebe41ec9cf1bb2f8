//! Abuse limits. Request rates are GCRA limits from `governor`, keyed by what they protect: widget requests
//! per client address, new sign-ins per Client ID, registrations per address. Guessing (portal passwords, bank
//! passwords) is counted by [`FailureThrottle`]: a few failures are free, then each one doubles the wait.
//! In process memory: each instance limits what reaches it. Memory stays bounded: a sweep drops idle keys.

use super::request::RequestFacts;
use crate::platform::config::Settings;
use crate::shared::{ApiKeyId, OrganisationId};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A request rate per key.
pub struct KeyedLimit<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
    /// `per_period` requests per `period`, all of them usable at once.
    pub fn new(per_period: u32, period: Duration) -> Self {
        let burst = NonZeroU32::new(per_period.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota =
            Quota::with_period(period / burst.get()).unwrap_or_else(|| Quota::per_second(burst)).allow_burst(burst);
        Self { limiter: RateLimiter::keyed(quota) }
    }

    /// `Ok` when `key` may go ahead (and counts it); else how long until it may.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.limiter.check_key(key).map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    fn sweep(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Failed attempts per key within `window`: the `free`-th failure locks the key for `base`, each further one
/// doubles the wait (at most `max`), so `free` attempts are answered before the first refusal. A success
/// forgets the key.
pub struct FailureThrottle<K> {
    free: u32,
    base: Duration,
    max: Duration,
    window: Duration,
    entries: Mutex<HashMap<K, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Keys kept before a sweep is forced.
const MAX_KEYS: usize = 100_000;

impl<K: Hash + Eq + Clone> FailureThrottle<K> {
    pub fn new(free: u32) -> Self {
        Self {
            free,
            base: Duration::from_secs(30),
            max: Duration::from_secs(15 * 60),
            window: Duration::from_secs(15 * 60),
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn delay(&self, count: u32) -> Option<Duration> {
        let over = count.checked_sub(self.free)?;
        Some(self.base.saturating_mul(1u32 << over.min(10)).min(self.max))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Failures>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `Err(wait)` while `key` is locked out.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let entries = self.lock();
        let Some(f) = entries.get(key) else { return Ok(()) };
        match self.delay(f.count) {
            Some(delay) if now < f.last + delay => Err(f.last + delay - now),
            _ => Ok(()),
        }
    }

    /// Counts a failure; `Some(wait)` when this failure locks the key.
    pub fn record_failure(&self, key: &K, now: Instant) -> Option<Duration> {
        let mut entries = self.lock();
        if entries.len() >= MAX_KEYS && !entries.contains_key(key) {
            let window = self.window;
            entries.retain(|_, f| now.duration_since(f.last) < window);
        }
        let f = entries.entry(key.clone()).or_insert(Failures { count: 0, last: now });
        if now.duration_since(f.last) >= self.window {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
        self.delay(f.count)
    }

    pub fn forget(&self, key: &K) {
        self.lock().remove(key);
    }

    fn sweep(&self, now: Instant) {
        let window = self.window.max(self.max);
        self.lock().retain(|_, f| now.duration_since(f.last) < window);
    }
}

/// Every limit of this instance.
pub struct Limits {
    pub widget_requests: KeyedLimit<IpAddr>,
    pub signins_per_client: KeyedLimit<String>,
    pub registrations: KeyedLimit<IpAddr>,
    pub login_accounts: FailureThrottle<String>,
    pub login_addresses: FailureThrottle<IpAddr>,
    /// Failed bank log-ins per (organisation, i.e. Client ID, and client address).
    pub bank_logins: FailureThrottle<(OrganisationId, IpAddr)>,
    /// Requests per API key to `/v1`.
    pub api_requests: KeyedLimit<ApiKeyId>,
}

impl Limits {
    pub fn new(settings: &Settings) -> Self {
        let minute = Duration::from_secs(60);
        let l = &settings.limits;
        Self {
            widget_requests: KeyedLimit::new(settings.widget_requests_per_minute, minute),
            signins_per_client: KeyedLimit::new(settings.signins_per_client_per_minute, minute),
            registrations: KeyedLimit::new(l.registrations_per_hour, 60 * minute),
            login_accounts: FailureThrottle::new(l.login_failures_allowed),
            // One address may mistype for several accounts (an office behind one NAT) before it waits.
            login_addresses: FailureThrottle::new(l.login_failures_allowed.saturating_mul(4)),
            bank_logins: FailureThrottle::new(l.bank_failures_per_client_address),
            api_requests: KeyedLimit::new(l.api_requests_per_minute, minute),
        }
    }

    /// Drops keys nobody used lately, so memory stays flat under a flood of addresses.
    pub fn sweep(&self) {
        let now = Instant::now();
        self.widget_requests.sweep();
        self.signins_per_client.sweep();
        self.registrations.sweep();
        self.api_requests.sweep();
        self.login_accounts.sweep(now);
        self.login_addresses.sweep(now);
        self.bank_logins.sweep(now);
    }
}

/// Whole seconds to wait, at least one: the `Retry-After` value.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// `429 Too Many Requests` with `Retry-After`.
pub fn too_many_requests(wait: Duration) -> Response {
    let mut r =
        (StatusCode::TOO_MANY_REQUESTS, "Too many requests. Please wait a minute and try again.").into_response();
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs(wait)));
    r
}

/// Refuses widget requests beyond the per-address budget; every other route passes untouched.
pub async fn limit_widget_requests(State(limits): State<Arc<Limits>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_widget = path.starts_with("/api/widget/") || path.starts_with("/embed/");
    let key = req.extensions().get::<RequestFacts>().map(RequestFacts::limit_key);
    match key {
        Some(ip) if is_widget => match limits.widget_requests.check(&ip) {
            Ok(()) => next.run(req).await,
            Err(wait) => {
                tracing::warn!(%ip, "widget rate limit reached");
                too_many_requests(wait)
            }
        },
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_its_budget_and_others_are_not_affected() {
        let limit: KeyedLimit<IpAddr> = KeyedLimit::new(3, Duration::from_secs(60));
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        assert!((0..3).all(|_| limit.check(&ip).is_ok()));
        let wait = limit.check(&ip).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limit.check(&"203.0.113.10".parse().unwrap()).is_ok(), "other addresses are not affected");
    }

    #[test]
    fn failures_are_free_up_to_the_allowance_then_each_doubles_the_wait() {
        let t: FailureThrottle<&str> = FailureThrottle::new(5);
        let now = Instant::now();
        for _ in 0..4 {
            assert_eq!(t.record_failure(&"a", now), None);
        }
        assert!(t.check(&"a", now).is_ok(), "five tries are free");
        assert_eq!(t.record_failure(&"a", now), Some(Duration::from_secs(30)));
        assert_eq!(t.check(&"a", now + Duration::from_secs(1)), Err(Duration::from_secs(29)));
        assert!(t.check(&"a", now + Duration::from_secs(31)).is_ok(), "the wait ends");
        assert_eq!(t.record_failure(&"a", now + Duration::from_secs(31)), Some(Duration::from_secs(60)));
        assert!(t.check(&"b", now).is_ok(), "other keys are not affected");
        t.forget(&"a");
        assert!(t.check(&"a", now + Duration::from_secs(32)).is_ok(), "a success forgets the key");
    }

    #[test]
    fn old_failures_expire_and_sweeps_drop_idle_keys() {
        let t: FailureThrottle<u32> = FailureThrottle::new(2);
        let now = Instant::now();
        assert_eq!(t.record_failure(&1, now), None);
        assert_eq!(t.record_failure(&1, now + Duration::from_secs(16 * 60)), None, "a new window starts");
        t.sweep(now + Duration::from_secs(40 * 60));
        assert!(t.lock().is_empty());
    }
}
