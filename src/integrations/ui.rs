//! `/settings/api-keys`: create a key (shown once), see who made each and when it was last used, revoke.

use super::api::{list_api_keys, CreateApiKey, RevokeApiKey};
use crate::components::error_view::ErrorMessage;
use crate::components::field::Field;
use crate::components::form::{field_error, form_error, last_error};
use crate::components::layout::PortalPage;
use crate::components::status::format_instant;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_api_keys());
    let create_error = last_error(create.value());
    let revoke_error = last_error(revoke.value());
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <Title text="API keys — Insight"/>
        <PortalPage>
            <p><a href="/settings">"← Settings"</a></p>
            <h1>"API keys"</h1>
            <p>"Your back-end calls the "<a href="/docs/api">"Insight API"</a>" with a key: "<code>"Authorization: Bearer ins_sk_…"</code>". A key sees every import of your organisation; keep it on your server."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                        Ok(list) => view! {
                            <div class="grid">
                                <section class="card">
                                    <h2>"Create an API key"</h2>
                                    <ActionForm action=create attr:novalidate="novalidate">
                                        <Field label="Name" name="name" kind="text" hint="Which system uses it, e.g. “Loan back-end”. Keys read applicants' data, so only admins create them." error=field_error(create_error, "name")/>
                                        <p class="form-error" role="alert">{move || form_error(create_error).get().filter(|_| field_error(create_error, "name").get().is_none())}</p>
                                        <button type="submit">"Create API key"</button>
                                    </ActionForm>
                                    {move || created().map(|key| view! {
                                        <p>"Copy the key now: it is shown only this once."</p>
                                        <p><code class="secret" data-testid="api-key">{key}</code></p>
                                    })}
                                </section>
                                <section class="card">
                                    <h2>"Keys"</h2>
                                    <p class="form-error" role="alert">{move || form_error(revoke_error).get()}</p>
                                    {if list.is_empty() {
                                        view! { <p class="muted">"No API keys yet."</p> }.into_any()
                                    } else {
                                        view! {
                                            <div class="table-wrap">
                                                <table data-testid="api-keys">
                                                    <thead><tr><th>"Name"</th><th>"Key"</th><th>"Created by"</th><th>"Last used"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                                    <tbody>
                                                        {list.into_iter().map(|k| view! {
                                                            <tr data-name=k.name.clone()>
                                                                <td>{k.name.clone()}</td>
                                                                <td><code>{format!("{}…", k.prefix)}</code></td>
                                                                <td>{k.created_by.clone()}<br/><small class="muted">{format_instant(k.created_at)}</small></td>
                                                                <td>{k.last_used_at.map(format_instant).unwrap_or_else(|| "never".into())}</td>
                                                                <td>
                                                                    <ActionForm action=revoke>
                                                                        <input type="hidden" name="api_key_id" value=k.api_key_id.to_string()/>
                                                                        <button type="submit" class="danger small">"Revoke"</button>
                                                                    </ActionForm>
                                                                </td>
                                                            </tr>
                                                        }).collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                        }.into_any()
                                    }}
                                </section>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </PortalPage>
    }
}
