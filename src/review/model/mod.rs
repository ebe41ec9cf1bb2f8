//! The review's values: queue and transaction filters, the page views and decisions, the analysis and the
//! transaction labels.

pub mod analysis;
pub mod filter;
pub mod labels;
pub mod views;
