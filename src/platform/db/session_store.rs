//! tower-sessions stores for both backends behind one type, so the router's type does not depend on the
//! database chosen at run time. Sessions live in the database, so any instance can serve any request.

use async_trait::async_trait;
use sqlx::{PgPool, SqlitePool};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

#[derive(Debug, Clone)]
pub enum SessionStoreAny {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionStoreAny {
    pub fn sqlite(pool: SqlitePool) -> Self {
        Self::Sqlite(SqliteStore::new(pool))
    }

    pub fn postgres(pool: PgPool) -> Self {
        Self::Postgres(PostgresStore::new(pool))
    }

    pub async fn migrate(&self) -> sqlx::Result<()> {
        match self {
            Self::Sqlite(s) => s.migrate().await,
            Self::Postgres(s) => s.migrate().await,
        }
    }
}

#[async_trait]
impl SessionStore for SessionStoreAny {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.create(record).await,
            Self::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.save(record).await,
            Self::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(s) => s.load(session_id).await,
            Self::Postgres(s) => s.load(session_id).await,
        }
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete(session_id).await,
            Self::Postgres(s) => s.delete(session_id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for SessionStoreAny {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete_expired().await,
            Self::Postgres(s) => s.delete_expired().await,
        }
    }
}
