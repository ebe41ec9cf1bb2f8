use crate::domain::{ClientId, Role};
use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub organisation_name: String,
    pub client_id: ClientId,
    pub email: String,
    pub role: Role,
}

#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn get_dashboard() -> AppResult<Dashboard> {
    let user = crate::server::auth::require_user().await?;
    Ok(Dashboard {
        organisation_name: user.organisation_name,
        client_id: user.client_id,
        email: user.email,
        role: user.role,
    })
}
