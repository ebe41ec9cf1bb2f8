//! The review queue, its counts, and filtered pages of an application's transactions. Every query is scoped
//! by organisation (the queue) or goes through an `OwnedImport` (one application's data).

use crate::imports::model::{Account, Environment, ImportSummary, Owner, Transaction};
use crate::imports::server::reads::{self, OwnedImport, SUMMARY_COLUMNS, TRANSACTION_COLUMNS};
use crate::platform::db::query::{contains_folded, contains_text, Binds};
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::review::model::filter::{
    ApplicationFilter, Assigned, CursorKey, DateOrder, PageCursor, TransactionCursor, TransactionFilter,
    TransactionSort,
};
use crate::review::model::labels::{label, LabelInput, OwnAccounts};
use crate::review::model::views::{Counts, TransactionPage, TRANSACTIONS_PER_PAGE};
use crate::shared::{AccountId, OrganisationId};

fn day_start_ms(d: chrono::NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis()).unwrap_or(0)
}

pub struct QueuePage {
    pub rows: Vec<ImportSummary>,
    /// More rows further in the sort order / back towards the start.
    pub has_more_forward: bool,
    pub has_more_backward: bool,
}

pub async fn search(
    db: &Db,
    organisation_id: OrganisationId,
    f: &ApplicationFilter,
    per_page: i64,
) -> ServerResult<QueuePage> {
    let mut b = Binds::default();
    let mut sql =
        format!("SELECT {SUMMARY_COLUMNS} FROM import WHERE organisation_id = {}", b.push_int(organisation_id.get()));
    if let Some(s) = f.status {
        sql += &format!(" AND status = {}", b.push_text(s.as_str()));
    }
    if let Some(d) = f.decision {
        sql += &format!(" AND {}", reads::decision_condition(&mut b, d));
    }
    if let Some(t) = &f.target {
        sql += &format!(" AND target_id = {}", b.push_text(t.clone()));
    }
    match (f.assigned, f.viewer) {
        (Some(Assigned::Me), Some(me)) => sql += &format!(" AND assignee_user_id = {}", b.push_int(me.0)),
        // "Mine" without a known member matches nothing rather than everything.
        (Some(Assigned::Me), None) => sql += " AND 1 = 0",
        (Some(Assigned::Nobody), _) => sql += " AND assignee_user_id IS NULL",
        (None, _) => {}
    }
    if let Some(from) = f.from {
        sql += &format!(" AND created_at >= {}", b.push_int(day_start_ms(from)));
    }
    if let Some(to) = f.to.and_then(|d| d.succ_opt()) {
        sql += &format!(" AND created_at < {}", b.push_int(day_start_ms(to)));
    }
    if let Some(q) = &f.search {
        // `search_text` is the owners' names and the reference, lower-cased by the engine (migration 0023).
        sql += &format!(" AND {}", contains_folded(&mut b, db.backend, "search_text", q));
    }
    // Keyset paging on (created_at, import_id): each page costs the same however deep it is.
    let newest_first = f.order == DateOrder::NewestFirst;
    let backward = matches!(f.cursor, Some(PageCursor::Before { .. }));
    let descending = newest_first != backward;
    if let Some(PageCursor::After { created_at, import_id } | PageCursor::Before { created_at, import_id }) = f.cursor {
        let op = if descending { "<" } else { ">" };
        let c = b.push_int(created_at);
        let i = b.push_int(import_id);
        // A row-value comparison: both engines walk the (organisation, created, id) index from the cursor.
        sql += &format!(" AND (created_at, import_id) {op} ({c}, {i})");
    }
    let dir = if descending { "DESC" } else { "ASC" };
    sql += &format!(" ORDER BY created_at {dir}, import_id {dir} LIMIT {}", b.push_int(per_page + 1));
    let mut out: Vec<ImportSummary> = b.apply_as(sqlx::query_as(&sql)).fetch_all(&db.pool).await?;
    let more = out.len() as i64 > per_page;
    out.truncate(per_page as usize);
    if backward {
        out.reverse();
    }
    Ok(QueuePage {
        rows: out,
        has_more_forward: if backward { true } else { more },
        has_more_backward: if backward { more } else { f.cursor.is_some() },
    })
}

/// Imports of the organisation by status and by decision, and how many are sandbox imports.
pub async fn counts(db: &Db, organisation_id: OrganisationId) -> ServerResult<Counts> {
    // The counters are kept by triggers on `import` (migrations 0007 and 0012): a few rows, however many imports
    // there are. Approvals waiting for a second reviewer show as approval_pending, as in the queue: they are
    // taken out of the stored decision they are counted under (few rows, on their own index). One statement:
    // each one a page runs is a round trip to the database's thread.
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT dimension, value, n FROM import_count WHERE organisation_id = $1 AND n > 0
         UNION ALL SELECT 'environment', environment, n FROM import_environment_count
         WHERE organisation_id = $1 AND n > 0
         UNION ALL SELECT 'waiting', decision, COUNT(*) FROM import
         WHERE organisation_id = $1 AND approval_requested_at > 0 GROUP BY decision
         ORDER BY 1, 2",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?;
    let mut counts = Counts::default();
    let mut waiting = vec![];
    for (dimension, value, n) in rows {
        match dimension.as_str() {
            "status" => counts.by_status.push((value, n)),
            "decision" => counts.by_decision.push((value, n)),
            "waiting" => waiting.push((value, n)),
            _ if value == Environment::Sandbox.as_str() => counts.sandbox = n,
            _ => {}
        }
    }
    let mut total_waiting = 0;
    for (decision, n) in waiting {
        if let Some(entry) = counts.by_decision.iter_mut().find(|(d, _)| *d == decision) {
            entry.1 -= n;
        }
        total_waiting += n;
    }
    counts.by_decision.retain(|(_, n)| *n > 0);
    if total_waiting > 0 {
        counts.by_decision.push((crate::imports::model::Decision::ApprovalPending.as_str().to_string(), total_waiting));
    }
    Ok(counts)
}

/// Oldest and newest transaction dates of an import.
pub async fn dates_covered(db: &Db, import: &OwnedImport) -> ServerResult<Option<(String, String)>> {
    let dates: DatesCovered =
        sqlx::query_as(&format!("SELECT {DATES_COVERED_COLUMNS} FROM import WHERE import_id = $1"))
            .bind(import.id())
            .fetch_one(&db.pool)
            .await?;
    Ok(dates.range())
}

/// [`dates_covered`] as expressions over the `import` row, for a read that already fetches the row. Per account,
/// so each end is one step down the (account, date) index instead of a scan of every row.
pub const DATES_COVERED_COLUMNS: &str = "(SELECT MIN((SELECT MIN(t.transaction_on) FROM import_transaction t
        WHERE t.import_account_id = a.import_account_id)) FROM import_account a WHERE a.import_id = import.import_id)
        AS oldest_on,
    (SELECT MAX((SELECT MAX(t.transaction_on) FROM import_transaction t
        WHERE t.import_account_id = a.import_account_id)) FROM import_account a WHERE a.import_id = import.import_id)
        AS newest_on";

/// An import's first and last transaction dates, as [`DATES_COVERED_COLUMNS`] read them.
#[derive(sqlx::FromRow)]
pub struct DatesCovered {
    oldest_on: Option<String>,
    newest_on: Option<String>,
}

impl DatesCovered {
    pub fn range(self) -> Option<(String, String)> {
        self.oldest_on.zip(self.newest_on)
    }
}

/// A transaction with its row id, the tie-breaker of every keyset.
#[derive(sqlx::FromRow)]
struct KeyedTransaction {
    #[sqlx(flatten)]
    transaction: Transaction,
    import_transaction_id: i64,
}

/// The sort column of a transaction order, and whether it runs downwards.
fn sort_column(sort: TransactionSort) -> (&'static str, bool) {
    match sort {
        TransactionSort::NewestFirst => ("t.transaction_on", true),
        TransactionSort::OldestFirst => ("t.transaction_on", false),
        TransactionSort::LargestFirst => ("t.amount_minor", true),
        TransactionSort::SmallestFirst => ("t.amount_minor", false),
    }
}

/// The keyset position of a row in `sort`: `2026-01-31_812` or `-1230_812`.
fn position(sort: TransactionSort, row: &KeyedTransaction) -> String {
    match sort_column(sort).0 {
        "t.amount_minor" => format!("{}_{}", row.transaction.amount_minor, row.import_transaction_id),
        _ => format!("{}_{}", row.transaction.transaction_on, row.import_transaction_id),
    }
}

/// The applicant's own accounts and names, which the labels need to tell own transfers apart.
pub async fn own_accounts(db: &Db, import: &OwnedImport) -> ServerResult<OwnAccounts> {
    let ibans: Vec<(String,)> = sqlx::query_as("SELECT iban FROM import_account WHERE import_id = $1")
        .bind(import.id())
        .fetch_all(&db.pool)
        .await?;
    let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM import_owner WHERE import_id = $1")
        .bind(import.id())
        .fetch_all(&db.pool)
        .await?;
    Ok(OwnAccounts::new(ibans.iter().map(|(i,)| i.as_str()), names.iter().map(|(n,)| n.as_str())))
}

/// The same, from the accounts and owners a caller has already read.
pub fn own_accounts_of(accounts: &[Account], owners: &[Owner]) -> OwnAccounts {
    OwnAccounts::new(accounts.iter().map(|a| a.iban.as_str()), owners.iter().map(|o| o.name.as_str()))
}

/// Fills in a transaction's labels.
pub fn with_labels(mut t: Transaction, own: &OwnAccounts) -> Transaction {
    let input = LabelInput {
        title: &t.title,
        party: t.party.as_deref(),
        party_iban: t.party_iban.as_deref(),
        kind: &t.kind,
        amount_minor: t.amount_minor,
        balance_after_minor: t.balance_after_minor,
    };
    t.labels = label(&input, own);
    t
}

/// One page of an account's transactions under the reviewer's filters, by keyset: every page costs the same
/// however deep it is. Empty when the account is not one of the import's; a malformed cursor starts over.
pub async fn transactions(
    db: &Db,
    import: &OwnedImport,
    account_id: AccountId,
    f: &TransactionFilter,
    cursor: Option<&TransactionCursor>,
    per_page: i64,
) -> ServerResult<TransactionPage> {
    let own = own_accounts(db, import).await?;
    labelled_transactions(db, import, account_id, f, cursor, per_page, &own).await
}

/// [`transactions`], labelled against the import's own accounts and owners the caller has already read.
async fn labelled_transactions(
    db: &Db,
    import: &OwnedImport,
    account_id: AccountId,
    f: &TransactionFilter,
    cursor: Option<&TransactionCursor>,
    per_page: i64,
    own: &OwnAccounts,
) -> ServerResult<TransactionPage> {
    let mut b = Binds::default();
    let mut sql = format!(
        "SELECT {TRANSACTION_COLUMNS}, t.import_transaction_id
         FROM import_transaction t JOIN import_account a ON a.import_account_id = t.import_account_id
         WHERE t.import_account_id = {} AND a.import_id = {}",
        b.push_int(account_id.get()),
        b.push_int(import.id().get())
    );
    if let Some(from) = f.from {
        sql += &format!(" AND t.transaction_on >= {}", b.push_text(from.to_string()));
    }
    if let Some(to) = f.to {
        sql += &format!(" AND t.transaction_on <= {}", b.push_text(to.to_string()));
    }
    if let Some(min) = f.min_minor {
        sql += &format!(" AND t.amount_minor >= {}", b.push_int(min));
    }
    if let Some(max) = f.max_minor {
        sql += &format!(" AND t.amount_minor <= {}", b.push_int(max));
    }
    if let Some(text) = &f.text {
        sql += &format!(" AND {}", contains_text(&mut b, db.backend, &["t.title", "t.party", "t.kind"], text));
    }
    let (column, downwards) = sort_column(f.sort);
    let backward = matches!(cursor, Some(TransactionCursor::Before(_)));
    let descending = downwards != backward;
    let key = cursor.and_then(|c| c.position(column == "t.amount_minor"));
    if let Some((key, id)) = &key {
        let op = if descending { "<" } else { ">" };
        let key = match key {
            CursorKey::Date(d) => b.push_text(d.clone()),
            CursorKey::Amount(a) => b.push_int(*a),
        };
        let id = b.push_int(*id);
        sql += &format!(" AND ({column}, t.import_transaction_id) {op} ({key}, {id})");
    }
    let dir = if descending { "DESC" } else { "ASC" };
    sql += &format!(" ORDER BY {column} {dir}, t.import_transaction_id {dir} LIMIT {}", b.push_int(per_page + 1));
    let mut rows: Vec<KeyedTransaction> = b.apply_as(sqlx::query_as(&sql)).fetch_all(&db.pool).await?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(per_page as usize);
    if backward {
        rows.reverse();
    }
    let (more_forward, more_backward) = if backward { (true, more) } else { (more, key.is_some()) };
    let next = rows.last().filter(|_| more_forward).map(|r| position(f.sort, r));
    let previous = rows.first().filter(|_| more_backward).map(|r| position(f.sort, r));
    let rows = rows.into_iter().map(|r| with_labels(r.transaction, own)).collect();
    Ok(TransactionPage { rows, next, previous })
}

/// The first page of an account's transactions, newest first.
pub async fn transaction_page(
    db: &Db,
    import: &OwnedImport,
    account_id: AccountId,
    filter: &TransactionFilter,
    cursor: Option<&TransactionCursor>,
) -> ServerResult<TransactionPage> {
    transactions(db, import, account_id, filter, cursor, TRANSACTIONS_PER_PAGE).await
}

/// The first page of each account's transactions, newest first, for the application page: the accounts and
/// owners it has read label them all.
pub async fn first_pages(
    db: &Db,
    import: &OwnedImport,
    accounts: &[Account],
    owners: &[Owner],
) -> ServerResult<Vec<TransactionPage>> {
    let own = own_accounts_of(accounts, owners);
    let mut pages = Vec::with_capacity(accounts.len());
    for account in accounts {
        let filter = TransactionFilter::default();
        pages.push(
            labelled_transactions(db, import, account.account_id, &filter, None, TRANSACTIONS_PER_PAGE, &own).await?,
        );
    }
    Ok(pages)
}
