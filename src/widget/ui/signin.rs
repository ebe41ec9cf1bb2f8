//! `/embed/signin`: the SignIn Widget inside the business's page (an iframe). Bank selection → consent →
//! credentials → one-time code → success, with every outcome reported to the page by `postMessage`.

use super::post_message::{envelope, post_to_parent};
use crate::components::error_view::set_status;
use crate::shared::{Secret, WidgetErrorCode};
use crate::widget::api::{
    cancel_signin, get_import_progress, give_consent, load_widget_context, start_signin, submit_credentials,
    submit_one_time_code,
};
use crate::widget::model::embed::EmbedOptions;
use crate::widget::model::error::WidgetError;
use crate::widget::model::flow::{SigninStep, SuccessPayload, WidgetBank, WidgetContext};
use crate::widget::model::text::{text, WidgetText};
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorPayload<'a> {
    code: &'a str,
    message: &'a str,
    target: Option<String>,
    session_id: Option<String>,
}

/// Where messages may go: the page origin if it is a well-formed origin, else nowhere.
fn parent_origin(options: &EmbedOptions) -> String {
    options.page_origin().map(|o| o.as_str().to_string()).unwrap_or_default()
}

fn send_event(origin: &str, name: &str, data: serde_json::Value) {
    post_to_parent(origin, envelope("event", Some(name), data));
}

fn send_error(origin: &str, error: &WidgetError, target: Option<String>, session_id: Option<String>) {
    let payload = ErrorPayload { code: error.code.as_str(), message: &error.message, target, session_id };
    post_to_parent(origin, envelope("error", None, payload));
}

/// Keeps the iframe as tall as its content. The origin is a validated `scheme://host[:port]`.
fn resize_script(origin: &str) -> String {
    let target = serde_json::to_string(origin).unwrap_or_else(|_| "\"\"".into()).replace('<', "\\u003c");
    format!(
        "(function(){{var o={target};if(!o||window.parent===window)return;function s(){{parent.postMessage(JSON.stringify({{source:'insight-signin',type:'resize',height:document.documentElement.scrollHeight}}),o)}}new ResizeObserver(s).observe(document.body);s();}})();"
    )
}

#[component]
pub fn EmbedSigninPage() -> impl IntoView {
    let query = use_query_map();
    let options = query.with_untracked(|q| EmbedOptions::from_lookup(|k| q.get(k)));
    let origin = parent_origin(&options);
    let context = Resource::new(|| (), {
        let o = options.clone();
        move |_| load_widget_context(o.clone())
    });
    let script = resize_script(&origin);
    view! {
        <Title text="Connect your bank — Insight"/>
        <div class="widget">
            <Suspense fallback=|| view! { <p class="widget-loading">"…"</p> }>
                {
                    let options = options.clone();
                    let origin = origin.clone();
                    move || {
                        let options = options.clone();
                        let origin = origin.clone();
                        Suspend::new(async move {
                            match context.await {
                                Ok(ctx) => view! { <Flow ctx options origin/> }.into_any(),
                                Err(error) => view! { <EmbedError error origin/> }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </div>
        <script nonce=use_nonce() inner_html=script></script>
    }
}

/// The widget could not start (unknown client, origin not allowed, bad options): say so and tell the page.
#[component]
fn EmbedError(error: WidgetError, origin: String) -> impl IntoView {
    set_status(error.code.status());
    let reported = error.clone();
    Effect::new(move |_| send_error(&origin, &reported, None, None));
    view! {
        <div class="widget-error" role="alert" data-code=error.code.as_str()>
            <p>{error.message.clone()}</p>
            {error.detail.clone().map(|d| view! { <p class="hint">{d}</p> })}
        </div>
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Banks,
    Consent,
    Credentials,
    Code,
    Success(SuccessPayload),
    Failed(WidgetError),
}

#[component]
fn Flow(ctx: WidgetContext, options: EmbedOptions, origin: String) -> impl IntoView {
    let t: &'static WidgetText = text(ctx.locale);
    let locale = ctx.locale;
    let step = RwSignal::new(Step::Banks);
    let session = RwSignal::new(None::<String>);
    let bank = RwSignal::new(None::<WidgetBank>);
    let alert = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let origin = StoredValue::new(origin);
    let options = StoredValue::new(options);

    let target_id = move || bank.get_untracked().map(|b| b.id);
    let event = move |name: &str| {
        let data = serde_json::json!({ "target": target_id() });
        send_event(&origin.get_value(), name, data);
    };
    // A step failed: retryable errors stay on the step, the rest end the flow and go to `onError`.
    let fail = move |error: WidgetError| {
        busy.set(false);
        if error.code.can_retry_step() {
            alert.set(Some(error.message.clone()));
        } else {
            send_error(&origin.get_value(), &error, target_id(), session.get_untracked());
            step.set(Step::Failed(error));
        }
    };
    let choose = move |chosen: WidgetBank| {
        busy.set(true);
        alert.set(None);
        let o = options.get_value();
        spawn_local(async move {
            let id = chosen.id.clone();
            match start_signin(o, id).await {
                Ok(session_id) => {
                    session.set(Some(session_id));
                    bank.set(Some(chosen));
                    busy.set(false);
                    event("target_selected");
                    step.set(Step::Consent);
                }
                Err(e) => fail(e),
            }
        });
    };
    let succeed = move |result: SigninStep| {
        busy.set(false);
        alert.set(None);
        match result {
            SigninStep::OneTimeCodeRequired => {
                event("sca_required");
                step.set(Step::Code);
            }
            SigninStep::Success(payload) => {
                post_to_parent(&origin.get_value(), envelope("success", None, &payload));
                step.set(Step::Success(payload));
            }
        }
    };
    let cancel = move |_| {
        let id = session.get_untracked();
        spawn_local(async move {
            if let Some(id) = id {
                let _ = cancel_signin(Secret::new(id)).await;
            }
        });
        let error = WidgetError::new(WidgetErrorCode::UserCancelled, locale);
        send_error(&origin.get_value(), &error, target_id(), session.get_untracked());
        send_event(&origin.get_value(), "exit", serde_json::json!({ "reason": "cancelled" }));
        step.set(Step::Failed(error));
    };
    let restart = move |_| {
        session.set(None);
        bank.set(None);
        alert.set(None);
        busy.set(false);
        step.set(Step::Banks);
    };

    Effect::new(move |_| send_event(&origin.get_value(), "started", serde_json::json!({})));
    if let Some(pre) = ctx.preselected.clone().and_then(|id| ctx.banks.iter().find(|b| b.id == id).cloned()) {
        // Effects run only in the browser, so the preselected bank is chosen once, after hydration.
        Effect::new(move |prev: Option<()>| {
            if prev.is_none() {
                choose(pre.clone());
            }
        });
    }

    let banks = StoredValue::new(ctx.banks.clone());
    let company = ctx.organisation_name.clone();
    let months = ctx.months;
    view! {
        <h1 class="widget-title">{t.title}</h1>
        {move || match step.get() {
            Step::Banks => view! { <BankStep t banks=banks.get_value() busy alert on_choose=choose on_cancel=cancel/> }.into_any(),
            Step::Consent => {
                let bank_name = bank.get_untracked().map(|b| b.name).unwrap_or_default();
                let body = t.consent_body.replace("{company}", &company).replace("{bank}", &bank_name).replace("{months}", &months.to_string());
                view! { <ConsentStep t body busy alert
                    on_continue=move || {
                        let Some(id) = session.get_untracked() else { return };
                        busy.set(true);
                        spawn_local(async move {
                            match give_consent(Secret::new(id)).await {
                                Ok(()) => { busy.set(false); alert.set(None); event("consent_given"); step.set(Step::Credentials); }
                                Err(e) => fail(e),
                            }
                        });
                    }
                    on_cancel=cancel/> }.into_any()
            }
            Step::Credentials => view! { <CredentialsStep t busy alert
                on_submit=move |login: String, password: String| {
                    let Some(id) = session.get_untracked() else { return };
                    busy.set(true);
                    alert.set(None);
                    event("credentials_submitted");
                    spawn_local(async move {
                        match submit_credentials(Secret::new(id), Secret::new(login), Secret::new(password)).await {
                            Ok(r) => succeed(r),
                            Err(e) => fail(e),
                        }
                    });
                }
                on_cancel=cancel/> }.into_any(),
            Step::Code => view! { <CodeStep t busy alert
                on_submit=move |code: String| {
                    let Some(id) = session.get_untracked() else { return };
                    busy.set(true);
                    alert.set(None);
                    spawn_local(async move {
                        match submit_one_time_code(Secret::new(id), Secret::new(code)).await {
                            Ok(r) => succeed(r),
                            Err(e) => fail(e),
                        }
                    });
                }
                on_cancel=cancel/> }.into_any(),
            Step::Success(payload) => view! { <SuccessStep t session_id=payload.session_id/> }.into_any(),
            Step::Failed(error) => {
                let again = error.code.can_start_over() || error.code == WidgetErrorCode::UserCancelled;
                view! {
                    <div class="widget-error" role="alert" data-code=error.code.as_str()>
                        <p>{error.message.clone()}</p>
                    </div>
                    {again.then(|| view! { <button type="button" on:click=restart>{t.try_again}</button> })}
                }.into_any()
            }
        }}
    }
}

#[component]
fn Alert(alert: RwSignal<Option<String>>) -> impl IntoView {
    view! { <p class="form-error" role="alert">{move || alert.get()}</p> }
}

#[component]
fn BankStep(
    t: &'static WidgetText,
    banks: Vec<WidgetBank>,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
    on_choose: impl Fn(WidgetBank) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let banks = StoredValue::new(banks);
    let visible = move || {
        let needle = search.get().trim().to_lowercase();
        banks
            .get_value()
            .into_iter()
            .filter(|b| needle.is_empty() || b.name.to_lowercase().contains(&needle))
            .collect::<Vec<_>>()
    };
    view! {
        <div class="field">
            <label for="bank-search">{t.search_label}</label>
            <input id="bank-search" type="search" autocomplete="off" bind:value=search/>
        </div>
        <Alert alert/>
        <ul class="bank-list">
            <For each=visible key=|b| b.id.clone() let:b>
                {
                    let chosen = b.clone();
                    view! {
                        <li>
                            <button type="button" class="bank" disabled=move || busy.get() on:click=move |_| on_choose(chosen.clone())>
                                {b.name.clone()}
                            </button>
                            <span class="bank-country" aria-hidden="true">{b.country.clone()}</span>
                        </li>
                    }
                }
            </For>
        </ul>
        <Show when=move || visible().is_empty()>
            <p class="muted">{t.no_banks}</p>
        </Show>
        <p class="hint">{t.sandbox_hint}</p>
        <div class="widget-actions">
            <button type="button" class="secondary" on:click=on_cancel>{t.cancel}</button>
        </div>
    }
}

#[component]
fn ConsentStep(
    t: &'static WidgetText,
    body: String,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
    on_continue: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let agreed = RwSignal::new(false);
    view! {
        <h2>{t.consent_title}</h2>
        <p>{body}</p>
        <p class="hint">{t.consent_scope}</p>
        <div class="check">
            <input id="consent" type="checkbox" bind:checked=agreed/>
            <label for="consent">{t.consent_checkbox}</label>
        </div>
        <Alert alert/>
        <div class="widget-actions">
            <button type="button" disabled=move || busy.get() on:click=move |_| {
                if agreed.get_untracked() { on_continue() } else { alert.set(Some(t.consent_required.to_string())) }
            }>{t.continue_button}</button>
            <button type="button" class="secondary" on:click=on_cancel>{t.cancel}</button>
        </div>
    }
}

#[component]
fn CredentialsStep(
    t: &'static WidgetText,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
    on_submit: impl Fn(String, String) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    view! {
        <h2>{t.credentials_title}</h2>
        <p class="hint">{t.credentials_note}</p>
        <form on:submit=move |ev| {
            ev.prevent_default();
            let secret = password.get_untracked();
            // The password leaves the page's memory as soon as it is sent; a retry starts empty.
            password.set(String::new());
            on_submit(login.get_untracked(), secret);
        }>
            <div class="field">
                <label for="bank-login">{t.login}</label>
                <input id="bank-login" name="login" autocomplete="username" bind:value=login/>
            </div>
            <div class="field">
                <label for="bank-password">{t.password}</label>
                <input id="bank-password" name="password" type="password" autocomplete="current-password" bind:value=password/>
            </div>
            <Alert alert/>
            <div class="widget-actions">
                <button type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { t.working } else { t.sign_in }}
                </button>
                <button type="button" class="secondary" on:click=on_cancel>{t.cancel}</button>
            </div>
        </form>
    }
}

#[component]
fn CodeStep(
    t: &'static WidgetText,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
    on_submit: impl Fn(String) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    view! {
        <h2>{t.code_title}</h2>
        <p class="hint">{t.code_note}</p>
        <form on:submit=move |ev| {
            ev.prevent_default();
            let value = code.get_untracked();
            code.set(String::new());
            on_submit(value);
        }>
            <div class="field">
                <label for="bank-code">{t.code}</label>
                <input id="bank-code" name="code" inputmode="numeric" autocomplete="one-time-code" bind:value=code/>
            </div>
            <Alert alert/>
            <div class="widget-actions">
                <button type="submit" disabled=move || busy.get()>{t.confirm}</button>
                <button type="button" class="secondary" on:click=on_cancel>{t.cancel}</button>
            </div>
        </form>
    }
}

#[component]
fn SuccessStep(t: &'static WidgetText, session_id: String) -> impl IntoView {
    let progress = RwSignal::new(None::<(String, i64)>);
    let finished = RwSignal::new(false);
    // Poll until the import ends; the end user may stay to watch, but need not.
    Effect::new(move |_| {
        let id = session_id.clone();
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if finished.get_untracked() {
                    return;
                }
                let id = id.clone();
                spawn_local(async move {
                    if let Ok(Some(p)) = get_import_progress(Secret::new(id)).await {
                        finished.set(p.status.is_finished());
                        progress.set(Some((p.status.to_string(), p.progress)));
                    }
                });
            },
            std::time::Duration::from_millis(1500),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <div class="widget-success" role="status">
            <p class="success-mark" aria-hidden="true">"✓"</p>
            <h2>{t.success_title}</h2>
            <p>{t.success_body}</p>
            {move || progress.get().map(|(status, pct)| view! {
                <progress max="100" value=pct.to_string()></progress>
                <p class="hint">{if finished.get() { t.import_done.to_string() } else { format!("{pct}% · {status}") }}</p>
            })}
        </div>
    }
}
