use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationSettings {
    pub organisation_name: String,
    pub client_id: String,
    /// Shown to admins only.
    pub signing_secret: Option<String>,
}

#[server(prefix = "/api", endpoint = "settings")]
pub async fn get_settings() -> AppResult<OrganisationSettings> {
    use crate::server::{auth, db::organisations, state::AppState};
    let user = auth::require_user().await?;
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
