//! The organisation's webhook endpoints and their delivery log.

use super::outbox;
use crate::account::model::AuditAction;
use crate::account::server::audit::{self, Actor};
use crate::account::server::users::CurrentUser;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::OrganisationId;
use crate::webhooks::model::{AttemptListing, DeliveryListing, EndpointListing, EventType};
use rand::RngCore;

/// Deliveries shown per endpoint.
const LOG_ROWS: i64 = 20;

/// A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks).
pub fn new_secret() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Adds an endpoint (URL already checked) and returns its id and secret.
pub async fn add(
    db: &Db,
    member: &CurrentUser,
    url: &str,
    events: &[EventType],
    ip: Option<String>,
) -> ServerResult<(i64, String)> {
    let secret = new_secret();
    let list = format!(" {} ", events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(" "));
    let mut tx = db.pool.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO webhook_endpoint (organisation_id, url, events, secret, created_by_email, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING webhook_endpoint_id",
    )
    .bind(member.organisation_id)
    .bind(url)
    .bind(&list)
    .bind(&secret)
    .bind(&member.email)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    let event =
        Actor::Member(member).event(AuditAction::WebhookAdded, Some(url.to_string()), list.trim().to_string(), ip);
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok((id, secret))
}

pub async fn list(db: &Db, organisation_id: OrganisationId) -> ServerResult<Vec<EndpointListing>> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT webhook_endpoint_id, url, events, created_by_email, created_at FROM webhook_endpoint
         WHERE organisation_id = $1 AND removed_at IS NULL ORDER BY webhook_endpoint_id DESC",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(endpoint_id, url, events, created_by, created_at)| EndpointListing {
            endpoint_id,
            url,
            events: events.split_whitespace().map(str::to_string).collect(),
            created_by,
            created_at,
            deliveries: Vec::new(),
        })
        .collect())
}

/// Removes an endpoint: nothing more is sent to it. False when the organisation has no such endpoint.
pub async fn remove(db: &Db, member: &CurrentUser, endpoint_id: i64, ip: Option<String>) -> ServerResult<bool> {
    let mut tx = db.pool.begin().await?;
    let removed: Option<(String,)> = sqlx::query_as(
        "UPDATE webhook_endpoint SET removed_at = $1
         WHERE webhook_endpoint_id = $2 AND organisation_id = $3 AND removed_at IS NULL RETURNING url",
    )
    .bind(now_ms())
    .bind(endpoint_id)
    .bind(member.organisation_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((url,)) = removed else { return Ok(false) };
    sqlx::query("UPDATE webhook_message SET status = 'failed' WHERE webhook_endpoint_id = $1 AND status = 'pending'")
        .bind(endpoint_id)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut *tx, &Actor::Member(member).event(AuditAction::WebhookRemoved, Some(url), String::new(), ip))
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Queues a `webhook.test` message for one endpoint only. False when there is no such endpoint.
pub async fn send_test(db: &Db, organisation_id: OrganisationId, endpoint_id: i64) -> ServerResult<bool> {
    let now = now_ms();
    let data = serde_json::json!({ "message": "A test event from Insight." });
    let done = sqlx::query(
        "INSERT INTO webhook_message
            (organisation_id, webhook_endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at)
         SELECT organisation_id, webhook_endpoint_id, $1, $2, $3, 'pending', $4, $4 FROM webhook_endpoint
         WHERE webhook_endpoint_id = $5 AND organisation_id = $6 AND removed_at IS NULL",
    )
    .bind(outbox::event_id())
    .bind(EventType::Test.as_str())
    .bind(outbox::body(EventType::Test, &data))
    .bind(now)
    .bind(endpoint_id)
    .bind(organisation_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sends a message again as it was (same `webhook-id` and body), at once. False when the organisation has
/// no such message or its endpoint was removed.
pub async fn redeliver(db: &Db, organisation_id: OrganisationId, message_id: i64) -> ServerResult<bool> {
    let done = sqlx::query(
        "UPDATE webhook_message SET status = 'pending', next_attempt_at = $1, lease_until = NULL
         WHERE webhook_message_id = $2 AND organisation_id = $3
           AND webhook_endpoint_id IN (SELECT webhook_endpoint_id FROM webhook_endpoint WHERE removed_at IS NULL)",
    )
    .bind(now_ms())
    .bind(message_id)
    .bind(organisation_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The endpoint's latest messages with their attempts; `None` when the organisation has no such endpoint.
pub async fn deliveries(
    db: &Db,
    organisation_id: OrganisationId,
    endpoint_id: i64,
) -> ServerResult<Option<Vec<DeliveryListing>>> {
    let owned: Option<(i64,)> = sqlx::query_as(
        "SELECT webhook_endpoint_id FROM webhook_endpoint WHERE webhook_endpoint_id = $1 AND organisation_id = $2",
    )
    .bind(endpoint_id)
    .bind(organisation_id)
    .fetch_optional(&db.pool)
    .await?;
    if owned.is_none() {
        return Ok(None);
    }
    let messages: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT webhook_message_id, event_id, event_type, status, created_at FROM webhook_message
         WHERE webhook_endpoint_id = $1 ORDER BY webhook_message_id DESC LIMIT $2",
    )
    .bind(endpoint_id)
    .bind(LOG_ROWS)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(messages.len());
    for (message_id, event_id, event_type, status, created_at) in messages {
        let attempts: Vec<AttemptListing> = sqlx::query_as(
            "SELECT attempted_at, status_code, latency_ms, response_excerpt FROM webhook_attempt
             WHERE webhook_message_id = $1 ORDER BY webhook_attempt_id DESC",
        )
        .bind(message_id)
        .fetch_all(&db.pool)
        .await?;
        out.push(DeliveryListing { message_id, event_id, event_type, status, created_at, attempts });
    }
    Ok(Some(out))
}
