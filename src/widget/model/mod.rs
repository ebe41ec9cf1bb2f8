//! The widget's values, shared by the server and the browser: embed options, the business's settings, the
//! steps of a sign-in, its errors and its words.

pub mod embed;
pub mod error;
pub mod flow;
pub mod settings;
pub mod text;
