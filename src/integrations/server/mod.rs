//! Server side of the integrations: key storage and the `/v1` router.

pub mod keys;
pub mod openapi;
pub mod problem;
pub mod v1;
