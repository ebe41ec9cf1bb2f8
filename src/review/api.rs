// Server-function arguments travel as separate form fields, so filters make for long signatures.
#![allow(clippy::too_many_arguments)]

//! Server functions of the review pages: the dashboard's lists, the queue, one application and its
//! transactions, decisions, the analysis and erasure.

use super::model::analysis::Analysis;
use super::model::views::{ApplicationDetail, ApplicationsPage, Counts, TransactionPage};
use crate::error::AppResult;
use crate::imports::model::ImportSummary;
use crate::shared::{AccountId, ImportId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "applications/latest")]
pub async fn list_latest_imports() -> AppResult<Vec<ImportSummary>> {
    use crate::account::server::current_user;
    use crate::imports::server::reads;
    use crate::platform::state::AppState;
    let user = current_user::require_role(crate::shared::Role::can_read_applications).await?;
    let state = AppState::from_context()?;
    Ok(super::server::with_bank_names(&state, reads::latest(&state.db, user.organisation_id, 10).await?))
}

#[server(prefix = "/api", endpoint = "applications/counts")]
pub async fn get_counts() -> AppResult<Counts> {
    use super::server::search;
    use crate::account::server::current_user;
    use crate::platform::state::AppState;
    let user = current_user::require_role(crate::shared::Role::can_read_applications).await?;
    let state = AppState::from_context()?;
    Ok(search::counts(&state.db, user.organisation_id).await?)
}

/// The review queue. `query` is the page's URL query string, so filters can be shared as links.
#[server(prefix = "/api", endpoint = "applications/search")]
pub async fn search_applications(query: String) -> AppResult<ApplicationsPage> {
    use super::model::filter::{ApplicationFilter, PageCursor, APPLICATIONS_PER_PAGE};
    use super::server::search;
    use crate::account::server::current_user;
    use crate::platform::state::AppState;
    let user = current_user::require_role(crate::shared::Role::can_read_applications).await?;
    let state = AppState::from_context()?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let mut filter = ApplicationFilter::from_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    filter.viewer = Some(user.user_id);
    let mut page = search::search(&state.db, user.organisation_id, &filter, APPLICATIONS_PER_PAGE).await?;
    page.rows = super::server::with_bank_names(&state, page.rows);
    let position = |s: &ImportSummary| (s.created_at, s.import_id.get());
    let next_query = page.rows.last().filter(|_| page.has_more_forward).map(|s| {
        let (created_at, import_id) = position(s);
        filter.to_query(Some(PageCursor::After { created_at, import_id }))
    });
    let previous_query = page.rows.first().filter(|_| page.has_more_backward).map(|s| {
        let (created_at, import_id) = position(s);
        filter.to_query(Some(PageCursor::Before { created_at, import_id }))
    });
    let banks = state.catalog.list().into_iter().map(|t| (t.id.as_str().to_string(), t.name)).collect();
    Ok(ApplicationsPage { rows: page.rows, next_query, previous_query, banks, can_assign: user.role.can_decide() })
}

#[server(prefix = "/api", endpoint = "applications/get")]
pub async fn get_application(import_id: ImportId) -> AppResult<ApplicationDetail> {
    use super::server::decide;
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::state::AppState;
    let user = current_user::require_role(crate::shared::Role::can_read_applications).await?;
    let state = AppState::from_context()?;
    // The import row once: its summary with the open approval, the dates covered and the application to take
    // up next; then the imported data (memoised once the import has finished).
    let (import, case) = super::server::application::open(&state.db, user.organisation_id, import_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let data = super::server::application::data(&state.db, &state.memo, &import).await?;
    let (approval_request, second_approval_required) = decide::approval_state(case.approval, &user);
    let assignable =
        if user.role.can_decide() { super::server::case::assignable(&state.db, &user).await? } else { vec![] };
    Ok(ApplicationDetail {
        assignee: import.summary().assignee_email.clone(),
        notes: super::server::case::notes(&state.db, &import).await?,
        next_unassigned: case.next_unassigned,
        assignable,
        approval_request,
        second_approval_required,
        analysis: data.analysis,
        analysis_html: data.analysis_html,
        owners: data.owners,
        accounts: data.accounts,
        first_pages: data.first_pages,
        dates_covered: case.dates.range(),
        decisions: decide::decisions(&state.db, &import).await?,
        can_decide: user.role.can_decide(),
        can_erase: user.role.can_manage_team(),
        summary: super::server::with_bank_names(&state, vec![import.into_summary()]).remove(0),
    })
}

#[server(prefix = "/api", endpoint = "applications/transactions")]
pub async fn list_transactions(
    import_id: ImportId,
    account_id: AccountId,
    after: Option<String>,
    before: Option<String>,
    from: Option<String>,
    to: Option<String>,
    min_amount: Option<String>,
    max_amount: Option<String>,
    text: Option<String>,
    sort: Option<String>,
) -> AppResult<TransactionPage> {
    use super::model::filter::{searchable, TransactionCursor, TransactionFilter, TransactionSort};
    use crate::account::server::current_user;
    use crate::error::{AppError, FieldErrors};
    use crate::imports::server::reads;
    use crate::platform::state::AppState;
    use crate::shared::money::parse_amount;
    let user = current_user::require_role(crate::shared::Role::can_read_applications).await?;
    let state = AppState::from_context()?;
    // The account must belong to an import of the caller's organisation.
    let import = reads::find_in(&state.db, user.organisation_id, import_id).await?.ok_or(AppError::NotFound)?;
    if reads::account_in(&state.db, &import, account_id).await?.is_none() {
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
        text: present(text).map(|t| searchable(&t)),
        sort: TransactionSort::from_query(&sort.unwrap_or_default()),
    };
    let cursor = TransactionCursor::from_query(after, before);
    Ok(super::server::search::transaction_page(&state.db, &import, account_id, &filter, cursor.as_ref()).await?)
}

/// Approves or rejects an application with a note (required to reject), or sends back another reviewer's
/// approval (`send_back`, note required). Under the four-eyes policy a first approval waits for a different
/// reviewer; confirming or sending back one's own approval is refused (403). Admins and reviewers only.
#[server(prefix = "/api", endpoint = "applications/decide")]
pub async fn decide_application(import_id: ImportId, decision: String, note: String) -> AppResult<()> {
    use super::server::decide::{self, DecideAction, DecideOutcome};
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let user = current_user::require_role(Role::can_decide).await?;
    let state = AppState::from_context()?;
    let action = match decision.as_str() {
        "approve" | "approved" => DecideAction::Approve,
        "reject" | "rejected" => DecideAction::Reject,
        "send_back" => DecideAction::SendBack,
        _ => return Err(AppError::invalid("decision", "Choose Approve or Reject.")),
    };
    let note = note.trim();
    if note.is_empty() && action == DecideAction::Reject {
        return Err(AppError::invalid("note", "A note is required to reject."));
    }
    if note.is_empty() && action == DecideAction::SendBack {
        return Err(AppError::invalid("note", "Say why the approval goes back."));
    }
    if note.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(AppError::invalid("note", "A note can hold text and line breaks only."));
    }
    if note.chars().count() > 2000 {
        return Err(AppError::invalid("note", "A note can be at most 2,000 characters."));
    }
    match decide::decide(&state.db, &user, import_id, action, note, request::client_ip().await).await? {
        DecideOutcome::Decided { .. } | DecideOutcome::AwaitingSecondApproval | DecideOutcome::SentBack => Ok(()),
        DecideOutcome::NotFound => Err(AppError::NotFound),
        DecideOutcome::NotFinished => {
            Err(AppError::Conflict("The import has not finished yet; decide once it has.".into()))
        }
        DecideOutcome::OwnApproval => Err(AppError::Refused(
            "You gave this approval; a different reviewer must confirm it or send it back.".into(),
        )),
        DecideOutcome::NothingWaiting => {
            Err(AppError::Conflict("No approval is waiting for a second reviewer here.".into()))
        }
    }
}

/// Adds a note to an application's thread: anyone who may read the application may note on it.
#[server(prefix = "/api", endpoint = "applications/note")]
pub async fn add_application_note(import_id: ImportId, note: String) -> AppResult<()> {
    use super::server::case::{self, CaseOutcome};
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    let user = current_user::require_role(crate::shared::Role::can_read_applications).await?;
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::invalid("note", "Write the note first."));
    }
    if note.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(AppError::invalid("note", "A note can hold text and line breaks only."));
    }
    if note.chars().count() > 4000 {
        return Err(AppError::invalid("note", "A note can be at most 4,000 characters."));
    }
    let state = AppState::from_context()?;
    match case::add_note(&state.db, &user, import_id, note, request::client_ip().await).await? {
        CaseOutcome::Done => Ok(()),
        CaseOutcome::NotFound | CaseOutcome::NotAssignable => Err(AppError::NotFound),
    }
}

/// Puts a member who may decide on the case, or nobody (`assignee` empty). Admins and reviewers only.
#[server(prefix = "/api", endpoint = "applications/assign")]
pub async fn assign_application(import_id: ImportId, assignee: String) -> AppResult<()> {
    use super::server::case::{self, CaseOutcome};
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::{Role, UserId};
    let user = current_user::require_role(Role::can_decide).await?;
    let assignee = match assignee.trim() {
        "" => None,
        "me" => Some(user.user_id),
        id => Some(UserId(id.parse().map_err(|_| AppError::invalid("assignee", "Choose a member of your team."))?)),
    };
    let state = AppState::from_context()?;
    match case::assign(&state.db, &user, import_id, assignee, request::client_ip().await).await? {
        CaseOutcome::Done => Ok(()),
        CaseOutcome::NotFound => Err(AppError::NotFound),
        CaseOutcome::NotAssignable => {
            Err(AppError::invalid("assignee", "Choose a member of your team who may decide on applications."))
        }
    }
}

/// Monthly inflow and outflow, balance over time, regular income, spending by kind and risk flags.
#[server(prefix = "/api", endpoint = "applications/analysis")]
pub async fn get_analysis(import_id: ImportId) -> AppResult<Analysis> {
    use super::server::analysis;
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::imports::server::reads;
    use crate::platform::state::AppState;
    let user = current_user::require_role(crate::shared::Role::can_read_applications).await?;
    let state = AppState::from_context()?;
    let import = reads::find_in(&state.db, user.organisation_id, import_id).await?.ok_or(AppError::NotFound)?;
    let owners = reads::owners(&state.db, &import).await?;
    Ok(analysis::stored_or_analyse(&state.db, &import, &owners).await?)
}

/// The transactions behind one figure of the analysis; `query` is the evidence page's URL query string.
#[server(prefix = "/api", endpoint = "applications/evidence")]
pub async fn get_evidence(import_id: ImportId, query: String) -> AppResult<super::model::evidence::EvidencePage> {
    use super::model::evidence::EvidenceFilter;
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::imports::server::reads;
    use crate::platform::state::AppState;
    let user = current_user::require_role(crate::shared::Role::can_read_applications).await?;
    let state = AppState::from_context()?;
    let import = reads::find_in(&state.db, user.organisation_id, import_id).await?.ok_or(AppError::NotFound)?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let filter = EvidenceFilter::parse(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
        .map_err(|m| AppError::invalid("query", m))?;
    Ok(super::server::evidence::evidence(&state.db, &import, &filter).await?)
}

/// Erases an application's imported data on request (admins only); the decision history and audit stay.
#[server(prefix = "/api", endpoint = "applications/erase")]
pub async fn erase_application(import_id: ImportId, confirm: Option<String>) -> AppResult<()> {
    use super::server::erase::{self, EraseOutcome};
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    if confirm.as_deref() != Some("erase") {
        return Err(AppError::invalid("confirm", "Tick the box to confirm that the data should be erased."));
    }
    let state = AppState::from_context()?;
    match erase::erase(
        &state.db,
        &state.memo,
        crate::account::server::audit::Actor::Member(&admin),
        import_id,
        request::client_ip().await,
    )
    .await?
    {
        EraseOutcome::Erased => Ok(()),
        EraseOutcome::NotFound => Err(AppError::NotFound),
        EraseOutcome::NotFinished => Err(AppError::Conflict("Wait until the import has finished.".into())),
    }
}
