//! One component per route.

pub mod auth;
pub mod dashboard;
pub mod home;
pub mod not_found;
