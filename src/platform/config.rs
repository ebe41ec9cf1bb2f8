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
    /// Import workers in this process.
    pub workers: usize,
    pub import: ImportTuning,
    /// Bank targets switched off on this installation (`APP_DISABLED_TARGETS=demo-de,demo-business`).
    pub disabled_targets: Vec<String>,
    /// Requests one IP address may make to the widget endpoints per minute.
    pub widget_requests_per_minute: u32,
    /// New sign-in sessions one Client ID may start per minute, across all addresses.
    pub signins_per_client_per_minute: u32,
}

/// Timings of the import worker; tests shorten them.
#[derive(Debug, Clone)]
pub struct ImportTuning {
    /// How long a claimed job stays a worker's without a heartbeat; after that another worker resumes it.
    pub lease: Duration,
    /// First retry delay for a transient bank error; doubles each time.
    pub retry_base: Duration,
    /// Retries of one bank call before the error counts.
    pub call_retries: u32,
    /// Runs of a job before a transient failure becomes final.
    pub max_attempts: i64,
    /// How often an idle worker looks for work (it is also woken when an import is queued here).
    pub poll_interval: Duration,
}

impl Default for ImportTuning {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(15),
            retry_base: Duration::from_millis(200),
            call_retries: 3,
            max_attempts: 5,
            poll_interval: Duration::from_millis(500),
        }
    }
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
            max_concurrent_hashes: var("APP_MAX_CONCURRENT_HASHES").and_then(|v| v.parse().ok()).unwrap_or(2),
            workers: var("APP_IMPORT_WORKERS").and_then(|v| v.parse().ok()).unwrap_or(2),
            import: ImportTuning {
                lease: var("APP_IMPORT_LEASE_SECS")
                    .and_then(|v| v.parse().ok())
                    .map(Duration::from_secs)
                    .unwrap_or(ImportTuning::default().lease),
                ..ImportTuning::default()
            },
            disabled_targets: var("APP_DISABLED_TARGETS")
                .map(|v| v.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect())
                .unwrap_or_default(),
            signins_per_client_per_minute: var("APP_SIGNINS_PER_CLIENT_PER_MINUTE")
                .and_then(|v| v.parse().ok())
                .unwrap_or(600),
            widget_requests_per_minute: var("APP_WIDGET_REQUESTS_PER_MINUTE")
                .and_then(|v| v.parse().ok())
                .unwrap_or(300),
        }
    }

    /// Settings for tests and tools: everything default but the database.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self { database_url: database_url.into(), ..Self::from_env() }
    }
}
