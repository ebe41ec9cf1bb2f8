//! The review's values: queue and transaction filters, the page views and decisions, the analysis and the
//! transaction labels.

pub mod analysis;
pub mod evidence;
pub mod filter;
pub mod income;
pub mod labels;
pub mod obligations;
pub mod views;
