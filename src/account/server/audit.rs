//! The append-only audit trail: rows are inserted, never updated or deleted by the application, and each
//! organisation's entries form a hash chain (`prev_hash`, `hash`), so a changed, inserted or removed row shows
//! when the chain is verified (on `/settings/audit` and by `insight audit verify`).

use super::users::CurrentUser;
use crate::account::model::{AuditAction, AuditEntry, ChainStatus};
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::{OrganisationId, UserId};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

pub struct NewAuditEvent<'a> {
    pub organisation_id: OrganisationId,
    pub actor_user_id: Option<UserId>,
    pub actor_email: Option<&'a str>,
    pub action: AuditAction,
    pub subject: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
}

impl<'a> NewAuditEvent<'a> {
    /// An event done by a signed-in member of the organisation.
    pub fn by(
        user: &'a CurrentUser,
        action: AuditAction,
        subject: Option<String>,
        detail: String,
        ip: Option<String>,
    ) -> Self {
        Self {
            organisation_id: user.organisation_id,
            actor_user_id: Some(user.user_id),
            actor_email: Some(&user.email),
            action,
            subject,
            detail,
            ip,
        }
    }
}

/// Who did something: a signed-in member, or the business's back-end through one of its API keys.
#[derive(Clone, Copy)]
pub enum Actor<'a> {
    Member(&'a CurrentUser),
    /// `label` names the key in the trail (its name and prefix).
    ApiKey {
        organisation_id: OrganisationId,
        label: &'a str,
    },
}

impl<'a> Actor<'a> {
    pub fn organisation_id(self) -> OrganisationId {
        match self {
            Actor::Member(user) => user.organisation_id,
            Actor::ApiKey { organisation_id, .. } => organisation_id,
        }
    }

    pub fn event(
        self,
        action: AuditAction,
        subject: Option<String>,
        detail: String,
        ip: Option<String>,
    ) -> NewAuditEvent<'a> {
        match self {
            Actor::Member(user) => NewAuditEvent::by(user, action, subject, detail, ip),
            Actor::ApiKey { organisation_id, label } => NewAuditEvent {
                organisation_id,
                actor_user_id: None,
                actor_email: Some(label),
                action,
                subject,
                detail,
                ip,
            },
        }
    }
}

/// What an entry's hash covers: the previous entry's hash and every stored field, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct ChainedEntry {
    audit_event_id: i64,
    organisation_id: OrganisationId,
    actor_user_id: Option<UserId>,
    actor_email: Option<String>,
    action: String,
    subject: Option<String>,
    detail: String,
    ip: Option<String>,
    created_at: i64,
    prev_hash: Option<String>,
    hash: Option<String>,
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev_hash: &str,
    organisation_id: OrganisationId,
    actor_user_id: Option<UserId>,
    actor_email: Option<&str>,
    action: &str,
    subject: Option<&str>,
    detail: &str,
    ip: Option<&str>,
    created_at: i64,
) -> String {
    // JSON gives every field an unambiguous boundary (no "ab"+"c" = "a"+"bc").
    let content = serde_json::json!([
        prev_hash,
        organisation_id.get(),
        actor_user_id.map(UserId::get),
        actor_email,
        action,
        subject,
        detail,
        ip,
        created_at
    ]);
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

impl ChainedEntry {
    fn expected_hash(&self, prev_hash: &str) -> String {
        entry_hash(
            prev_hash,
            self.organisation_id,
            self.actor_user_id,
            self.actor_email.as_deref(),
            &self.action,
            self.subject.as_deref(),
            &self.detail,
            self.ip.as_deref(),
            self.created_at,
        )
    }
}

/// Takes the organisation's chain head for this transaction (PostgreSQL locks the row until commit; SQLite has
/// one writer) and returns the last hash.
async fn lock_head(conn: &mut AnyConnection, organisation_id: OrganisationId) -> ServerResult<String> {
    let (last,): (String,) = sqlx::query_as(
        "INSERT INTO audit_chain_head (organisation_id, last_hash) VALUES ($1, '')
         ON CONFLICT (organisation_id) DO UPDATE SET last_hash = audit_chain_head.last_hash RETURNING last_hash",
    )
    .bind(organisation_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(last)
}

async fn move_head(conn: &mut AnyConnection, organisation_id: OrganisationId, hash: &str, id: i64) -> ServerResult<()> {
    sqlx::query("UPDATE audit_chain_head SET last_hash = $1, last_event_id = $2 WHERE organisation_id = $3")
        .bind(hash)
        .bind(id)
        .bind(organisation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records an event inside the caller's transaction, so the action and its trail commit together, chained to
/// the organisation's previous entry.
pub async fn record(conn: &mut AnyConnection, e: &NewAuditEvent<'_>) -> ServerResult<()> {
    let prev = lock_head(conn, e.organisation_id).await?;
    let created_at = now_ms();
    let hash = entry_hash(
        &prev,
        e.organisation_id,
        e.actor_user_id,
        e.actor_email,
        e.action.as_str(),
        e.subject.as_deref(),
        &e.detail,
        e.ip.as_deref(),
        created_at,
    );
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO audit_event (organisation_id, actor_user_id, actor_email, action, subject, detail, ip, created_at,
            prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING audit_event_id",
    )
    .bind(e.organisation_id)
    .bind(e.actor_user_id)
    .bind(e.actor_email.map(str::to_string))
    .bind(e.action.as_str())
    .bind(e.subject.clone())
    .bind(e.detail.clone())
    .bind(e.ip.clone())
    .bind(created_at)
    .bind(&prev)
    .bind(&hash)
    .fetch_one(&mut *conn)
    .await?;
    move_head(conn, e.organisation_id, &hash, id).await
}

/// [`record`] in a transaction of its own, for an event that is the whole action (a log-in, a download).
pub async fn record_alone(db: &Db, e: &NewAuditEvent<'_>) -> ServerResult<()> {
    let mut tx = db.begin().await?;
    record(&mut tx, e).await?;
    tx.commit().await?;
    Ok(())
}

const CHAIN_COLUMNS: &str = "audit_event_id, organisation_id, actor_user_id, actor_email, action, subject, detail, ip,
    created_at, prev_hash, hash";
const VERIFY_CHUNK: i64 = 1000;

/// Recomputes the organisation's chain from its first entry: the first entry whose stored hashes do not follow
/// (changed, inserted or unchained), or a head that points past the last entry (entries removed).
pub async fn verify(db: &Db, organisation_id: OrganisationId) -> ServerResult<ChainStatus> {
    // The head is read first: entries appended while the chain is walked come after it and must chain on from
    // it, so a busy organisation does not look broken, and a removed tail still does (its head is not found).
    let head: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT last_hash, last_event_id FROM audit_chain_head WHERE organisation_id = $1")
            .bind(organisation_id)
            .fetch_optional(&db.pool)
            .await?;
    let (mut prev, mut after, mut entries, mut head_seen) = (String::new(), 0i64, 0i64, false);
    loop {
        let chunk: Vec<ChainedEntry> = sqlx::query_as(&format!(
            "SELECT {CHAIN_COLUMNS} FROM audit_event WHERE organisation_id = $1 AND audit_event_id > $2
             ORDER BY audit_event_id LIMIT $3"
        ))
        .bind(organisation_id)
        .bind(after)
        .bind(VERIFY_CHUNK)
        .fetch_all(&db.pool)
        .await?;
        for entry in &chunk {
            let expected = entry.expected_hash(&prev);
            if entry.prev_hash.as_deref() != Some(prev.as_str()) || entry.hash.as_deref() != Some(expected.as_str()) {
                return Ok(ChainStatus::Broken {
                    audit_event_id: entry.audit_event_id,
                    created_at: Some(entry.created_at),
                    action: AuditAction::parse(&entry.action).ok(),
                });
            }
            if let Some((last_hash, Some(last_id))) = &head {
                head_seen |= *last_id == entry.audit_event_id && *last_hash == expected;
            }
            prev = expected;
            after = entry.audit_event_id;
            entries += 1;
        }
        if (chunk.len() as i64) < VERIFY_CHUNK {
            break;
        }
    }
    match head {
        // The newest entries were removed (or the head was rewound): the entry it names is gone or differs.
        Some((_, Some(last_id))) if !head_seen => {
            Ok(ChainStatus::Broken { audit_event_id: last_id, created_at: None, action: None })
        }
        // Entries without a head, or a head naming no entry: both only come from editing the tables.
        None | Some((_, None)) if entries > 0 => {
            Ok(ChainStatus::Broken { audit_event_id: after, created_at: None, action: None })
        }
        _ => Ok(ChainStatus::Verified { entries }),
    }
}

/// Every organisation's chain, for `insight audit verify`.
pub async fn verify_all(db: &Db) -> ServerResult<Vec<(OrganisationId, String, ChainStatus)>> {
    let organisations: Vec<(OrganisationId, String)> =
        sqlx::query_as("SELECT organisation_id, name FROM organisation ORDER BY organisation_id")
            .fetch_all(&db.pool)
            .await?;
    let mut out = Vec::with_capacity(organisations.len());
    for (id, name) in organisations {
        out.push((id, name, verify(db, id).await?));
    }
    Ok(out)
}

/// Chains the entries written before the chain existed (migration 0013), once, in id order. Runs at start-up;
/// an organisation whose head exists is already chained and is left alone, so re-running does nothing and a
/// later unchained row shows as broken instead of being sealed.
pub async fn chain_entries_from_before(db: &Db) -> ServerResult<()> {
    let pending: Vec<(OrganisationId,)> = sqlx::query_as(
        "SELECT DISTINCT e.organisation_id FROM audit_event e
         WHERE e.hash IS NULL AND NOT EXISTS (SELECT 1 FROM audit_chain_head h WHERE h.organisation_id = e.organisation_id)",
    )
    .fetch_all(&db.pool)
    .await?;
    for (organisation_id,) in pending {
        let mut tx = db.begin().await?;
        let mut prev = lock_head(&mut tx, organisation_id).await?;
        if !prev.is_empty() {
            continue;
        }
        let entries: Vec<ChainedEntry> = sqlx::query_as(&format!(
            "SELECT {CHAIN_COLUMNS} FROM audit_event WHERE organisation_id = $1 ORDER BY audit_event_id"
        ))
        .bind(organisation_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut last = None;
        for entry in &entries {
            let hash = entry.expected_hash(&prev);
            sqlx::query("UPDATE audit_event SET prev_hash = $1, hash = $2 WHERE audit_event_id = $3")
                .bind(&prev)
                .bind(&hash)
                .bind(entry.audit_event_id)
                .execute(&mut *tx)
                .await?;
            prev = hash;
            last = Some(entry.audit_event_id);
        }
        if let Some(id) = last {
            move_head(&mut tx, organisation_id, &prev, id).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

pub async fn list(db: &Db, organisation_id: OrganisationId, limit: i64, offset: i64) -> ServerResult<Vec<AuditEntry>> {
    Ok(sqlx::query_as(
        "SELECT action, actor_email, subject, detail, ip, created_at FROM audit_event
         WHERE organisation_id = $1 ORDER BY created_at DESC, audit_event_id DESC LIMIT $2 OFFSET $3",
    )
    .bind(organisation_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?)
}
