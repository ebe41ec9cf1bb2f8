//! Typed settings read once from the environment. A value that cannot be read stops start-up with the
//! variable's name, rather than being silently replaced by a default.

use anyhow::Context;
use ipnet::IpNet;
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
    pub webhooks: WebhookSettings,
    /// Bank targets switched off on this installation (`APP_DISABLED_TARGETS=demo-de,demo-business`).
    pub disabled_targets: Vec<String>,
    /// Whether sandbox bank targets (the Demo Bank) exist on this instance; `APP_SANDBOX=off` removes them.
    pub sandbox: bool,
    /// `APP_BANKS_FILE`: the registry of PSD2 banks (TOML, README *PSD2 banks*).
    pub banks_file: Option<std::path::PathBuf>,
    /// Whether the Insight PSD2 Sandbox bank is mounted at `/sandbox/xs2a` and offered (`APP_XS2A_SANDBOX=off`
    /// removes it; so does `APP_SANDBOX=off`).
    pub xs2a_sandbox: bool,
    /// `APP_XS2A_RECORD`: a file the sandbox bank appends every API exchange to (the conformance check).
    pub xs2a_record: Option<std::path::PathBuf>,
    /// How often the retention job runs (once per period across all instances).
    pub retention_interval: Duration,
    /// Whether this process runs the retention job by itself (tests drive it).
    pub retention_in_background: bool,
    /// `APP_SECRET_KEY`: 64 hex digits sealing TOTP secrets; unset, a key is generated into the data folder.
    pub secret_key: Option<String>,
    /// Requests one IP address may make to the widget endpoints per minute.
    pub widget_requests_per_minute: u32,
    /// New sign-in sessions one Client ID may start per minute, across all addresses.
    pub signins_per_client_per_minute: u32,
    /// The portal's public origin (`https://insight.example`); when set, requests for other hosts are refused
    /// and every link is built from it.
    pub public_url: Option<String>,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` / `X-Forwarded-Proto` are believed (`APP_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<IpNet>,
    pub limits: LimitSettings,
    /// `APP_MEMO_ENTRIES`: how many finished applications' page data this instance keeps in memory
    /// (`platform::memo`; 0 turns the memo off).
    pub memo_entries: usize,
}

/// Abuse limits; every one has its variable (README, `.env.example`).
#[derive(Debug, Clone)]
pub struct LimitSettings {
    /// Longest a log-in or registration waits for an argon2 slot before it is answered 503.
    pub hash_queue_wait: Duration,
    /// New portal accounts one address may register per hour.
    pub registrations_per_hour: u32,
    /// Wrong portal passwords (per account and per address) before log-in is refused for a growing delay.
    pub login_failures_allowed: u32,
    /// Wrong bank passwords and wrong one-time codes allowed in one sign-in session.
    pub bank_attempts_per_session: i64,
    /// Failed bank log-ins one address may cause for one Client ID before it must wait.
    pub bank_failures_per_client_address: u32,
    /// Requests one API key may make to `/v1` per minute.
    pub api_requests_per_minute: u32,
    /// Imports one organisation may have queued or running at once; a new sign-in past it is refused.
    pub imports_active_per_organisation: i64,
    /// New imports one organisation may start per hour.
    pub imports_per_hour_per_organisation: i64,
}

impl LimitSettings {
    pub fn import_quota(&self) -> ImportQuota {
        ImportQuota { active: self.imports_active_per_organisation, per_hour: self.imports_per_hour_per_organisation }
    }
}

/// How much of the import queue one organisation may use (the settings above, as the queue checks them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportQuota {
    pub active: i64,
    pub per_hour: i64,
}

impl ImportQuota {
    /// For tools that seed data (benchmarks): no limit.
    pub const UNLIMITED: Self = Self { active: i64::MAX, per_hour: i64::MAX };
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            hash_queue_wait: Duration::from_secs(3),
            registrations_per_hour: 20,
            login_failures_allowed: 5,
            bank_attempts_per_session: 3,
            bank_failures_per_client_address: 10,
            api_requests_per_minute: 600,
            imports_active_per_organisation: 20,
            imports_per_hour_per_organisation: 200,
        }
    }
}

/// Webhook delivery: where messages may go, how long an attempt may take, how retries back off.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Allows `http://` and loopback / `.test` / `.localhost` endpoints (development and tests only).
    pub allow_insecure: bool,
    /// Private networks endpoints may resolve to anyway (`APP_WEBHOOK_ALLOWED_NETWORKS=10.1.0.0/16`).
    pub allowed_networks: Vec<IpNet>,
    /// Longest one delivery attempt may take.
    pub timeout: Duration,
    /// Delay after the first failed attempt; doubles each time (with ±20 % jitter), at most an hour.
    pub retry_base: Duration,
    /// How long a message is retried before it is marked failed.
    pub retry_window: Duration,
    /// Delivery workers in this process (several processes may share one PostgreSQL).
    pub workers: usize,
    /// How often an idle delivery worker looks for due messages.
    pub poll_interval: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_insecure: false,
            allowed_networks: Vec::new(),
            timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(5),
            retry_window: Duration::from_secs(24 * 3600),
            workers: 1,
            poll_interval: Duration::from_millis(500),
        }
    }
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
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        fn number<T: std::str::FromStr>(name: &str, raw: Option<String>, default: T) -> anyhow::Result<T> {
            match raw {
                None => Ok(default),
                Some(v) => v.trim().parse().map_err(|_| anyhow::anyhow!("{name}={v:?} is not a valid number")),
            }
        }
        let public_url = var("APP_PUBLIC_URL").map(|u| parse_public_url(&u)).transpose()?;
        let https = public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        let defaults = LimitSettings::default();
        let hooks = WebhookSettings::default();
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            secure_cookies: var("APP_SECURE_COOKIES").map(|v| v == "true" || v == "1").unwrap_or(https),
            session_inactivity: Duration::from_secs(8 * 3600),
            max_concurrent_hashes: number("APP_MAX_CONCURRENT_HASHES", var("APP_MAX_CONCURRENT_HASHES"), 2)?,
            workers: number("APP_IMPORT_WORKERS", var("APP_IMPORT_WORKERS"), 2)?,
            import: ImportTuning {
                lease: Duration::from_secs(number(
                    "APP_IMPORT_LEASE_SECS",
                    var("APP_IMPORT_LEASE_SECS"),
                    ImportTuning::default().lease.as_secs(),
                )?),
                ..ImportTuning::default()
            },
            webhooks: WebhookSettings {
                allow_insecure: var("APP_WEBHOOK_ALLOW_INSECURE").is_some_and(|v| v == "true" || v == "1"),
                allowed_networks: var("APP_WEBHOOK_ALLOWED_NETWORKS")
                    .map(|v| parse_proxies(&v).context("APP_WEBHOOK_ALLOWED_NETWORKS"))
                    .transpose()?
                    .unwrap_or_default(),
                timeout: Duration::from_secs(number(
                    "APP_WEBHOOK_TIMEOUT_SECS",
                    var("APP_WEBHOOK_TIMEOUT_SECS"),
                    hooks.timeout.as_secs(),
                )?),
                retry_base: Duration::from_millis(number(
                    "APP_WEBHOOK_RETRY_BASE_MS",
                    var("APP_WEBHOOK_RETRY_BASE_MS"),
                    hooks.retry_base.as_millis() as u64,
                )?),
                retry_window: Duration::from_secs(
                    3600 * number("APP_WEBHOOK_RETRY_HOURS", var("APP_WEBHOOK_RETRY_HOURS"), 24u64)?,
                ),
                workers: number("APP_WEBHOOK_WORKERS", var("APP_WEBHOOK_WORKERS"), hooks.workers)?,
                poll_interval: hooks.poll_interval,
            },
            retention_interval: Duration::from_secs(number(
                "APP_RETENTION_INTERVAL_SECS",
                var("APP_RETENTION_INTERVAL_SECS"),
                3600u64,
            )?),
            retention_in_background: true,
            secret_key: var("APP_SECRET_KEY"),
            sandbox: match var("APP_SANDBOX").as_deref().map(str::trim) {
                None | Some("on" | "true" | "1") => true,
                Some("off" | "false" | "0") => false,
                Some(other) => anyhow::bail!("APP_SANDBOX={other:?} must be on or off"),
            },
            banks_file: var("APP_BANKS_FILE").map(std::path::PathBuf::from),
            xs2a_sandbox: match var("APP_XS2A_SANDBOX").as_deref().map(str::trim) {
                None | Some("on" | "true" | "1") => true,
                Some("off" | "false" | "0") => false,
                Some(other) => anyhow::bail!("APP_XS2A_SANDBOX={other:?} must be on or off"),
            },
            xs2a_record: var("APP_XS2A_RECORD").map(std::path::PathBuf::from),
            disabled_targets: var("APP_DISABLED_TARGETS")
                .map(|v| v.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect())
                .unwrap_or_default(),
            signins_per_client_per_minute: number(
                "APP_SIGNINS_PER_CLIENT_PER_MINUTE",
                var("APP_SIGNINS_PER_CLIENT_PER_MINUTE"),
                600,
            )?,
            widget_requests_per_minute: number(
                "APP_WIDGET_REQUESTS_PER_MINUTE",
                var("APP_WIDGET_REQUESTS_PER_MINUTE"),
                300,
            )?,
            public_url,
            memo_entries: number("APP_MEMO_ENTRIES", var("APP_MEMO_ENTRIES"), 256)?,
            trusted_proxies: var("APP_TRUSTED_PROXIES").map(|v| parse_proxies(&v)).transpose()?.unwrap_or_default(),
            limits: LimitSettings {
                hash_queue_wait: Duration::from_millis(number(
                    "APP_HASH_QUEUE_WAIT_MS",
                    var("APP_HASH_QUEUE_WAIT_MS"),
                    defaults.hash_queue_wait.as_millis() as u64,
                )?),
                registrations_per_hour: number(
                    "APP_REGISTRATIONS_PER_HOUR",
                    var("APP_REGISTRATIONS_PER_HOUR"),
                    defaults.registrations_per_hour,
                )?,
                login_failures_allowed: number(
                    "APP_LOGIN_FAILURES_ALLOWED",
                    var("APP_LOGIN_FAILURES_ALLOWED"),
                    defaults.login_failures_allowed,
                )?,
                bank_attempts_per_session: defaults.bank_attempts_per_session,
                bank_failures_per_client_address: number(
                    "APP_BANK_FAILURES_PER_CLIENT_ADDRESS",
                    var("APP_BANK_FAILURES_PER_CLIENT_ADDRESS"),
                    defaults.bank_failures_per_client_address,
                )?,
                api_requests_per_minute: number(
                    "APP_API_REQUESTS_PER_MINUTE",
                    var("APP_API_REQUESTS_PER_MINUTE"),
                    defaults.api_requests_per_minute,
                )?,
                imports_active_per_organisation: number(
                    "APP_IMPORTS_ACTIVE_PER_ORGANISATION",
                    var("APP_IMPORTS_ACTIVE_PER_ORGANISATION"),
                    defaults.imports_active_per_organisation,
                )?,
                imports_per_hour_per_organisation: number(
                    "APP_IMPORTS_PER_HOUR_PER_ORGANISATION",
                    var("APP_IMPORTS_PER_HOUR_PER_ORGANISATION"),
                    defaults.imports_per_hour_per_organisation,
                )?,
            },
        })
    }

    /// Settings for tests and tools: everything from the environment but the database.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        let env = Self::from_env().unwrap_or_else(|e| panic!("invalid settings in the environment: {e:#}"));
        Self { database_url: database_url.into(), ..env }
    }

    /// Where a generated secret key lives: beside the SQLite database, or in `data/` for PostgreSQL.
    pub fn key_file(&self) -> std::path::PathBuf {
        let sqlite_path =
            self.database_url.strip_prefix("sqlite://").or_else(|| self.database_url.strip_prefix("sqlite:"));
        let dir = sqlite_path
            .map(|p| p.split('?').next().unwrap_or(p))
            .and_then(|p| std::path::Path::new(p).parent().map(std::path::Path::to_path_buf))
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or_else(|| std::path::PathBuf::from("data"));
        dir.join("secret.key")
    }

    /// Whether requests reach Insight over https: its public URL says so.
    pub fn public_https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

/// `https://insight.example[:port]`: an origin, no path.
fn parse_public_url(raw: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw.trim()).with_context(|| format!("APP_PUBLIC_URL={raw:?} is not a URL"))?;
    let origin = url.origin().ascii_serialization();
    if !matches!(url.scheme(), "http" | "https") || origin == "null" || url.path().len() > 1 {
        anyhow::bail!("APP_PUBLIC_URL={raw:?} must be an origin like https://insight.example (no path)");
    }
    Ok(origin)
}

/// `10.0.0.0/8, 192.168.1.1, ::1`: networks or single addresses.
fn parse_proxies(raw: &str) -> anyhow::Result<Vec<IpNet>> {
    raw.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| anyhow::anyhow!("APP_TRUSTED_PROXIES: {p:?} is not an address or CIDR network"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_reduced_to_their_origin_and_paths_refused() {
        assert_eq!(parse_public_url("https://Insight.Example/").unwrap(), "https://insight.example");
        assert_eq!(parse_public_url("http://127.0.0.1:3000").unwrap(), "http://127.0.0.1:3000");
        assert!(parse_public_url("https://insight.example/app").is_err());
        assert!(parse_public_url("ftp://insight.example").is_err());
        assert!(parse_public_url("insight.example").is_err());
    }

    #[test]
    fn trusted_proxies_are_networks_or_addresses() {
        let nets = parse_proxies("10.0.0.0/8, 192.168.1.7 ,::1").unwrap();
        assert_eq!(nets.len(), 3);
        assert!(nets[1].contains(&"192.168.1.7".parse::<std::net::IpAddr>().unwrap()));
        assert!(parse_proxies("10.0.0.0/33").is_err());
        assert!(parse_proxies("proxy.local").is_err());
    }
}
