//! The application page's one read of the import row: the summary (the organisation-scoped proof of ownership)
//! with everything else the page takes from that row, so a view costs one statement, not five.

use super::analysis::{StoredFigures, STORED_FIGURES_COLUMNS};
use super::decide::{ApprovalColumns, APPROVAL_COLUMNS};
use super::search::{DatesCovered, DATES_COVERED_COLUMNS};
use crate::imports::model::{Decision, ImportStatus};
use crate::imports::server::reads::{self, OwnedImport};
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::shared::{ImportId, OrganisationId};
use std::sync::LazyLock;

/// What the application page reads off the import row besides its summary, read with it in one statement.
#[derive(sqlx::FromRow)]
pub struct CaseRow {
    #[sqlx(flatten)]
    pub figures: StoredFigures,
    #[sqlx(flatten)]
    pub approval: ApprovalColumns,
    #[sqlx(flatten)]
    pub dates: DatesCovered,
    pub next_unassigned: Option<ImportId>,
}

/// The import `import_id` of `organisation_id` with its [`CaseRow`], or `None` (another organisation's, or gone).
pub async fn open(
    db: &Db,
    organisation_id: OrganisationId,
    import_id: ImportId,
) -> ServerResult<Option<(OwnedImport, CaseRow)>> {
    // Built once: the text depends only on constants.
    static COLUMNS: LazyLock<String> = LazyLock::new(|| {
        format!("{STORED_FIGURES_COLUMNS}, {APPROVAL_COLUMNS}, {DATES_COVERED_COLUMNS}, {}", next_unassigned_column())
    });
    reads::find_in_with(db, organisation_id, import_id, &COLUMNS).await
}

/// The application to take up next, as an expression over the `import` row: the oldest finished one of the same
/// organisation that nobody is on and nobody has decided, other than this one.
fn next_unassigned_column() -> String {
    let [a, b, c] = ImportStatus::FINISHED.map(ImportStatus::as_str);
    format!(
        "(SELECT n.import_id FROM import n
          WHERE n.organisation_id = import.organisation_id AND n.decision = '{pending}'
             AND n.approval_requested_at IS NULL AND n.assignee_user_id IS NULL
             AND n.status IN ('{a}', '{b}', '{c}') AND n.import_id <> import.import_id
          ORDER BY n.created_at, n.import_id LIMIT 1) AS next_unassigned",
        pending = Decision::Pending.as_str()
    )
}
