//! Server functions: thin, each one authorises first, then parses, then calls `server::` code.
//! Their bodies compile only on the server; the browser gets a fetch stub with the same signature.

pub mod applications;
pub mod audit;
pub mod auth;
pub mod banks;
pub mod dashboard;
pub mod settings;
pub mod team;
pub mod widget;
pub mod widget_settings;
