//! HTTP layers around every route, and facts about the current request.

pub mod assets;
pub mod csrf;
pub mod headers;
pub mod input;
pub mod rate_limit;
pub mod request;
pub mod statuses;
