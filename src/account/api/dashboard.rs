use crate::account::model::Dashboard;
use crate::error::AppResult;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn get_dashboard() -> AppResult<Dashboard> {
    let user = crate::account::server::current_user::require_user().await?;
    Ok(Dashboard {
        organisation_name: user.organisation_name,
        client_id: user.client_id,
        email: user.email,
        role: user.role,
    })
}
