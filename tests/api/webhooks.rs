//! Webhooks against a real local receiver: signed per Standard Webhooks (checked by a second, independent
//! HMAC here), sent once per event, retried with growing delays, redelivered with the same id, never sent
//! to private addresses, and neither lost nor doubled when the server is killed between change and delivery.

use crate::helpers::*;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// A webhook receiver on 127.0.0.1 that records every request and answers with the scripted statuses, then
/// 200.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub async fn start(script: &[u16]) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.iter().copied().collect::<VecDeque<u16>>()));
        let (r, s) = (received.clone(), script.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (r, s) = (r.clone(), s.clone());
                async move {
                    r.lock().unwrap().push(Received { headers, body, at: Instant::now() });
                    let code = s.lock().unwrap().pop_front().unwrap_or(200);
                    (AxumStatus::from_u16(code).unwrap(), format!("answer {code}"))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, received }
    }

    pub fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn of_type(&self, event_type: &str) -> Vec<Received> {
        self.all().into_iter().filter(|r| r.json()["type"] == event_type).collect()
    }
}

/// Standard Webhooks verification written out here, independently of the library the server signs with:
/// base64 HMAC-SHA256 of `id.timestamp.body` under the base64-decoded secret, compared with every `v1,`
/// signature of the header.
pub fn independently_verified(secret: &str, r: &Received) -> bool {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let key = base64::engine::general_purpose::STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", r.header("webhook-id"), r.header("webhook-timestamp"), r.body).as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    r.header("webhook-signature").split(' ').any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

fn all_events() -> Vec<(&'static str, &'static str)> {
    vec![
        ("import_succeeded", "on"),
        ("import_partial", "on"),
        ("import_failed", "on"),
        ("application_decided", "on"),
        ("application_erased", "on"),
    ]
}

/// Adds an endpoint through the portal's server function; returns its secret.
pub async fn add_endpoint(app_url: &str, member: &Client, url: &str, events: &[(&str, &str)]) -> String {
    let mut form = vec![("url", url)];
    form.extend_from_slice(events);
    let r = member.post(format!("{app_url}/api/webhooks/add")).form(&form).send().await.unwrap();
    assert!(ok(&r), "adding an endpoint: {}", r.status());
    let added: Value = r.json().await.unwrap();
    let secret = added["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    secret
}

async fn deliver(app: &TestApp) -> usize {
    insight::webhooks::server::delivery::deliver_due(&app.state).await.unwrap()
}

#[tokio::test]
async fn each_event_arrives_once_with_a_signature_an_independent_verifier_accepts() {
    let app = spawn_app().await;
    let receiver = Receiver::start(&[]).await;
    let (client_id, _, admin) = app.business("hooks@example.com").await;
    let secret = add_endpoint(&app.address, &admin, &receiver.url, &all_events()).await;

    let mut run = WidgetRun::new(&client_id, "test");
    run.owner = Some("applicant-1");
    let import_id = app.widget_sign_in(&run).await.unwrap().import_id.unwrap();
    assert_eq!(deliver(&app).await, 0, "nothing happened yet");
    app.run_imports().await;
    assert_eq!(deliver(&app).await, 1);
    assert_eq!(deliver(&app).await, 0, "sent once");

    let got = receiver.of_type("import.succeeded");
    assert_eq!(got.len(), 1);
    let message = &got[0];
    assert!(independently_verified(&secret, message), "the signature verifies: {:?}", message.headers);
    let spec_library = standardwebhooks::Webhook::new(&secret).unwrap();
    spec_library.verify(message.body.as_bytes(), &message.headers).expect("the specification's library agrees");
    assert!(message.header("webhook-id").starts_with("msg_"));
    let age = chrono::Utc::now().timestamp() - message.header("webhook-timestamp").parse::<i64>().unwrap();
    assert!((0..60).contains(&age));
    assert_eq!(message.header("content-type"), "application/json");
    let body = message.json();
    assert_eq!(body["data"]["importId"], import_id.get());
    assert_eq!(body["data"]["ownerExternalId"], "applicant-1");
    assert_eq!(body["data"]["status"], "succeeded");
    assert!(body["data"]["transactionsCount"].as_i64().unwrap() > 0);

    // A reviewer's decision, and an erasure, each arrive once, signed.
    let r = app
        .post_form_with(
            &admin,
            "/api/applications/decide",
            &[("import_id", &import_id.to_string()), ("decision", "approve"), ("note", "fine")],
        )
        .await;
    assert!(ok(&r));
    let r = app
        .post_form_with(
            &admin,
            "/api/applications/erase",
            &[("import_id", &import_id.to_string()), ("confirm", "erase")],
        )
        .await;
    assert!(ok(&r), "{}", r.status());
    assert_eq!(deliver(&app).await, 2);
    let decided = receiver.of_type("application.decided");
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0].json()["data"]["decision"], "approved");
    assert_eq!(decided[0].json()["data"]["reviewer"], "hooks@example.com");
    assert!(independently_verified(&secret, &decided[0]));
    assert_eq!(receiver.of_type("application.erased").len(), 1);
    let ids: std::collections::BTreeSet<String> = receiver.all().iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!(ids.len(), 3, "each event has its own id");

    // Another organisation's endpoint hears nothing of this one.
    let stranger_receiver = Receiver::start(&[]).await;
    let (_, _, stranger) = app.business("hooks-stranger@example.com").await;
    add_endpoint(&app.address, &stranger, &stranger_receiver.url, &all_events()).await;
    app.post_form_with(
        &admin,
        "/api/applications/decide",
        &[("import_id", &import_id.to_string()), ("decision", "reject"), ("note", "changed")],
    )
    .await;
    deliver(&app).await;
    assert!(stranger_receiver.all().is_empty());
}

#[tokio::test]
async fn only_the_events_an_endpoint_chose_are_sent_to_it() {
    let app = spawn_app().await;
    let receiver = Receiver::start(&[]).await;
    let (client_id, _, admin) = app.business("choosy@example.com").await;
    add_endpoint(&app.address, &admin, &receiver.url, &[("application_decided", "on")]).await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    deliver(&app).await;
    assert!(receiver.all().is_empty(), "import.succeeded was not chosen");
    app.post_form_with(
        &admin,
        "/api/applications/decide",
        &[("import_id", &import_id.to_string()), ("decision", "approve"), ("note", "")],
    )
    .await;
    deliver(&app).await;
    assert_eq!(receiver.of_type("application.decided").len(), 1);
    let r = app.post_form_with(&admin, "/api/webhooks/add", &[("url", receiver.url.as_str())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "at least one event");
}

#[tokio::test]
async fn a_receiver_failing_twice_gets_three_attempts_with_growing_delays_and_one_success_in_the_log() {
    let app = spawn_app().await;
    let receiver = Receiver::start(&[500, 500]).await;
    let (_, _, admin) = app.business("retries@example.com").await;
    add_endpoint(&app.address, &admin, &receiver.url, &all_events()).await;
    let endpoint: i64 =
        sqlx::query_scalar("SELECT webhook_endpoint_id FROM webhook_endpoint").fetch_one(&app.db.pool).await.unwrap();
    let r = app.post_form_with(&admin, "/api/webhooks/test", &[("endpoint_id", &endpoint.to_string())]).await;
    assert!(ok(&r));
    let deadline = Instant::now() + Duration::from_secs(10);
    while receiver.all().len() < 3 && Instant::now() < deadline {
        deliver(&app).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let got = receiver.all();
    assert_eq!(got.len(), 3, "two failures and a success");
    assert!(got.iter().all(|r| r.header("webhook-id") == got[0].header("webhook-id")), "one id on every attempt");
    let (first, second) = (got[1].at - got[0].at, got[2].at - got[1].at);
    assert!(first >= Duration::from_millis(150), "waited before retrying: {first:?}");
    assert!(second > first, "the delay grows: {first:?} then {second:?}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    deliver(&app).await;
    assert_eq!(receiver.all().len(), 3, "nothing after the success");

    let r = app.post_form_with(&admin, "/api/webhooks/list", &[]).await;
    let list: Value = r.json().await.unwrap();
    let log = &list[0]["deliveries"][0];
    assert_eq!(log["status"], "delivered");
    let codes: Vec<i64> =
        log["attempts"].as_array().unwrap().iter().map(|a| a["status_code"].as_i64().unwrap()).collect();
    assert_eq!(codes, [200, 500, 500], "newest first");
    assert_eq!(log["attempts"][1]["response_excerpt"], "answer 500");
}

#[tokio::test]
async fn redeliver_sends_the_same_message_with_the_same_webhook_id() {
    let app = spawn_app().await;
    let receiver = Receiver::start(&[]).await;
    let (_, _, admin) = app.business("redeliver@example.com").await;
    let secret = add_endpoint(&app.address, &admin, &receiver.url, &all_events()).await;
    let endpoint: i64 =
        sqlx::query_scalar("SELECT webhook_endpoint_id FROM webhook_endpoint").fetch_one(&app.db.pool).await.unwrap();
    app.post_form_with(&admin, "/api/webhooks/test", &[("endpoint_id", &endpoint.to_string())]).await;
    deliver(&app).await;
    let message: i64 =
        sqlx::query_scalar("SELECT webhook_message_id FROM webhook_message").fetch_one(&app.db.pool).await.unwrap();
    let r = app.post_form_with(&admin, "/api/webhooks/redeliver", &[("message_id", &message.to_string())]).await;
    assert!(ok(&r));
    deliver(&app).await;
    let got = receiver.all();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(got[0].json()["type"], "webhook.test");
    assert!(independently_verified(&secret, &got[1]));

    // Another organisation can neither redeliver, test nor remove it.
    let (_, _, stranger) = app.business("redeliver-stranger@example.com").await;
    for (path, field, id) in [
        ("/api/webhooks/redeliver", "message_id", message),
        ("/api/webhooks/test", "endpoint_id", endpoint),
        ("/api/webhooks/remove", "endpoint_id", endpoint),
    ] {
        let r = app.post_form_with(&stranger, path, &[(field, &id.to_string())]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = app.post_form_with(&stranger, "/api/webhooks/list", &[]).await;
    assert_eq!(r.json::<Value>().await.unwrap(), serde_json::json!([]));

    // Removed: nothing more is sent.
    assert!(ok(&app.post_form_with(&admin, "/api/webhooks/remove", &[("endpoint_id", &endpoint.to_string())]).await));
    app.post_form_with(&admin, "/api/webhooks/redeliver", &[("message_id", &message.to_string())]).await;
    deliver(&app).await;
    assert_eq!(receiver.all().len(), 2);
}

#[tokio::test]
async fn private_addresses_are_refused_when_added_and_again_after_dns_on_delivery() {
    let strict = spawn_app_with(|s| s.webhooks.allow_insecure = false).await;
    let (_, _, admin) = strict.business("ssrf@example.com").await;
    for url in [
        "http://hooks.example.com/x",
        "https://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://shop.test/hook",
    ] {
        let mut form = vec![("url", url)];
        form.extend(all_events());
        let r = strict.post_form_with(&admin, "/api/webhooks/add", &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
    }

    // A name that passed when added but resolves to a loopback address is refused at delivery time.
    let receiver = Receiver::start(&[]).await;
    let app = spawn_app().await; // loopback allowed, to add the endpoint
    let (_, _, member) = app.business("ssrf-dns@example.com").await;
    let by_name = receiver.url.replace("127.0.0.1", "localhost");
    add_endpoint(&app.address, &member, &by_name, &all_events()).await;
    let endpoint: i64 =
        sqlx::query_scalar("SELECT webhook_endpoint_id FROM webhook_endpoint").fetch_one(&app.db.pool).await.unwrap();
    app.post_form_with(&member, "/api/webhooks/test", &[("endpoint_id", &endpoint.to_string())]).await;
    let policy = insight::platform::config::WebhookSettings { allow_insecure: true, ..Default::default() };
    let strict_policy = insight::platform::config::WebhookSettings { allow_insecure: false, ..policy };
    let deliverer = insight::webhooks::server::delivery::Deliverer::new(&strict_policy).unwrap();
    assert!(insight::webhooks::server::delivery::deliver_one(&app.db, &deliverer).await.unwrap());
    assert!(receiver.all().is_empty(), "nothing reached the loopback receiver");
    let (code, excerpt): (Option<i64>, String) =
        sqlx::query_as("SELECT status_code, response_excerpt FROM webhook_attempt")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(code, None);
    assert!(excerpt.contains("private or reserved"), "{excerpt}");
}

/// The real server binary, killed with SIGKILL after an import finished but before its webhook went out
/// (delivery off in that process): after a restart with delivery on, the message arrives exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_survives_kill_9_between_the_change_and_the_delivery_and_arrives_once() {
    use crate::crash::{start_with, wait_until_up};
    let receiver = Receiver::start(&[]).await;
    let (db_url, _dir) = fresh_database_url().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let no_delivery = [("APP_WEBHOOK_WORKERS", "0"), ("APP_WEBHOOK_ALLOW_INSECURE", "true")];
    let mut server = start_with(&db_url, port, &no_delivery);
    wait_until_up(&base).await;

    let business = client();
    let form = [("company_name", "Crash Hooks"), ("email", "crash-hooks@example.com"), ("password", PASSWORD)];
    assert!(ok(&business.post(format!("{base}/api/auth/register")).form(&form).send().await.unwrap()));
    add_endpoint(&base, &business, &receiver.url, &all_events()).await;
    let (db, _) = insight::platform::db::Db::connect(&db_url).await.unwrap();
    let (client_id,): (String,) =
        sqlx::query_as("SELECT client_id FROM organisation").fetch_one(&db.pool).await.unwrap();
    let widget = client();
    let post = |path: &str, form: Vec<(&'static str, String)>| {
        let (widget, url) = (widget.clone(), format!("{base}{path}"));
        async move { widget.post(url).form(&form).send().await.unwrap().text().await.unwrap() }
    };
    let start = vec![("client_id", client_id), ("origin", "http://localhost:3100".into()), ("bank", "demo-pl".into())];
    let session: String = serde_json::from_str(&post("/api/widget/start", start).await).unwrap();
    post("/api/widget/consent", vec![("session", session.clone())]).await;
    let credentials = vec![("session", session), ("login", "test".into()), ("password", "Test123".into())];
    assert!(post("/api/widget/credentials", credentials).await.contains("Success"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status,): (String,) = sqlx::query_as("SELECT status FROM import").fetch_one(&db.pool).await.unwrap();
        if status == "succeeded" {
            break;
        }
        assert!(Instant::now() < deadline, "the import did not finish ({status})");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (pending,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM webhook_message WHERE status = 'pending'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(pending, 1, "the change committed its message");
    server.0.kill().expect("SIGKILL");
    server.0.wait().unwrap();
    drop(server);
    assert!(receiver.all().is_empty(), "nothing was sent before the kill");

    let _restarted = start_with(&db_url, port, &[("APP_WEBHOOK_ALLOW_INSECURE", "true")]);
    wait_until_up(&base).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while receiver.all().is_empty() {
        assert!(Instant::now() < deadline, "the message was not delivered after the restart");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(receiver.of_type("import.succeeded").len(), 1, "exactly once");
    let (status,): (String,) = sqlx::query_as("SELECT status FROM webhook_message").fetch_one(&db.pool).await.unwrap();
    assert_eq!(status, "delivered");
}
