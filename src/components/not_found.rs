use crate::components::layout::PortalPage;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    super::error_view::set_status(404);
    view! {
        <PortalPage>
            <h1>"Page not found"</h1>
            <p>"The page you asked for does not exist. "<a href="/">"Go to the start page"</a>"."</p>
        </PortalPage>
    }
}
