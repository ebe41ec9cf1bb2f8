use crate::account::model::Me;
use crate::error::AppResult;
use crate::shared::Secret;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "auth/register")]
pub async fn register(company_name: String, email: String, password: Secret) -> AppResult<()> {
    use crate::account::server::{organisations, password as hashing, session::TypedSession};
    use crate::error::{AppError, FieldErrors};
    use crate::platform::http::{rate_limit::retry_after_secs, request};
    use crate::platform::state::AppState;
    use crate::shared::{ClientId, CompanyName, EmailAddress, Password};
    use rand::RngCore;

    let mut errors = FieldErrors::new();
    let name = CompanyName::parse(&company_name).map_err(|m| errors.add("company_name", m)).ok();
    let email = EmailAddress::parse(&email).map_err(|m| errors.add("email", m)).ok();
    let password = Password::parse_new(password.into_exposed()).map_err(|m| errors.add("password", m)).ok();
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return Err(AppError::Invalid(errors));
    };

    let state = AppState::from_context()?;
    // Counted only once the form is valid, so a typo does not use up an address's allowance.
    if let Some(ip) = request::facts().await.map(|f| f.limit_key()) {
        if let Err(wait) = state.limits.registrations.check(&ip) {
            return Err(AppError::RateLimited { retry_after_secs: retry_after_secs(wait) });
        }
    }
    let hash = hashing::hash_password(&state, password).await?;
    let mut rng = rand::rngs::OsRng;
    let mut id_bytes = [0u8; 22];
    rng.fill_bytes(&mut id_bytes);
    let mut secret = [0u8; 32];
    rng.fill_bytes(&mut secret);
    let created = organisations::create_with_admin(
        &state.db,
        &name,
        &ClientId::from_random_bytes(id_bytes),
        &format!("whsec_{}", hex::encode(secret)),
        &email,
        &hash,
    )
    .await;
    let created = match created {
        Ok(created) => created,
        Err(e) if e.is_unique_violation() => {
            return Err(AppError::invalid("email", "An account with this email already exists. Please log in instead."))
        }
        Err(e) => return Err(e.into()),
    };
    TypedSession::extract().await?.log_in(created.admin_user_id).await?;
    tracing::info!(organisation_id = created.organisation_id.get(), "organisation registered");
    leptos_axum::redirect("/dashboard");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn log_in(email: String, password: Secret) -> AppResult<()> {
    use crate::account::model::AuditAction;
    use crate::account::server::{audit, login, session::TypedSession, users};
    use crate::error::{AppError, FieldErrors};
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Password;

    let mut errors = FieldErrors::new();
    if email.trim().is_empty() {
        errors.add("email", "Please enter your email address.");
    }
    let password = Password::parse_attempt(password.into_exposed()).map_err(|m| errors.add("password", m)).ok();
    errors.into_result()?;
    let password = password.ok_or(AppError::InvalidLogin)?;

    let state = AppState::from_context()?;
    let facts = request::facts().await;
    let user_id = login::verify(&state, &email, password, facts).await?;
    let session = TypedSession::extract().await?;
    let user = users::find_current(&state.db, user_id).await?.ok_or(AppError::InvalidLogin)?;
    if user.two_factor.0 {
        session.await_second_factor(user_id).await?;
        leptos_axum::redirect("/login/code");
        return Ok(());
    }
    session.log_in(user_id).await?;
    login::clear_failures(&state, &user.email);
    let ip = facts.map(|f| f.client_ip.to_string());
    let event = audit::NewAuditEvent::by(&user, AuditAction::LogIn, None, "logged in".into(), ip);
    audit::record_alone(&state.db, &event).await?;
    leptos_axum::redirect(if user.must_set_up_two_factor() { SET_UP_TWO_FACTOR } else { "/dashboard" });
    Ok(())
}

/// Where a member whose organisation requires two-factor, and who has none yet, is sent.
pub const SET_UP_TWO_FACTOR: &str = "/settings/security?required=1";

/// The second step of a log-in with two-factor on: the code from the authenticator app, or a recovery code.
/// Wrong codes count toward the same limits as wrong passwords.
#[server(prefix = "/api", endpoint = "auth/code")]
pub async fn log_in_with_code(code: Secret) -> AppResult<()> {
    use crate::account::model::AuditAction;
    use crate::account::server::{audit, login, session::TypedSession};
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    let code = code.into_exposed();
    if code.trim().is_empty() {
        return Err(AppError::invalid("code", "Enter the code from your authenticator app."));
    }
    let state = AppState::from_context()?;
    let session = TypedSession::extract().await?;
    let gone = || AppError::Conflict("Your log-in took too long. Please enter your email and password again.".into());
    let user_id = session.pending_second_factor().await?.ok_or_else(gone)?;
    let facts = request::facts().await;
    let (user, recovery) = login::verify_second_factor(&state, user_id, &code, facts).await?;
    session.complete_second_factor(user_id).await?;
    login::clear_failures(&state, &user.email);
    let ip = facts.map(|f| f.client_ip.to_string());
    let detail = if recovery { "logged in with a recovery code" } else { "logged in with an authentication code" };
    let event = audit::NewAuditEvent::by(
        &user,
        if recovery { AuditAction::RecoveryCodeUsed } else { AuditAction::LogIn },
        None,
        detail.into(),
        ip,
    );
    audit::record_alone(&state.db, &event).await?;
    leptos_axum::redirect("/dashboard");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn log_out() -> AppResult<()> {
    crate::account::server::session::TypedSession::extract().await?.log_out().await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/me")]
pub async fn get_me() -> AppResult<Option<Me>> {
    let user = crate::account::server::current_user::current_user().await?;
    Ok(user.map(|u| Me { email: u.email, organisation_name: u.organisation_name, role: u.role }))
}
