//! Reusable view pieces.

pub mod analysis;
pub mod field;
pub mod layout;
pub mod post_message;
pub mod status;
