use crate::components::layout::PortalPage;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <PortalPage>
            <h1>"Page not found"</h1>
            <p>"The page you asked for does not exist. "<a href="/">"Go to the start page"</a>"."</p>
        </PortalPage>
    }
}
