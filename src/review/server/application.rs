//! The application page's reads: the import row once — the summary (the organisation-scoped proof of
//! ownership) with everything else the page takes from that row — and the imported data, which a finished
//! import no longer changes, so it is memoised for the next view ([`data`]).

use super::decide::{ApprovalColumns, APPROVAL_COLUMNS};
use super::search::{self, DatesCovered, DATES_COVERED_COLUMNS};
use crate::imports::model::{Account, Decision, ImportStatus, Owner};
use crate::imports::server::reads::{self, OwnedImport};
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::memo::{Memo, MemoKey};
use crate::review::model::analysis::Analysis;
use crate::review::model::views::{RenderedOnce, TransactionPage};
use crate::shared::{ImportId, OrganisationId};
use std::sync::{Arc, LazyLock};

/// What the application page reads off the import row besides its summary, read with it in one statement.
#[derive(sqlx::FromRow)]
pub struct CaseRow {
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
    static COLUMNS: LazyLock<String> =
        LazyLock::new(|| format!("{APPROVAL_COLUMNS}, {DATES_COVERED_COLUMNS}, {}", next_unassigned_column()));
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

/// What the bank gave for an import, as the application page shows it: owners, accounts, each account's newest
/// transactions (same order as `accounts`), and the analysis of a finished import whose data was not erased.
#[derive(Clone)]
pub struct ImportData {
    pub owners: Vec<Owner>,
    pub accounts: Vec<Account>,
    pub first_pages: Vec<TransactionPage>,
    pub analysis: Option<Analysis>,
    /// The analysis panel's HTML, written by the first view that shows it and kept with the data.
    pub analysis_html: RenderedOnce,
}

const IMPORT_DATA: &str = "review.import_data";

/// The [`ImportData`] of `import` (a row just read, which proves the caller may see it). A finished import's
/// data never changes again, only erasure removes it, so it is kept in `memo` under the import and the instant
/// it finished, and served again only while the row just read says it is finished and not erased. The analysis
/// panel's HTML is kept with it once the first view has written it.
pub async fn data(db: &Db, memo: &Memo, import: &OwnedImport) -> ServerResult<ImportData> {
    let summary = import.summary();
    let frozen = summary.status.is_finished() && summary.erased_at.is_none();
    let key = summary.finished_at.filter(|_| frozen).map(|finished_at| MemoKey {
        kind: IMPORT_DATA,
        id: import.id().get(),
        version: finished_at,
    });
    if let Some(kept) = key.as_ref().and_then(|k| memo.get::<ImportData>(k)) {
        return Ok(ImportData::clone(&kept));
    }
    let accounts = reads::accounts(db, import).await?;
    let owners = reads::owners(db, import).await?;
    let first_pages = search::first_pages(db, import, &accounts, &owners).await?;
    let analysis = if frozen { Some(super::analysis::stored_or_analyse(db, import, &owners).await?) } else { None };
    // Only data that is kept keeps its panel: otherwise each view writes its own.
    let analysis_html = if key.is_some() { RenderedOnce::kept() } else { RenderedOnce::default() };
    let data = ImportData { owners, accounts, first_pages, analysis, analysis_html };
    if let Some(key) = key {
        memo.insert(key, Arc::new(data.clone()));
    }
    Ok(data)
}

/// Forgets the memoised data of an import whose data was just erased (other instances' copies are never served
/// again, since they check the row, and leave memory with their time to live).
pub fn forget(memo: &Memo, import_id: ImportId) {
    memo.forget(IMPORT_DATA, import_id.get());
}
