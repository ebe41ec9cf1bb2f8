//! Server-only code: configuration, HTTP wiring, persistence, authentication, banks and the import worker.

pub mod auth;
pub mod banks;
pub mod config;
pub mod csrf;
pub mod db;
pub mod error;
pub mod export;
pub mod guard;
pub mod jobs;
pub mod request;
pub mod session;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod widget;

/// Now as unix milliseconds: the portable instant type stored in both databases.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
