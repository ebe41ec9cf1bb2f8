//! Integration tests: the real application on a random port with a fresh database (SQLite by default,
//! PostgreSQL when `TEST_DATABASE_URL` points at a server), driven over real HTTP.

mod auth;
mod crash;
mod delivery;
mod embed;
mod headers;
mod helpers;
mod hostile;
mod imports;
mod integrations;
mod limits;
mod portal;
mod psd2;
mod review;
mod statuses;
mod tenancy;
mod webhooks;
mod widget;
mod widget_settings;
