use crate::components::layout::PortalPage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Insight — import your applicants' bank data"/>
        <PortalPage>
            <section class="hero">
                <h1>"Your applicants' bank data, without a bank integration"</h1>
                <p class="lead">
                    "Insight lets your end users connect their bank in a widget on your website. "
                    "Owners, accounts and transactions are imported automatically and appear here "
                    "for your compliance team to review, approve or reject. Self-hosted: the data never "
                    "leaves your servers."
                </p>
                <div class="actions">
                    <a class="button" href="/register">"Create an account"</a>
                    <a class="button secondary" href="/login">"Log in"</a>
                </div>
            </section>
            <section class="steps">
                <h2>"How it works"</h2>
                <ol>
                    <li><strong>"Register"</strong>" and get your Client ID."</li>
                    <li><strong>"Embed the SignIn Widget"</strong>" on your website and choose how many months of history you need."</li>
                    <li><strong>"Your applicant authorises"</strong>" at their bank; the import starts by itself."</li>
                    <li><strong>"Review"</strong>" owners, accounts and transactions here, and approve or reject."</li>
                </ol>
            </section>
        </PortalPage>
    }
}
