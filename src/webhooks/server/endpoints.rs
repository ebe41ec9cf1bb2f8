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
    let mut tx = db.begin().await?;
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
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok((id, secret))
}

#[derive(sqlx::FromRow)]
struct EndpointRow {
    webhook_endpoint_id: i64,
    url: String,
    events: String,
    created_by_email: String,
    created_at: i64,
}

/// An attempt with the message it belongs to.
#[derive(sqlx::FromRow)]
struct AttemptRow {
    webhook_message_id: i64,
    #[sqlx(flatten)]
    attempt: AttemptListing,
}

/// The organisation's endpoints, newest first, each with its delivery log.
pub async fn list(db: &Db, organisation_id: OrganisationId) -> ServerResult<Vec<EndpointListing>> {
    let rows: Vec<EndpointRow> = sqlx::query_as(
        "SELECT webhook_endpoint_id, url, events, created_by_email, created_at FROM webhook_endpoint
         WHERE organisation_id = $1 AND removed_at IS NULL ORDER BY webhook_endpoint_id DESC",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(EndpointListing {
            endpoint_id: row.webhook_endpoint_id,
            url: row.url,
            events: row.events.split_whitespace().map(str::to_string).collect(),
            created_by: row.created_by_email,
            created_at: row.created_at,
            deliveries: log_of(db, row.webhook_endpoint_id).await?,
        });
    }
    Ok(out)
}

/// An endpoint's latest messages, newest first, each with its attempts (newest first): two queries.
async fn log_of(db: &Db, endpoint_id: i64) -> ServerResult<Vec<DeliveryListing>> {
    let mut messages: Vec<DeliveryListing> = sqlx::query_as(
        "SELECT webhook_message_id, event_id, event_type, status, created_at FROM webhook_message
         WHERE webhook_endpoint_id = $1 ORDER BY webhook_message_id DESC LIMIT $2",
    )
    .bind(endpoint_id)
    .bind(LOG_ROWS)
    .fetch_all(&db.pool)
    .await?;
    let attempts: Vec<AttemptRow> = sqlx::query_as(
        "SELECT webhook_message_id, attempted_at, status_code, latency_ms, response_excerpt FROM webhook_attempt
         WHERE webhook_message_id IN (SELECT webhook_message_id FROM webhook_message
                                      WHERE webhook_endpoint_id = $1 ORDER BY webhook_message_id DESC LIMIT $2)
         ORDER BY webhook_attempt_id DESC",
    )
    .bind(endpoint_id)
    .bind(LOG_ROWS)
    .fetch_all(&db.pool)
    .await?;
    for row in attempts {
        if let Some(m) = messages.iter_mut().find(|m| m.message_id == row.webhook_message_id) {
            m.attempts.push(row.attempt);
        }
    }
    Ok(messages)
}

/// Removes an endpoint: nothing more is sent to it. False when the organisation has no such endpoint.
pub async fn remove(db: &Db, member: &CurrentUser, endpoint_id: i64, ip: Option<String>) -> ServerResult<bool> {
    let mut tx = db.begin().await?;
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
    audit::record(&mut tx, &Actor::Member(member).event(AuditAction::WebhookRemoved, Some(url), String::new(), ip))
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
