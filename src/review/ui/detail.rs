//! `/applications/:id`: one application — summary, owners, accounts, filterable transactions, the decision
//! panel with its history, and exports.

use super::analysis::AnalysisPanel;
use crate::components::error_view::ErrorMessage;
use crate::components::form::{field_error, form_error, last_error};
use crate::components::layout::PortalPage;
use crate::components::status::{format_instant, SandboxBadge, StatusBadge};
use crate::error::AppError;
use crate::imports::model::{Account, ErasureReason, Owner, Transaction, TransactionLabel};
use crate::review::api::{
    get_application, list_transactions, AddApplicationNote, AssignApplication, DecideApplication, EraseApplication,
};
use crate::review::model::views::{ApplicationDetail, TransactionPage};
use crate::shared::money::{display_amount, display_minor};
use crate::shared::ImportId;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use maud::{html, Markup};

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let import_id =
        move || params.with(|p| p.get("id").and_then(|id| id.parse::<ImportId>().ok()).unwrap_or(ImportId(-1)));
    let decide = ServerAction::<DecideApplication>::new();
    let erase = ServerAction::<EraseApplication>::new();
    let case =
        Case { note: ServerAction::<AddApplicationNote>::new(), assign: ServerAction::<AssignApplication>::new() };
    // Bumped by the poller while the import runs, so status and data refresh without a reload.
    let tick = RwSignal::new(0u32);
    let detail = Resource::new(
        move || {
            let case_version = case.note.version().get() + case.assign.version().get();
            (import_id(), tick.get(), decide.version().get() + erase.version().get() + case_version)
        },
        |(id, _, _)| get_application(id),
    );
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
            <p><a href="/applications">"← All applications"</a></p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => {
                            running.set(!d.summary.status.is_finished());
                            view! { <Detail d decide erase case/> }.into_any()
                        }
                        Err(e) => view! {
                            <h1>"Application not available"</h1>
                            <ErrorMessage error=e/>
                        }.into_any(),
                    }
                })}
            </Transition>
        </PortalPage>
    }
}

/// The case's two actions: a note, and who is on it.
#[derive(Clone, Copy)]
struct Case {
    note: ServerAction<AddApplicationNote>,
    assign: ServerAction<AssignApplication>,
}

#[component]
fn Detail(
    d: ApplicationDetail,
    decide: ServerAction<DecideApplication>,
    erase: ServerAction<EraseApplication>,
    case: Case,
) -> impl IntoView {
    // The large parts move out first, so the two panels' copies of `d` hold only the case's small fields.
    let mut d = d;
    let analysis = d.analysis.take();
    let analysis_html = std::mem::take(&mut d.analysis_html);
    let owners = std::mem::take(&mut d.owners);
    let accounts = std::mem::take(&mut d.accounts);
    let first_pages = std::mem::take(&mut d.first_pages);
    let s = d.summary.clone();
    let title = if s.owner_names.is_empty() { format!("Application #{}", s.import_id) } else { s.owner_names.clone() };
    let covered = d.dates_covered.clone().map(|(a, b)| format!("{a} – {b}")).unwrap_or_else(|| "—".into());
    view! {
        <h1>{title}</h1>
        <div class="grid">
            <section class="card">
                <h2>"Summary"</h2>
                <dl class="facts">
                    <dt>"Status"</dt>
                    <dd><span data-testid="import-status"><StatusBadge status=s.status/></span>
                        {(!s.status.is_finished()).then(|| view! { " "<progress max="100" value=s.progress.to_string()></progress>" "{format!("{}% · {}", s.progress, s.step)} })}
                    </dd>
                    <dt>"Bank"</dt><dd>{s.target_name.clone()}<SandboxBadge environment=s.environment/></dd>
                    <dt>"Your reference"</dt><dd>{s.owner_external_id.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Months requested"</dt><dd>{s.months_requested}</dd>
                    <dt>"Dates covered"</dt><dd data-testid="dates-covered">{covered}</dd>
                    <dt>"Accounts / transactions"</dt><dd>{format!("{} / {}", s.accounts_count, s.transactions_count)}</dd>
                    <dt>"Created"</dt><dd>{format_instant(s.created_at)}</dd>
                    <dt>"Finished"</dt><dd>{s.finished_at.map(format_instant).unwrap_or_else(|| "—".into())}</dd>
                    {s.error_code.clone().map(|code| view! {
                        <dt>"Problem"</dt>
                        <dd class="form-error">{format!("{code}: {}", s.error_message.clone().unwrap_or_default())}</dd>
                    })}
                </dl>
                <p class="actions">
                    <a class="button secondary small" href=format!("/applications/{}/export.json", s.import_id) rel="external">"Export JSON"</a>
                    <a class="button secondary small" href=format!("/applications/{}/export.csv", s.import_id) rel="external">"Export CSV"</a>
                </p>
            </section>
            <DecisionPanel d=d.clone() decide/>
        </div>
        <CasePanel d=d.clone() case/>
        {s.erased_at.map(|at| view! {
            <p class="notice" role="status" data-testid="erased">{format!(
                "The imported data was erased {} on {}. The decision history and the audit trail remain.",
                if s.erased_reason == Some(ErasureReason::Retention) { "(retention: older than the organisation's retention period)" } else { "on request" },
                format_instant(at),
            )}</p>
        })}
        {analysis.map(|analysis| view! { <AnalysisPanel analysis import_id=s.import_id written=analysis_html/> })}
        <section class="card" data-testid="owners">
            <h2>"Owners"</h2>
            {if owners.is_empty() { view! { <p class="muted">"No owners imported yet."</p> }.into_any() } else {
                view! { <div class="grid">{owners.into_iter().map(|o| view! { <OwnerCard o/> }).collect_view()}</div> }.into_any()
            }}
        </section>
        <section class="card" data-testid="accounts">
            <h2>"Accounts"</h2>
            {accounts.into_iter().zip(first_pages).map(|(a, first)| view! { <AccountCard import_id=s.import_id a first/> }).collect_view()}
        </section>
        {(d.can_erase && s.erased_at.is_none() && s.status.is_finished()).then(|| view! { <ErasePanel import_id=s.import_id erase/> })}
    }
}

/// Who is on the case and the team's notes, oldest first.
#[component]
fn CasePanel(d: ApplicationDetail, case: Case) -> impl IntoView {
    let import_id = d.summary.import_id.to_string();
    let assign_import_id = import_id.clone();
    let me_import_id = import_id.clone();
    let note_error = last_error(case.note.value());
    let assign_error = last_error(case.assign.value());
    let can_assign = !d.assignable.is_empty();
    let current = d.assignee.clone();
    view! {
        <section class="card" data-testid="case">
            <h2>"Case"</h2>
            <p>"Assigned to: "<strong data-testid="assignee">{d.assignee.clone().unwrap_or_else(|| "nobody".into())}</strong></p>
            {can_assign.then(move || view! {
                <ActionForm action=case.assign attr:class="inline-form">
                    <input type="hidden" name="import_id" value=me_import_id/>
                    <input type="hidden" name="assignee" value="me"/>
                    <button type="submit" class="small">"Assign to me"</button>
                </ActionForm>
            })}
            {d.next_unassigned.map(|next| view! {
                <p><a class="button secondary small" href=format!("/applications/{next}") data-testid="next-application">"Next application →"</a>
                " "<small class="muted">"the oldest one nobody is on yet"</small></p>
            })}
            {can_assign.then(move || view! {
                <ActionForm action=case.assign attr:class="inline-form">
                    <input type="hidden" name="import_id" value=assign_import_id/>
                    <label for="assignee">"Assign to"</label>
                    <select id="assignee" name="assignee">
                        <option value="">"Nobody"</option>
                        {d.assignable.iter().map(|a| {
                            let selected = current.as_deref() == Some(a.email.as_str());
                            view! { <option value=a.user_id.to_string() selected=selected>{a.email.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <button type="submit" class="secondary small">"Assign"</button>
                    <p class="field-error" role="alert">{move || field_error(assign_error, "assignee").get().or_else(|| form_error(assign_error).get())}</p>
                </ActionForm>
            })}
            <h3>"Notes"</h3>
            {if d.notes.is_empty() {
                view! { <p class="muted">"No notes yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="history" data-testid="notes">
                        {d.notes.iter().map(|n| view! {
                            <li>{n.author_email.clone()}" · "{format_instant(n.created_at)}<p class="note">{n.body.clone()}</p></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=case.note>
                <input type="hidden" name="import_id" value=import_id/>
                <div class="field">
                    <label for="case-note">"Add a note"</label>
                    <textarea id="case-note" name="note" placeholder="What you checked, what is missing, who to ask."></textarea>
                    <p class="field-error" role="alert">{move || field_error(note_error, "note").get()}</p>
                </div>
                <p class="form-error" role="alert">{move || form_error(note_error).get().filter(|_| field_error(note_error, "note").get().is_none())}</p>
                <button type="submit" class="secondary">"Add note"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ErasePanel(import_id: ImportId, erase: ServerAction<EraseApplication>) -> impl IntoView {
    let error = last_error(erase.value());
    view! {
        <section class="card">
            <h2>"Erase imported data"</h2>
            <p>"On the applicant's request, delete the owners, accounts and transactions of this application. The decision history and the audit trail stay. This cannot be undone."</p>
            <ActionForm action=erase>
                <input type="hidden" name="import_id" value=import_id.to_string()/>
                <div class="check">
                    <input id="confirm-erase" type="checkbox" name="confirm" value="erase"/>
                    <label for="confirm-erase">"I understand that the imported data will be deleted"</label>
                </div>
                <p class="field-error" role="alert">{move || field_error(error, "confirm").get().or_else(|| form_error(error).get().filter(|_| field_error(error, "confirm").get().is_none()))}</p>
                <button type="submit" class="danger">"Erase imported data"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DecisionPanel(d: ApplicationDetail, decide: ServerAction<DecideApplication>) -> impl IntoView {
    let import_id = d.summary.import_id;
    let note = RwSignal::new(String::new());
    let error = last_error(decide.value());
    let finished = d.summary.status.is_finished();
    let submit = move |decision: &'static str| {
        decide.dispatch(DecideApplication { import_id, decision: decision.into(), note: note.get_untracked() });
    };
    Effect::new(move |_| {
        if matches!(decide.value().get(), Some(Ok(()))) {
            note.set(String::new());
        }
    });
    let request = d.approval_request.clone();
    let own_request = request.as_ref().is_some_and(|r| r.by_viewer);
    let other_request = request.as_ref().is_some_and(|r| !r.by_viewer);
    let approve_label = match (&request, d.second_approval_required) {
        (Some(_), _) => "Confirm approval",
        (None, true) => "Approve (needs a second reviewer)",
        (None, false) => "Approve",
    };
    let busy = move || decide.pending().get() || !finished;
    view! {
        <section class="card decision-panel">
            <h2>"Decision"</h2>
            <p>"Current decision: "<strong data-testid="decision">{d.summary.decision.as_str()}</strong></p>
            {request.clone().map(|r| view! {
                <div class="notice" role="status" data-testid="approval-request">
                    <p>{format!("Approved by {} on {}; awaiting a second approval.", r.approver_email, format_instant(r.requested_at))}</p>
                    {(!r.note.is_empty()).then(|| view! { <p class="note">{r.note.clone()}</p> })}
                    {r.by_viewer.then(|| view! { <p class="hint">"A different reviewer or admin must confirm your approval or send it back."</p> })}
                </div>
            })}
            {if d.can_decide {
                view! {
                    <div class="field">
                        <label for="note">"Note"</label>
                        <textarea id="note" name="note" bind:value=note placeholder="Why? Required to reject or send back."></textarea>
                        <p class="field-error" role="alert">{move || field_error(error, "note").get()}</p>
                    </div>
                    <p class="form-error" role="alert">{move || form_error(error).get().filter(|_| field_error(error, "note").get().is_none())}</p>
                    {(!finished).then(|| view! { <p class="hint">"You can decide once the import has finished."</p> })}
                    <div class="actions">
                        <button type="button" disabled=move || busy() || own_request on:click=move |_| submit("approve")>{approve_label}</button>
                        {other_request.then(|| view! {
                            <button type="button" class="secondary" disabled=busy on:click=move |_| submit("send_back")>"Send back"</button>
                        })}
                        <button type="button" class="danger" disabled=busy on:click=move |_| submit("reject")>"Reject"</button>
                    </div>
                }.into_any()
            } else {
                view! { <p class="hint">"Your role can see applications but not decide them."</p> }.into_any()
            }}
            <h3>"History"</h3>
            {if d.decisions.is_empty() {
                view! { <p class="muted">"No decisions yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="history" data-testid="decision-history">
                        {d.decisions.iter().map(|h| view! {
                            <li>
                                <strong>{h.to.as_str()}</strong>" by "{h.reviewer_email.clone()}" · "{format_instant(h.created_at)}
                                <br/><small class="muted">{format!("{} → {}", h.from.as_str(), h.to.as_str())}
                                    {h.first_approver.clone().map(|first| format!(" · second approval of {first}'s"))}</small>
                                {(!h.note.is_empty()).then(|| view! { <p class="note">{h.note.clone()}</p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
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
fn OwnerCard(o: Owner) -> impl IntoView {
    view! {
        <div>
            <h3>{o.name.clone()}</h3>
            <dl class="facts">
                {fact("Kind", Some(o.kind.to_string()))}
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

/// The filters a reviewer applied to one account's table.
#[derive(Clone, Default, PartialEq)]
struct Applied {
    text: String,
    from: String,
    to: String,
    min: String,
    max: String,
    sort: String,
}

#[component]
fn AccountCard(import_id: ImportId, a: Account, first: TransactionPage) -> impl IntoView {
    let account_id = a.account_id;
    let page = RwSignal::new(0i64);
    let (text, from, to, min, max, sort) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    // The first page comes with the application; later pages and filters are fetched from the browser into
    // plain signals (no resource is created inside the page's Suspense, which can stall streamed SSR).
    let rows = RwSignal::new(Ok::<TransactionPage, AppError>(first));
    let loading = RwSignal::new(false);
    // `step`: +1 for the next page, -1 for the previous one, 0 for the first page under new filters.
    let fetch = move |step: i64, f: Applied| {
        let (after, before) = match (step, rows.get_untracked()) {
            (1, Ok(p)) => (p.next, None),
            (-1, Ok(p)) => (None, p.previous),
            _ => (None, None),
        };
        loading.set(true);
        leptos::task::spawn_local(async move {
            let opt = |s: String| (!s.trim().is_empty()).then_some(s);
            let result = list_transactions(
                import_id,
                account_id,
                after,
                before,
                opt(f.from),
                opt(f.to),
                opt(f.min),
                opt(f.max),
                opt(f.text),
                opt(f.sort),
            )
            .await;
            rows.set(result);
            page.update(|p| *p = if step == 0 { 0 } else { *p + step });
            loading.set(false);
        });
    };
    let applied = move || Applied {
        text: text.get(),
        from: from.get(),
        to: to.get(),
        min: min.get(),
        max: max.get(),
        sort: sort.get(),
    };
    let currency = a.currency.clone();
    let owners = a.owners.iter().map(|o| format!("{} ({})", o.name, o.kind)).collect::<Vec<_>>().join(", ");
    let id = |f: &str| format!("{f}-{account_id}");
    view! {
        <article class="account">
            <h3>{a.friendly_name.clone().unwrap_or_else(|| a.name.clone())}</h3>
            <dl class="facts">
                <dt>"IBAN"</dt><dd><code data-testid="account-iban">{a.iban.clone()}</code></dd>
                <dt>"Balance"</dt><dd>{display_amount(a.balance_minor, &a.currency)}</dd>
                <dt>"Available"</dt><dd>{display_amount(a.funds_available_minor, &a.currency)}</dd>
                <dt>"Active since at least"</dt><dd>{a.active_since_at_least.clone()}</dd>
                <dt>"Owners"</dt><dd>{owners}</dd>
                <dt>"Transactions"</dt><dd>{a.transactions_count}{a.partial_due_to_timeout.0.then_some(" (partial: the bank stopped answering)")}</dd>
            </dl>
            <form class="filters" on:submit=move |ev| {
                ev.prevent_default();
                fetch(0, applied());
            }>
                <div class="field grow"><label for=id("text")>"Text"</label><input id=id("text") type="search" bind:value=text/></div>
                <div class="field"><label for=id("from")>"From"</label><input id=id("from") type="date" bind:value=from/></div>
                <div class="field"><label for=id("to")>"To"</label><input id=id("to") type="date" bind:value=to/></div>
                <div class="field"><label for=id("min")>"Min amount"</label><input id=id("min") inputmode="decimal" bind:value=min/></div>
                <div class="field"><label for=id("max")>"Max amount"</label><input id=id("max") inputmode="decimal" bind:value=max/></div>
                <div class="field"><label for=id("sort")>"Sort"</label>
                    <select id=id("sort") on:change=move |ev| sort.set(event_target_value(&ev))>
                        <option value="newest">"Newest first"</option>
                        <option value="oldest">"Oldest first"</option>
                        <option value="largest">"Largest amount"</option>
                        <option value="smallest">"Smallest amount"</option>
                    </select>
                </div>
                <div class="field actions-end"><button type="submit">"Filter"</button></div>
            </form>
            {move || {
                match rows.get() {
                    Ok(p) => {
                        let (has_next, has_previous) = (p.next.is_some(), p.previous.is_some());
                        let empty = p.rows.is_empty();
                        view! {
                            <div class="table-wrap" aria-busy=move || loading.get().to_string()>
                                <table data-testid="transactions">
                                    <thead><tr>
                                        <th>"Date"</th><th class="num">"Amount"</th><th>"Title"</th><th>"Party"</th>
                                        <th>"Kind"</th><th class="num">"Balance after"</th><th>"Status"</th>
                                    </tr></thead>
                                    <tbody inner_html=transaction_rows_html(&p.rows, &currency)></tbody>
                                </table>
                            </div>
                            {empty.then(|| view! { <p class="muted">"No transactions match these filters."</p> })}
                            <div class="pager">
                                <button type="button" class="secondary" disabled=move || !has_previous || loading.get()
                                    on:click=move |_| fetch(-1, applied())>"Newer"</button>
                                <span>{move || format!("Page {}", page.get() + 1)}</span>
                                <button type="button" class="secondary" disabled=move || !has_next || loading.get()
                                    on:click=move |_| fetch(1, applied())>"Older"</button>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            }}
        </article>
    }
}

/// The rows of an account's page of transactions. Like the analysis panel they are read-only markup, written
/// as one escaped string (`maud`): 50 rows of a view tree built, rendered and dropped on every view cost more
/// than the string. Paging and filters replace the whole body.
fn transaction_rows_html(rows: &[Transaction], currency: &str) -> String {
    html! {
        @for t in rows {
            tr {
                td { (t.transaction_on) }
                td class=(if t.amount_minor < 0 { "num amount neg" } else { "num amount pos" }) {
                    (display_amount(t.amount_minor, currency))
                }
                td { (t.title) }
                td { (t.party.as_deref().unwrap_or_default()) br; small.muted { (t.party_iban.as_deref().unwrap_or_default()) } }
                td { (t.kind) br; (label_list(&t.labels)) }
                td.num { (t.balance_after_minor.map(display_minor).unwrap_or_default()) }
                td { (t.status.as_str()) }
            }
        }
    }
    .into_string()
}

/// A transaction's labels, each with the rule that gave it as its tooltip.
pub fn label_list(labels: &[TransactionLabel]) -> Markup {
    html! {
        small.muted.labels {
            @for l in labels { span title=(format!("rule: {}", l.rule)) data-rule=(l.rule) { (l.label) } " " }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imports::model::TxStatus;

    #[test]
    fn transaction_rows_escape_the_banks_texts_and_show_each_label_with_its_rule() {
        let t = Transaction {
            transaction_on: "2026-01-31".into(),
            booked_on: None,
            amount_minor: -123_456,
            balance_after_minor: Some(5),
            title: "<script>alert(1)</script>".into(),
            party: Some("Smith & \"Sons\"".into()),
            party_iban: None,
            kind: "PRZELEW".into(),
            status: TxStatus::Done,
            labels: vec![TransactionLabel { label: "obligations:rent".into(), rule: "rent".into() }],
        };
        let html = transaction_rows_html(&[t], "PLN");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("Smith &amp; &quot;Sons&quot;"), "{html}");
        assert!(html.contains("<td class=\"num amount neg\">-1\u{a0}234.56 PLN</td>"), "{html}");
        assert!(html.contains("<span title=\"rule: rent\" data-rule=\"rent\">obligations:rent</span>"), "{html}");
        assert!(html.contains("<td>DONE</td>"), "{html}");
    }
}
