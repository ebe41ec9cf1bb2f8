//! Banks: the coverage page (`/banks`) and, server-side, the `Connector` trait every bank implements, the
//! catalog of enabled targets, and the sandbox Demo Bank (SPEC §4).

pub mod api;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;
