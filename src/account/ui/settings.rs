//! `/settings`: organisation details and the signing secret for checking `sessionIdSignature`.

use crate::account::api::settings::{get_settings, SaveRetention, SaveSecondApproval};
use crate::components::error_view::ErrorMessage;
use crate::components::field::Field;
use crate::components::form::{field_error, last_error};
use crate::components::layout::PortalPage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveRetention>::new();
    let four_eyes = ServerAction::<SaveSecondApproval>::new();
    let settings = Resource::new(move || save.version().get() + four_eyes.version().get(), |_| get_settings());
    let error = last_error(save.value());
    view! {
        <Title text="Settings — Insight"/>
        <PortalPage>
            <h1>"Settings"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => view! {
                            <section class="card">
                                <h2>"Organisation"</h2>
                                <dl class="facts">
                                    <dt>"Name"</dt><dd>{s.organisation_name.clone()}</dd>
                                    <dt>"Client ID"</dt><dd><code>{s.client_id.clone()}</code></dd>
                                </dl>
                            </section>
                            <section class="card">
                                <h2>"Data retention"</h2>
                                <p>"Imported bank data (owners, accounts, transactions) is erased automatically this many days after the import. The application's summary, its decisions and the audit trail stay."</p>
                                {if s.can_edit { view! {
                                    <ActionForm action=save attr:novalidate="novalidate">
                                        <Field label="Retention (days)" name="retention_days" kind="number" value=s.retention_days.to_string()
                                            hint="1 to 3650. Default 180." error=field_error(error, "retention_days")/>
                                        <button type="submit">"Save retention"</button>
                                        {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p role="status" class="muted">"Saved."</p> })}
                                    </ActionForm>
                                }.into_any() } else { view! {
                                    <p data-testid="retention-days">{format!("Retention: {} days.", s.retention_days)}</p>
                                }.into_any() }}
                            </section>
                            <section class="card">
                                <h2>"Four eyes"</h2>
                                <p>"When on, an approval by one reviewer waits as "<em>"approval_pending"</em>" until a different reviewer or admin confirms it or sends it back. A rejection needs one reviewer."</p>
                                {if s.can_edit { view! {
                                    <ActionForm action=four_eyes>
                                        <div class="check">
                                            <input id="require-second-approval" type="checkbox" name="required" value="on" checked=s.require_second_approval/>
                                            <label for="require-second-approval">"Require a second approval"</label>
                                        </div>
                                        <button type="submit" class="secondary">"Save policy"</button>
                                        {move || matches!(four_eyes.value().get(), Some(Ok(_))).then(|| view! { <p role="status" class="muted">"Saved."</p> })}
                                    </ActionForm>
                                }.into_any() } else { view! {
                                    <p data-testid="second-approval">{if s.require_second_approval { "Approvals need a second reviewer's confirmation." } else { "One reviewer's approval is enough." }}</p>
                                }.into_any() }}
                            </section>
                            <section class="card">
                                <h2>"Administration"</h2>
                                <p><a href="/settings/security">"Security (two-factor)"</a>" · "<a href="/settings/team">"Team and roles"</a>" · "<a href="/settings/audit">"Audit trail"</a>" · "<a href="/widget">"Widget"</a>" · "<a href="/settings/api-keys">"API keys"</a>" · "<a href="/settings/webhooks">"Webhooks"</a></p>
                            </section>
                            <section class="card">
                                <h2>"Signing secret"</h2>
                                {match s.signing_secret.clone() {
                                    Some(secret) => view! {
                                        <p>"The widget's "<code>"onSuccess"</code>" gives your page a "<code>"sessionIdSignature"</code>
                                           ": the lowercase hex HMAC-SHA256 of "<code>"sessionId"</code>" keyed with this secret. Check it on your server to know the session is real and yours. Keep the secret on your server only."</p>
                                        <p><span class="secret" data-testid="signing-secret">{secret}</span></p>
                                    }.into_any(),
                                    None => view! { <p class="muted">"Only admins can see the signing secret."</p> }.into_any(),
                                }}
                            </section>
                        }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </PortalPage>
    }
}
