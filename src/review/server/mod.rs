//! The review on the server: the queue and transaction searches, decisions, erasure, the stored analysis and
//! the streamed exports.

pub mod analysis;
pub mod application;
pub mod case;
pub mod decide;
pub mod erase;
pub mod evidence;
pub mod export;
pub mod retention;
pub mod search;

use crate::imports::model::ImportSummary;
use crate::platform::state::AppState;

/// Fills in the banks' display names (the database keeps only target ids).
pub fn with_bank_names(state: &AppState, mut rows: Vec<ImportSummary>) -> Vec<ImportSummary> {
    for row in &mut rows {
        row.target_name = state.catalog.display_name(&row.target_id);
    }
    rows
}
