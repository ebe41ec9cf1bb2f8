use crate::account::api::auth::{get_me, LogOut};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Page frame for the portal: header with navigation and the signed-in state, then the page.
#[component]
pub fn PortalPage(children: Children) -> impl IntoView {
    view! {
        <Header/>
        <main class="page">{children()}</main>
        <footer class="footer">"Insight — bank data import and review, self-hosted."</footer>
    }
}

#[component]
fn Header() -> impl IntoView {
    let location = use_location();
    // Refetch on every navigation so log-in and log-out show at once.
    let me = Resource::new(move || location.pathname.get(), |_| get_me());
    let logout = ServerAction::<LogOut>::new();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Insight"</a>
            <nav aria-label="Main">
                <a href="/banks">"Banks"</a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(Some(me)) => view! {
                                <a href="/dashboard">"Dashboard"</a>
                                {me.role.can_read_applications().then(|| view! { <a href="/applications">"Applications"</a> })}
                                <a href="/widget">"Widget"</a>
                                <a href="/settings">"Settings"</a>
                                <span class="who" title=me.email.clone()>{me.organisation_name.clone()}</span>
                                <ActionForm action=logout>
                                    <button type="submit" class="link-button">"Log out"</button>
                                </ActionForm>
                            }.into_any(),
                            _ => view! {
                                <a href="/login">"Log in"</a>
                                <a class="button small" href="/register">"Sign up"</a>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}
