//! `/settings/audit` (admins): the append-only trail of who did what, when, from where.

use crate::account::api::audit::{list_audit, verify_audit_chain, AUDIT_PER_PAGE};
use crate::account::model::ChainStatus;
use crate::components::error_view::ErrorMessage;
use crate::components::layout::PortalPage;
use crate::components::status::format_instant;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AuditPage() -> impl IntoView {
    let page = RwSignal::new(0i64);
    let entries = Resource::new(move || page.get(), list_audit);
    let chain = Resource::new(|| (), |_| verify_audit_chain());
    view! {
        <Title text="Audit trail — Insight"/>
        <PortalPage>
            <p><a href="/settings">"← Settings"</a></p>
            <h1>"Audit trail"</h1>
            <p class="muted">"Every log-in, decision, export, invitation, role change and widget change. Entries are never edited or deleted; each one carries the hash of the one before, so a change shows."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match chain.await {
                        Ok(ChainStatus::Verified { entries }) => view! {
                            <p class="notice ok" data-testid="audit-chain">"Chain verified"{format!(" — {entries} entries, none changed or removed.")}</p>
                        }.into_any(),
                        Ok(ChainStatus::Broken { audit_event_id, created_at, action }) => {
                            let which = match (created_at, action) {
                                (Some(at), Some(action)) => format!("entry #{audit_event_id} ({}, {})", format_instant(at), action.label()),
                                (Some(at), None) => format!("entry #{audit_event_id} ({})", format_instant(at)),
                                _ => format!("entry #{audit_event_id}, which was removed"),
                            };
                            view! {
                                <p class="form-error" role="alert" data-testid="audit-chain">
                                    {format!("Chain broken at {which}: it was changed or removed after it was written. Entries from there on cannot be trusted.")}
                                </p>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(list) => {
                            let full = list.len() as i64 == AUDIT_PER_PAGE;
                            view! {
                                <div class="table-wrap">
                                    <table data-testid="audit">
                                        <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Subject"</th><th>"Detail"</th><th>"IP"</th></tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|e| view! {
                                                <tr data-action=e.action.as_str()>
                                                    <td>{format_instant(e.created_at)}</td>
                                                    <td>{e.actor_email.unwrap_or_else(|| "—".into())}</td>
                                                    <td>{e.action.label()}</td>
                                                    <td>{e.subject.unwrap_or_default()}</td>
                                                    <td>{e.detail}</td>
                                                    <td>{e.ip.unwrap_or_default()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <div class="pager">
                                    <button type="button" class="secondary" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p -= 1)>"Newer"</button>
                                    <button type="button" class="secondary" disabled=!full on:click=move |_| page.update(|p| *p += 1)>"Older"</button>
                                </div>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </PortalPage>
    }
}
