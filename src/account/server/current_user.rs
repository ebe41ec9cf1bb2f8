//! The signed-in user of a request, checked first in every server function.

use super::session::TypedSession;
use super::users::{self, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::shared::Role;

/// The user the page guard loaded for this request (`guard.rs`): a page's server functions, run while it
/// renders, read it instead of asking the database once each. It lives as long as the one request.
#[derive(Debug, Clone)]
pub struct RequestUser(pub CurrentUser);

/// The signed-in user, or `None`. A session whose user no longer exists is treated as signed out.
pub async fn current_user() -> AppResult<Option<CurrentUser>> {
    let known = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestUser>().cloned());
    if let Some(RequestUser(user)) = known {
        return Ok(Some(user));
    }
    let state = AppState::from_context()?;
    let session = TypedSession::extract().await?;
    let Some(user_id) = session.user_id().await? else {
        return Ok(None);
    };
    Ok(users::find_current(&state.db, user_id).await?)
}

/// The signed-in user. A member whose organisation requires two-factor and who has not set it up yet is
/// refused everywhere but the set-up itself (`require_user_setting_up`), as the page guard refuses pages.
pub async fn require_user() -> AppResult<CurrentUser> {
    let user = require_user_setting_up().await?;
    if user.must_set_up_two_factor() {
        return Err(AppError::TwoFactorSetupRequired);
    }
    Ok(user)
}

/// The signed-in user, even one who still has to set up the two-factor their organisation requires: for the
/// functions of `/settings/security`.
pub async fn require_user_setting_up() -> AppResult<CurrentUser> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

/// The signed-in user if their role passes `allowed`; always called first in a server function.
pub async fn require_role(allowed: fn(Role) -> bool) -> AppResult<CurrentUser> {
    let user = require_user().await?;
    if allowed(user.role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}
