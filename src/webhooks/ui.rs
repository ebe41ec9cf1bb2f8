//! `/settings/webhooks`: endpoints (URL and events), the signing secret shown once, **Send test event**, and
//! each endpoint's delivery log with **Redeliver**.

use super::api::{list_webhooks, AddWebhook, RedeliverWebhook, RemoveWebhook, SendTestWebhook};
use super::model::{DeliveryListing, EventType};
use crate::components::error_view::ErrorMessage;
use crate::components::field::Field;
use crate::components::form::{field_error, form_error, last_error};
use crate::components::layout::PortalPage;
use crate::components::status::format_instant;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let add = ServerAction::<AddWebhook>::new();
    let remove = ServerAction::<RemoveWebhook>::new();
    let test = ServerAction::<SendTestWebhook>::new();
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    // Bumped by the refresh button, so the log shows attempts the worker made since.
    let refresh = RwSignal::new(0u32);
    let endpoints = Resource::new(
        move || {
            (
                add.version().get(),
                remove.version().get(),
                test.version().get(),
                redeliver.version().get(),
                refresh.get(),
            )
        },
        |_| list_webhooks(),
    );
    let add_error = last_error(add.value());
    let action_error = last_error(remove.value());
    let added = move || add.value().get().and_then(Result::ok);
    view! {
        <Title text="Webhooks — Insight"/>
        <PortalPage>
            <p><a href="/settings">"← Settings"</a></p>
            <h1>"Webhooks"</h1>
            <p>"Insight posts a signed JSON message to your endpoint when an import finishes, a reviewer decides or data is erased ("<a href="https://www.standardwebhooks.com/">"Standard Webhooks"</a>": verify "<code>"webhook-signature"</code>" with the endpoint's secret; "<code>"webhook-id"</code>" is the same on every retry). Failed deliveries are retried for 24 hours."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match endpoints.await {
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                        Ok(list) => view! {
                            <section class="card">
                                <h2>"Add an endpoint"</h2>
                                <ActionForm action=add attr:novalidate="novalidate">
                                    <Field label="URL" name="url" kind="url" hint="https://, on a public address." error=field_error(add_error, "url")/>
                                    <fieldset class="field">
                                        <legend>"Events"</legend>
                                        {EventType::SUBSCRIBABLE.into_iter().map(|e| view! {
                                            <label class="check"><input type="checkbox" name=e.field() value="on" checked=true/>" "<code>{e.as_str()}</code></label>
                                        }).collect_view()}
                                        <p class="field-error" role="alert">{move || field_error(add_error, "events").get()}</p>
                                    </fieldset>
                                    <p class="form-error" role="alert">{move || form_error(add_error).get().filter(|_| field_error(add_error, "url").get().is_none() && field_error(add_error, "events").get().is_none())}</p>
                                    <button type="submit">"Add endpoint"</button>
                                </ActionForm>
                                {move || added().map(|a| view! {
                                    <p>"The endpoint's signing secret. Copy it now: it is shown only this once."</p>
                                    <p><code class="secret" data-testid="webhook-secret">{a.secret}</code></p>
                                })}
                            </section>
                            <p class="form-error" role="alert">{move || form_error(action_error).get()}</p>
                            <p><button type="button" class="secondary small" on:click=move |_| refresh.update(|r| *r += 1)>"Refresh the logs"</button></p>
                            {if list.is_empty() {
                                view! { <p class="muted">"No endpoints yet."</p> }.into_any()
                            } else {
                                list.into_iter().map(|e| view! {
                                    <section class="card" data-testid="webhook-endpoint" data-url=e.url.clone()>
                                        <h2><code>{e.url.clone()}</code></h2>
                                        <p class="muted">{e.events.join(" · ")}" — added by "{e.created_by.clone()}" "{format_instant(e.created_at)}</p>
                                        <div class="actions">
                                            <ActionForm action=test>
                                                <input type="hidden" name="endpoint_id" value=e.endpoint_id.to_string()/>
                                                <button type="submit" class="secondary small">"Send test event"</button>
                                            </ActionForm>
                                            <ActionForm action=remove>
                                                <input type="hidden" name="endpoint_id" value=e.endpoint_id.to_string()/>
                                                <button type="submit" class="danger small">"Remove"</button>
                                            </ActionForm>
                                        </div>
                                        <h3>"Delivery log"</h3>
                                        <DeliveryLog deliveries=e.deliveries redeliver/>
                                    </section>
                                }).collect_view().into_any()
                            }}
                        }.into_any(),
                    }
                })}
            </Transition>
        </PortalPage>
    }
}

#[component]
fn DeliveryLog(deliveries: Vec<DeliveryListing>, redeliver: ServerAction<RedeliverWebhook>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <p class="muted">"Nothing sent yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table data-testid="delivery-log">
                <thead><tr><th>"Event"</th><th>"Status"</th><th>"Attempts (time · status · latency · answer)"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>
                    {deliveries.into_iter().map(|d| view! {
                        <tr data-event-id=d.event_id.clone()>
                            <td><code>{d.event_type.clone()}</code><br/><small class="muted">{d.event_id.clone()}</small></td>
                            <td data-testid="delivery-status">{d.status.clone()}</td>
                            <td>
                                <ul class="attempts">
                                    {d.attempts.iter().map(|a| view! {
                                        <li>
                                            {format!("{} · {} · {} ms", format_instant(a.attempted_at), a.status_code.map(|c| c.to_string()).unwrap_or_else(|| "no answer".into()), a.latency_ms)}
                                            <br/><small class="muted">{a.response_excerpt.clone()}</small>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </td>
                            <td>
                                <ActionForm action=redeliver>
                                    <input type="hidden" name="message_id" value=d.message_id.to_string()/>
                                    <button type="submit" class="secondary small">"Redeliver"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
