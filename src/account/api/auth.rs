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
    TypedSession::extract().await?.log_in(user_id).await?;
    if let Some(user) = users::find_current(&state.db, user_id).await? {
        let ip = facts.map(|f| f.client_ip.to_string());
        let event = audit::NewAuditEvent::by(&user, AuditAction::LogIn, None, "logged in".into(), ip);
        audit::record_alone(&state.db, &event).await?;
    }
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
