//! The sandbox bank's own SCA page (`scaRedirect`): the applicant types a PSU ID (a scenario, README *PSD2
//! banks*) and any password, and approves or cancels; the browser then goes back to the TPP's redirect URI.
//! A plain page, as a bank shows it: never framed, no script.

use axum::extract::{Path, RawForm, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::store::{Psu, ScaState};
use super::{v1, SandboxState};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html_page(status: StatusCode, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Insight PSD2 Sandbox — approve access</title></head>\
         <body><main><h1>Insight PSD2 Sandbox</h1>{body}</main></body></html>"
    );
    (status, [(header::X_FRAME_OPTIONS, "DENY"), (header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

fn form(authorisation: &str, valid_until: &str, message: Option<&str>) -> String {
    let alert = message.map(|m| format!("<p role=\"alert\" id=\"sca-error\">{}</p>", escape(m))).unwrap_or_default();
    let scenarios: String =
        Psu::ALL.iter().map(|p| format!("<li><code>{}</code>: {}</li>", p.as_str(), escape(p.description()))).collect();
    format!(
        "<p>A third party asks to read your accounts' balances and transactions once, until {valid_until}.</p>{alert}\
         <form method=\"post\" action=\"{prefix}/sca/{id}\">\
         <p><label for=\"psu-id\">PSU ID</label> <input id=\"psu-id\" name=\"psu_id\" autocomplete=\"username\" required></p>\
         <p><label for=\"psu-password\">Password</label> <input id=\"psu-password\" name=\"password\" type=\"password\" \
         autocomplete=\"current-password\"></p>\
         <p><button type=\"submit\" name=\"action\" value=\"approve\">Approve</button> \
         <button type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button></p></form>\
         <details><summary>Test PSU IDs (any password except empty)</summary><ul>{scenarios}</ul></details>",
        prefix = super::PREFIX,
        id = escape(authorisation),
    )
}

fn finished() -> Response {
    html_page(StatusCode::CONFLICT, "<p>This approval is finished. Go back to the page that sent you here.</p>")
}

/// `GET /sandbox/xs2a/sca/{authorisation}`.
async fn page_for(state: &SandboxState, authorisation: &str, message: Option<&str>, status: StatusCode) -> Response {
    let open = {
        let mut store = state.0.store();
        store.by_authorisation(authorisation).map(|c| (c.sca == ScaState::Received, c.valid_until.to_string()))
    };
    match open {
        Some((true, valid_until)) => html_page(status, &form(authorisation, &valid_until, message)),
        Some((false, _)) => finished(),
        None => html_page(StatusCode::NOT_FOUND, "<p>Unknown approval request.</p>"),
    }
}

pub async fn page(State(state): State<SandboxState>, Path(authorisation): Path<String>) -> Response {
    page_for(&state, &authorisation, None, StatusCode::OK).await
}

/// `POST /sandbox/xs2a/sca/{authorisation}`: Approve or Cancel.
/// Whether `uri` would take the browser off this site while the sandbox is the portal's (nobody may use
/// Insight's domain to bounce applicants to a page of theirs).
fn leaves_site(state: &SandboxState, headers: &HeaderMap, uri: &str) -> bool {
    if !state.0.same_site_returns {
        return false;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    !url::Url::parse(uri).ok().is_some_and(|u| {
        let authority = match u.port() {
            Some(port) => format!("{}:{port}", u.host_str().unwrap_or_default()),
            None => u.host_str().unwrap_or_default().to_string(),
        };
        authority.eq_ignore_ascii_case(host)
    })
}

pub async fn decide(
    State(state): State<SandboxState>,
    Path(authorisation): Path<String>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Response {
    let returns = {
        let mut store = state.0.store();
        store.by_authorisation(&authorisation).map(|c| (c.redirect_uri.clone(), c.nok_redirect_uri.clone()))
    };
    if let Some((ok, nok)) = &returns {
        if leaves_site(&state, &headers, ok) || nok.as_deref().is_some_and(|n| leaves_site(&state, &headers, n)) {
            return html_page(
                StatusCode::BAD_REQUEST,
                "<p>This approval would send you to another website, so it stops here.</p>",
            );
        }
    }
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&raw).into_owned().collect();
    let field =
        |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    if field("action") == "cancel" {
        return match v1::reject(&state.0, &authorisation) {
            Some(back) => Redirect::to(&back).into_response(),
            None => finished(),
        };
    }
    let Ok(psu) = Psu::parse(&field("psu_id")) else {
        return page_for(
            &state,
            &authorisation,
            Some("Unknown PSU ID. Use one of the test PSU IDs below."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if fields.iter().find(|(k, _)| k == "password").is_none_or(|(_, v)| v.is_empty()) {
        return page_for(
            &state,
            &authorisation,
            Some("Enter a password (any password will do)."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    // `psu-cancel` cancels at the bank whatever they press.
    let back = if psu == Psu::Cancel {
        v1::reject(&state.0, &authorisation)
    } else {
        v1::approve(&state.0, &authorisation, psu).await
    };
    match back {
        Some(back) => Redirect::to(&back).into_response(),
        None => finished(),
    }
}
