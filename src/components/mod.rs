//! View pieces several areas share, and the pages that belong to no area (the landing page, not found).

pub mod error_view;
pub mod field;
pub mod form;
pub mod home;
pub mod layout;
pub mod not_found;
pub mod status;
pub mod stylesheet;
