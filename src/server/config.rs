//! Typed settings read once from the environment.

use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/insight.db";

#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://…` (default, created on first run) or `postgres://…`.
    pub database_url: String,
    /// Mark cookies `Secure`; on by default when the public URL is https.
    pub secure_cookies: bool,
    /// How long a portal session lives without activity.
    pub session_inactivity: Duration,
    /// How many argon2id hashes may run at once (each takes ~19 MiB and ~50 ms of one core).
    pub max_concurrent_hashes: usize,
}

impl Settings {
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let public_url = var("APP_PUBLIC_URL").unwrap_or_default();
        Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            secure_cookies: var("APP_SECURE_COOKIES")
                .map(|v| v == "true" || v == "1")
                .unwrap_or_else(|| public_url.starts_with("https://")),
            session_inactivity: Duration::from_secs(8 * 3600),
            max_concurrent_hashes: var("APP_MAX_CONCURRENT_HASHES")
                .and_then(|v| v.parse().ok())
                .unwrap_or(2),
        }
    }

    /// Settings for tests and tools: everything default but the database.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            ..Self::from_env()
        }
    }
}
