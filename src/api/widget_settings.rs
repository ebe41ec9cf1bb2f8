use crate::domain::widget::WidgetSettings;
use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfigView {
    pub settings: WidgetSettings,
    pub can_edit: bool,
    pub client_id: String,
    pub countries: Vec<String>,
    /// Where the widget is served from, for the snippet and the preview.
    pub insight_origin: String,
}

#[server(prefix = "/api", endpoint = "widget-settings/get")]
pub async fn get_widget_config() -> AppResult<WidgetConfigView> {
    use crate::server::{auth, db::widget_config, request, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    Ok(WidgetConfigView {
        settings: widget_config::get(&state.db, user.organisation_id).await?,
        can_edit: user.role.can_configure_widget(),
        client_id: user.client_id.to_string(),
        countries: state.catalog.countries(),
        insight_origin: request::own_origin().await,
    })
}

#[server(prefix = "/api", endpoint = "widget-settings/save")]
pub async fn save_widget_config(
    auto_import: Option<String>,
    months: String,
    locale: String,
    country: String,
    allowed_origins: String,
) -> AppResult<WidgetSettings> {
    use crate::domain::audit::AuditAction;
    use crate::domain::Role;
    use crate::error::AppError;
    use crate::server::db::{audit, widget_config};
    use crate::server::{auth, request, state::AppState};
    let user = auth::require_role(Role::can_configure_widget).await?;
    let state = AppState::from_context()?;
    let new = WidgetSettings::parse_form(
        auto_import.is_some_and(|v| v == "on" || v == "true"),
        &months,
        &locale,
        &country,
        &allowed_origins,
        &state.catalog.countries(),
    )
    .map_err(AppError::Invalid)?;
    let old = widget_config::get(&state.db, user.organisation_id).await?;
    widget_config::save(&state.db, user.organisation_id, &new).await?;
    let event = audit::NewAuditEvent::by(
        &user,
        AuditAction::WidgetConfigChanged,
        Some("widget".into()),
        old.describe_changes(&new),
        request::client_ip().await,
    );
    audit::record(&state.db.pool, &event).await?;
    Ok(new)
}
