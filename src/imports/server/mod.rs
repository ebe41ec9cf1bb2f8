//! The import pipeline on the server: queue (claim, lease, requeue, finish), the worker loop, one import's
//! run, its writes, and the organisation-scoped reads every page and export goes through.

pub mod erase;
pub mod queue;
pub mod reads;
pub mod run;
pub mod worker;
pub mod writes;
