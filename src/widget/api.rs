// The embed options travel as separate form fields (the loader builds them from a URL); `#[server(flatten)]`
// keeps those field names while the functions take one `EmbedOptions`.

//! Server functions behind the SignIn Widget's steps, called from the widget's own iframe (same origin as
//! Insight); each step re-checks the sign-in session stored in the database. Then the business's
//! configuration page (`/widget`).

use super::model::embed::EmbedOptions;
use super::model::error::WidgetError;
use super::model::flow::{SigninStep, WidgetContext};
use super::model::settings::{WidgetConfigView, WidgetSettings};
use crate::error::AppResult;
use crate::imports::model::ImportProgress;
use crate::shared::Secret;
use leptos::prelude::*;

pub type WidgetResult<T> = Result<T, WidgetError>;

#[server(prefix = "/api", endpoint = "widget/context")]
pub async fn load_widget_context(#[server(flatten)] options: EmbedOptions) -> WidgetResult<WidgetContext> {
    use super::server::flow;
    let state = flow::state()?;
    let own_origin = crate::platform::http::request::own_origin(&state.settings).await;
    let embed = flow::resolve_embed(&state, &options, Some(&own_origin)).await?;
    Ok(flow::context(&state, &embed))
}

#[server(prefix = "/api", endpoint = "widget/start")]
pub async fn start_signin(#[server(flatten)] options: EmbedOptions, bank: String) -> WidgetResult<String> {
    use super::server::flow;
    let state = flow::state()?;
    let own_origin = crate::platform::http::request::own_origin(&state.settings).await;
    let embed = flow::resolve_embed(&state, &options, Some(&own_origin)).await?;
    flow::start(&state, &embed, &bank).await
}

#[server(prefix = "/api", endpoint = "widget/consent")]
pub async fn give_consent(session: Secret) -> WidgetResult<()> {
    use super::server::flow;
    flow::consent(&flow::state()?, session.expose()).await.map(|_| ())
}

#[server(prefix = "/api", endpoint = "widget/credentials")]
pub async fn submit_credentials(session: Secret, login: Secret, password: Secret) -> WidgetResult<SigninStep> {
    use super::server::flow;
    use crate::banks::server::Credentials;
    // From here on the credentials live only inside `Credentials`, whose Debug output is redacted.
    let credentials = Credentials::new(login.into_exposed(), password.into_exposed());
    let client = crate::platform::http::request::facts().await;
    flow::submit_credentials(&flow::state()?, session.expose(), credentials, client).await
}

#[server(prefix = "/api", endpoint = "widget/code")]
pub async fn submit_one_time_code(session: Secret, code: Secret) -> WidgetResult<SigninStep> {
    use super::server::flow;
    use crate::banks::server::OneTimeCode;
    flow::submit_code(&flow::state()?, session.expose(), OneTimeCode::new(code.into_exposed())).await
}

#[server(prefix = "/api", endpoint = "widget/cancel")]
pub async fn cancel_signin(session: Secret) -> WidgetResult<()> {
    use super::server::flow;
    flow::cancel(&flow::state()?, session.expose()).await
}

#[server(prefix = "/api", endpoint = "widget/progress")]
pub async fn get_import_progress(session: Secret) -> WidgetResult<Option<ImportProgress>> {
    use super::server::flow;
    flow::progress(&flow::state()?, session.expose()).await
}

#[server(prefix = "/api", endpoint = "widget-settings/get")]
pub async fn get_widget_config() -> AppResult<WidgetConfigView> {
    use super::server::config_store;
    use crate::account::server::current_user;
    use crate::platform::{http::request, state::AppState};
    let user = current_user::require_user().await?;
    let state = AppState::from_context()?;
    Ok(WidgetConfigView {
        settings: config_store::get(&state.db, user.organisation_id).await?,
        can_edit: user.role.can_configure_widget(),
        client_id: user.client_id.to_string(),
        countries: state.catalog.countries(),
        insight_origin: request::own_origin(&state.settings).await,
    })
}

#[server(prefix = "/api", endpoint = "widget-settings/save")]
pub async fn save_widget_config(
    auto_import: Option<String>,
    sandbox_banks: Option<String>,
    months: String,
    locale: String,
    country: String,
    allowed_origins: String,
) -> AppResult<WidgetSettings> {
    use super::server::config_store;
    use crate::account::model::AuditAction;
    use crate::account::server::{audit, current_user};
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let user = current_user::require_role(Role::can_configure_widget).await?;
    let state = AppState::from_context()?;
    let new = WidgetSettings::parse_form(
        auto_import.is_some_and(|v| v == "on" || v == "true"),
        sandbox_banks.is_some_and(|v| v == "on" || v == "true"),
        &months,
        &locale,
        &country,
        &allowed_origins,
        &state.catalog.countries(),
    )
    .map_err(AppError::Invalid)?;
    let old = config_store::get(&state.db, user.organisation_id).await?;
    config_store::save(&state.db, user.organisation_id, &new).await?;
    let event = audit::NewAuditEvent::by(
        &user,
        AuditAction::WidgetConfigChanged,
        Some("widget".into()),
        old.describe_changes(&new),
        request::client_ip().await,
    );
    audit::record_alone(&state.db, &event).await?;
    Ok(new)
}
