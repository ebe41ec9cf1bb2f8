//! Insight: a self-hostable portal for AIS Auto import.
//!
//! Shared modules (`app`, `pages`, `components`, `api`, `domain`, `error`) compile for both the server
//! (`ssr`) and the browser (`hydrate`); everything under `server` is server-only and never reaches wasm.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
