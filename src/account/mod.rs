//! Accounts: business sign-up and log-in, the Client ID, settings, the team and its roles, the audit trail.

pub mod api;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;
