//! `/banks`: the coverage page, public, with the sandbox's test logins.

use super::api::list_banks;
use super::model::Environment;
use crate::components::error_view::ErrorMessage;
use crate::components::layout::PortalPage;
use crate::psd2_sandbox::model::{PSU_SCENARIOS, TARGET_ID};
use leptos::prelude::*;
use leptos_meta::Title;

const TEST_LOGINS: [(&str, &str, &str); 11] = [
    ("test", "Test123", "Succeeds without a one-time code. Owner Jan Kowalski (on the business bank: Kowalski Trading sp. z o.o.), a current and a savings account, about 24 months of history."),
    ("test-sca", "Test123", "Asks for a one-time code: 123456 is right; three wrong codes block access for a while."),
    ("test-joint", "Test123", "Like test; the current account has a co-owner, Anna Kowalska."),
    ("test-risky", "Test123", "An applicant a lender must look at twice: bets and a payday loan, a debt collector, a returned direct debit, large cash withdrawals, days below zero; no savings account."),
    ("test-large", "Test123", "One account with 100,000 transactions over the last 24 months."),
    ("test-slow", "Test123", "Every page the bank returns takes half a second, so progress is visible."),
    ("test-flaky", "Test123", "The bank fails on the first two transaction pages; the import retries and succeeds."),
    ("test-timeout", "Test123", "The bank stops answering half-way through the history; the import ends partial."),
    ("test-blocked", "any", "Access blocked by the bank."),
    ("test-down", "any", "The bank is temporarily unavailable at login."),
    ("anything else", "any", "Invalid credentials; the user can try again."),
];

#[component]
pub fn BanksPage() -> impl IntoView {
    let banks = Resource::new(|| (), |_| list_banks());
    view! {
        <Title text="Banks — Insight"/>
        <PortalPage>
            <h1>"Banks"</h1>
            <p>"The banks your applicants can connect through the SignIn Widget, and the data each one offers."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match banks.await {
                        Ok(list) => {
                            let sandbox = list.iter().any(|b| b.environment == Environment::Sandbox && b.id.starts_with("demo-"));
                            let psd2_sandbox = list.iter().any(|b| b.id == TARGET_ID);
                            view! {
                            {list.is_empty().then(|| view! { <p class="muted">"No banks are offered on this installation yet."</p> })}
                            <div class="table-wrap">
                                <table data-testid="banks">
                                    <thead><tr>
                                        <th>"Bank"</th><th>"Country"</th><th>"Currency"</th><th>"Data"</th>
                                        <th>"Authentication"</th><th>"Status"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|b| view! {
                                            <tr data-target=b.id.clone()>
                                                <td>{b.name}{(b.environment == Environment::Sandbox).then(|| view! { " " <span class="badge sandbox">"Sandbox"</span> })}<br/><small class="muted"><code>{b.id.clone()}</code></small></td>
                                                <td>{b.country}</td>
                                                <td>{b.currency}</td>
                                                <td>{b.data.join(", ")}</td>
                                                <td>{b.authentication}</td>
                                                <td><span class=format!("badge {}", b.status)>{b.status.clone()}</span></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {sandbox.then(demo_bank_guide)}
                            {psd2_sandbox.then(psd2_sandbox_guide)}
                        }.into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </PortalPage>
    }
}

/// The sandbox guide: the Demo Bank's documented logins (shown only where the Demo Bank is offered).
fn demo_bank_guide() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Try it with the Demo Bank"</h2>
            <p>"The Insight Demo Bank targets are a sandbox that ships with Insight: they behave like real banks with generated, realistic data, the same for the same login every time. Use these logins in the widget:"</p>
            <div class="table-wrap">
                <table data-testid="test-logins">
                    <thead><tr><th>"Login"</th><th>"Password"</th><th>"What happens"</th></tr></thead>
                    <tbody>
                        {TEST_LOGINS.iter().map(|(login, password, what)| view! {
                            <tr><td><code>{*login}</code></td><td><code>{*password}</code></td><td>{*what}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The PSD2 sandbox bank's scenario PSU ids (shown where it is offered).
fn psd2_sandbox_guide() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Try redirect SCA with the Insight PSD2 Sandbox"</h2>
            <p>"The Insight PSD2 Sandbox is a bank that speaks the Berlin Group NextGenPSD2 API, as real PSD2 banks do: the widget opens the bank's own page, where you type a PSU ID and any password and press Approve or Cancel. Each PSU ID behaves differently:"</p>
            <div class="table-wrap">
                <table data-testid="psu-ids">
                    <thead><tr><th>"PSU ID"</th><th>"What happens"</th></tr></thead>
                    <tbody>
                        {PSU_SCENARIOS.iter().map(|(id, what)| view! {
                            <tr><td><code>{*id}</code></td><td>{*what}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
