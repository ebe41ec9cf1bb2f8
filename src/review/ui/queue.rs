//! `/applications`: the review queue — search, filters in the URL, keyset pages, live status.

use crate::components::error_view::ErrorMessage;
use crate::components::layout::PortalPage;
use crate::components::status::{format_instant, SandboxBadge, StatusBadge};
use crate::imports::model::{Decision, ImportStatus, ImportSummary};
use crate::review::api::{search_applications, AssignApplication};
use crate::review::model::views::ApplicationsPage;
use crate::shared::query::encode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let query = use_query_map();
    let raw_query = move || {
        query.with(|q| {
            ["q", "status", "decision", "bank", "from", "to", "sort", "assigned", "after", "before"]
                .iter()
                .filter_map(|k| q.get(k).map(|v| format!("{k}={}", encode(&v))))
                .collect::<Vec<_>>()
                .join("&")
        })
    };
    let tick = RwSignal::new(0u32);
    let running = RwSignal::new(false);
    let assign = ServerAction::<AssignApplication>::new();
    let page =
        Resource::new(move || (raw_query(), tick.get(), assign.version().get()), |(q, _, _)| search_applications(q));
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if running.get_untracked() {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_millis(2000),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let get = move |k: &str| query.with_untracked(|q| q.get(k)).unwrap_or_default();
    let (q, status, decision, bank, from, to, sort) =
        (get("q"), get("status"), get("decision"), get("bank"), get("from"), get("to"), get("sort"));
    let assigned = get("assigned");
    view! {
        <Title text="Applications — Insight"/>
        <PortalPage>
            <h1>"Applications"</h1>
            <form method="get" action="/applications" class="filters" role="search">
                <div class="field grow">
                    <label for="q">"Search"</label>
                    <input id="q" name="q" type="search" value=q placeholder="Owner name or your reference"/>
                </div>
                <div class="field">
                    <label for="status">"Status"</label>
                    <select id="status" name="status">
                        <option value="" selected=status.is_empty()>"All"</option>
                        {ImportStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=status == s.as_str()>{s.as_str()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="decision">"Decision"</label>
                    <select id="decision" name="decision">
                        <option value="" selected=decision.is_empty()>"All"</option>
                        {Decision::ALL.iter().map(|d| view! { <option value=d.as_str() selected=decision == d.as_str()>{decision_label(*d)}</option> }).collect_view()}
                    </select>
                </div>
                <BankFilter page selected=bank/>
                <div class="field">
                    <label for="assigned">"Assigned"</label>
                    <select id="assigned" name="assigned">
                        <option value="" selected=assigned.is_empty()>"Anyone"</option>
                        <option value="me" selected=assigned == "me">"To me"</option>
                        <option value="nobody" selected=assigned == "nobody">"Nobody"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="from">"From"</label>
                    <input id="from" name="from" type="date" value=from/>
                </div>
                <div class="field">
                    <label for="to">"To"</label>
                    <input id="to" name="to" type="date" value=to/>
                </div>
                <div class="field">
                    <label for="sort">"Sort"</label>
                    <select id="sort" name="sort">
                        <option value="" selected=sort != "oldest">"Newest first"</option>
                        <option value="oldest" selected=sort == "oldest">"Oldest first"</option>
                    </select>
                </div>
                <div class="field actions-end">
                    <button type="submit">"Apply"</button>
                    <a href="/applications">"Clear"</a>
                </div>
            </form>
            <p class="hint" id="queue-keys">"Keyboard: "<kbd>"j"</kbd>" / "<kbd>"k"</kbd>" move through the list, "<kbd>"Enter"</kbd>" opens, "<kbd>"a"</kbd>" assigns the selected application to you."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => {
                            running.set(p.rows.iter().any(|r| !r.status.is_finished()));
                            let empty = p.rows.is_empty();
                            view! {
                                {if empty {
                                    view! { <p class="muted">"No applications match these filters."</p> }.into_any()
                                } else {
                                    view! { <QueueTable rows=p.rows can_assign=p.can_assign assign/> }.into_any()
                                }}
                                <nav class="pager" aria-label="Pages">
                                    {p.previous_query.map(|q| view! { <a href=format!("/applications?{q}")>"Previous"</a> })}
                                    {p.next_query.map(|q| view! { <a href=format!("/applications?{q}")>"Next"</a> })}
                                </nav>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </PortalPage>
    }
}

#[component]
fn BankFilter(page: Resource<Result<ApplicationsPage, crate::error::AppError>>, selected: String) -> impl IntoView {
    let selected = StoredValue::new(selected);
    view! {
        <div class="field">
            <label for="bank">"Bank"</label>
            <select id="bank" name="bank">
                <option value="">"All"</option>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let banks = page.await.map(|p| p.banks).unwrap_or_default();
                        banks.into_iter().map(|(id, name)| {
                            let is = selected.get_value() == id;
                            view! { <option value=id selected=is>{name}</option> }
                        }).collect_view()
                    })}
                </Suspense>
            </select>
        </div>
    }
}

/// The queue's words for a decision filter.
fn decision_label(d: Decision) -> &'static str {
    match d {
        Decision::ApprovalPending => "awaiting second approval",
        other => other.as_str(),
    }
}

#[component]
fn QueueTable(rows: Vec<ImportSummary>, can_assign: bool, assign: ServerAction<AssignApplication>) -> impl IntoView {
    let ids: Vec<_> = rows.iter().map(|r| r.import_id).collect();
    // `a` takes an application nobody is on; reassigning a colleague's case is a deliberate choice on its page.
    let taken: Vec<bool> = rows.iter().map(|r| r.assignee_email.is_some()).collect();
    let links: Vec<NodeRef<leptos::html::A>> = rows.iter().map(|_| NodeRef::new()).collect();
    let selected = RwSignal::new(None::<usize>);
    let keys_links = links.clone();
    // j/k move the selection (and focus, so Enter opens), a assigns it; never while typing in a field.
    let keys = window_event_listener(leptos::ev::keydown, move |e| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || typing_in_a_field(&e) {
            return;
        }
        let last = ids.len().saturating_sub(1);
        let moved = match (e.key().as_str(), selected.get_untracked()) {
            ("j", None) | ("k", None) => Some(0),
            ("j", Some(i)) => Some((i + 1).min(last)),
            ("k", Some(i)) => Some(i.saturating_sub(1)),
            ("a", Some(i)) if can_assign && !taken[i] => {
                assign.dispatch(AssignApplication { import_id: ids[i], assignee: "me".into() });
                None
            }
            _ => None,
        };
        if let Some(i) = moved.filter(|_| !ids.is_empty()) {
            e.prevent_default();
            selected.set(Some(i));
            if let Some(link) = keys_links[i].get_untracked() {
                let _ = link.focus();
            }
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        <div class="table-wrap">
            <table data-testid="applications" aria-describedby="queue-keys">
                <thead><tr>
                    <th>"Owner"</th><th>"Your reference"</th><th>"Bank"</th><th>"Status"</th><th>"Decision"</th>
                    <th>"Assigned"</th>
                    <th class="num">"Accounts"</th><th class="num">"Transactions"</th><th>"Created"</th><th>"Finished"</th>
                    <th><span class="visually-hidden">"Details"</span></th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().zip(links).enumerate().map(|(i, (r, link))| view! {
                        <tr data-import-id=r.import_id.to_string() class:selected=move || selected.get() == Some(i)>
                            <td>{if r.owner_names.is_empty() { "—".to_string() } else { r.owner_names.clone() }}</td>
                            <td>{r.owner_external_id.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{r.target_name.clone()}<SandboxBadge environment=r.environment/></td>
                            <td>
                                <StatusBadge status=r.status/>
                                {(!r.status.is_finished()).then(|| view! { <small class="muted">{format!(" {}%", r.progress)}</small> })}
                            </td>
                            <td><span class=format!("badge decision-{}", r.decision.as_str())>{decision_label(r.decision)}</span></td>
                            <td data-testid="row-assignee">{match r.assignee_email.clone() {
                                Some(email) => view! { <span>{email}</span> }.into_any(),
                                None if can_assign => view! {
                                    <ActionForm action=assign attr:class="inline-form">
                                        <input type="hidden" name="import_id" value=r.import_id.to_string()/>
                                        <input type="hidden" name="assignee" value="me"/>
                                        <button type="submit" class="secondary small">"Assign to me"</button>
                                    </ActionForm>
                                }.into_any(),
                                None => view! { <span class="muted">"—"</span> }.into_any(),
                            }}</td>
                            <td class="num">{r.accounts_count}</td>
                            <td class="num">{r.transactions_count}</td>
                            <td>{format_instant(r.created_at)}</td>
                            <td>{r.finished_at.map(format_instant).unwrap_or_else(|| "—".into())}</td>
                            <td><a node_ref=link href=format!("/applications/{}", r.import_id)>"Open"</a></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A key typed into a search box or a note is text, not a queue command.
fn typing_in_a_field(e: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}
