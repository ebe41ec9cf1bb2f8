//! One component per route.

pub mod application;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod banks;
pub mod dashboard;
pub mod embed_signin;
pub mod home;
pub mod not_found;
pub mod settings;
pub mod team;
pub mod widget_settings;
