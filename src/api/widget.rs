// The embed options travel as separate form fields (the loader builds them from a URL), hence the long signature.
#![allow(clippy::too_many_arguments)]

//! Server functions behind the SignIn Widget's steps. They are called from the widget's own iframe (same
//! origin as Insight); each step re-checks the sign-in session stored in the database.

use crate::domain::import::ImportStatus;
use crate::domain::widget::Locale;
use crate::domain::widget_error::WidgetError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub type WidgetResult<T> = Result<T, WidgetError>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetBank {
    pub id: String,
    pub name: String,
    pub country: String,
}

/// What the widget needs to draw its first step, after the server checked the embed options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetContext {
    pub organisation_name: String,
    pub locale: Locale,
    pub months: u32,
    pub banks: Vec<WidgetBank>,
    pub preselected: Option<String>,
}

/// The payload of `onSuccess` (SPEC §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuccessPayload {
    pub session_id: String,
    pub session_id_signature: String,
    pub target: String,
    pub target_name: String,
    pub import_id: Option<i64>,
    pub owner_external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SigninStep {
    OneTimeCodeRequired,
    Success(SuccessPayload),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub status: ImportStatus,
    pub progress: i64,
    pub step: String,
}

#[server(prefix = "/api", endpoint = "widget/context")]
pub async fn load_widget_context(
    client_id: String,
    origin: String,
    owner: Option<String>,
    locale: Option<String>,
    country: Option<String>,
    target: Option<String>,
    months: Option<String>,
) -> WidgetResult<WidgetContext> {
    use crate::server::widget::signin::{self, EmbedRequest};
    let state = signin::state()?;
    let own_origin = Some(crate::server::request::own_origin().await);
    let req = EmbedRequest { client_id, origin, owner, locale, country, target, months, own_origin };
    let embed = signin::resolve_embed(&state, &req).await?;
    Ok(signin::context(&state, &embed))
}

#[server(prefix = "/api", endpoint = "widget/start")]
pub async fn start_signin(
    client_id: String,
    origin: String,
    owner: Option<String>,
    locale: Option<String>,
    country: Option<String>,
    target: Option<String>,
    months: Option<String>,
    bank: String,
) -> WidgetResult<String> {
    use crate::server::widget::signin::{self, EmbedRequest};
    let state = signin::state()?;
    let own_origin = Some(crate::server::request::own_origin().await);
    let req = EmbedRequest { client_id, origin, owner, locale, country, target, months, own_origin };
    let embed = signin::resolve_embed(&state, &req).await?;
    signin::start(&state, &embed, &bank).await
}

#[server(prefix = "/api", endpoint = "widget/consent")]
pub async fn give_consent(session: String) -> WidgetResult<()> {
    use crate::server::widget::signin;
    signin::consent(&signin::state()?, &session).await
}

#[server(prefix = "/api", endpoint = "widget/credentials")]
pub async fn submit_credentials(session: String, login: String, password: String) -> WidgetResult<SigninStep> {
    use crate::server::banks::Credentials;
    use crate::server::widget::signin;
    // From here on the credentials live only inside `Credentials`, whose Debug output is redacted.
    let credentials = Credentials::new(login, password);
    signin::submit_credentials(&signin::state()?, &session, credentials).await
}

#[server(prefix = "/api", endpoint = "widget/code")]
pub async fn submit_one_time_code(session: String, code: String) -> WidgetResult<SigninStep> {
    use crate::server::banks::OneTimeCode;
    use crate::server::widget::signin;
    signin::submit_code(&signin::state()?, &session, OneTimeCode::new(code)).await
}

#[server(prefix = "/api", endpoint = "widget/cancel")]
pub async fn cancel_signin(session: String) -> WidgetResult<()> {
    use crate::server::widget::signin;
    signin::cancel(&signin::state()?, &session).await
}

#[server(prefix = "/api", endpoint = "widget/progress")]
pub async fn get_import_progress(session: String) -> WidgetResult<Option<ImportProgress>> {
    use crate::server::widget::signin;
    signin::progress(&signin::state()?, &session).await
}
