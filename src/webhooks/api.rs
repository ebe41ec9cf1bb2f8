//! Server functions of `/settings/webhooks` (admins and technicians).

use super::model::{AddedEndpoint, EndpointListing};
use crate::error::AppResult;
use leptos::prelude::*;

/// The organisation's endpoints, each with its delivery log.
#[server(prefix = "/api", endpoint = "webhooks/list")]
pub async fn list_webhooks() -> AppResult<Vec<EndpointListing>> {
    use crate::account::server::current_user;
    use crate::platform::state::AppState;
    use crate::shared::Role;
    let member = current_user::require_role(Role::can_configure_widget).await?;
    let state = AppState::from_context()?;
    Ok(crate::webhooks::server::endpoints::list(&state.db, member.organisation_id).await?)
}

/// Adds an endpoint for the ticked events; returns its signing secret, shown this once.
#[server(prefix = "/api", endpoint = "webhooks/add")]
pub async fn add_webhook(
    url: String,
    import_succeeded: Option<String>,
    import_partial: Option<String>,
    import_failed: Option<String>,
    application_decided: Option<String>,
    application_erased: Option<String>,
) -> AppResult<AddedEndpoint> {
    use crate::account::server::current_user;
    use crate::error::FieldErrors;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    use crate::webhooks::model::EventType;
    use crate::webhooks::server::{address, endpoints};
    let member = current_user::require_role(Role::can_configure_widget).await?;
    let state = AppState::from_context()?;
    let mut errors = FieldErrors::new();
    let url = address::check_url(&url, &state.settings.webhooks).map_err(|m| errors.add("url", m)).ok();
    let ticked = [import_succeeded, import_partial, import_failed, application_decided, application_erased];
    let events: Vec<EventType> = EventType::SUBSCRIBABLE
        .into_iter()
        .zip(ticked)
        .filter(|(_, on)| on.as_deref().is_some_and(|v| !v.is_empty()))
        .map(|(e, _)| e)
        .collect();
    if events.is_empty() {
        errors.add("events", "Tick at least one event to send.");
    }
    let Some(url) = url.filter(|_| errors.is_empty()) else { return Err(crate::error::AppError::Invalid(errors)) };
    let (endpoint_id, secret) =
        endpoints::add(&state.db, &member, url.as_str(), &events, request::client_ip().await).await?;
    Ok(AddedEndpoint { endpoint_id, secret })
}

#[server(prefix = "/api", endpoint = "webhooks/remove")]
pub async fn remove_webhook(endpoint_id: i64) -> AppResult<()> {
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let member = current_user::require_role(Role::can_configure_widget).await?;
    let state = AppState::from_context()?;
    let ip = request::client_ip().await;
    crate::webhooks::server::endpoints::remove(&state.db, &member, endpoint_id, ip)
        .await?
        .then_some(())
        .ok_or(AppError::NotFound)
}

/// Queues a `webhook.test` message for one endpoint; the worker sends it within a second.
#[server(prefix = "/api", endpoint = "webhooks/test")]
pub async fn send_test_webhook(endpoint_id: i64) -> AppResult<()> {
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::state::AppState;
    use crate::shared::Role;
    let member = current_user::require_role(Role::can_configure_widget).await?;
    let state = AppState::from_context()?;
    crate::webhooks::server::endpoints::send_test(&state.db, member.organisation_id, endpoint_id)
        .await?
        .then_some(())
        .ok_or(AppError::NotFound)
}

/// Sends a message again, with the same `webhook-id` and body.
#[server(prefix = "/api", endpoint = "webhooks/redeliver")]
pub async fn redeliver_webhook(message_id: i64) -> AppResult<()> {
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::state::AppState;
    use crate::shared::Role;
    let member = current_user::require_role(Role::can_configure_widget).await?;
    let state = AppState::from_context()?;
    crate::webhooks::server::endpoints::redeliver(&state.db, member.organisation_id, message_id)
        .await?
        .then_some(())
        .ok_or(AppError::NotFound)
}
