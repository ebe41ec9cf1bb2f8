//! Pages of the account area: sign-up, log-in and log-out, settings, the team and invitations, the audit trail.

pub mod audit;
pub mod auth;
pub mod security;
pub mod settings;
pub mod team;
