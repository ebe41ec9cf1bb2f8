//! `/settings/security`: a member's own two-factor sign-in, and the admin's requirement for everyone.

use crate::account::model::{SecurityView, TotpSetup};
use crate::error::AppResult;
use crate::shared::Secret;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "security/get")]
pub async fn get_security() -> AppResult<SecurityView> {
    use crate::account::server::{current_user, two_factor};
    use crate::platform::state::AppState;
    let user = current_user::require_user_setting_up().await?;
    let state = AppState::from_context()?;
    Ok(SecurityView {
        recovery_codes_left: two_factor::recovery_codes_left(&state.db, user.user_id).await?,
        email: user.email,
        two_factor: user.two_factor.0,
        required: user.two_factor_required.0,
        can_require: user.role.can_manage_team(),
    })
}

/// A new secret to scan; two-factor is on only once a code from it is confirmed.
#[server(prefix = "/api", endpoint = "security/begin")]
pub async fn begin_two_factor() -> AppResult<TotpSetup> {
    use crate::account::server::{current_user, two_factor};
    use crate::error::AppError;
    use crate::platform::state::AppState;
    let user = current_user::require_user_setting_up().await?;
    if user.two_factor.0 {
        return Err(AppError::Conflict("Two-factor authentication is already on.".into()));
    }
    let state = AppState::from_context()?;
    Ok(two_factor::begin(&state.db, &state.secrets, &user).await?)
}

/// Turns two-factor on with a code from the new secret; returns the ten recovery codes, shown this once.
#[server(prefix = "/api", endpoint = "security/confirm")]
pub async fn confirm_two_factor(code: Secret) -> AppResult<Vec<String>> {
    use crate::account::server::current_user;
    use crate::account::server::two_factor::{self, Confirmed};
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    let user = current_user::require_user_setting_up().await?;
    let state = AppState::from_context()?;
    match two_factor::confirm(&state.db, &state.secrets, &user, code.expose(), request::client_ip().await).await? {
        Confirmed::Enabled(codes) => Ok(codes),
        Confirmed::WrongCode => {
            Err(AppError::invalid("code", "That code is not right. Enter the code your app shows now."))
        }
        Confirmed::NothingPending => {
            Err(AppError::Conflict("Start again: press Turn on two-factor authentication for a new code.".into()))
        }
    }
}

/// Turns two-factor off; a current code (or a recovery code) proves it is the member.
#[server(prefix = "/api", endpoint = "security/disable")]
pub async fn disable_two_factor(code: Secret) -> AppResult<()> {
    use crate::account::server::{current_user, login, two_factor};
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    let user = current_user::require_user_setting_up().await?;
    if !user.two_factor.0 {
        return Err(AppError::Conflict("Two-factor authentication is not on.".into()));
    }
    if user.two_factor_required.0 {
        return Err(AppError::Conflict("Your organisation requires two-factor authentication.".into()));
    }
    let state = AppState::from_context()?;
    // Limited and audited like a log-in: a stolen session must not be a way to guess codes.
    login::verify_second_factor(&state, user.user_id, code.expose(), request::facts().await).await?;
    Ok(two_factor::disable(&state.db, &user, request::client_ip().await).await?)
}

/// **Require two-factor for all members** (admins): members without it are sent to set it up.
#[server(prefix = "/api", endpoint = "security/require")]
pub async fn require_two_factor(required: Option<String>) -> AppResult<()> {
    use crate::account::server::{current_user, two_factor};
    use crate::platform::{http::request, state::AppState};
    // An admin who just required it of everyone, themselves included, can still change their mind here.
    let admin = current_user::require_user_setting_up().await?;
    if !admin.role.can_manage_team() {
        return Err(crate::error::AppError::Forbidden);
    }
    let state = AppState::from_context()?;
    let required = required.is_some_and(|v| v == "on" || v == "true");
    Ok(two_factor::set_required(&state.db, &admin, required, request::client_ip().await).await?)
}
