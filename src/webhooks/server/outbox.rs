//! The outbox: a change and the messages that describe it commit in one transaction, so a crash can neither
//! lose a message nor send one for a change that did not happen. One row per subscribed endpoint; the
//! delivery worker sends them.

use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::OrganisationId;
use crate::webhooks::model::EventType;
use sqlx::{Any, Executor};

/// The body every endpoint receives for one event: `{"type", "timestamp", "data"}` (Standard Webhooks'
/// recommended shape), serialised once so the signature covers these exact bytes.
pub fn body(event_type: EventType, data: &serde_json::Value) -> String {
    let timestamp = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    serde_json::json!({ "type": event_type.as_str(), "timestamp": timestamp, "data": data }).to_string()
}

/// A fresh event id (`msg_…`): the `webhook-id` receivers de-duplicate by.
pub fn event_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}

/// Queues `event_type` for every endpoint of the organisation that subscribed to it, inside the caller's
/// transaction.
pub async fn enqueue<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    organisation_id: OrganisationId,
    event_type: EventType,
    data: serde_json::Value,
) -> ServerResult<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO webhook_message
            (organisation_id, webhook_endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at)
         SELECT $1, webhook_endpoint_id, $2, $3, $4, 'pending', $5, $5 FROM webhook_endpoint
         WHERE organisation_id = $1 AND removed_at IS NULL AND events LIKE $6",
    )
    .bind(organisation_id)
    .bind(event_id())
    .bind(event_type.as_str())
    .bind(body(event_type, &data))
    .bind(now)
    .bind(format!("% {} %", event_type.as_str()))
    .execute(executor)
    .await?;
    Ok(())
}
