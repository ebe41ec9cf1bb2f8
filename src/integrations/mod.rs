//! The business's back-end: API keys (`/settings/api-keys`) and the REST API `/v1` they open, with its
//! OpenAPI document (`/v1/openapi.json`) and reference page (`/docs/api`).

pub mod api;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;
