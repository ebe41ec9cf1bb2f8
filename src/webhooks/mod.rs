//! Webhooks: the business's back-end learns when an import finishes, a reviewer decides or data is erased.
//! Messages are written to an outbox in the same transaction as the change (`server::outbox`), signed per
//! the Standard Webhooks specification and delivered with retries by any instance (`server::delivery`).
//! The settings page is `/settings/webhooks`. This area sits below `imports` and `review`, which write to
//! its outbox; it depends on nothing above `account`.

pub mod api;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;
