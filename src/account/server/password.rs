//! Password hashing: argon2id, off the async executor, with bounded concurrency; and token digests.

use crate::platform::error::{ServerError, ServerResult};
use crate::platform::state::AppState;
use crate::shared::Password;
use anyhow::Context;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::fmt;
use std::sync::OnceLock;
use tokio::sync::SemaphorePermit;

/// A stored argon2id PHC string. Deliberately not `Serialize`, and `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

/// OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// One of the bounded argon2 slots, waited for at most `hash_queue_wait`: under a burst of log-ins a
/// request is answered "busy" (503) instead of queueing for minutes behind bogus ones.
async fn hash_slot(state: &AppState) -> ServerResult<SemaphorePermit<'_>> {
    match tokio::time::timeout(state.settings.limits.hash_queue_wait, state.hash_permits.acquire()).await {
        Ok(permit) => Ok(permit.context("hash limiter closed")?),
        Err(_) => {
            tracing::warn!("argon2 slots busy; request refused");
            Err(ServerError::Busy)
        }
    }
}

pub async fn hash_password(state: &AppState, password: Password) -> ServerResult<PasswordHash> {
    let _permit = hash_slot(state).await?;
    let hashed = tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        hasher()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| PasswordHash(h.to_string()))
            .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
    })
    .await
    .context("hashing task panicked")??;
    Ok(hashed)
}

/// Verifies against the stored hash, or against a dummy hash when the e-mail is unknown, so both cases take
/// the same time and give the same answer.
pub async fn verify_password(state: &AppState, stored: Option<PasswordHash>, password: Password) -> ServerResult<bool> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let _permit = hash_slot(state).await?;
    let valid = tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = match stored {
            Some(h) => h.0,
            None => DUMMY
                .get_or_init(|| {
                    let salt = SaltString::generate(&mut rand::rngs::OsRng);
                    hasher()
                        .hash_password(b"dummy password for timing", &salt)
                        .map(|h| h.to_string())
                        .unwrap_or_default()
                })
                .clone(),
        };
        let parsed = argon2::PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
        let ok = hasher().verify_password(password.expose().as_bytes(), &parsed).is_ok();
        anyhow::Ok(ok && known)
    })
    .await
    .context("verification task panicked")??;
    Ok(valid)
}

/// What is stored for a one-time token (an invite link): its SHA-256, so a database leak reveals no usable link.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
