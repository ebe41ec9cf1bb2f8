//! `/applications/:id`: one imported application — status, owners, accounts and transactions.

use crate::api::applications::{get_application, list_transactions, ApplicationDetail};
use crate::components::layout::PortalPage;
use crate::components::status::{format_instant, StatusBadge};
use crate::domain::application::{AccountView, OwnerView};
use crate::domain::money::display_minor;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let import_id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(-1));
    // Bumped by the poller while the import runs, so status and data refresh without a reload.
    let tick = RwSignal::new(0u32);
    let detail = Resource::new(move || (import_id(), tick.get()), |(id, _)| get_application(id));
    let running = RwSignal::new(false);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if running.get_untracked() {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_millis(1000),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <Title text="Application — Insight"/>
        <PortalPage>
            <p><a href="/dashboard">"← All applications"</a></p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => {
                            running.set(!d.summary.status.is_finished());
                            view! { <Detail d/> }.into_any()
                        }
                        Err(e) => view! {
                            <h1>"Application not available"</h1>
                            <p class="form-error" role="alert">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </PortalPage>
    }
}

#[component]
fn Detail(d: ApplicationDetail) -> impl IntoView {
    let s = d.summary.clone();
    let title = if s.owner_names.is_empty() { format!("Application #{}", s.import_id) } else { s.owner_names.clone() };
    view! {
        <h1>{title}</h1>
        <section class="card">
            <dl class="facts">
                <dt>"Status"</dt>
                <dd><span data-testid="import-status"><StatusBadge status=s.status/></span>
                    {(!s.status.is_finished()).then(|| view! { " "<progress max="100" value=s.progress.to_string()></progress>" "{format!("{}% · {}", s.progress, s.step)} })}
                </dd>
                <dt>"Bank"</dt><dd>{s.target_name.clone()}</dd>
                <dt>"Your reference"</dt><dd>{s.owner_external_id.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Months requested"</dt><dd>{s.months_requested}</dd>
                <dt>"Accounts / transactions"</dt><dd>{format!("{} / {}", s.accounts_count, s.transactions_count)}</dd>
                <dt>"Created"</dt><dd>{format_instant(s.created_at)}</dd>
                <dt>"Finished"</dt><dd>{s.finished_at.map(format_instant).unwrap_or_else(|| "—".into())}</dd>
                {s.error_code.clone().map(|code| view! {
                    <dt>"Problem"</dt>
                    <dd class="form-error">{format!("{code}: {}", s.error_message.clone().unwrap_or_default())}</dd>
                })}
            </dl>
        </section>
        <section class="card" data-testid="owners">
            <h2>"Owners"</h2>
            {if d.owners.is_empty() { view! { <p class="muted">"No owners imported yet."</p> }.into_any() } else {
                view! { <div class="grid">{d.owners.iter().cloned().map(|o| view! { <Owner o/> }).collect_view()}</div> }.into_any()
            }}
        </section>
        <section class="card" data-testid="accounts">
            <h2>"Accounts"</h2>
            {d.accounts.iter().cloned().map(|a| view! { <Account import_id=s.import_id a/> }).collect_view()}
        </section>
    }
}

fn fact(label: &'static str, value: Option<String>) -> impl IntoView {
    view! {
        <dt>{label}</dt>
        <dd>{match value {
            Some(v) => view! { <span>{v}</span> }.into_any(),
            None => view! { <span class="absent">"not provided"</span> }.into_any(),
        }}</dd>
    }
}

#[component]
fn Owner(o: OwnerView) -> impl IntoView {
    view! {
        <div>
            <h3>{o.name.clone()}</h3>
            <dl class="facts">
                {fact("Kind", Some(o.kind.clone()))}
                {fact("Address", o.address.clone())}
                {fact("PESEL", o.polish_pesel.clone())}
                {fact("NIP", o.polish_nip.clone())}
                {fact("REGON", o.polish_regon.clone())}
                {fact("Email", o.email.clone())}
                {fact("Phone", o.phone.clone())}
                {fact("Citizenship", o.citizenship.clone())}
                {fact("Document", o.personal_document_type.clone().map(|t| format!("{t} {}", o.personal_document_number.clone().unwrap_or_default())))}
                {fact("Birth date", o.birth_date.clone())}
            </dl>
        </div>
    }
}

#[component]
fn Account(import_id: i64, a: AccountView) -> impl IntoView {
    let page = RwSignal::new(0i64);
    let account_id = a.account_id;
    let rows = Resource::new(move || page.get(), move |p| list_transactions(import_id, account_id, p));
    let currency = a.currency.clone();
    let owners = a.owners.iter().map(|o| format!("{} ({})", o.name, o.kind)).collect::<Vec<_>>().join(", ");
    view! {
        <article class="account">
            <h3>{a.friendly_name.clone().unwrap_or_else(|| a.name.clone())}</h3>
            <dl class="facts">
                <dt>"IBAN"</dt><dd><code>{a.iban.clone()}</code></dd>
                <dt>"Balance"</dt><dd>{format!("{} {}", display_minor(a.balance_minor), a.currency)}</dd>
                <dt>"Available"</dt><dd>{format!("{} {}", display_minor(a.funds_available_minor), a.currency)}</dd>
                <dt>"Active since at least"</dt><dd>{a.active_since_at_least.clone()}</dd>
                <dt>"Owners"</dt><dd>{owners}</dd>
                <dt>"Transactions"</dt><dd>{a.transactions_count}{a.partial_due_to_timeout.then_some(" (partial: the bank stopped answering)")}</dd>
            </dl>
            <Transition fallback=|| view! { <p>"Loading transactions…"</p> }>
                {move || {
                    let currency = currency.clone();
                    Suspend::new(async move {
                        match rows.await {
                            Ok(p) => {
                                let has_next = p.has_next;
                                view! {
                                    <div class="table-wrap">
                                        <table data-testid="transactions">
                                            <thead><tr>
                                                <th>"Date"</th><th class="num">"Amount"</th><th>"Title"</th><th>"Party"</th>
                                                <th>"Kind"</th><th class="num">"Balance after"</th><th>"Status"</th>
                                            </tr></thead>
                                            <tbody>
                                                {p.rows.into_iter().map(|t| {
                                                    let sign = if t.amount_minor < 0 { "amount neg" } else { "amount pos" };
                                                    view! { <tr>
                                                        <td>{t.transaction_on}</td>
                                                        <td class=format!("num {sign}")>{format!("{} {}", display_minor(t.amount_minor), currency)}</td>
                                                        <td>{t.title}</td>
                                                        <td>{t.party.unwrap_or_default()}<br/><small class="muted">{t.party_iban.unwrap_or_default()}</small></td>
                                                        <td>{t.kind}</td>
                                                        <td class="num">{t.balance_after_minor.map(display_minor).unwrap_or_default()}</td>
                                                        <td>{t.status}</td>
                                                    </tr> }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                    <div class="pager">
                                        <button type="button" class="secondary" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p -= 1)>"Newer"</button>
                                        <span>{move || format!("Page {}", page.get() + 1)}</span>
                                        <button type="button" class="secondary" disabled=!has_next on:click=move |_| page.update(|p| *p += 1)>"Older"</button>
                                    </div>
                                }.into_any()
                            }
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </article>
    }
}
