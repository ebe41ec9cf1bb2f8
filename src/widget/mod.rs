//! The SignIn Widget: the business configures it on `/widget`, its end users sign in to their bank through it
//! on the business's page (`/embed/signin` in an iframe, driven by `/signin-widget.js`), and an authorised
//! sign-in queues the Auto import.

pub mod api;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;
