//! An error shown where a page's content would be. On the server it also sets the response's status (the
//! one mapping, `AppError::status`), so a foreign or unknown id answers 404, not 200 with a "not found" text.
//! Only routes rendered with `SsrMode::Async` can still change their status when the error is known.

use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    set_status(error.status());
    let set_up = (error == AppError::TwoFactorSetupRequired)
        .then(|| view! { " " <a href="/settings/security?required=1">"Set up two-factor authentication"</a> });
    view! { <p class="form-error" role="alert">{error.to_string()}{set_up}</p> }
}

/// Sets the status of the server-rendered response.
#[cfg(feature = "ssr")]
pub fn set_status(status: u16) {
    if let (Some(response), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), axum::http::StatusCode::from_u16(status))
    {
        response.set_status(status);
    }
}

/// In the browser there is no response to set.
#[cfg(not(feature = "ssr"))]
pub fn set_status(_status: u16) {}
