//! The widget on the server: the loader script and the framing policy (`http`), the sign-in steps that talk
//! to the bank connectors (`flow`), signatures, and the stores of sign-in sessions and widget settings.

pub mod config_store;
pub mod embed;
pub mod embed_view;
pub mod flow;
pub mod http;
pub mod sessions;
pub mod signature;
