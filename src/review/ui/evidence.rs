//! `/applications/:id/evidence?…`: the transactions behind one figure of the analysis, across the
//! application's accounts, with their count and sum — the same filter in the URL, so the link can be shared.

use crate::components::error_view::ErrorMessage;
use crate::components::layout::PortalPage;
use crate::review::api::get_evidence;
use crate::review::model::evidence::{EvidenceFilter, EvidenceRow, EVIDENCE_ROWS};
use crate::shared::money::display_amount;
use crate::shared::query::encode;
use crate::shared::ImportId;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use maud::html;

#[component]
pub fn EvidencePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let import_id =
        move || params.with(|p| p.get("id").and_then(|id| id.parse::<ImportId>().ok()).unwrap_or(ImportId(-1)));
    let raw_query = move || {
        query.with(|q| {
            EvidenceFilter::KEYS
                .iter()
                .filter_map(|k| q.get(k).map(|v| format!("{k}={}", encode(&v))))
                .collect::<Vec<_>>()
                .join("&")
        })
    };
    let page = Resource::new(move || (import_id(), raw_query()), |(id, q)| get_evidence(id, q));
    view! {
        <Title text="Evidence — Insight"/>
        <PortalPage>
            <p><a href=move || format!("/applications/{}", import_id())>"← Back to the application"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => {
                            let currency = p.currency.clone();
                            let shown = p.rows.len() as i64;
                            view! {
                                <h1 data-testid="evidence-title">{p.description.clone()}</h1>
                                <p data-testid="evidence-total">
                                    <strong>{display_amount(p.total_minor, &p.currency)}</strong>
                                    {format!(" in {} transaction{}", p.count, if p.count == 1 { "" } else { "s" })}
                                </p>
                                {(p.count > shown).then(|| view! {
                                    <p class="hint">{format!("Listed {EVIDENCE_ROWS} at a time, newest first; the total counts all {}.", p.count)}</p>
                                })}
                                <div class="table-wrap">
                                    <table data-testid="evidence">
                                        <thead><tr>
                                            <th>"Date"</th><th class="num">"Amount"</th><th>"Title"</th><th>"Party"</th>
                                            <th>"Kind"</th><th>"Account"</th>
                                        </tr></thead>
                                        <tbody inner_html=evidence_rows_html(&p.rows, &currency)></tbody>
                                    </table>
                                </div>
                                {(shown == 0).then(|| view! { <p class="muted">"No transactions stand behind this figure."</p> })}
                                <nav class="pager" aria-label="Pages">
                                    {p.next_query.clone().map(|q| view! { <a href=format!("/applications/{}/evidence?{q}", import_id())>"Older"</a> })}
                                </nav>
                            }.into_any()
                        }
                        Err(e) => view! { <h1>"Evidence not available"</h1><ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </PortalPage>
    }
}

/// The listed transactions, written as one escaped string like the application page's rows.
fn evidence_rows_html(rows: &[EvidenceRow], currency: &str) -> String {
    html! {
        @for r in rows {
            @let t = &r.transaction;
            tr {
                td { (t.transaction_on) }
                td class=(if t.amount_minor < 0 { "num amount neg" } else { "num amount pos" }) data-minor=(t.amount_minor) {
                    (display_amount(t.amount_minor, currency))
                }
                td { (t.title) }
                td { (t.party.as_deref().unwrap_or_default()) br; small.muted { (t.party_iban.as_deref().unwrap_or_default()) } }
                td { (t.kind) br; (super::detail::label_list(&t.labels)) }
                td { code { (r.account_iban) } }
            }
        }
    }
    .into_string()
}
