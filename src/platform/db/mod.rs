//! The database pool. One binary speaks SQLite and PostgreSQL, chosen at run time by the URL, so every query
//! (they live in the areas' `server` modules) is portable: `$N` placeholders in order, integers for money and
//! instants, text for the rest.

pub mod maintenance;
pub mod query;
pub mod session_store;

use anyhow::Context;
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::AnyPool;
use std::str::FromStr;
use std::time::Duration;

pub use session_store::SessionStoreAny;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool over either backend plus which one it is, for the few statements that must differ.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    /// Opens (creating a SQLite file if needed), migrates, and returns the pool with a session store over
    /// the same database. A failed migration is an error: the portal must not start on a half-made schema.
    pub async fn connect(url: &str) -> anyhow::Result<(Db, SessionStoreAny)> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite:// or postgres:// (got {})", redact(url));
        };
        let store = match backend {
            Backend::Sqlite => {
                create_parent_dir(url)?;
                let opts = SqliteConnectOptions::from_str(url)
                    .with_context(|| format!("invalid SQLite URL {}", redact(url)))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    // No ping before each use, as for the generic pool below.
                    .test_before_acquire(false)
                    .connect_with(opts)
                    .await
                    .with_context(|| format!("cannot open SQLite database {}", redact(url)))?;
                SessionStoreAny::sqlite(pool)
            }
            Backend::Postgres => {
                let opts = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
                let pool = PgPoolOptions::new()
                    .max_connections(5)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(opts)
                    .await
                    .with_context(|| format!("cannot connect to PostgreSQL at {}", redact(url)))?;
                SessionStoreAny::postgres(pool)
            }
        };
        // The SQLite file exists now (created above in WAL mode), so the generic pool can open it.
        let any_url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        // sqlx pings a connection each time it is taken from the pool. A SQLite connection is a thread of this
        // process with the file open, so its ping proves nothing and costs a round trip to that thread before
        // every statement (bench_http: `/` 4,335–4,472 → 4,518–4,679 requests/s). PostgreSQL's ping finds
        // connections that died with a restart or a fail-over before a request does, so it stays.
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 10 })
            .test_before_acquire(backend != Backend::Sqlite)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        use sqlx::Executor;
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&any_url)
            .await
            .with_context(|| format!("cannot open database {}", redact(url)))?;
        let db = Db { pool, backend };
        db.migrate().await?;
        store.migrate().await.context("could not create the session table")?;
        Ok((db, store))
    }

    /// A transaction that writes. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a deferred one
    /// that reads before its first write fails at once with SQLITE_BUSY when another connection commits in
    /// between (WAL cannot move a read snapshot forward, and the busy timeout does not wait for that), which
    /// two erasures of one import at once turned into a 500. PostgreSQL's row locks need nothing more.
    pub async fn begin(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator
            .run(&self.pool)
            .await
            .context("database migration failed; the portal will not start on a partly migrated schema")
    }
}

fn create_parent_dir(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create directory {}", parent.display()))?;
    }
    Ok(())
}

/// A URL fit for logs: the password, if any, replaced.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |dir: &str| {
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        let sqlite = names(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"));
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, names(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres")));
    }

    #[test]
    fn passwords_in_database_urls_are_redacted() {
        assert!(!super::redact("postgres://u:secret@h/db").contains("secret"));
    }
}
