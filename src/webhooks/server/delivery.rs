//! The delivery worker: claims a due message with a lease (any instance; `SKIP LOCKED` on PostgreSQL),
//! signs it (Standard Webhooks), posts it with a timeout, logs the attempt, and on failure schedules the
//! next one with exponential backoff and jitter until the retry window is over. A worker that dies mid-send
//! leaves a lease that expires, so the message is sent again: delivery is at least once, and receivers
//! de-duplicate by `webhook-id`, which never changes for a message.

use super::address::{self, GuardedResolver};
use crate::platform::config::WebhookSettings;
use crate::platform::db::{Backend, Db};
use crate::platform::error::{ServerError, ServerResult};
use crate::platform::now_ms;
use crate::platform::state::AppState;
use rand::Rng;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// How long a claimed message is this worker's: longer than an attempt can take.
fn lease_ms(settings: &WebhookSettings) -> i64 {
    settings.timeout.as_millis() as i64 + 30_000
}

/// The first 1 KB of an answer kept in the log.
const EXCERPT_BYTES: usize = 1024;

/// What a worker sends with: one HTTP client whose resolver enforces the address policy.
pub struct Deliverer {
    client: reqwest::Client,
    settings: WebhookSettings,
}

impl Deliverer {
    pub fn new(settings: &WebhookSettings) -> ServerResult<Self> {
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver { policy: settings.clone() }))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent("Insight-Webhooks/1")
            .build()
            .map_err(|e| ServerError::Other(anyhow::anyhow!("webhook client: {e}")))?;
        Ok(Self { client, settings: settings.clone() })
    }
}

#[derive(Debug, sqlx::FromRow)]
struct Claimed {
    webhook_message_id: i64,
    webhook_endpoint_id: i64,
    event_id: String,
    payload: String,
    attempts: i64,
    created_at: i64,
}

async fn claim(db: &Db, now: i64, lease_ms: i64) -> ServerResult<Option<Claimed>> {
    let lock = match db.backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE webhook_message SET lease_until = $2
         WHERE webhook_message_id = (
             SELECT webhook_message_id FROM webhook_message
             WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
             ORDER BY next_attempt_at, webhook_message_id LIMIT 1 {lock})
           AND status = 'pending' AND (lease_until IS NULL OR lease_until < $1)
         RETURNING webhook_message_id, webhook_endpoint_id, event_id, payload, attempts, created_at"
    );
    Ok(sqlx::query_as(&sql).bind(now).bind(now + lease_ms).fetch_optional(&db.pool).await?)
}

/// The answer to one attempt.
struct Answer {
    status_code: Option<u16>,
    excerpt: String,
    latency_ms: i64,
}

impl Answer {
    fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

async fn send(deliverer: &Deliverer, url: &str, secret: &str, m: &Claimed) -> Answer {
    let started = Instant::now();
    let answer = |status_code, excerpt: String| Answer {
        status_code,
        excerpt,
        latency_ms: started.elapsed().as_millis() as i64,
    };
    let Ok(parsed) = url::Url::parse(url) else { return answer(None, "the endpoint URL is not valid".into()) };
    // A literal address never reaches the resolver: check it here.
    if address::literal_ip(&parsed).is_some_and(|ip| !address::address_allowed(ip, &deliverer.settings)) {
        return answer(None, "refused: the endpoint's address is private or reserved".into());
    }
    let timestamp = chrono::Utc::now().timestamp();
    let signature = match standardwebhooks::Webhook::new(secret)
        .and_then(|w| w.sign(&m.event_id, timestamp, m.payload.as_bytes()))
    {
        Ok(s) => s,
        Err(e) => return answer(None, format!("could not sign: {e}")),
    };
    let sent = deliverer
        .client
        .post(parsed)
        .header("content-type", "application/json")
        .header(standardwebhooks::HEADER_WEBHOOK_ID, &m.event_id)
        .header(standardwebhooks::HEADER_WEBHOOK_TIMESTAMP, timestamp.to_string())
        .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature)
        .body(m.payload.clone())
        .send()
        .await;
    match sent {
        Err(e) => {
            // The cause chain says what happened (refused address, timeout, connection refused).
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                why = format!("{why}: {s}");
                source = s.source();
            }
            answer(None, why.chars().take(EXCERPT_BYTES).collect())
        }
        Ok(mut response) => {
            let code = response.status().as_u16();
            let mut body = Vec::new();
            while body.len() < EXCERPT_BYTES {
                match response.chunk().await {
                    Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            body.truncate(EXCERPT_BYTES);
            answer(Some(code), String::from_utf8_lossy(&body).into_owned())
        }
    }
}

/// The delay before attempt `attempts + 1`: base × 2^(attempts − 1), at most an hour, ±20 % jitter so
/// endpoints that failed together are not retried together.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let exponent = (attempts - 1).clamp(0, 20) as u32;
    let delay = base.saturating_mul(2u32.saturating_pow(exponent)).min(Duration::from_secs(3600));
    delay.mul_f64(rand::thread_rng().gen_range(0.8..1.2))
}

/// Sends one due message, if any. `Ok(false)` when none is due.
pub async fn deliver_one(db: &Db, deliverer: &Deliverer) -> ServerResult<bool> {
    let now = now_ms();
    let Some(m) = claim(db, now, lease_ms(&deliverer.settings)).await? else { return Ok(false) };
    let endpoint: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT url, secret, removed_at FROM webhook_endpoint WHERE webhook_endpoint_id = $1")
            .bind(m.webhook_endpoint_id)
            .fetch_optional(&db.pool)
            .await?;
    let answer = match &endpoint {
        Some((url, secret, None)) => send(deliverer, url, secret, &m).await,
        _ => Answer { status_code: None, excerpt: "the endpoint was removed".into(), latency_ms: 0 },
    };
    let attempts = m.attempts + 1;
    let finished_at = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO webhook_attempt (webhook_message_id, attempted_at, status_code, latency_ms, response_excerpt)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(m.webhook_message_id)
    .bind(now)
    .bind(answer.status_code.map(i64::from))
    .bind(answer.latency_ms)
    .bind(&answer.excerpt)
    .execute(&mut *tx)
    .await?;
    let removed = !matches!(endpoint, Some((_, _, None)));
    if answer.succeeded() {
        sqlx::query(
            "UPDATE webhook_message SET status = 'delivered', attempts = $1, delivered_at = $2, lease_until = NULL
             WHERE webhook_message_id = $3",
        )
        .bind(attempts)
        .bind(finished_at)
        .bind(m.webhook_message_id)
        .execute(&mut *tx)
        .await?;
    } else {
        let next = finished_at + backoff(deliverer.settings.retry_base, attempts).as_millis() as i64;
        let give_up = removed || next - m.created_at > deliverer.settings.retry_window.as_millis() as i64;
        sqlx::query(
            "UPDATE webhook_message SET status = $1, attempts = $2, next_attempt_at = $3, lease_until = NULL
             WHERE webhook_message_id = $4",
        )
        .bind(if give_up { "failed" } else { "pending" })
        .bind(attempts)
        .bind(next)
        .bind(m.webhook_message_id)
        .execute(&mut *tx)
        .await?;
        tracing::warn!(
            message = m.webhook_message_id,
            status = answer.status_code,
            attempts,
            give_up,
            "webhook delivery failed"
        );
    }
    tx.commit().await?;
    Ok(true)
}

/// Sends every message that is due now: for tests and tools that drive delivery themselves.
pub async fn deliver_due(state: &AppState) -> ServerResult<usize> {
    let deliverer = Deliverer::new(&state.settings.webhooks)?;
    let mut sent = 0;
    while deliver_one(&state.db, &deliverer).await? {
        sent += 1;
    }
    Ok(sent)
}

async fn run_until_stopped(state: AppState) {
    let deliverer = match Deliverer::new(&state.settings.webhooks) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error.cause_chain = ?anyhow::Error::from(e), "webhook delivery cannot start");
            return;
        }
    };
    let mut stopping = state.stopping.subscribe();
    while !state.is_stopping() {
        match deliver_one(&state.db, &deliverer).await {
            Ok(true) => {}
            Ok(false) => {
                tokio::select! {
                    _ = tokio::time::sleep(state.settings.webhooks.poll_interval) => {}
                    _ = stopping.changed() => {}
                }
            }
            Err(e) => {
                tracing::error!(error.cause_chain = ?anyhow::Error::from(e), "webhook worker error");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Starts this process's delivery workers.
pub fn spawn_workers(state: &AppState) -> Vec<JoinHandle<()>> {
    (0..state.settings.webhooks.workers).map(|_| tokio::spawn(run_until_stopped(state.clone()))).collect()
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_growing_at_an_hour() {
        let base = Duration::from_secs(5);
        for attempts in 1..=6 {
            let expected = 5.0 * 2f64.powi(attempts as i32 - 1);
            let d = backoff(base, attempts).as_secs_f64();
            assert!(d >= expected * 0.8 && d <= expected * 1.2, "attempt {attempts}: {d}");
        }
        assert!(backoff(base, 40).as_secs_f64() <= 3600.0 * 1.2);
    }

    /// The example of the Standard Webhooks specification (spec/standard-webhooks.md), signed by the
    /// library this worker signs with.
    #[test]
    fn signatures_match_the_specifications_published_example() {
        let hook = standardwebhooks::Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = hook.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
