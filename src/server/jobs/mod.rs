//! Background work: the import worker pool and the import itself.

pub mod import;
pub mod worker;
