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
        retention_days: organisations::retention_days(&state.db, user.organisation_id).await?,
        require_second_approval: organisations::second_approval_required(&state.db, user.organisation_id).await?,
        can_edit: user.role.can_manage_team(),
        organisation_name: user.organisation_name,
        client_id: user.client_id.to_string(),
        signing_secret,
    })
}

/// The organisation's retention period in days (1–3650). Admins only.
#[server(prefix = "/api", endpoint = "settings/retention")]
pub async fn save_retention(retention_days: String) -> AppResult<i64> {
    use crate::account::server::{current_user, organisations};
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    let days = parse_retention_days(&retention_days).map_err(|m| AppError::invalid("retention_days", m))?;
    let state = AppState::from_context()?;
    organisations::set_retention_days(&state.db, &admin, days, request::client_ip().await).await?;
    Ok(days)
}

/// **Require a second approval** (four eyes): a checkbox, so absent means off. Admins only.
#[server(prefix = "/api", endpoint = "settings/second-approval")]
pub async fn save_second_approval(required: Option<String>) -> AppResult<bool> {
    use crate::account::server::{current_user, organisations};
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    let required = match required.as_deref().map(str::trim) {
        None | Some("") | Some("off") | Some("false") => false,
        Some("on") | Some("true") => true,
        Some(_) => return Err(AppError::invalid("required", "Tick the box or leave it empty.")),
    };
    let state = AppState::from_context()?;
    organisations::set_second_approval_required(&state.db, &admin, required, request::client_ip().await).await?;
    Ok(required)
}

/// A retention period typed in the settings form, with the message a person sees when it is not one.
pub fn parse_retention_days(raw: &str) -> Result<i64, String> {
    match raw.trim().parse::<i64>() {
        Ok(days) if (1..=3650).contains(&days) => Ok(days),
        _ => Err("Enter a whole number of days from 1 to 3650.".into()),
    }
}
