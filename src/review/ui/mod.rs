//! Pages of the review: the dashboard, the queue, one application (with its analysis panel).

pub mod analysis;
pub mod dashboard;
pub mod detail;
pub mod evidence;
pub mod queue;
