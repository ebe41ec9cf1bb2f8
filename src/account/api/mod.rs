//! Server functions of the account pages. Each one authorises first, then parses, then calls `server`.

pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod security;
pub mod settings;
pub mod team;
