use crate::account::model::{InviteView, MemberView, PendingInviteView};
use crate::error::AppResult;
use crate::shared::{Secret, UserId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "team/members")]
pub async fn list_members() -> AppResult<Vec<MemberView>> {
    use crate::account::server::{current_user, team};
    use crate::platform::state::AppState;
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    let state = AppState::from_context()?;
    Ok(team::members(&state.db, admin.organisation_id)
        .await?
        .into_iter()
        .map(|m| MemberView { is_me: m.user_id == admin.user_id, user_id: m.user_id, email: m.email, role: m.role })
        .collect())
}

/// Creates a one-time invite link valid for 7 days; only a hash of its token is stored.
#[server(prefix = "/api", endpoint = "team/invite")]
pub async fn create_invite(email: String, role: String) -> AppResult<String> {
    use crate::account::server::{current_user, password, team};
    use crate::error::FieldErrors;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::EmailAddress;
    use crate::shared::Role;
    use rand::RngCore;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    let mut errors = FieldErrors::new();
    let email = EmailAddress::parse(&email).map_err(|m| errors.add("email", m)).ok();
    let role = Role::from_form(&role).map_err(|m| errors.add("role", m)).ok();
    let (Some(email), Some(role)) = (email, role) else { return Err(crate::error::AppError::Invalid(errors)) };
    let state = AppState::from_context()?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    team::create_invite(&state.db, &admin, &email, role, &password::token_hash(&token), request::client_ip().await)
        .await?;
    Ok(format!("{}/invite/{token}", request::own_origin(&state.settings).await))
}

/// The invites that can still be accepted: who they are for, who sent them, when they expire.
#[server(prefix = "/api", endpoint = "team/invites")]
pub async fn list_invites() -> AppResult<Vec<PendingInviteView>> {
    use crate::account::server::{current_user, team};
    use crate::platform::state::AppState;
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    let state = AppState::from_context()?;
    Ok(team::pending_invites(&state.db, admin.organisation_id)
        .await?
        .into_iter()
        .map(|i| PendingInviteView {
            invite_id: i.invite_id,
            email: i.email,
            role: i.role,
            created_by: i.created_by_email,
            expires_at: i.expires_at,
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "team/invite/revoke")]
pub async fn revoke_invite(invite_id: i64) -> AppResult<()> {
    use crate::account::server::{current_user, team};
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    let state = AppState::from_context()?;
    team_change(team::revoke_invite(&state.db, &admin, invite_id, request::client_ip().await).await?)
}

#[cfg(feature = "ssr")]
fn team_change(change: crate::account::server::team::TeamChange) -> AppResult<()> {
    use crate::account::server::team::TeamChange;
    use crate::error::AppError;
    match change {
        TeamChange::Done => Ok(()),
        TeamChange::NotFound => Err(AppError::NotFound),
        TeamChange::LastAdmin => Err(AppError::Conflict("The organisation needs at least one admin.".into())),
    }
}

#[server(prefix = "/api", endpoint = "team/role")]
pub async fn change_member_role(user_id: UserId, role: String) -> AppResult<()> {
    use crate::account::server::{current_user, team};
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    let role = Role::from_form(&role).map_err(|m| AppError::invalid("role", m))?;
    if user_id == admin.user_id {
        return Err(AppError::Conflict("You cannot change your own role; ask another admin.".into()));
    }
    let state = AppState::from_context()?;
    team_change(team::change_role(&state.db, &admin, user_id, role, request::client_ip().await).await?)
}

#[server(prefix = "/api", endpoint = "team/remove")]
pub async fn remove_member(user_id: UserId) -> AppResult<()> {
    use crate::account::server::{current_user, team};
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    if user_id == admin.user_id {
        return Err(AppError::Conflict("You cannot remove yourself.".into()));
    }
    let state = AppState::from_context()?;
    team_change(team::remove(&state.db, &admin, user_id, request::client_ip().await).await?)
}

#[server(prefix = "/api", endpoint = "team/invite/get")]
pub async fn get_invite(token: Secret) -> AppResult<InviteView> {
    use crate::account::server::{password, team};
    use crate::error::AppError;
    use crate::platform::state::AppState;
    let state = AppState::from_context()?;
    let invite =
        team::open_invite(&state.db, &password::token_hash(token.expose())).await?.ok_or(AppError::NotFound)?;
    Ok(InviteView { organisation_name: invite.organisation_name, email: invite.email, role: invite.role })
}

#[server(prefix = "/api", endpoint = "team/invite/accept")]
pub async fn accept_invite(token: Secret, password: Secret) -> AppResult<()> {
    use crate::account::server::team::{self, AcceptOutcome};
    use crate::account::server::{password as hashing, session::TypedSession};
    use crate::error::AppError;
    use crate::platform::{http::request, state::AppState};
    use crate::shared::Password;
    let password = Password::parse_new(password.into_exposed()).map_err(|m| AppError::invalid("password", m))?;
    let state = AppState::from_context()?;
    let gone = || AppError::Conflict("This invite link is no longer valid. Ask your admin for a new one.".into());
    let invite = team::open_invite(&state.db, &hashing::token_hash(token.expose())).await?.ok_or_else(gone)?;
    let hash = hashing::hash_password(&state, password).await?;
    match team::accept_invite(&state.db, &invite, &hash, request::client_ip().await).await? {
        AcceptOutcome::Joined { user_id } => {
            TypedSession::extract().await?.log_in(user_id).await?;
            let must_set_up =
                crate::account::server::two_factor::required_in(&state.db, invite.organisation_id).await?;
            leptos_axum::redirect(if must_set_up {
                crate::account::api::auth::SET_UP_TWO_FACTOR
            } else {
                "/dashboard"
            });
            Ok(())
        }
        AcceptOutcome::AlreadyUsed => Err(gone()),
        AcceptOutcome::EmailTaken => {
            Err(AppError::Conflict("This e-mail already has an Insight account. Log in with it instead.".into()))
        }
    }
}
