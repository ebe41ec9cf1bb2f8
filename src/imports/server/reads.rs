//! Reading imports for the portal, the widget and exports. An import's data (owners, accounts, transactions,
//! decisions, analysis) can only be read through an [`OwnedImport`], which only the organisation-scoped
//! lookup [`find_in`] creates: a user of another organisation gets nothing back, exactly as if the import did
//! not exist, and forgetting the check does not compile.

use crate::imports::model::{Account, Decision, ImportProgress, ImportStatus, ImportSummary, Owner};
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::shared::{AccountId, ImportId, OrganisationId};

/// The columns of [`ImportSummary`], for every query that lists imports.
pub const SUMMARY_COLUMNS: &str =
    "import_id, target_id, owner_external_id, owner_names, months_requested, status, progress,
    step, error_code, error_message, attempts, owners_count, accounts_count, transactions_count,
    CASE WHEN approval_requested_at IS NULL THEN decision ELSE 'approval_pending' END AS decision, environment,
    created_at, started_at, finished_at, erased_at, erased_reason, assignee_email";

/// The queue's condition for one decision. `approval_pending` is an open four-eyes request, not a stored
/// decision; the stored decisions exclude imports with a request open, as readers see them.
pub fn decision_condition(b: &mut crate::platform::db::query::Binds, decision: Decision) -> String {
    match decision {
        // A range on the second column of (organisation_id, approval_requested_at): the planner walks that
        // index instead of the organisation's every import.
        Decision::ApprovalPending => "approval_requested_at > 0".into(),
        stored => format!("decision = {} AND approval_requested_at IS NULL", b.push_text(stored.as_str())),
    }
}

/// An import found within an organisation: proof that the caller may read its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedImport {
    summary: ImportSummary,
    organisation_id: OrganisationId,
}

impl OwnedImport {
    pub fn id(&self) -> ImportId {
        self.summary.import_id
    }

    pub fn organisation_id(&self) -> OrganisationId {
        self.organisation_id
    }

    pub fn summary(&self) -> &ImportSummary {
        &self.summary
    }

    pub fn status(&self) -> ImportStatus {
        self.summary.status
    }

    pub fn into_summary(self) -> ImportSummary {
        self.summary
    }
}

/// The import `import_id` if it belongs to `organisation_id`.
pub async fn find_in(
    db: &Db,
    organisation_id: OrganisationId,
    import_id: ImportId,
) -> ServerResult<Option<OwnedImport>> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM import WHERE import_id = $1 AND organisation_id = $2");
    let summary: Option<ImportSummary> =
        sqlx::query_as(&sql).bind(import_id).bind(organisation_id).fetch_optional(&db.pool).await?;
    Ok(summary.map(|summary| OwnedImport { summary, organisation_id }))
}

/// [`find_in`] with `extra` columns (or expressions over `import`) of the same row, decoded as `T`: a page that
/// needs both reads the import row once.
pub async fn find_in_with<T>(
    db: &Db,
    organisation_id: OrganisationId,
    import_id: ImportId,
    extra: &str,
) -> ServerResult<Option<(OwnedImport, T)>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    use sqlx::FromRow;
    let sql = format!("SELECT {SUMMARY_COLUMNS}, {extra} FROM import WHERE import_id = $1 AND organisation_id = $2");
    let row = sqlx::query(&sql).bind(import_id).bind(organisation_id).fetch_optional(&db.pool).await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some((OwnedImport { summary: ImportSummary::from_row(&row)?, organisation_id }, T::from_row(&row)?)))
}

/// The newest imports of an organisation.
pub async fn latest(db: &Db, organisation_id: OrganisationId, limit: i64) -> ServerResult<Vec<ImportSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM import WHERE organisation_id = $1 ORDER BY created_at DESC, import_id DESC LIMIT $2"
    );
    Ok(sqlx::query_as(&sql).bind(organisation_id).bind(limit).fetch_all(&db.pool).await?)
}

pub async fn progress(
    db: &Db,
    organisation_id: OrganisationId,
    import_id: ImportId,
) -> ServerResult<Option<ImportProgress>> {
    Ok(sqlx::query_as("SELECT status, progress, step FROM import WHERE import_id = $1 AND organisation_id = $2")
        .bind(import_id)
        .bind(organisation_id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn owners(db: &Db, import: &OwnedImport) -> ServerResult<Vec<Owner>> {
    Ok(sqlx::query_as(
        "SELECT name, kind, address, polish_pesel, polish_nip, polish_regon, email, phone, citizenship,
                personal_document_type, personal_document_number, birth_date
         FROM import_owner WHERE import_id = $1 ORDER BY position",
    )
    .bind(import.id())
    .fetch_all(&db.pool)
    .await?)
}

const ACCOUNT_COLUMNS: &str = "import_account_id, name, friendly_name, iban, currency, balance_minor,
    funds_available_minor, active_since_at_least, owners_json, partial_due_to_timeout, transactions_count";

pub async fn accounts(db: &Db, import: &OwnedImport) -> ServerResult<Vec<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM import_account WHERE import_id = $1 ORDER BY position");
    Ok(sqlx::query_as(&sql).bind(import.id()).fetch_all(&db.pool).await?)
}

/// One account of the import, if `account_id` is one of its accounts.
pub async fn account_in(db: &Db, import: &OwnedImport, account_id: AccountId) -> ServerResult<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM import_account WHERE import_id = $1 AND import_account_id = $2");
    Ok(sqlx::query_as(&sql).bind(import.id()).bind(account_id).fetch_optional(&db.pool).await?)
}

/// The columns of [`crate::imports::model::Transaction`] over `import_transaction t`.
pub const TRANSACTION_COLUMNS: &str = "t.transaction_on, t.booked_on, t.amount_minor, t.balance_after_minor, t.title,
    t.party, t.party_iban, t.kind, t.status";
