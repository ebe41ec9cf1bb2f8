//! Server-only infrastructure every area stands on: typed settings, logging, the shared state, the database
//! pool and session store, the HTTP layers (CSRF, page guard, rate limits, request facts) and start-up.

pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod http;
pub mod memo;
pub mod serve;
pub mod startup;
pub mod state;
pub mod telemetry;

/// Now as unix milliseconds: the portable instant type stored in both databases.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
