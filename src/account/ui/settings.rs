//! `/settings`: organisation details and the signing secret for checking `sessionIdSignature`.

use crate::account::api::settings::get_settings;
use crate::components::error_view::ErrorMessage;
use crate::components::layout::PortalPage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_settings());
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
                                <h2>"Administration"</h2>
                                <p><a href="/settings/team">"Team and roles"</a>" · "<a href="/settings/audit">"Audit trail"</a>" · "<a href="/widget">"Widget"</a>" · "<a href="/settings/api-keys">"API keys"</a>" · "<a href="/settings/webhooks">"Webhooks"</a></p>
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
