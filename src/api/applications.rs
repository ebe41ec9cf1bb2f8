// Server-function arguments travel as separate form fields, so filters make for long signatures.
#![allow(clippy::too_many_arguments)]

use crate::domain::application::{AccountView, Decision, ImportSummary, OwnerView, TransactionView};
use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const TRANSACTIONS_PER_PAGE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionEntry {
    pub reviewer_email: String,
    pub from: Decision,
    pub to: Decision,
    pub note: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    pub summary: ImportSummary,
    pub owners: Vec<OwnerView>,
    pub accounts: Vec<AccountView>,
    pub dates_covered: Option<(String, String)>,
    pub decisions: Vec<DecisionEntry>,
    pub can_decide: bool,
    pub can_erase: bool,
    /// The newest transactions of each account (same order as `accounts`), so the page renders them at once.
    pub first_pages: Vec<TransactionPage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionPage {
    pub rows: Vec<TransactionView>,
    pub page: i64,
    pub has_next: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationsPage {
    pub rows: Vec<ImportSummary>,
    pub next_query: Option<String>,
    pub previous_query: Option<String>,
    pub banks: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub by_status: Vec<(String, i64)>,
    pub by_decision: Vec<(String, i64)>,
}

#[server(prefix = "/api", endpoint = "applications/latest")]
pub async fn list_latest_imports() -> AppResult<Vec<ImportSummary>> {
    use crate::server::{auth, db::imports, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    Ok(imports::latest(&state.db, user.organisation_id, 10, &|id| state.catalog.display_name(id)).await?)
}

#[server(prefix = "/api", endpoint = "applications/counts")]
pub async fn get_counts() -> AppResult<Counts> {
    use crate::server::{auth, db::review, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    let (by_status, by_decision) = review::counts(&state.db, user.organisation_id).await?;
    Ok(Counts { by_status, by_decision })
}

/// The review queue. `query` is the page's URL query string, so filters can be shared as links.
#[server(prefix = "/api", endpoint = "applications/search")]
pub async fn search_applications(query: String) -> AppResult<ApplicationsPage> {
    use crate::domain::review::{ApplicationFilter, PageCursor, APPLICATIONS_PER_PAGE};
    use crate::server::{auth, db::review, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let filter = ApplicationFilter::from_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    let page = review::search(&state.db, user.organisation_id, &filter, APPLICATIONS_PER_PAGE, &|id| {
        state.catalog.display_name(id)
    })
    .await?;
    let position = |s: &ImportSummary| (s.created_at, s.import_id);
    let next_query = page.rows.last().filter(|_| page.has_more_forward).map(|s| {
        let (created_at, import_id) = position(s);
        filter.to_query(Some(PageCursor::After { created_at, import_id }))
    });
    let previous_query = page.rows.first().filter(|_| page.has_more_backward).map(|s| {
        let (created_at, import_id) = position(s);
        filter.to_query(Some(PageCursor::Before { created_at, import_id }))
    });
    let banks = state.catalog.list().into_iter().map(|t| (t.id.as_str().to_string(), t.name)).collect();
    Ok(ApplicationsPage { rows: page.rows, next_query, previous_query, banks })
}

#[server(prefix = "/api", endpoint = "applications/get")]
pub async fn get_application(import_id: i64) -> AppResult<ApplicationDetail> {
    use crate::error::AppError;
    use crate::server::{auth, db::imports, db::review, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    let summary = imports::find(&state.db, user.organisation_id, import_id, &|id| state.catalog.display_name(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let decisions = review::decisions(&state.db, import_id)
        .await?
        .into_iter()
        .map(|d| DecisionEntry {
            reviewer_email: d.reviewer_email,
            from: d.from,
            to: d.to,
            note: d.note,
            created_at: d.created_at,
        })
        .collect();
    let accounts = imports::accounts(&state.db, import_id).await?;
    let mut first_pages = Vec::with_capacity(accounts.len());
    for account in &accounts {
        let filter = crate::domain::review::TransactionFilter::default();
        first_pages.push(transaction_page(&state.db, account.account_id, &filter, 0).await?);
    }
    Ok(ApplicationDetail {
        owners: imports::owners(&state.db, import_id).await?,
        accounts,
        first_pages,
        dates_covered: review::dates_covered(&state.db, import_id).await?,
        decisions,
        can_decide: user.role.can_decide(),
        can_erase: user.role.can_manage_team(),
        summary,
    })
}

#[server(prefix = "/api", endpoint = "applications/transactions")]
pub async fn list_transactions(
    import_id: i64,
    account_id: i64,
    page: i64,
    from: Option<String>,
    to: Option<String>,
    min_amount: Option<String>,
    max_amount: Option<String>,
    text: Option<String>,
    sort: Option<String>,
) -> AppResult<TransactionPage> {
    use crate::domain::review::{parse_amount, TransactionFilter, TransactionSort};
    use crate::error::{AppError, FieldErrors};
    use crate::server::{auth, db::imports, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    // The account must belong to an import of the caller's organisation.
    if imports::find(&state.db, user.organisation_id, import_id, &|id| id.to_string()).await?.is_none()
        || !imports::accounts(&state.db, import_id).await?.iter().any(|a| a.account_id == account_id)
    {
        return Err(AppError::NotFound);
    }
    let present = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut errors = FieldErrors::new();
    let mut date = |field: &str, v: Option<String>| {
        present(v).and_then(|d| {
            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| errors.add(field, "Use a date like 2026-01-31."))
                .ok()
        })
    };
    let (from, to) = (date("from", from), date("to", to));
    let mut amount = |field: &str, v: Option<String>| {
        present(v).and_then(|a| parse_amount(&a).map_err(|m| errors.add(field, m)).ok())
    };
    let (min_minor, max_minor) = (amount("min_amount", min_amount), amount("max_amount", max_amount));
    errors.into_result()?;
    let filter = TransactionFilter {
        from,
        to,
        min_minor,
        max_minor,
        text: present(text).map(|t| t.chars().take(200).collect()),
        sort: TransactionSort::parse(&sort.unwrap_or_default()),
    };
    Ok(transaction_page(&state.db, account_id, &filter, page.clamp(0, 100_000)).await?)
}

/// One page of an account's transactions under `filter`, fetching one row more to know if another page follows.
#[cfg(feature = "ssr")]
async fn transaction_page(
    db: &crate::server::db::Db,
    account_id: i64,
    filter: &crate::domain::review::TransactionFilter,
    page: i64,
) -> Result<TransactionPage, crate::server::error::ServerError> {
    let offset = page * TRANSACTIONS_PER_PAGE;
    let mut rows =
        crate::server::db::review::transactions(db, account_id, filter, TRANSACTIONS_PER_PAGE + 1, offset).await?;
    let has_next = rows.len() as i64 > TRANSACTIONS_PER_PAGE;
    rows.truncate(TRANSACTIONS_PER_PAGE as usize);
    Ok(TransactionPage { rows, page, has_next })
}

/// Approves or rejects an application with a note (required to reject). Admins and reviewers only.
#[server(prefix = "/api", endpoint = "applications/decide")]
pub async fn decide_application(import_id: i64, decision: String, note: String) -> AppResult<()> {
    use crate::domain::Role;
    use crate::error::AppError;
    use crate::server::db::review::{self, DecideOutcome};
    use crate::server::{auth, request, state::AppState};
    let user = auth::require_role(Role::can_decide).await?;
    let state = AppState::from_context()?;
    let to = match decision.as_str() {
        "approve" | "approved" => Decision::Approved,
        "reject" | "rejected" => Decision::Rejected,
        _ => return Err(AppError::invalid("decision", "Choose Approve or Reject.")),
    };
    let note = note.trim();
    if to == Decision::Rejected && note.is_empty() {
        return Err(AppError::invalid("note", "A note is required to reject."));
    }
    if note.chars().count() > 2000 {
        return Err(AppError::invalid("note", "A note can be at most 2,000 characters."));
    }
    match review::decide(&state.db, &user, import_id, to, note, request::client_ip().await).await? {
        DecideOutcome::Decided { .. } => Ok(()),
        DecideOutcome::NotFound => Err(AppError::NotFound),
        DecideOutcome::NotFinished => {
            Err(AppError::Conflict("The import has not finished yet; decide once it has.".into()))
        }
    }
}

/// Monthly inflow and outflow, balance over time, regular income, spending by kind and risk flags.
#[server(prefix = "/api", endpoint = "applications/analysis")]
pub async fn get_analysis(import_id: i64) -> AppResult<crate::domain::analysis::Analysis> {
    use crate::error::AppError;
    use crate::server::{auth, db::analysis, db::imports, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    if imports::find(&state.db, user.organisation_id, import_id, &|id| id.to_string()).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(analysis::stored_or_analyse(&state.db, import_id).await?)
}

/// Erases an application's imported data on request (admins only); the decision history and audit stay.
#[server(prefix = "/api", endpoint = "applications/erase")]
pub async fn erase_application(import_id: i64, confirm: Option<String>) -> AppResult<()> {
    use crate::domain::Role;
    use crate::error::AppError;
    use crate::server::db::review::{self, EraseOutcome};
    use crate::server::{auth, request, state::AppState};
    let admin = auth::require_role(Role::can_manage_team).await?;
    if confirm.as_deref() != Some("erase") {
        return Err(AppError::invalid("confirm", "Tick the box to confirm that the data should be erased."));
    }
    let state = AppState::from_context()?;
    match review::erase(&state.db, &admin, import_id, request::client_ip().await).await? {
        EraseOutcome::Erased => Ok(()),
        EraseOutcome::NotFound => Err(AppError::NotFound),
        EraseOutcome::NotFinished => Err(AppError::Conflict("Wait until the import has finished.".into())),
    }
}
