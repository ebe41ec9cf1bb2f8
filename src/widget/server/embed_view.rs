//! The markup of the widget's steps. Every step is a plain server-rendered form (they work with JavaScript
//! off); a few hundred lines of script in the page (`embed.js`) add what only a script can do: the messages
//! to the embedding page, resizing, instant bank search and the import's progress. No wasm is loaded, so a
//! phone on a slow network shows the bank list at once.

use crate::components::stylesheet::SiteStylesheet;
use crate::shared::{Locale, WidgetErrorCode};
use crate::widget::model::embed::EmbedOptions;
use crate::widget::model::flow::WidgetBank;
use crate::widget::model::text::WidgetText;
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

const EMBED_JS: &str = include_str!("embed.js");

/// What the page's script reports to the embedding page, as `data-*` attributes of `<body>`.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// The embedding page's origin (validated): messages go there and nowhere else.
    pub origin: Option<String>,
    /// Space-separated event names to send once (`started`, `target_selected`, …).
    pub events: String,
    /// JSON for `onError`.
    pub error: Option<String>,
    /// JSON for `onSuccess`.
    pub success: Option<String>,
    pub target: Option<String>,
    /// Where the success step reads the import's progress.
    pub progress_url: Option<String>,
    /// Where the page waiting for a redirect bank asks whether the applicant is back.
    pub poll_url: Option<String>,
    /// The return page of a redirect bank: the session it tells the waiting widget about (`BroadcastChannel`).
    pub returned: Option<String>,
}

/// A whole page of the widget.
pub fn page(
    options: &leptos::config::LeptosOptions,
    nonce: &str,
    locale: Locale,
    t: &'static WidgetText,
    report: Report,
    content: impl IntoView + 'static,
) -> String {
    let options = options.clone();
    let nonce = nonce.to_string();
    let done_text = t.import_done;
    let title = format!("{} — Insight", t.title);
    Owner::new().with(move || {
        view! {
            <!DOCTYPE html>
            <html lang=locale.as_str()>
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <title>{title}</title>
                    <SiteStylesheet options/>
                    <script nonce=nonce inner_html=EMBED_JS></script>
                </head>
                <body
                    class="embed"
                    data-origin=report.origin
                    data-event=report.events
                    data-error=report.error
                    data-success=report.success
                    data-target=report.target
                    data-progress=report.progress_url
                    data-poll=report.poll_url
                    data-returned=report.returned
                    data-done-text=done_text
                >
                    <div id="app" data-hydrated="no">
                        <div class="widget">
                            <h1 class="widget-title">{t.title}</h1>
                            {content}
                        </div>
                    </div>
                </body>
            </html>
        }
        .to_html()
    })
}

/// The embed options again, for the next request of the same page.
fn hidden_options(options: &EmbedOptions) -> impl IntoView {
    let pairs = [
        ("client_id", Some(options.client_id.clone())),
        ("origin", Some(options.origin.clone())),
        ("owner", options.owner.clone()),
        ("locale", options.locale.clone()),
        ("country", options.country.clone()),
        ("target", options.target.clone()),
        ("months", options.months.clone()),
        ("applicant", options.applicant.clone()),
    ];
    pairs
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| view! { <input type="hidden" name=name value=v/> }))
        .collect_view()
}

fn alert(message: Option<String>) -> impl IntoView {
    view! { <p class="form-error" role="alert" id="step-alert">{message}</p> }
}

/// Step 1: choose a bank. Searching without a script reloads the list filtered by the server.
pub fn bank_step(
    t: &'static WidgetText,
    options: &EmbedOptions,
    banks: Vec<WidgetBank>,
    query: String,
    preselected: bool,
    message: Option<String>,
) -> impl IntoView {
    let empty = banks.is_empty();
    let any_sandbox = banks.iter().any(|b| b.sandbox);
    let start_action = "/embed/signin/start";
    view! {
        <form method="get" action="/embed/signin" class="bank-search" role="search">
            {hidden_options(options)}
            <div class="field">
                <label for="bank-search">{t.search_label}</label>
                <input id="bank-search" name="q" type="search" autocomplete="off" value=query/>
            </div>
        </form>
        {alert(message)}
        <form method="post" action=start_action data-autostart=preselected.then_some("yes")>
            {hidden_options(options)}
            <ul class="bank-list">
                {banks.into_iter().map(|b| { let key = b.name.to_lowercase(); view! {
                    <li data-name=key>
                        <button type="submit" class="bank" name="bank" value=b.id>{b.name}</button>
                        {b.sandbox.then(|| view! { <span class="badge sandbox">"Sandbox"</span> })}
                        <span class="bank-country" aria-hidden="true">{b.country}</span>
                    </li>
                }}).collect_view()}
            </ul>
        </form>
        <p class="muted" id="no-banks" hidden=!empty>{t.no_banks}</p>
        {any_sandbox.then(|| view! { <p class="hint">{t.sandbox_hint}</p> })}
        <form method="post" action="/embed/signin/cancel" class="widget-actions">
            {hidden_options(options)}
            <button type="submit" class="secondary">{t.cancel}</button>
        </form>
    }
}

fn step_url(session: &str, step: &str) -> String {
    format!("/embed/signin/s/{session}/{step}")
}

/// The Cancel button of a step, posting to the session's cancel (its own form, so nothing typed goes along).
fn cancel_form(t: &'static WidgetText, session: &str) -> impl IntoView {
    view! {
        <form method="post" action=step_url(session, "cancel") id="cancel-form"></form>
        <button type="submit" class="secondary" form="cancel-form">{t.cancel}</button>
    }
}

/// Step 2: consent to sharing the data with the business.
/// `popup`: for a redirect bank, the page that sends the applicant to the bank, opened in a popup on the click.
pub fn consent_step(
    t: &'static WidgetText,
    session: &str,
    body: String,
    message: Option<String>,
    popup: Option<String>,
) -> impl IntoView {
    view! {
        <h2>{t.consent_title}</h2>
        <p>{body}</p>
        <p class="hint">{t.consent_scope}</p>
        <form method="post" action=step_url(session, "consent") id="consent-form" data-popup=popup>
            <div class="check">
                <input id="consent" type="checkbox" name="agree" value="yes" data-required=t.consent_required/>
                <label for="consent">{t.consent_checkbox}</label>
            </div>
        </form>
        {alert(message)}
        <div class="widget-actions">
            <button type="submit" form="consent-form">{t.continue_button}</button>
            {cancel_form(t, session)}
        </div>
    }
}

/// Step 3: the bank's login and password (they go to the bank only, and are never stored).
pub fn credentials_step(t: &'static WidgetText, session: &str, message: Option<String>) -> impl IntoView {
    view! {
        <h2>{t.credentials_title}</h2>
        <p class="hint">{t.credentials_note}</p>
        <form method="post" action=step_url(session, "credentials") id="credentials-form">
            <div class="field">
                <label for="bank-login">{t.login}</label>
                <input id="bank-login" name="login" autocomplete="username"/>
            </div>
            <div class="field">
                <label for="bank-password">{t.password}</label>
                <input id="bank-password" name="password" type="password" autocomplete="current-password"/>
            </div>
        </form>
        {alert(message)}
        <div class="widget-actions">
            <button type="submit" form="credentials-form">{t.sign_in}</button>
            {cancel_form(t, session)}
        </div>
    }
}

/// Step 3b: the one-time code the bank sent.
pub fn code_step(t: &'static WidgetText, session: &str, message: Option<String>) -> impl IntoView {
    view! {
        <h2>{t.code_title}</h2>
        <p class="hint">{t.code_note}</p>
        <form method="post" action=step_url(session, "code") id="code-form">
            <div class="field">
                <label for="bank-code">{t.code}</label>
                <input id="bank-code" name="code" inputmode="numeric" autocomplete="one-time-code"/>
            </div>
        </form>
        {alert(message)}
        <div class="widget-actions">
            <button type="submit" form="code-form">{t.confirm}</button>
            {cancel_form(t, session)}
        </div>
    }
}

/// Another request of this session is with the bank right now.
pub fn busy_step(t: &'static WidgetText, session: &str) -> impl IntoView {
    view! {
        <p role="status">{t.working}</p>
        <p><a href=format!("/embed/signin/s/{session}")>{t.continue_button}</a></p>
    }
}

/// A redirect bank: the applicant approves at the bank's page (a popup, or a new tab through the link when the
/// popup was blocked); the page follows the session and moves on when they are back.
pub fn waiting_step(t: &'static WidgetText, session: &str, blocked: bool) -> impl IntoView {
    let bank_link = format!("/embed/signin/s/{session}/bank");
    view! {
        <h2>{t.redirect_title}</h2>
        <p role="status" id="redirect-status">{if blocked { t.redirect_blocked } else { t.redirect_waiting }}</p>
        <p><a class="button" id="bank-link" href=bank_link target="_blank">{t.redirect_continue}</a></p>
        <div class="widget-actions">
            <a href=format!("/embed/signin/s/{session}")>{t.redirect_back}</a>
            {cancel_form(t, session)}
        </div>
    }
}

/// Insight's return URL, in the bank's popup or tab: the applicant may close it.
pub fn return_step(t: &'static WidgetText) -> impl IntoView {
    view! {
        <div class="widget-success" role="status">
            <h2>{t.return_title}</h2>
            <p>{t.return_body}</p>
        </div>
    }
}

/// Done: the import runs on the server; the page may follow its progress.
pub fn success_step(t: &'static WidgetText) -> impl IntoView {
    view! {
        <div class="widget-success" role="status">
            <p class="success-mark" aria-hidden="true">"✓"</p>
            <h2>{t.success_title}</h2>
            <p>{t.success_body}</p>
            <progress max="100" value="0" id="import-progress" hidden=true></progress>
            <p class="hint" id="import-progress-text"></p>
        </div>
    }
}

/// The end of the flow with an error (or a sign-in that cannot start): a fixed message, never an echo of what
/// the page sent, and a way to start again where that makes sense.
pub fn error_step(
    t: &'static WidgetText,
    code: WidgetErrorCode,
    locale: Locale,
    detail: Option<String>,
    restart: Option<String>,
) -> impl IntoView {
    view! {
        <div class="widget-error" role="alert" data-code=code.as_str()>
            <p>{code.message(locale)}</p>
            {detail.map(|d| view! { <p class="hint">{d}</p> })}
        </div>
        {restart.map(|href| view! { <p><a class="button" href=href>{t.try_again}</a></p> })}
    }
}
