//! Log-in: one generic answer for a wrong e-mail or password, equal timing for both (a dummy hash), and
//! throttling per account and per address with a growing delay after a few failures. Failures and lock-outs
//! of real accounts are audited in their organisation's trail.

use super::audit::{self, NewAuditEvent};
use super::two_factor::{self, CodeCheck};
use super::users::CurrentUser;
use super::{password, users};
use crate::account::model::AuditAction;
use crate::error::AppError;
use crate::platform::http::rate_limit::retry_after_secs;
use crate::platform::http::request::RequestFacts;
use crate::platform::state::AppState;
use crate::shared::{EmailAddress, Password, UserId};
use std::time::{Duration, Instant};

/// A log-in went all the way through: the account starts with a clean failure count again.
pub fn clear_failures(state: &AppState, email: &str) {
    state.limits.login_accounts.forget(&account_key(email));
}

/// The key of an account's failure budget.
fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The failed-log-in budgets one attempt draws on: its account's and its address's.
struct Budget {
    account_key: String,
    address: Option<std::net::IpAddr>,
    now: Instant,
}

impl Budget {
    /// Refuses the attempt at once while either budget is locked.
    fn check(state: &AppState, email: &str, facts: Option<RequestFacts>) -> Result<Self, AppError> {
        let budget =
            Self { account_key: account_key(email), address: facts.map(|f| f.limit_key()), now: Instant::now() };
        let limits = &state.limits;
        let locked = limits
            .login_accounts
            .check(&budget.account_key, budget.now)
            .and(budget.address.map_or(Ok(()), |ip| limits.login_addresses.check(&ip, budget.now)));
        match locked {
            Err(wait) => Err(AppError::RateLimited { retry_after_secs: retry_after_secs(wait) }),
            Ok(()) => Ok(budget),
        }
    }

    /// Counts a failure against both; the lock-out it caused, if any.
    fn record_failure(&self, state: &AppState) -> Option<Duration> {
        let lock = state.limits.login_accounts.record_failure(&self.account_key, self.now);
        let address_lock = self.address.and_then(|ip| state.limits.login_addresses.record_failure(&ip, self.now));
        lock.or(address_lock)
    }
}

/// Checks the credentials of a log-in attempt; the user to sign in, or why not.
pub async fn verify(
    state: &AppState,
    email: &str,
    attempt: Password,
    facts: Option<RequestFacts>,
) -> Result<UserId, AppError> {
    let budget = Budget::check(state, email, facts)?;
    // A malformed address cannot belong to anyone; it still costs one verification so timing says nothing.
    let found = match EmailAddress::parse(email) {
        Ok(email) => users::find_credentials(&state.db, &email).await?,
        Err(_) => None,
    };
    let (user_id, hash) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let valid = password::verify_password(state, hash, attempt).await?;
    match user_id {
        // The account's failure count is cleared only once the whole log-in succeeded (`clear_failures`): a
        // right password must not reset the count of wrong authentication codes.
        Some(user_id) if valid => Ok(user_id),
        _ => {
            let lock = budget.record_failure(state);
            audit_failure(state, user_id, facts, lock, "wrong password").await?;
            Err(AppError::InvalidLogin)
        }
    }
}

/// Checks the authentication (or recovery) code of a member who gave the right password. Limited and audited
/// exactly like passwords: the same per-account and per-address budgets, the same trail entries.
pub async fn verify_second_factor(
    state: &AppState,
    user_id: UserId,
    code: &str,
    facts: Option<RequestFacts>,
) -> Result<(CurrentUser, bool), AppError> {
    let user = users::find_current(&state.db, user_id).await?.ok_or(AppError::InvalidLogin)?;
    let budget = Budget::check(state, &user.email, facts)?;
    match two_factor::check_login_code(&state.db, &state.secrets, user_id, code).await? {
        CodeCheck::Accepted => Ok((user, false)),
        CodeCheck::RecoveryUsed => Ok((user, true)),
        CodeCheck::Refused => {
            let lock = budget.record_failure(state);
            audit_failure(state, Some(user_id), facts, lock, "wrong authentication code").await?;
            Err(AppError::invalid("code", "That code is not right, or it was already used. Try the newest code."))
        }
    }
}

/// A failed attempt on a real account goes into its organisation's trail, and so does a lock-out.
async fn audit_failure(
    state: &AppState,
    user_id: Option<UserId>,
    facts: Option<RequestFacts>,
    lock: Option<Duration>,
    what: &str,
) -> Result<(), AppError> {
    let Some(user) = (match user_id {
        Some(id) => users::find_current(&state.db, id).await?,
        None => None,
    }) else {
        if lock.is_some() {
            tracing::warn!(ip = ?facts.map(|f| f.client_ip), "log-ins locked after repeated failures");
        }
        return Ok(());
    };
    let ip = facts.map(|f| f.client_ip.to_string());
    let event = |action, detail: String| NewAuditEvent {
        organisation_id: user.organisation_id,
        actor_user_id: None,
        actor_email: None,
        action,
        subject: Some(user.email.clone()),
        detail,
        ip: ip.clone(),
    };
    audit::record_alone(&state.db, &event(AuditAction::LogInFailed, what.into())).await?;
    if let Some(wait) = lock {
        let detail = format!("log-in refused for {} s after repeated failures", retry_after_secs(wait));
        audit::record_alone(&state.db, &event(AuditAction::LogInLocked, detail)).await?;
    }
    Ok(())
}
