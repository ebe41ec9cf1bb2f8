//! Server functions of the API keys page (admins and technicians).

use super::model::ApiKeyListing;
use crate::error::AppResult;
use crate::shared::ApiKeyId;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "api-keys/list")]
pub async fn list_api_keys() -> AppResult<Vec<ApiKeyListing>> {
    use crate::account::server::current_user;
    use crate::platform::state::AppState;
    use crate::shared::Role;
    let member = current_user::require_role(Role::can_configure_widget).await?;
    let state = AppState::from_context()?;
    Ok(super::server::keys::list(&state.db, member.organisation_id).await?)
}

/// Creates a key and returns it: the only time it is shown.
#[server(prefix = "/api", endpoint = "api-keys/create")]
pub async fn create_api_key(name: String) -> AppResult<String> {
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let member = current_user::require_role(Role::can_create_api_keys).await?;
    let name = super::model::parse_key_name(&name).map_err(|m| AppError::invalid("name", m))?;
    let state = AppState::from_context()?;
    Ok(super::server::keys::create(&state.db, &member, &name, request::client_ip().await).await?)
}

#[server(prefix = "/api", endpoint = "api-keys/revoke")]
pub async fn revoke_api_key(api_key_id: ApiKeyId) -> AppResult<()> {
    use crate::account::server::current_user;
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let member = current_user::require_role(Role::can_configure_widget).await?;
    let state = AppState::from_context()?;
    super::server::keys::revoke(&state.db, &member, api_key_id, request::client_ip().await)
        .await?
        .then_some(())
        .ok_or(AppError::NotFound)
}
