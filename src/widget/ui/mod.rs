//! The widget's pages: the sign-in steps inside the business's page, and the business's configuration page.

pub mod post_message;
pub mod settings;
pub mod signin;
