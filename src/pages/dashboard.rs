use crate::api::dashboard::get_dashboard;
use crate::components::layout::PortalPage;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Title text="Dashboard — Insight"/>
        <PortalPage>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! {
                            <h1>{d.organisation_name.clone()}</h1>
                            <section class="card">
                                <h2>"Your Client ID"</h2>
                                <p>"Put this in the SignIn Widget snippet on your website."</p>
                                <code class="client-id" data-testid="client-id">{d.client_id.to_string()}</code>
                            </section>
                            <p class="muted">"Signed in as "{d.email.clone()}" ("{d.role.to_string()}")."</p>
                        }.into_any(),
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login"/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </PortalPage>
    }
}
