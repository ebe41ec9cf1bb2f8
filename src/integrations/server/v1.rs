//! The REST API `/v1` for the business's back-end: JSON, `Authorization: Bearer <API key>`, scoped to the
//! key's organisation (another organisation's ids are `404`, as if they did not exist), errors as RFC 9457
//! problem details, a rate limit per key. The handlers' `#[utoipa::path]` attributes are the OpenAPI document.

use super::keys::{self, ApiCaller};
use super::problem::Problem;
use crate::account::server::audit::Actor;
use crate::banks::model::Environment;
use crate::imports::model::{Account, Decision, ImportStatus, ImportSummary, Owner, Transaction};
use crate::imports::server::reads::{self, OwnedImport, SUMMARY_COLUMNS};
use crate::platform::db::query::Binds;
use crate::platform::http::rate_limit::retry_after_secs;
use crate::platform::http::request::RequestFacts;
use crate::platform::state::AppState;
use crate::review::model::filter::{TransactionCursor, TransactionFilter};
use crate::review::model::views::DecisionEntry;
use crate::review::server::erase::{self, EraseOutcome};
use crate::review::server::{decide, search, with_bank_names};
use crate::shared::{AccountId, ImportId};
use crate::widget::server::sessions::{self as signin_sessions, SigninState};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Largest `limit` of one page.
pub const MAX_LIMIT: i64 = 200;
const DEFAULT_LIMIT: i64 = 50;

/// `/v1/…` behind the key check; `state` gives the authentication layer its database and limits.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/v1/imports", get(list_imports))
        .route("/v1/imports/{id}", get(get_import))
        .route("/v1/imports/{id}/accounts/{account_id}/transactions", get(list_transactions))
        .route("/v1/imports/{id}/data", axum::routing::delete(erase_data))
        .route("/v1/signin-sessions/{session_id}", get(get_signin_session))
        .route("/v1/{*rest}", axum::routing::any(|| async { Problem::not_found() }))
        .layer(axum::middleware::from_fn_with_state(state.clone(), authenticate))
}

/// The policy sent with every answer (draft-ietf-httpapi-ratelimit-headers): quota per 60 s window.
fn policy(state: &AppState) -> HeaderValue {
    let quota = state.settings.limits.api_requests_per_minute;
    HeaderValue::from_str(&format!("\"per-key\";q={quota};w=60")).unwrap_or(HeaderValue::from_static("\"per-key\""))
}

/// Finds the key's organisation, counts the request against the key's limit, and hands the caller on.
async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .map(str::to_string);
    let caller = match presented {
        None => None,
        Some(key) => match keys::authenticate(&state.db, &key).await {
            Ok(caller) => caller,
            Err(e) => return Problem::from(e).into_response(),
        },
    };
    let Some(caller) = caller else {
        let mut response = Problem::unauthorized().into_response();
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    };
    let policy = policy(&state);
    if let Err(wait) = state.limits.api_requests.check(&caller.api_key_id) {
        let secs = retry_after_secs(wait);
        let mut response = Problem::too_many_requests(secs).into_response();
        response.headers_mut().insert("ratelimit-policy", policy);
        if let Ok(v) = HeaderValue::from_str(&format!("\"per-key\";r=0;t={secs}")) {
            response.headers_mut().insert("ratelimit", v);
        }
        return response;
    }
    req.extensions_mut().insert(caller);
    let mut response = next.run(req).await;
    response.headers_mut().insert("ratelimit-policy", policy);
    response
}

/// A page of imports, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportList {
    pub data: Vec<ImportSummary>,
    /// Pass as `next` for the following page; absent on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ImportListQuery {
    /// Only imports started with this `ownerExternalId` (exact match).
    owner_external_id: Option<String>,
    #[param(value_type = Option<ImportStatus>)]
    status: Option<String>,
    #[param(value_type = Option<Decision>)]
    decision: Option<String>,
    /// Only imports created at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    created_after: Option<String>,
    /// Only imports created before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    created_before: Option<String>,
    /// Rows per page, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The `next` of the previous page.
    next: Option<String>,
}

fn limit_of(raw: Option<&str>) -> Result<i64, Problem> {
    match raw.map(str::trim) {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(Problem::invalid("limit", format!("Use a whole number from 1 to {MAX_LIMIT}."))),
        },
    }
}

fn instant_of(name: &str, raw: Option<&str>) -> Result<Option<i64>, Problem> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => chrono::DateTime::parse_from_rfc3339(v)
            .map(|t| Some(t.timestamp_millis()))
            .map_err(|_| Problem::invalid(name, "Use an RFC 3339 instant, e.g. 2026-01-31T12:00:00Z.")),
    }
}

fn query_of<T: Default>(q: Result<Query<T>, QueryRejection>) -> Result<T, Problem> {
    q.map(|Query(q)| q).map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()))
}

/// Imports of your organisation, newest first, page by page.
#[utoipa::path(
    get, path = "/v1/imports", tag = "imports", params(ImportListQuery),
    responses(
        (status = 200, description = "A page of imports", body = ImportList),
        (status = 401, description = "No valid API key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("apiKey" = []))
)]
pub async fn list_imports(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    q: Result<Query<ImportListQuery>, QueryRejection>,
) -> Result<Json<ImportList>, Problem> {
    let q = query_of(q)?;
    let limit = limit_of(q.limit.as_deref())?;
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            ImportStatus::parse(s.trim())
                .map_err(|_| Problem::invalid("status", "Use queued, running, succeeded, partial or failed."))
        })
        .transpose()?;
    let decision = q
        .decision
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            Decision::parse(s.trim())
                .map_err(|_| Problem::invalid("decision", "Use pending, approved, rejected or approval_pending."))
        })
        .transpose()?;
    let after = instant_of("createdAfter", q.created_after.as_deref())?;
    let before = instant_of("createdBefore", q.created_before.as_deref())?;
    let cursor = match q.next.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(
            crate::review::model::filter::PageCursor::parse_position(v)
                .ok_or_else(|| Problem::invalid("next", "Pass the `next` value of the previous page unchanged."))?,
        ),
    };
    let mut b = Binds::default();
    let mut sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM import WHERE organisation_id = {}",
        b.push_int(caller.organisation_id.get())
    );
    if let Some(owner) = q.owner_external_id.as_deref().filter(|v| !v.is_empty()) {
        sql += &format!(" AND owner_external_id = {}", b.push_text(owner));
    }
    if let Some(s) = status {
        sql += &format!(" AND status = {}", b.push_text(s.as_str()));
    }
    if let Some(d) = decision {
        sql += &format!(" AND {}", reads::decision_condition(&mut b, d));
    }
    if let Some(t) = after {
        sql += &format!(" AND created_at >= {}", b.push_int(t));
    }
    if let Some(t) = before {
        sql += &format!(" AND created_at < {}", b.push_int(t));
    }
    if let Some((created_at, import_id)) = cursor {
        let (c, i) = (b.push_int(created_at), b.push_int(import_id));
        sql += &format!(" AND (created_at, import_id) < ({c}, {i})");
    }
    sql += &format!(" ORDER BY created_at DESC, import_id DESC LIMIT {}", b.push_int(limit + 1));
    let mut rows: Vec<ImportSummary> = b
        .apply_as(sqlx::query_as(&sql))
        .fetch_all(&state.db.pool)
        .await
        .map_err(crate::platform::error::ServerError::from)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(|r| format!("{}_{}", r.created_at, r.import_id)) } else { None };
    Ok(Json(ImportList { data: with_bank_names(&state, rows), next }))
}

/// One import with what the bank gave and what was decided.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportDetail {
    pub import: ImportSummary,
    /// `sandbox` for test banks (Demo Bank), `live` for real ones.
    pub environment: Environment,
    pub owners: Vec<Owner>,
    pub accounts: Vec<Account>,
    /// Newest first.
    pub decisions: Vec<DecisionEntry>,
}

async fn owned(state: &AppState, caller: &ApiCaller, raw_id: &str) -> Result<OwnedImport, Problem> {
    let id = raw_id.parse::<ImportId>().map_err(|_| Problem::not_found())?;
    reads::find_in(&state.db, caller.organisation_id, id).await?.ok_or_else(Problem::not_found)
}

/// One import: summary, owners, accounts (SPEC §5 names), decisions and environment.
#[utoipa::path(
    get, path = "/v1/imports/{id}", tag = "imports",
    params(("id" = i64, Path, description = "The import's id (`importId` of the widget's `onSuccess`)")),
    responses(
        (status = 200, description = "The import", body = ImportDetail),
        (status = 401, description = "No valid API key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such import in your organisation", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("apiKey" = []))
)]
pub async fn get_import(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<ImportDetail>, Problem> {
    let import = owned(&state, &caller, &id).await?;
    let owners = reads::owners(&state.db, &import).await?;
    let accounts = reads::accounts(&state.db, &import).await?;
    let decisions = decide::decisions(&state.db, &import).await?;
    let environment = import.summary().environment;
    let summary = with_bank_names(&state, vec![import.into_summary()]).remove(0);
    Ok(Json(ImportDetail { import: summary, environment, owners, accounts, decisions }))
}

/// A page of one account's transactions, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TransactionList {
    pub data: Vec<Transaction>,
    /// Pass as `next` for the following page; absent on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Rows per page, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The `next` of the previous page.
    next: Option<String>,
}

/// One account's transactions, newest first, page by page.
#[utoipa::path(
    get, path = "/v1/imports/{id}/accounts/{accountId}/transactions", tag = "imports",
    params(
        ("id" = i64, Path, description = "The import's id"),
        ("accountId" = i64, Path, description = "The account's `id` in the import"),
        PageQuery,
    ),
    responses(
        (status = 200, description = "A page of transactions", body = TransactionList),
        (status = 401, description = "No valid API key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such import or account in your organisation", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("apiKey" = []))
)]
pub async fn list_transactions(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path((id, account_id)): Path<(String, String)>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<TransactionList>, Problem> {
    let import = owned(&state, &caller, &id).await?;
    let account_id = account_id.parse::<AccountId>().map_err(|_| Problem::not_found())?;
    if reads::account_in(&state.db, &import, account_id).await?.is_none() {
        return Err(Problem::not_found());
    }
    let q = query_of(q)?;
    let limit = limit_of(q.limit.as_deref())?;
    let cursor = TransactionCursor::from_query(q.next, None);
    if cursor.as_ref().is_some_and(|c| c.position(false).is_none()) {
        return Err(Problem::invalid("next", "Pass the `next` value of the previous page unchanged."));
    }
    let page =
        search::transactions(&state.db, &import, account_id, &TransactionFilter::default(), cursor.as_ref(), limit)
            .await?;
    Ok(Json(TransactionList { data: page.rows, next: page.next }))
}

/// What the widget reported to the applicant's browser, from the server's own record.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SigninSessionRecord {
    pub session_id: String,
    /// The import the sign-in started; absent until the applicant authorised at the bank.
    pub import_id: Option<ImportId>,
    /// The reference your page passed to the widget.
    pub owner_external_id: Option<String>,
    pub target: String,
    pub environment: Environment,
    pub status: SigninState,
}

/// A sign-in session: bind the widget's `sessionId` to your applicant.
#[utoipa::path(
    get, path = "/v1/signin-sessions/{sessionId}", tag = "sign-in sessions",
    params(("sessionId" = String, Path, description = "The `sessionId` of the widget's `onSuccess`")),
    responses(
        (status = 200, description = "The session as the server recorded it", body = SigninSessionRecord),
        (status = 401, description = "No valid API key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such session in your organisation", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("apiKey" = []))
)]
pub async fn get_signin_session(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(session_id): Path<String>,
) -> Result<Json<SigninSessionRecord>, Problem> {
    if !signin_sessions::is_session_id(&session_id) {
        return Err(Problem::not_found());
    }
    let session = signin_sessions::get(&state.db, &session_id)
        .await?
        .filter(|s| s.organisation_id == caller.organisation_id)
        .ok_or_else(Problem::not_found)?;
    Ok(Json(SigninSessionRecord {
        environment: state.catalog.environment(&session.target_id),
        session_id: session.id,
        import_id: session.import_id,
        owner_external_id: session.owner_external_id,
        target: session.target_id,
        status: session.state,
    }))
}

/// Erases what the bank gave for one import (owners, accounts, transactions, analysis), as the portal's
/// **Erase** does; the import's record and decisions stay.
#[utoipa::path(
    delete, path = "/v1/imports/{id}/data", tag = "imports",
    params(("id" = i64, Path, description = "The import's id")),
    responses(
        (status = 204, description = "Erased (also when it already was)"),
        (status = 401, description = "No valid API key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such import in your organisation", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The import is still running", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this key", body = super::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("apiKey" = []))
)]
pub async fn erase_data(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Extension(facts): Extension<RequestFacts>,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let id = id.parse::<ImportId>().map_err(|_| Problem::not_found())?;
    let label = caller.label();
    let actor = Actor::ApiKey { organisation_id: caller.organisation_id, label: &label };
    match erase::erase(&state.db, &state.memo, actor, id, Some(facts.client_ip.to_string())).await? {
        EraseOutcome::Erased => Ok(StatusCode::NO_CONTENT),
        EraseOutcome::NotFound => Err(Problem::not_found()),
        EraseOutcome::NotFinished => {
            Err(Problem::new(StatusCode::CONFLICT, "The import is still running; erase it once it has finished."))
        }
    }
}
