use crate::account::api::dashboard::get_dashboard;
use crate::components::error_view::ErrorMessage;
use crate::components::layout::PortalPage;
use crate::components::status::{format_instant, SandboxBadge, StatusBadge};
use crate::error::AppError;
use crate::imports::model::ImportSummary;
use crate::review::api::{get_counts, list_latest_imports};
use crate::review::model::views::Counts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn DashboardPage() -> impl IntoView {
    // Every resource is created here, at the top of the page: resources created inside a Suspense's children
    // can leave a streamed SSR response hanging.
    let data = Resource::new(|| (), |_| get_dashboard());
    let counts = Resource::new(|| (), |_| get_counts());
    let imports = Resource::new(|| (), |_| list_latest_imports());
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
                            {d.role.can_read_applications().then(|| view! {
                                <CountsPanel counts/>
                                <LatestImports imports/>
                            })}
                            <p class="muted">"Signed in as "{d.email.clone()}" ("{d.role.to_string()}")."</p>
                        }.into_any(),
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login"/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </PortalPage>
    }
}

#[component]
fn CountsPanel(counts: Resource<Result<Counts, AppError>>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Applications at a glance"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    counts.await.ok().map(|c| {
                        let cell = |(label, n): (String, i64), kind: &'static str| {
                            let href = format!("/applications?{kind}={label}");
                            view! { <div><strong>{n}</strong><a href=href>{label}</a></div> }
                        };
                        view! {
                            <div class="counts" data-testid="counts">
                                {c.by_status.into_iter().map(|x| cell(x, "status")).collect_view()}
                            </div>
                            <div class="counts" data-testid="decision-counts">
                                {c.by_decision.into_iter().map(|x| cell(x, "decision")).collect_view()}
                            </div>
                            {(c.sandbox > 0).then(|| view! {
                                <p data-testid="sandbox-count"><span class="badge sandbox">"Sandbox"</span>" "
                                    {format!("{} of them are test imports from sandbox banks.", c.sandbox)}</p>
                            })}
                            <p><a href="/applications">"Open the review queue →"</a></p>
                        }
                    })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn LatestImports(imports: Resource<Result<Vec<ImportSummary>, AppError>>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Latest applications"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match imports.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted">"No imports yet. When an applicant connects their bank through your widget, the import appears here."</p>
                        }.into_any(),
                        Ok(list) => view! { <ImportTable imports=list/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn ImportTable(imports: Vec<ImportSummary>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table data-testid="imports">
                <thead>
                    <tr>
                        <th>"Owner"</th>
                        <th>"Your reference"</th>
                        <th>"Bank"</th>
                        <th>"Status"</th>
                        <th>"Created"</th>
                        <th><span class="visually-hidden">"Details"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {imports.into_iter().map(|i| view! {
                        <tr data-import-id=i.import_id.to_string()>
                            <td>{if i.owner_names.is_empty() { "—".to_string() } else { i.owner_names.clone() }}</td>
                            <td>{i.owner_external_id.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{i.target_name.clone()}<SandboxBadge environment=i.environment/></td>
                            <td><StatusBadge status=i.status/></td>
                            <td>{format_instant(i.created_at)}</td>
                            <td><a href=format!("/applications/{}", i.import_id)>"Open"</a></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
