use crate::account::model::OrganisationSettings;
use crate::error::AppResult;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "settings")]
pub async fn get_settings() -> AppResult<OrganisationSettings> {
    use crate::account::server::{current_user, organisations};
    use crate::platform::state::AppState;
    let user = current_user::require_user().await?;
    let state = AppState::from_context()?;
    let signing_secret = if user.role.can_manage_team() {
        Some(organisations::signing_secret(&state.db, user.organisation_id).await?)
    } else {
        None
    };
    Ok(OrganisationSettings {
        organisation_name: user.organisation_name,
        client_id: user.client_id.to_string(),
        signing_secret,
    })
}
