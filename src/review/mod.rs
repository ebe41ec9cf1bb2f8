//! Review: the dashboard, the queue of applications, one application's detail with its analysis, decisions
//! with their audit trail, erasure on request, and the JSON/CSV exports.

pub mod api;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;
