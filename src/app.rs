//! The HTML shell and the route table.

use crate::account::ui::{
    audit::AuditPage,
    auth::{LoginCodePage, LoginPage, LogoutPage, RegisterPage},
    security::SecurityPage,
    settings::SettingsPage,
    team::{InvitePage, TeamPage},
};
use crate::banks::ui::BanksPage;
use crate::components::stylesheet::SiteStylesheet;
use crate::components::{home::HomePage, not_found::NotFoundPage};
use crate::integrations::ui::ApiKeysPage;
use crate::review::ui::{
    dashboard::DashboardPage, detail::ApplicationPage, evidence::EvidencePage, queue::ApplicationsPage,
};
use crate::webhooks::ui::WebhooksPage;
use crate::widget::ui::settings::WidgetSettingsPage;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <SiteStylesheet options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Tests and scripts wait for this marker before clicking, so they exercise the hydrated app.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Title text="Insight"/>
        <div id="app" data-hydrated=move || if hydrated.get() { "yes" } else { "no" }>
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/register") view=RegisterPage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/login/code") view=LoginCodePage/>
                    <Route path=path!("/settings/security") view=SecurityPage/>
                    <Route path=path!("/logout") view=LogoutPage/>
                    <Route path=path!("/dashboard") view=DashboardPage/>
                    <Route path=path!("/banks") view=BanksPage/>
                    <Route path=path!("/settings") view=SettingsPage/>
                    <Route path=path!("/widget") view=WidgetSettingsPage/>
                    <Route path=path!("/applications") view=ApplicationsPage/>
                    // Rendered once their data is known, so a foreign id or a missing role gets its real status.
                    <Route path=path!("/applications/:id") view=ApplicationPage ssr=SsrMode::Async/>
                    <Route path=path!("/applications/:id/evidence") view=EvidencePage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/team") view=TeamPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/api-keys") view=ApiKeysPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/webhooks") view=WebhooksPage ssr=SsrMode::Async/>
                    <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async/>
                </Routes>
            </Router>
        </div>
    }
}
