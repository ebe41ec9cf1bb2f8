//! Insight: a self-hostable portal for AIS Auto import.
//!
//! One folder per feature area (`account`, `widget`, `imports`, `review`, `banks`), each with the same inner
//! shape: `model` (values, compiled for server and browser), `api` (server functions), `ui` (pages) and the
//! server-only `server`. Below them `shared` (value types several areas use) and `platform` (server-only
//! infrastructure); `components` holds view pieces several areas share. See ARCHITECTURE.md.

#![recursion_limit = "256"]

pub mod account;
pub mod app;
pub mod banks;
pub mod components;
pub mod error;
pub mod imports;
pub mod integrations;
pub mod psd2_sandbox;
pub mod review;
pub mod shared;
pub mod webhooks;
pub mod widget;

#[cfg(feature = "ssr")]
pub mod platform;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
