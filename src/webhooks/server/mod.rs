//! Server side of webhooks: the outbox (written by other areas inside their transactions), the endpoints
//! and their delivery log, the address policy, and the delivery worker.

pub mod address;
pub mod delivery;
pub mod endpoints;
pub mod outbox;
