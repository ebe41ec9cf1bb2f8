//! API keys: `ins_sk_` + 256 random bits in hex. Only the SHA-256 of a key is stored (a key is random, so a
//! fast hash is enough: nothing to guess from it), with its first characters to recognise it in the list.

use crate::account::model::AuditAction;
use crate::account::server::audit::{self, Actor};
use crate::account::server::password::token_hash;
use crate::account::server::users::CurrentUser;
use crate::integrations::model::ApiKeyListing;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::{ApiKeyId, OrganisationId};
use rand::RngCore;

pub const KEY_PREFIX: &str = "ins_sk_";
/// Characters of a key kept in clear for the list: the marker and 6 hex digits.
const SHOWN_CHARS: usize = KEY_PREFIX.len() + 6;
/// `last_used_at` is written at most this often per key, so a busy back-end does not write on every call.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The caller of a `/v1` request, known by its key.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiCaller {
    pub api_key_id: ApiKeyId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub prefix: String,
    pub last_used_at: Option<i64>,
}

impl ApiCaller {
    /// How the key appears in the audit trail.
    pub fn label(&self) -> String {
        format!("API key \"{}\" ({}…)", self.name, self.prefix)
    }
}

/// A fresh key: the secret to show once and what is stored of it.
pub fn generate() -> (String, String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = format!("{KEY_PREFIX}{}", hex::encode(bytes));
    let prefix = key[..SHOWN_CHARS].to_string();
    let hash = token_hash(&key);
    (key, prefix, hash)
}

/// Stores a new key of the member's organisation and records it in the audit trail; returns the key.
pub async fn create(db: &Db, member: &CurrentUser, name: &str, ip: Option<String>) -> ServerResult<String> {
    let (key, prefix, hash) = generate();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO api_key (organisation_id, name, prefix, key_hash, created_by_email, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(member.organisation_id)
    .bind(name)
    .bind(&prefix)
    .bind(hash)
    .bind(&member.email)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    let event =
        Actor::Member(member).event(AuditAction::ApiKeyCreated, Some(format!("{name} ({prefix}…)")), String::new(), ip);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(key)
}

/// The organisation's keys that still work, newest first.
pub async fn list(db: &Db, organisation_id: OrganisationId) -> ServerResult<Vec<ApiKeyListing>> {
    Ok(sqlx::query_as(
        "SELECT api_key_id, name, prefix, created_by_email, created_at, last_used_at FROM api_key
         WHERE organisation_id = $1 AND revoked_at IS NULL ORDER BY api_key_id DESC",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Revokes one of the member's organisation's keys; false when there is no such working key.
pub async fn revoke(db: &Db, member: &CurrentUser, api_key_id: ApiKeyId, ip: Option<String>) -> ServerResult<bool> {
    let mut tx = db.begin().await?;
    let revoked: Option<(String, String)> = sqlx::query_as(
        "UPDATE api_key SET revoked_at = $1 WHERE api_key_id = $2 AND organisation_id = $3 AND revoked_at IS NULL
         RETURNING name, prefix",
    )
    .bind(now_ms())
    .bind(api_key_id)
    .bind(member.organisation_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((name, prefix)) = revoked else { return Ok(false) };
    let event =
        Actor::Member(member).event(AuditAction::ApiKeyRevoked, Some(format!("{name} ({prefix}…)")), String::new(), ip);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(true)
}

/// The working key `presented` belongs to, if any (and notes that it was used).
pub async fn authenticate(db: &Db, presented: &str) -> ServerResult<Option<ApiCaller>> {
    if !presented.starts_with(KEY_PREFIX) || presented.len() > 200 {
        return Ok(None);
    }
    let caller: Option<ApiCaller> = sqlx::query_as(
        "SELECT api_key_id, organisation_id, name, prefix, last_used_at FROM api_key
         WHERE key_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash(presented))
    .fetch_optional(&db.pool)
    .await?;
    if let Some(c) = &caller {
        let now = now_ms();
        if c.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY_MS) {
            sqlx::query("UPDATE api_key SET last_used_at = $1 WHERE api_key_id = $2")
                .bind(now)
                .bind(c.api_key_id)
                .execute(&db.pool)
                .await?;
        }
    }
    Ok(caller)
}
