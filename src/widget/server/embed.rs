//! `/embed/signin…`: the SignIn Widget inside the business's page (an iframe), served as plain HTML. Each
//! step is a form that posts here and is redirected to the session's page (POST → 303 → GET), which renders
//! whatever step the session is in; `?ev=` names the events the page reports to the embedding page once, and
//! `?error=` the code of a step that failed. The steps run the same `flow` as the widget's server functions.

use super::embed_view::{self as views, Report};
use super::flow::{self, Embed, SessionView};
use super::sessions::SigninState;
use crate::banks::server::{Credentials, OneTimeCode};
use crate::platform::http::headers::CspNonce;
use crate::platform::http::request::{own_origin_from, RequestFacts};
use crate::platform::state::AppState;
use crate::shared::{Locale, WidgetErrorCode};
use crate::widget::model::embed::EmbedOptions;
use crate::widget::model::error::WidgetError;
use crate::widget::model::flow::SigninStep;
use crate::widget::model::text::text;
use axum::extract::{Extension, Path, Query, RawForm, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

pub const SIGNIN_PATH: &str = "/embed/signin";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(SIGNIN_PATH, get(bank_step))
        .route("/embed/signin/start", post(start))
        .route("/embed/signin/cancel", post(cancel_before_start))
        .route("/embed/signin/s/{session}", get(session_step))
        .route("/embed/signin/s/{session}/progress", get(progress))
        .route("/embed/signin/s/{session}/bank", get(to_the_bank))
        .route("/embed/signin/s/{session}/state", get(redirect_state))
        .route(flow::RETURN_PATH, get(back_from_the_bank))
        .route("/embed/signin/s/{session}/{step}", post(session_action))
}

/// What a redirect may ask the page to report (anything else in `?ev=` is ignored): events for `onEvent`, and
/// `success` / `error` for `onSuccess` / `onError`.
const EVENTS: [&str; 8] = [
    "target_selected",
    "consent_given",
    "sca_required",
    "redirect_started",
    "redirect_returned",
    "exit",
    "success",
    "error",
];

type Pairs = Vec<(String, String)>;

fn value<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn form_pairs(raw: &[u8]) -> Pairs {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

struct Render<'a> {
    state: &'a AppState,
    nonce: &'a CspNonce,
}

impl Render<'_> {
    fn page(
        &self,
        status: StatusCode,
        locale: Locale,
        report: Report,
        content: impl leptos::IntoView + 'static,
    ) -> Response {
        let html = views::page(&self.state.leptos_options, &self.nonce.0, locale, text(locale), report, content);
        (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
    }

    /// A flow that cannot go on: the error view, reported to the page as `onError`.
    fn error(
        &self,
        error: &WidgetError,
        origin: Option<String>,
        target: Option<String>,
        session: Option<&str>,
    ) -> Response {
        let locale = locale_of(error);
        let report = Report {
            error: Some(error_json(error, target.clone(), session)),
            events: if error.code == WidgetErrorCode::UserCancelled { "exit".into() } else { String::new() },
            origin,
            target,
            ..Report::default()
        };
        let status = StatusCode::from_u16(error.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.page(
            status,
            locale,
            report,
            views::error_step(text(locale), error.code, locale, error.detail.clone(), None),
        )
    }
}

fn locale_of(error: &WidgetError) -> Locale {
    // The message was written in the session's or the page's language; find which.
    if error.message == error.code.message(Locale::Pl) {
        Locale::Pl
    } else {
        Locale::En
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorPayload<'a> {
    code: &'a str,
    message: &'a str,
    target: Option<String>,
    session_id: Option<&'a str>,
}

fn error_json(error: &WidgetError, target: Option<String>, session: Option<&str>) -> String {
    let payload = ErrorPayload { code: error.code.as_str(), message: &error.message, target, session_id: session };
    serde_json::to_string(&payload).unwrap_or_default()
}

fn own_origin(state: &AppState, headers: &HeaderMap, facts: Option<&RequestFacts>) -> String {
    own_origin_from(state.settings.public_url.as_deref(), headers, facts.is_some_and(|f| f.https))
}

/// Checks the embed options of a request; options given twice are refused (the policy and the page could
/// read different values).
async fn resolve(
    state: &AppState,
    pairs: &Pairs,
    headers: &HeaderMap,
    facts: Option<&RequestFacts>,
) -> Result<(EmbedOptions, Embed), (Option<EmbedOptions>, WidgetError)> {
    let Some(options) = EmbedOptions::from_pairs(pairs) else {
        let error =
            WidgetError::new(WidgetErrorCode::InvalidOptions, Locale::En).with_detail("an option was given twice");
        return Err((None, error));
    };
    let own = own_origin(state, headers, facts);
    match flow::resolve_embed(state, &options, Some(&own)).await {
        Ok(embed) => Ok((options, embed)),
        Err(e) => Err((Some(options), e)),
    }
}

/// `GET /embed/signin`: the bank list.
async fn bank_step(
    State(state): State<AppState>,
    Extension(nonce): Extension<CspNonce>,
    facts: Option<Extension<RequestFacts>>,
    headers: HeaderMap,
    Query(pairs): Query<Pairs>,
) -> Response {
    let render = Render { state: &state, nonce: &nonce };
    let facts = facts.map(|f| f.0);
    let (options, embed) = match resolve(&state, &pairs, &headers, facts.as_ref()).await {
        Ok(resolved) => resolved,
        Err((options, error)) => {
            let origin = options.as_ref().and_then(EmbedOptions::page_origin).map(|o| o.as_str().to_string());
            return render.error(&error, origin, None, None);
        }
    };
    let t = text(embed.locale);
    let context = flow::context(&state, &embed);
    let query = value(&pairs, "q").map(crate::review::model::filter::searchable).unwrap_or_default();
    let needle = query.trim().to_lowercase();
    let preselected = context.preselected.clone();
    let banks: Vec<_> = context
        .banks
        .into_iter()
        .filter(|b| preselected.as_ref().is_none_or(|p| *p == b.id))
        .filter(|b| needle.is_empty() || b.name.to_lowercase().contains(&needle))
        .collect();
    let message = value(&pairs, "error")
        .and_then(|c| WidgetErrorCode::parse(c).ok())
        .map(|c| c.message(embed.locale).to_string());
    let report = Report {
        origin: Some(embed.origin.as_str().to_string()),
        // "started" once, on the first view of the list (not after a search reloads it).
        events: if query.is_empty() && message.is_none() { "started".into() } else { String::new() },
        ..Report::default()
    };
    let content = views::bank_step(t, &options, banks, query, preselected.is_some(), message);
    render.page(StatusCode::OK, embed.locale, report, content)
}

/// `POST /embed/signin/start`: a bank was chosen; a session begins.
async fn start(
    State(state): State<AppState>,
    Extension(nonce): Extension<CspNonce>,
    facts: Option<Extension<RequestFacts>>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Response {
    let render = Render { state: &state, nonce: &nonce };
    let facts = facts.map(|f| f.0);
    let pairs = form_pairs(&raw);
    let (options, embed) = match resolve(&state, &pairs, &headers, facts.as_ref()).await {
        Ok(resolved) => resolved,
        Err((options, error)) => {
            let origin = options.as_ref().and_then(EmbedOptions::page_origin).map(|o| o.as_str().to_string());
            return render.error(&error, origin, None, None);
        }
    };
    let bank = value(&pairs, "bank").unwrap_or_default().to_string();
    match flow::start(&state, &embed, &bank).await {
        Ok(session) => Redirect::to(&format!("/embed/signin/s/{session}?ev=target_selected")).into_response(),
        Err(e)
            if e.code == WidgetErrorCode::InternalError || e.code == WidgetErrorCode::ServiceTemporarilyUnavailable =>
        {
            render.error(&e, Some(embed.origin.as_str().to_string()), Some(bank), None)
        }
        // An unknown bank in the form: back to the list.
        Err(e) => Redirect::to(&format!("{SIGNIN_PATH}?{}&error={}", options.to_query(), e.code)).into_response(),
    }
}

/// `POST /embed/signin/cancel`: the applicant gave up before choosing a bank.
async fn cancel_before_start(
    State(state): State<AppState>,
    Extension(nonce): Extension<CspNonce>,
    RawForm(raw): RawForm,
) -> Response {
    let render = Render { state: &state, nonce: &nonce };
    let options = EmbedOptions::from_pairs(&form_pairs(&raw)).unwrap_or_default();
    let locale = options.locale.as_deref().and_then(|l| Locale::from_user(l).ok()).unwrap_or_default();
    let origin = options.page_origin().map(|o| o.as_str().to_string());
    let error = WidgetError::new(WidgetErrorCode::UserCancelled, locale);
    let mut response = render.error(&error, origin, None, None);
    *response.status_mut() = StatusCode::OK;
    response
}

/// `GET /embed/signin/s/{session}`: the step the session is in.
async fn session_step(
    State(state): State<AppState>,
    Extension(nonce): Extension<CspNonce>,
    Path(session): Path<String>,
    Query(pairs): Query<Pairs>,
) -> Response {
    let render = Render { state: &state, nonce: &nonce };
    let view = match flow::session_view(&state, &session).await {
        Ok(view) => view,
        Err(e) => return render.error(&e, None, None, None),
    };
    let events: Vec<&str> = value(&pairs, "ev").unwrap_or_default().split(' ').filter(|e| EVENTS.contains(e)).collect();
    let failed = value(&pairs, "error");
    let popup_blocked = value(&pairs, "popup") == Some("blocked");
    step_page(&render, &view, &events, failed, popup_blocked)
}

/// `failed`: the `?error=` of the redirect: a SPEC §6 code, or `consent` when the box was not ticked.
fn step_page(
    render: &Render<'_>,
    view: &SessionView,
    events: &[&str],
    failed: Option<&str>,
    popup_blocked: bool,
) -> Response {
    let consent_missing = failed == Some("consent");
    // A session that failed at the bank (redirect SCA) knows its code itself.
    let failed = failed.or(view.session.error_code.as_deref()).and_then(|c| WidgetErrorCode::parse(c).ok());
    let s = &view.session;
    let locale = s.locale;
    let t = text(locale);
    let id = s.id.as_str();
    let report = |events: &[&str]| Report {
        origin: Some(s.embed_origin.clone()),
        events: events.iter().filter(|e| !matches!(**e, "error" | "success")).copied().collect::<Vec<_>>().join(" "),
        target: Some(s.target_id.clone()),
        ..Report::default()
    };
    // A failure the applicant may simply retry is shown on the step; anything else ended the session.
    let retry_message = failed.filter(|c| c.can_retry_step()).map(|c| c.message(locale).to_string());
    let ended = |code: WidgetErrorCode| {
        let error = WidgetError::new(code, locale);
        let mut report = report(events);
        // Reported once, right after the failing step; a reload only shows it.
        if events.contains(&"error") || events.contains(&"exit") {
            report.error = Some(error_json(&error, Some(s.target_id.clone()), Some(id)));
        }
        let again = (code.can_start_over() || code == WidgetErrorCode::UserCancelled).then(|| restart_link(view));
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::OK);
        let status = if code == WidgetErrorCode::UserCancelled { StatusCode::OK } else { status };
        render.page(status, locale, report, views::error_step(t, code, locale, None, again))
    };
    if view.expired {
        return ended(WidgetErrorCode::SessionExpired);
    }
    match s.state {
        SigninState::BankSelected => {
            let body = t
                .consent_body
                .replace("{company}", &view.organisation.name)
                .replace("{bank}", &view.bank_name)
                .replace("{months}", &s.months.get().to_string());
            let message = consent_missing.then(|| t.consent_required.to_string());
            let popup = view.redirect_bank.then(|| format!("/embed/signin/s/{id}/bank"));
            render.page(StatusCode::OK, locale, report(events), views::consent_step(t, id, body, message, popup))
        }
        SigninState::Consented | SigninState::Redirected | SigninState::Verifying if view.redirect_bank => {
            let mut report = report(events);
            report.poll_url = Some(format!("/embed/signin/s/{id}/state"));
            render.page(StatusCode::OK, locale, report, views::waiting_step(t, id, popup_blocked))
        }
        SigninState::Consented => {
            render.page(StatusCode::OK, locale, report(events), views::credentials_step(t, id, retry_message))
        }
        SigninState::Redirected => render.page(StatusCode::OK, locale, report(&[]), views::busy_step(t, id)),
        SigninState::OneTimeCodeRequired => {
            render.page(StatusCode::OK, locale, report(events), views::code_step(t, id, retry_message))
        }
        SigninState::Verifying => render.page(StatusCode::OK, locale, report(&[]), views::busy_step(t, id)),
        SigninState::Authorised => {
            let mut report = report(events);
            // `onSuccess` once, right after the step that authorised; a reload only shows the page.
            if events.contains(&"success") {
                report.success = view.success.as_ref().and_then(|p| serde_json::to_string(p).ok());
            }
            report.progress_url = s.import_id.map(|_| format!("/embed/signin/s/{id}/progress"));
            render.page(StatusCode::OK, locale, report, views::success_step(t))
        }
        SigninState::Cancelled => ended(WidgetErrorCode::UserCancelled),
        SigninState::Failed => ended(failed.filter(|c| !c.can_retry_step()).unwrap_or(WidgetErrorCode::SessionExpired)),
    }
}

/// The bank list again, with the session's options.
fn restart_link(view: &SessionView) -> String {
    let s = &view.session;
    let options = EmbedOptions {
        client_id: view.organisation.client_id.to_string(),
        origin: s.embed_origin.clone(),
        owner: s.owner_external_id.clone(),
        locale: Some(s.locale.as_str().to_string()),
        months: Some(s.months.get().to_string()),
        ..EmbedOptions::default()
    };
    format!("{SIGNIN_PATH}?{}", options.to_query())
}

/// `POST /embed/signin/s/{session}/{consent|credentials|code|cancel}`.
async fn session_action(
    State(state): State<AppState>,
    Extension(nonce): Extension<CspNonce>,
    facts: Option<Extension<RequestFacts>>,
    Path((session, step)): Path<(String, String)>,
    RawForm(raw): RawForm,
) -> Response {
    let render = Render { state: &state, nonce: &nonce };
    let pairs = form_pairs(&raw);
    let field = |name: &str| value(&pairs, name).unwrap_or_default().to_string();
    let back = |query: String| Redirect::to(&format!("/embed/signin/s/{session}?{query}")).into_response();
    let outcome = match step.as_str() {
        "consent" => {
            if value(&pairs, "agree") != Some("yes") {
                return back("error=consent".into());
            }
            let blocked = if value(&pairs, "popup") == Some("blocked") { "&popup=blocked" } else { "" };
            flow::consent(&state, &session).await.map(|redirect| {
                if redirect {
                    format!("ev=consent_given%20redirect_started{blocked}")
                } else {
                    "ev=consent_given".to_string()
                }
            })
        }
        "credentials" => {
            let credentials = Credentials::new(field("login"), field("password"));
            flow::submit_credentials(&state, &session, credentials, facts.map(|f| f.0)).await.map(after_bank)
        }
        "code" => flow::submit_code(&state, &session, OneTimeCode::new(field("code"))).await.map(after_bank),
        "cancel" => {
            flow::cancel(&state, &session).await.map(|()| format!("ev=exit&error={}", WidgetErrorCode::UserCancelled))
        }
        _ => return (StatusCode::NOT_FOUND, "Not found.").into_response(),
    };
    match outcome {
        Ok(query) => back(query),
        Err(e) if e.code.can_retry_step() => back(format!("error={}", e.code)),
        Err(e) if e.code == WidgetErrorCode::InternalError => render.error(&e, None, None, Some(&session)),
        Err(e) => back(format!("ev=error&error={}", e.code)),
    }
}

fn after_bank(step: SigninStep) -> String {
    match step {
        SigninStep::OneTimeCodeRequired => "ev=sca_required".into(),
        SigninStep::Success(_) => "ev=success".into(),
    }
}

/// `GET /embed/signin/s/{session}/bank`: the bank's own page for a redirect bank (the popup, or the link when
/// the popup was blocked): the consent is created at the bank and the browser sent there.
async fn to_the_bank(
    State(state): State<AppState>,
    Extension(nonce): Extension<CspNonce>,
    facts: Option<Extension<RequestFacts>>,
    headers: HeaderMap,
    Path(session): Path<String>,
) -> Response {
    let render = Render { state: &state, nonce: &nonce };
    let facts = facts.map(|f| f.0);
    let own = own_origin(&state, &headers, facts.as_ref());
    let https = facts.as_ref().is_some_and(|f| f.https);
    match flow::start_redirect(&state, &session, &own, facts).await {
        Ok((url, return_state)) => {
            // The return counts only in the browser that went to the bank from here: a bank link forwarded to
            // someone else cannot bring their accounts into this session.
            let (name, value) = return_cookie(&return_state);
            let secure = if https { "; Secure" } else { "" };
            let cookie =
                format!("{name}={value}; Path={}; Max-Age=1800; HttpOnly; SameSite=Lax{secure}", flow::RETURN_PATH);
            let mut response = Redirect::to(&url).into_response();
            if let Ok(cookie) = cookie.parse() {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(e) => render.error(&e, None, None, Some(&session)),
    }
}

/// The cookie that ties a return URL's `state` to the browser sent to the bank: a name and a value derived
/// from the state (a hash, so the cookie does not carry the state itself).
fn return_cookie(return_state: &str) -> (String, String) {
    use sha2::{Digest, Sha256};
    let digest = hex::encode(Sha256::digest(format!("insight-sca:{return_state}").as_bytes()));
    (format!("insight_sca_{}", &digest[..16]), digest)
}

fn has_return_cookie(headers: &HeaderMap, return_state: &str) -> bool {
    let (name, value) = return_cookie(return_state);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(k, v)| k == name && v == value)
}

#[derive(Serialize)]
struct RedirectState {
    /// Where the waiting widget goes next, once the applicant is back; `None` while they are at the bank.
    next: Option<String>,
}

/// `GET /embed/signin/s/{session}/state`: whether the applicant is back from the bank.
async fn redirect_state(State(state): State<AppState>, Path(session): Path<String>) -> Response {
    let view = match flow::session_view(&state, &session).await {
        Ok(view) => view,
        Err(e) => {
            return (StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::NOT_FOUND), "Not found.")
                .into_response()
        }
    };
    let s = &view.session;
    let page = format!("/embed/signin/s/{}", s.id);
    let code = s.error_code.clone().unwrap_or_else(|| WidgetErrorCode::SessionExpired.to_string());
    let next = match s.state {
        _ if view.expired => Some(format!("{page}?ev=error&error={}", WidgetErrorCode::SessionExpired)),
        SigninState::Authorised => Some(format!("{page}?ev=redirect_returned%20success")),
        SigninState::Cancelled => {
            Some(format!("{page}?ev=redirect_returned%20exit&error={}", WidgetErrorCode::UserCancelled))
        }
        SigninState::Failed => Some(format!("{page}?ev=redirect_returned%20error&error={code}")),
        _ => None,
    };
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], axum::Json(RedirectState { next })).into_response()
}

/// `GET /embed/return?state=…`: the bank sent the applicant back. The bank is asked how the consent ended; the
/// waiting widget moves on, and this window may be closed.
async fn back_from_the_bank(
    State(state): State<AppState>,
    Extension(nonce): Extension<CspNonce>,
    headers: HeaderMap,
    Query(pairs): Query<Pairs>,
) -> Response {
    let render = Render { state: &state, nonce: &nonce };
    let Some(return_state) = value(&pairs, "state").filter(|_| pairs.iter().filter(|(k, _)| k == "state").count() == 1)
    else {
        let error =
            WidgetError::new(WidgetErrorCode::InvalidOptions, Locale::En).with_detail("the return link has no state");
        return render.error(&error, None, None, None);
    };
    if !has_return_cookie(&headers, return_state) {
        // Nothing is taken: the applicant who did go to the bank from the widget can still come back.
        let error = WidgetError::new(WidgetErrorCode::InvalidOptions, Locale::En)
            .with_detail("this return link belongs to a bank window opened from the widget in another browser");
        return render.error(&error, None, None, None);
    }
    match flow::finish_redirect(&state, return_state).await {
        Ok(session) => {
            let locale = session.locale;
            let report = Report { returned: Some(session.id), ..Report::default() };
            render.page(StatusCode::OK, locale, report, views::return_step(text(locale)))
        }
        Err(e) => render.error(&e, None, None, None),
    }
}

#[derive(Serialize)]
struct Progress {
    status: String,
    progress: i64,
    step: String,
    finished: bool,
}

/// `GET /embed/signin/s/{session}/progress`: where the session's import stands (for the success step).
async fn progress(State(state): State<AppState>, Path(session): Path<String>) -> Response {
    match flow::progress(&state, &session).await {
        Ok(Some(p)) => axum::Json(Progress {
            finished: p.status.is_finished(),
            status: p.status.to_string(),
            progress: p.progress,
            step: p.step,
        })
        .into_response(),
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => {
            (StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::NOT_FOUND), "Not found.").into_response()
        }
    }
}
