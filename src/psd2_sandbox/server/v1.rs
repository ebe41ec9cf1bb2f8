//! The AIS endpoints of NextGenPSD2 1.3.12 as a strict bank answers them: required headers, consent status,
//! `frequencyPerDay`, the 90-day window and `tppMessages` errors.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use rand::RngCore;
use serde::Deserialize;
use serde_json::{json, Value};

use super::data::{self, Shown, PAGED_TOTAL, PAGE_SIZE, PENDING_COUNT};
use super::store::{Consent, ConsentState, Psu, ScaState};
use super::{Sandbox, SandboxState, PREFIX};
use crate::banks::server::demo::TEST_PASSWORD;
use crate::banks::server::{AuthStep, BankAccount, BankTransaction, Connector, Credentials, DateRange, PageCursor};
use crate::platform::now_ms;

/// A `tppMessages` error (`Error4xx_NG_AIS`).
pub fn refuse(status: StatusCode, code: &str, text: &'static str) -> Response {
    refusal(status, code, text).into_response()
}

/// A refused request, before it becomes a response (small, so checks can return it cheaply).
pub struct Refusal {
    status: StatusCode,
    code: String,
    text: &'static str,
}

fn refusal(status: StatusCode, code: &str, text: &'static str) -> Refusal {
    Refusal { status, code: code.to_string(), text }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({ "tppMessages": [{ "category": "ERROR", "code": self.code, "text": self.text }] });
        (self.status, Json(body)).into_response()
    }
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn random_id(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// Every request names itself with a UUID `X-Request-ID`.
fn check_request_id(headers: &HeaderMap) -> Result<(), Refusal> {
    match header_text(headers, "x-request-id").map(uuid::Uuid::parse_str) {
        Some(Ok(_)) => Ok(()),
        _ => Err(refusal(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "X-Request-ID must be a UUID")),
    }
}

fn psu_ip(headers: &HeaderMap) -> Result<Option<std::net::IpAddr>, Refusal> {
    match header_text(headers, "psu-ip-address") {
        None => Ok(None),
        Some(ip) => ip
            .parse()
            .map(Some)
            .map_err(|_| refusal(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "PSU-IP-Address must be an IP address")),
    }
}

fn origin_of(sandbox: &Sandbox, headers: &HeaderMap) -> String {
    match &sandbox.public_origin {
        Some(origin) => origin.trim_end_matches('/').to_string(),
        None => format!("http://{}", header_text(headers, "host").unwrap_or("127.0.0.1")),
    }
}

fn links(consent: &Consent) -> Value {
    let id = &consent.id;
    json!({
        "self": { "href": format!("{PREFIX}/v1/consents/{id}") },
        "status": { "href": format!("{PREFIX}/v1/consents/{id}/status") },
        "scaStatus": { "href": format!("{PREFIX}/v1/consents/{id}/authorisations/{}", consent.authorisation_id) },
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsentBody {
    access: Value,
    recurring_indicator: bool,
    valid_until: String,
    frequency_per_day: u32,
    combined_service_indicator: bool,
}

/// `POST /v1/consents`.
pub async fn create_consent(State(state): State<SandboxState>, headers: HeaderMap, body: String) -> Response {
    if let Err(r) = check_request_id(&headers) {
        return r.into_response();
    }
    match psu_ip(&headers) {
        Ok(Some(_)) => {}
        Ok(None) => return refuse(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "PSU-IP-Address is required here"),
        Err(r) => return r.into_response(),
    }
    let json_body = header_text(&headers, "content-type").is_some_and(|c| c.starts_with("application/json"));
    let parsed: ConsentBody = match serde_json::from_str(&body) {
        Ok(b) if json_body => b,
        _ => return refuse(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "the body is not a consents object"),
    };
    if parsed.combined_service_indicator {
        return refuse(StatusCode::BAD_REQUEST, "SESSIONS_NOT_SUPPORTED", "combined sessions are not offered");
    }
    let Some(redirect_uri) = header_text(&headers, "tpp-redirect-uri").map(str::to_string) else {
        return refuse(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "TPP-Redirect-URI is required (redirect SCA)");
    };
    if url::Url::parse(&redirect_uri).is_err() {
        return refuse(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "TPP-Redirect-URI is not a URL");
    }
    let Ok(valid_until) = NaiveDate::parse_from_str(&parsed.valid_until, "%Y-%m-%d") else {
        return refuse(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "validUntil is not a date");
    };
    if valid_until < today() {
        return refuse(StatusCode::BAD_REQUEST, "PERIOD_INVALID", "validUntil is in the past");
    }
    if parsed.frequency_per_day == 0 || (!parsed.recurring_indicator && parsed.frequency_per_day != 1) {
        return refuse(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "frequencyPerDay must be 1 for a one-off consent");
    }
    let bank_offered = ["accounts", "balances", "transactions"]
        .iter()
        .any(|k| parsed.access.get(k).is_some_and(|v| v.as_array().is_some()));
    if !bank_offered && parsed.access.get("allPsd2").is_none() {
        return refuse(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "access names no accounts, balances or transactions");
    }
    let consent = Consent {
        id: random_id("cns-"),
        authorisation_id: random_id("auth-"),
        state: ConsentState::Received,
        sca: ScaState::Received,
        redirect_uri,
        nok_redirect_uri: header_text(&headers, "tpp-nok-redirect-uri").map(str::to_string),
        // The bank keeps a consent at most 180 days.
        valid_until: valid_until.min(today() + chrono::Days::new(180)),
        frequency_per_day: parsed.frequency_per_day.min(4),
        recurring: parsed.recurring_indicator,
        created_at: now_ms(),
        psu: None,
        sca_at: None,
        last_action: today(),
        demo_session: None,
        unattended: Default::default(),
        refused: 0,
        pending_shown: vec![],
    };
    let sca = format!("{}{PREFIX}/sca/{}", origin_of(&state.0, &headers), consent.authorisation_id);
    let mut body_links = links(&consent);
    body_links["scaRedirect"] = json!({ "href": sca });
    let body = json!({ "consentStatus": "received", "consentId": consent.id, "_links": body_links });
    let location = format!("{PREFIX}/v1/consents/{}", consent.id);
    state.0.store().insert(consent);
    (
        StatusCode::CREATED,
        [(header::LOCATION, location), ("ASPSP-SCA-Approach".parse().unwrap(), "REDIRECT".into())],
        Json(body),
    )
        .into_response()
}

/// Runs `f` on the consent of `id`, or answers 403 `CONSENT_UNKNOWN`.
fn with_consent<T>(sandbox: &Sandbox, id: &str, f: impl FnOnce(&mut Consent) -> T) -> Result<T, Refusal> {
    let mut store = sandbox.store();
    match store.consents.get_mut(id) {
        Some(c) => Ok(f(c)),
        None => Err(refusal(StatusCode::FORBIDDEN, "CONSENT_UNKNOWN", "no such consent for this TPP")),
    }
}

pub async fn get_consent(State(state): State<SandboxState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = check_request_id(&headers) {
        return r.into_response();
    }
    let view = with_consent(&state.0, &id, |c| {
        json!({
            "access": { "balances": [], "transactions": [] },
            "recurringIndicator": c.recurring,
            "validUntil": c.valid_until.to_string(),
            "frequencyPerDay": c.frequency_per_day,
            "lastActionDate": c.last_action.to_string(),
            "consentStatus": c.state.as_str(),
            "_links": links(c),
        })
    });
    match view {
        Ok(v) => Json(v).into_response(),
        Err(r) => r.into_response(),
    }
}

pub async fn consent_status(State(state): State<SandboxState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = check_request_id(&headers) {
        return r.into_response();
    }
    match with_consent(&state.0, &id, |c| json!({ "consentStatus": c.state.as_str() })) {
        Ok(v) => Json(v).into_response(),
        Err(r) => r.into_response(),
    }
}

pub async fn delete_consent(State(state): State<SandboxState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = check_request_id(&headers) {
        return r.into_response();
    }
    match with_consent(&state.0, &id, |c| c.state = ConsentState::TerminatedByTpp) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(r) => r.into_response(),
    }
}

pub async fn authorisations(State(state): State<SandboxState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = check_request_id(&headers) {
        return r.into_response();
    }
    match with_consent(&state.0, &id, |c| json!({ "authorisationIds": [c.authorisation_id] })) {
        Ok(v) => Json(v).into_response(),
        Err(r) => r.into_response(),
    }
}

/// `POST …/authorisations`: the consent's one authorisation (started implicitly with the consent).
pub async fn start_authorisation(
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_request_id(&headers) {
        return r.into_response();
    }
    let origin = origin_of(&state.0, &headers);
    let started = with_consent(&state.0, &id, |c| {
        (c.sca == ScaState::Received).then(|| {
            json!({
                "scaStatus": "received",
                "authorisationId": c.authorisation_id,
                "_links": {
                    "scaRedirect": { "href": format!("{origin}{PREFIX}/sca/{}", c.authorisation_id) },
                    "scaStatus": { "href": format!("{PREFIX}/v1/consents/{}/authorisations/{}", c.id, c.authorisation_id) },
                },
            })
        })
    });
    match started {
        Ok(Some(v)) => (StatusCode::CREATED, Json(v)).into_response(),
        Ok(None) => refuse(StatusCode::CONFLICT, "STATUS_INVALID", "the consent's authorisation is finished"),
        Err(r) => r.into_response(),
    }
}

pub async fn sca_status(
    State(state): State<SandboxState>,
    Path((id, authorisation)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_request_id(&headers) {
        return r.into_response();
    }
    match with_consent(&state.0, &id, |c| (c.authorisation_id == authorisation).then(|| c.sca.as_str())) {
        Ok(Some(sca)) => Json(json!({ "scaStatus": sca })).into_response(),
        Ok(None) => refuse(StatusCode::FORBIDDEN, "RESOURCE_UNKNOWN", "no such authorisation"),
        Err(r) => r.into_response(),
    }
}

pub async fn unknown_resource() -> Response {
    refuse(StatusCode::NOT_FOUND, "RESOURCE_UNKNOWN", "no such resource")
}

/// An authorised consent's data behind a read: the PSU scenario and the Demo Bank session.
struct Access {
    psu: Psu,
    session: crate::banks::server::BankSession,
}

/// The checks every account read passes: headers, the consent and its status, and — for reads without the
/// applicant (`PSU-IP-Address` absent) — the consent's `frequencyPerDay`.
async fn access(sandbox: &Sandbox, headers: &HeaderMap, endpoint: &str, counted: bool) -> Result<Access, Refusal> {
    check_request_id(headers)?;
    let present = psu_ip(headers)?.is_some();
    let Some(id) = header_text(headers, "consent-id") else {
        return Err(refusal(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "Consent-ID is required"));
    };
    let checked = with_consent(sandbox, id, |c| {
        if c.state == ConsentState::Valid && c.valid_until < today() {
            c.state = ConsentState::Expired;
        }
        // `psu-expired`: the consent runs out between the approval and the first read.
        if c.state == ConsentState::Valid && c.psu == Some(Psu::Expired) {
            c.state = ConsentState::Expired;
        }
        match c.state {
            ConsentState::Valid => {}
            ConsentState::Expired => {
                return Err(refusal(StatusCode::UNAUTHORIZED, "CONSENT_EXPIRED", "the consent has expired"))
            }
            _ => return Err(refusal(StatusCode::UNAUTHORIZED, "CONSENT_INVALID", "the consent is not valid")),
        }
        if counted && !present && !c.count_unattended(today(), endpoint) {
            return Err(refusal(
                StatusCode::TOO_MANY_REQUESTS,
                "ACCESS_EXCEEDED",
                "frequencyPerDay is used up for this endpoint today",
            ));
        }
        c.last_action = today();
        match (c.psu, c.demo_session.clone()) {
            (Some(psu), Some(session)) => Ok(Access { psu, session }),
            _ => Err(refusal(StatusCode::UNAUTHORIZED, "CONSENT_INVALID", "the consent is not authorised")),
        }
    })??;
    if checked.psu == Psu::Slow {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(checked)
}

async fn demo_accounts(sandbox: &Sandbox, access: &Access) -> Result<Vec<BankAccount>, Refusal> {
    sandbox.demo.accounts(&access.session).await.map_err(|_| {
        refusal(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "the bank's data is unavailable")
    })
}

async fn one_account(sandbox: &Sandbox, access: &Access, id: &str) -> Result<BankAccount, Refusal> {
    demo_accounts(sandbox, access)
        .await?
        .into_iter()
        .find(|a| a.provider_id == id)
        .ok_or_else(|| refusal(StatusCode::NOT_FOUND, "RESOURCE_UNKNOWN", "no such account"))
}

/// The query's parameters, read leniently (a bad encoding or value gets a `tppMessages` answer, not the
/// framework's plain-text one).
fn params(raw: &Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()).into_owned().collect()
}

fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// `withBalance`: `true`, `false` or absent.
fn with_balance(raw: &Option<String>) -> Result<bool, Refusal> {
    match param(&params(raw), "withBalance").as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(refusal(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "withBalance must be true or false")),
    }
}

pub async fn accounts(State(state): State<SandboxState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let access = match access(&state.0, &headers, "accounts", true).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    match demo_accounts(&state.0, &access).await {
        Ok(list) => {
            let with_balance = match with_balance(&raw) {
                Ok(w) => w,
                Err(r) => return r.into_response(),
            };
            let accounts: Vec<Value> = list.iter().map(|a| data::account_details(a, with_balance, PREFIX)).collect();
            Json(json!({ "accounts": accounts })).into_response()
        }
        Err(r) => r.into_response(),
    }
}

pub async fn account(
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let access = match access(&state.0, &headers, &format!("account:{id}"), true).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    match one_account(&state.0, &access, &id).await {
        Ok(a) => match with_balance(&raw) {
            Ok(w) => Json(json!({ "account": data::account_details(&a, w, PREFIX) })).into_response(),
            Err(r) => r.into_response(),
        },
        Err(r) => r.into_response(),
    }
}

pub async fn balances(State(state): State<SandboxState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let access = match access(&state.0, &headers, &format!("balances:{id}"), true).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    match one_account(&state.0, &access, &id).await {
        Ok(a) => {
            Json(json!({ "account": data::account_reference(&a), "balances": data::balances(&a) })).into_response()
        }
        Err(r) => r.into_response(),
    }
}

struct TransactionQuery {
    date_from: Option<String>,
    date_to: Option<String>,
    booking_status: Option<String>,
    page_index: Option<usize>,
}

impl TransactionQuery {
    fn read(raw: &Option<String>) -> Result<Self, Refusal> {
        let p = params(raw);
        let page_index =
            match param(&p, "pageIndex") {
                None => None,
                Some(i) => Some(i.parse().map_err(|_| {
                    refusal(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "pageIndex must be a whole number")
                })?),
            };
        Ok(Self {
            date_from: param(&p, "dateFrom"),
            date_to: param(&p, "dateTo"),
            booking_status: param(&p, "bookingStatus"),
            page_index,
        })
    }
}

/// The account's history in the window, newest first, generated once per consent and window.
async fn history(
    sandbox: &Sandbox,
    access: &Access,
    consent: &str,
    account: &str,
    range: DateRange,
) -> Result<Arc<Vec<BankTransaction>>, Refusal> {
    let key = (consent.to_string(), account.to_string(), range.from, range.to);
    if let Some(cached) = sandbox.store().history(&key) {
        return Ok(cached);
    }
    let failed =
        |_| refusal(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "the bank's data is unavailable");
    let mut all = Vec::new();
    let mut cursor: Option<PageCursor> = None;
    loop {
        let page = sandbox.demo.transactions(&access.session, account, range, cursor.as_ref()).await.map_err(failed)?;
        all.extend(page.transactions);
        if access.psu == Psu::Paged && all.len() >= PAGED_TOTAL {
            all.truncate(PAGED_TOTAL);
            break;
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let all = Arc::new(all);
    sandbox.store().keep_history(key, all.clone());
    Ok(all)
}

pub async fn transactions(
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = match TransactionQuery::read(&raw) {
        Ok(q) => q,
        Err(r) => return r.into_response(),
    };
    let page_index = q.page_index.unwrap_or(0);
    // Pages after the first are free: one read is one access.
    let access = match access(&state.0, &headers, &format!("transactions:{id}"), page_index == 0).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let consent = header_text(&headers, "consent-id").unwrap_or_default().to_string();
    let booking = q.booking_status.as_deref().unwrap_or_default();
    if !matches!(booking, "booked" | "pending" | "both") {
        let code = if booking.is_empty() { "FORMAT_ERROR" } else { "PARAMETER_NOT_SUPPORTED" };
        return refuse(StatusCode::BAD_REQUEST, code, "bookingStatus must be booked, pending or both");
    }
    let parse = |d: &Option<String>| d.as_deref().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"));
    let (from, to) = match (parse(&q.date_from), parse(&q.date_to)) {
        (Some(Ok(from)), None) => (from, today()),
        (Some(Ok(from)), Some(Ok(to))) => (from, to.min(today())),
        _ => return refuse(StatusCode::BAD_REQUEST, "FORMAT_ERROR", "dateFrom (and dateTo) must be dates"),
    };
    let Ok(range) = DateRange::new(from, to) else {
        return refuse(StatusCode::BAD_REQUEST, "PERIOD_INVALID", "dateFrom is after dateTo");
    };
    let allowed = with_consent(&state.0, &consent, |c| c.may_read_from(today(), from)).unwrap_or(false);
    if !allowed {
        return refuse(StatusCode::BAD_REQUEST, "PERIOD_INVALID", "history older than 90 days needs a fresh SCA");
    }
    if access.psu == Psu::TooMany && page_index == 0 {
        let refused = with_consent(&state.0, &consent, |c| {
            c.refused += 1;
            c.refused <= 2
        })
        .unwrap_or(false);
        if refused {
            let mut r =
                refuse(StatusCode::TOO_MANY_REQUESTS, "ACCESS_EXCEEDED", "too many requests, try again shortly");
            r.headers_mut().insert(header::RETRY_AFTER, "1".parse().unwrap());
            return r;
        }
    }
    let account = match one_account(&state.0, &access, &id).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let history = match history(&state.0, &access, &consent, &id, range).await {
        Ok(h) => h,
        Err(r) => return r.into_response(),
    };
    let (booked, pending) = page(&state.0, &access, &consent, &account, &history, page_index);
    let (booked, pending) = match booking {
        "booked" => (booked, vec![]),
        "pending" => (vec![], pending),
        _ => (booked, pending),
    };
    let base = format!(
        "{PREFIX}/v1/accounts/{id}/transactions?dateFrom={from}&dateTo={to}&bookingStatus={booking}&pageIndex="
    );
    let pages = history.len().div_ceil(PAGE_SIZE).max(1);
    let mut page_links =
        json!({ "account": { "href": format!("{PREFIX}/v1/accounts/{id}") }, "first": { "href": format!("{base}0") } });
    if page_index + 1 < pages {
        page_links["next"] = json!({ "href": format!("{base}{}", page_index + 1) });
    }
    if page_index > 0 {
        page_links["previous"] = json!({ "href": format!("{base}{}", page_index - 1) });
    }
    page_links["last"] = json!({ "href": format!("{base}{}", pages - 1) });
    let mut report = json!({ "booked": booked, "_links": page_links });
    if !pending.is_empty() {
        report["pending"] = json!(pending);
    }
    Json(json!({ "account": data::account_reference(&account), "transactions": report })).into_response()
}

/// One page of the history as the bank shows it. `psu-pending`: the newest entries are pending on the first
/// page the first time it is read, and appear booked under new ids on the next page (or on a read again).
fn page(
    sandbox: &Sandbox,
    access: &Access,
    consent: &str,
    account: &BankAccount,
    history: &[BankTransaction],
    index: usize,
) -> (Vec<Value>, Vec<Value>) {
    let show = |t: &BankTransaction, shown: Shown| data::transaction(t, account, shown, access.psu);
    let plain = |slice: &[BankTransaction]| -> (Vec<Value>, Vec<Value>) {
        let booked = slice.iter().filter(|t| !data::is_pending(t)).map(|t| show(t, Shown::Booked)).collect();
        let pending = slice.iter().filter(|t| data::is_pending(t)).map(|t| show(t, Shown::Pending)).collect();
        (booked, pending)
    };
    if access.psu != Psu::Pending || history.len() <= PENDING_COUNT {
        let start = (index * PAGE_SIZE).min(history.len());
        return plain(&history[start..(start + PAGE_SIZE).min(history.len())]);
    }
    let (newest, rest) = history.split_at(PENDING_COUNT);
    let start = (index * PAGE_SIZE).min(rest.len());
    let (mut booked, mut pending) = plain(&rest[start..(start + PAGE_SIZE).min(rest.len())]);
    let first_time = with_consent(sandbox, consent, |c| {
        let first = !c.pending_shown.contains(&account.provider_id);
        if first && index == 0 {
            c.pending_shown.push(account.provider_id.clone());
        }
        first
    })
    .unwrap_or(false);
    match index {
        0 if first_time => pending.extend(newest.iter().map(|t| show(t, Shown::Pending))),
        0 | 1 => booked.splice(0..0, newest.iter().map(|t| show(t, Shown::BookedLater))).for_each(drop),
        _ => {}
    }
    (booked, pending)
}

/// `GET /v1/accounts/{account}/transactions/{transaction}`.
pub async fn transaction(
    State(state): State<SandboxState>,
    Path((id, transaction)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let access = match access(&state.0, &headers, &format!("transaction:{id}"), true).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let consent = header_text(&headers, "consent-id").unwrap_or_default().to_string();
    let account = match one_account(&state.0, &access, &id).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let found = state.0.store().find_transaction(&consent, &transaction);
    match found {
        Some(t) => Json(json!({ "transactionsDetails": data::transaction(&t, &account, Shown::Booked, access.psu) }))
            .into_response(),
        None => refuse(StatusCode::NOT_FOUND, "RESOURCE_UNKNOWN", "no such transaction"),
    }
}

/// The applicant approved at the SCA page as `psu`: the consent becomes valid with the Demo Bank's data.
pub async fn approve(sandbox: &Sandbox, authorisation: &str, psu: Psu) -> Option<String> {
    let login = data::demo_scenario(psu).login();
    let session = match sandbox.demo.start_authorisation(Credentials::new(login, TEST_PASSWORD)).await {
        Ok(AuthStep::Authorised(session)) => session,
        _ => return None,
    };
    let mut store = sandbox.store();
    let c = store.by_authorisation(authorisation)?;
    if c.sca != ScaState::Received {
        return None;
    }
    c.sca = ScaState::Finalised;
    c.state = ConsentState::Valid;
    c.psu = Some(psu);
    c.sca_at = Some(now_ms());
    c.demo_session = Some(session);
    Some(c.redirect_uri.clone())
}

/// The applicant cancelled (or is `psu-cancel`): the consent is rejected.
pub fn reject(sandbox: &Sandbox, authorisation: &str) -> Option<String> {
    let mut store = sandbox.store();
    let c = store.by_authorisation(authorisation)?;
    if c.sca != ScaState::Received {
        return None;
    }
    c.sca = ScaState::Failed;
    c.state = ConsentState::Rejected;
    Some(c.nok_redirect_uri.clone().unwrap_or_else(|| c.redirect_uri.clone()))
}
