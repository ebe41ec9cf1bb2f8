//! Event types and what the webhooks page shows.

use crate::shared::text_enum::text_enum;
use serde::{Deserialize, Serialize};

text_enum! {
    /// What a message is about (its `type`).
    pub enum EventType {
        ImportSucceeded = "import.succeeded",
        ImportPartial = "import.partial",
        ImportFailed = "import.failed",
        ApplicationDecided = "application.decided",
        ApplicationErased = "application.erased",
        /// Sent by **Send test event** to one endpoint only.
        Test = "webhook.test",
    }
}

impl EventType {
    /// The events an endpoint can subscribe to.
    pub const SUBSCRIBABLE: [EventType; 5] = [
        EventType::ImportSucceeded,
        EventType::ImportPartial,
        EventType::ImportFailed,
        EventType::ApplicationDecided,
        EventType::ApplicationErased,
    ];

    /// The form field of its checkbox (`import_succeeded`).
    pub fn field(self) -> String {
        self.as_str().replace('.', "_")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointListing {
    pub endpoint_id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub created_by: String,
    pub created_at: i64,
    /// The latest messages to it, newest first (the delivery log).
    pub deliveries: Vec<DeliveryListing>,
}

/// One message to one endpoint, with its attempts, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DeliveryListing {
    #[cfg_attr(feature = "ssr", sqlx(rename = "webhook_message_id"))]
    pub message_id: i64,
    pub event_id: String,
    pub event_type: String,
    pub status: String,
    pub created_at: i64,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub attempts: Vec<AttemptListing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AttemptListing {
    pub attempted_at: i64,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub response_excerpt: String,
}

/// An endpoint just added: its secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedEndpoint {
    pub endpoint_id: i64,
    pub secret: String,
}
