use crate::helpers::*;
use insight::shared::WidgetErrorCode;
use insight::widget::server::signature::sign_session_id;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successful_sign_in_returns_a_signed_session_and_queues_the_import() {
    let app = spawn_app().await;
    let (client_id, org, _) = app.business("sign@example.com").await;
    let mut run = WidgetRun::new(&client_id, "test");
    run.owner = Some("application-42");
    let ok = app.widget_sign_in(&run).await.expect("sign-in succeeds");
    assert_eq!(ok.target, "demo-pl");
    assert_eq!(ok.target_name, "Insight Demo Bank");
    assert_eq!(ok.owner_external_id.as_deref(), Some("application-42"));
    let secret = insight::account::server::organisations::signing_secret(&app.db, org).await.unwrap();
    assert_eq!(ok.session_id_signature, sign_session_id(&secret, &ok.session_id));
    let import_id = ok.import_id.expect("auto import is on by default");
    assert_eq!(app.import_row(import_id).await.0, "queued");
    assert_eq!(app.run_imports().await, 1);
    let (status, error, txs, accounts) = app.import_row(import_id).await;
    assert_eq!((status.as_str(), error, accounts), ("succeeded", None, 2));
    assert!(txs > 1000, "24 months of ~80 transactions a month, got {txs}");
    let (owner,): (String,) = sqlx::query_as("SELECT owner_names FROM import WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(owner, "Jan Kowalski");
    let (bank_session,): (Option<String>,) = sqlx::query_as("SELECT bank_session FROM import WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(bank_session, None, "the bank session is dropped once the import is done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_clients_and_foreign_origins_are_refused_with_their_codes() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("origin@example.com").await;
    let err = app.widget_start(&WidgetRun::new("ins_0000000000000000000000", "test")).await.unwrap_err();
    assert_eq!(err.code, WidgetErrorCode::UnknownClient);
    let err = app.widget_start(&WidgetRun::new("garbage", "test")).await.unwrap_err();
    assert_eq!(err.code, WidgetErrorCode::UnknownClient);
    let r = app
        .post_form(
            "/api/widget/start",
            &[("client_id", &client_id), ("origin", "https://evil.example"), ("bank", "demo-pl")],
        )
        .await;
    let err: insight::widget::model::error::WidgetError = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(err.code, WidgetErrorCode::OriginNotAllowed);
    assert_eq!(app.count("signin_session").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embed_options_outside_the_contract_are_invalid_options() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("opts@example.com").await;
    for months in ["0", "25", "-1", "twelve"] {
        let mut run = WidgetRun::new(&client_id, "test");
        run.months = Some(months);
        assert_eq!(app.widget_start(&run).await.unwrap_err().code, WidgetErrorCode::InvalidOptions, "{months}");
    }
    let long = "x".repeat(129);
    for owner in ["has space", "<script>", long.as_str()] {
        let mut run = WidgetRun::new(&client_id, "test");
        run.owner = Some(owner);
        assert_eq!(app.widget_start(&run).await.unwrap_err().code, WidgetErrorCode::InvalidOptions);
    }
    let mut run = WidgetRun::new(&client_id, "test");
    run.bank = "no-such-bank";
    assert_eq!(app.widget_start(&run).await.unwrap_err().code, WidgetErrorCode::InvalidOptions);
    assert_eq!(app.count("signin_session").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_page_may_be_framed_only_by_allowed_origins() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("csp@example.com").await;
    let page = app.get(&format!("/embed/signin?client_id={client_id}&origin=http://localhost:3100")).await;
    assert_eq!(page.status(), 200);
    assert_eq!(frame_ancestors(&page), "frame-ancestors 'self' http://localhost:* http://127.0.0.1:*");
    let html = page.text().await.unwrap();
    assert!(html.contains("Insight Demo Bank"), "the banks are rendered on the server");
    let bad = app.get(&format!("/embed/signin?client_id={client_id}&origin=https://evil.example")).await;
    assert_eq!(frame_ancestors(&bad), "frame-ancestors *");
    assert!(bad.text().await.unwrap().contains("not allowed to use this bank connection"));
    // Ambiguous or trailing-slash variants never end up frameable by anyone.
    let twice =
        app.get(&format!("/embed/signin?client_id={client_id}&origin=http://localhost:3100&locale=en&locale=en")).await;
    assert_eq!(frame_ancestors(&twice), "frame-ancestors 'none'");
    let slash = app.get(&format!("/embed/signin/?client_id={client_id}&origin=https://evil.example")).await;
    assert_ne!(slash.headers().get("content-security-policy").map(|v| v.to_str().unwrap()), None);
    let portal = app.get("/login").await;
    assert_eq!(frame_ancestors(&portal), "frame-ancestors 'self'");
    let loader = app.get("/signin-widget.js").await;
    assert!(loader.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(loader.headers()["cache-control"].to_str().unwrap().contains("max-age"));
    let js = loader.text().await.unwrap();
    assert!(js.contains("InsightSignIn") && js.len() < 5 * 1024);
    assert!(!js.contains("\"*\""), "the loader never posts to or accepts any origin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_login_ends_where_the_spec_says() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("scenarios@example.com").await;
    for (login, password, code) in [
        ("test-blocked", "whatever", WidgetErrorCode::AccessBlocked),
        ("test-down", "whatever", WidgetErrorCode::ServiceTemporarilyUnavailable),
        ("nobody", "Test123", WidgetErrorCode::InvalidCredentials),
        ("test", "wrong", WidgetErrorCode::InvalidCredentials),
    ] {
        let mut run = WidgetRun::new(&client_id, login);
        run.password = password;
        assert_eq!(app.widget_sign_in(&run).await.unwrap_err().code, code, "{login}");
    }
    let mut sca = WidgetRun::new(&client_id, "test-sca");
    sca.code = Some("123456");
    let sca_ok = app.widget_sign_in(&sca).await.expect("the right code signs in");
    let mut flaky = WidgetRun::new(&client_id, "test-flaky");
    flaky.months = Some("3");
    let flaky_ok = app.widget_sign_in(&flaky).await.unwrap();
    let mut timeout = WidgetRun::new(&client_id, "test-timeout");
    timeout.months = Some("6");
    let timeout_ok = app.widget_sign_in(&timeout).await.unwrap();
    let joint = app.widget_sign_in(&WidgetRun::new(&client_id, "test-joint")).await.unwrap();
    app.run_imports().await;
    assert_eq!(app.import_row(sca_ok.import_id.unwrap()).await.0, "succeeded");
    assert_eq!(app.import_row(flaky_ok.import_id.unwrap()).await.0, "succeeded", "retried past the flaky pages");
    let (status, error, txs, _) = app.import_row(timeout_ok.import_id.unwrap()).await;
    assert_eq!((status.as_str(), error.as_deref()), ("partial", Some("ServiceTemporarilyUnavailable")));
    assert!(txs > 0, "the newer half arrived");
    let (partial,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM import_account WHERE import_id = $1 AND partial_due_to_timeout = 1")
            .bind(timeout_ok.import_id.unwrap())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(partial >= 1);
    let (names,): (String,) = sqlx::query_as("SELECT owner_names FROM import WHERE import_id = $1")
        .bind(joint.import_id.unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(names.contains("Jan Kowalski") && names.contains("Anna Kowalska"), "{names}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_wrong_one_time_codes_block_access_and_a_retry_after_a_wrong_one_works() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("sca@example.com").await;
    let mut run = WidgetRun::new(&client_id, "test-sca");
    run.code = Some("000000");
    assert_eq!(app.widget_sign_in(&run).await.unwrap_err().code, WidgetErrorCode::InvalidOneTimeCode);
    // The same session accepts the right code after a wrong one, and blocks after the third wrong one.
    let session = app.widget_start(&WidgetRun::new(&client_id, "test-sca")).await.unwrap();
    let form = |k: &'static str, v: &str| vec![("session", session.clone()), (k, v.to_string())];
    app.client.post(app.url("/api/widget/consent")).form(&form("x", "")).send().await.unwrap();
    let creds = [("session", session.as_str()), ("login", "test-sca"), ("password", "Test123")];
    assert!(app.post_form("/api/widget/credentials", &creds).await.status().is_success());
    let mut last = String::new();
    for _ in 0..3 {
        last = app
            .post_form("/api/widget/code", &[("session", session.as_str()), ("code", "111111")])
            .await
            .text()
            .await
            .unwrap();
    }
    assert!(last.contains("AccessTemporarilyBlocked"), "{last}");
    let after = app.post_form("/api/widget/code", &[("session", session.as_str()), ("code", "123456")]).await;
    assert!(!after.status().is_success(), "a blocked session stays blocked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_ends_the_session() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("cancel@example.com").await;
    let session = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap();
    assert!(app.post_form("/api/widget/cancel", &[("session", &session)]).await.status().is_success());
    let r = app.post_form("/api/widget/consent", &[("session", &session)]).await;
    assert!(r.text().await.unwrap().contains("SessionExpired"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sessions_expire_after_fifteen_minutes() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("idle@example.com").await;
    let session = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap();
    let sixteen_minutes_ago = chrono::Utc::now().timestamp_millis() - 16 * 60 * 1000;
    sqlx::query("UPDATE signin_session SET updated_at = $1 WHERE signin_session_id = $2")
        .bind(sixteen_minutes_ago)
        .bind(&session)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = app.post_form("/api/widget/consent", &[("session", &session)]).await;
    assert!(r.text().await.unwrap().contains("SessionExpired"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_or_one_time_code_reaches_the_database_or_the_logs() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("secrets@example.com").await;
    let mut wrong = WidgetRun::new(&client_id, "test-sca");
    wrong.password = "Pa55-Secret-wrong";
    let _ = app.widget_sign_in(&wrong).await;
    let mut run = WidgetRun::new(&client_id, "test-sca");
    run.code = Some("123456");
    let mut bad_code = WidgetRun::new(&client_id, "test-sca");
    bad_code.code = Some("987123");
    let _ = app.widget_sign_in(&bad_code).await;
    app.widget_sign_in(&run).await.unwrap();
    app.run_imports().await;
    let secrets = ["Test123", "Pa55-Secret-wrong", "123456", "987123"];
    for table in ["signin_session", "import", "import_owner", "import_account", "organisation", "app_user"] {
        let rows = sqlx::query(&format!("SELECT * FROM {table}")).fetch_all(&app.db.pool).await.unwrap();
        for row in rows {
            use sqlx::{Column, Row};
            for col in row.columns() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(col.ordinal()) {
                    for s in secrets {
                        assert!(!text.contains(s), "{table}.{} holds a secret", col.name());
                    }
                }
            }
        }
    }
    let logs = logs();
    assert!(!logs.is_empty(), "the app logged something");
    for s in secrets {
        assert!(!logs.contains(s), "a secret reached the log");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_while_the_bank_is_answering_wins_and_no_import_is_queued() {
    use insight::widget::server::sessions::{self as signin_sessions, Authorised, SigninState};
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("race@example.com").await;
    let session = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap();
    assert!(app.post_form("/api/widget/consent", &[("session", &session)]).await.status().is_success());
    // The credentials request has taken the session to the bank…
    assert!(signin_sessions::transition(&app.db, &session, &[SigninState::Consented], SigninState::Verifying)
        .await
        .unwrap());
    // …a second request meanwhile finds it busy, and the user cancels.
    let busy = app
        .post_form("/api/widget/credentials", &[("session", &session), ("login", "test"), ("password", "Test123")])
        .await;
    let busy = busy.text().await.unwrap();
    assert!(busy.contains("SessionExpired"), "{busy}");
    assert!(app.post_form("/api/widget/cancel", &[("session", &session)]).await.status().is_success());
    // When the bank's answer arrives, nothing is authorised or queued.
    let stored = signin_sessions::get(&app.db, &session).await.unwrap().unwrap();
    assert!(matches!(
        signin_sessions::authorise(
            &app.db,
            &stored,
            "demo-token",
            insight::banks::model::Environment::Sandbox,
            app.state.settings.limits.import_quota(),
        )
        .await
        .unwrap(),
        Authorised::NoLongerOpen
    ));
    assert_eq!(app.count("import").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_sign_ins_are_limited_per_client_id() {
    let app = spawn_app_with(|s| s.signins_per_client_per_minute = 3).await;
    let (client_id, _, _) = app.business("limited@example.com").await;
    for _ in 0..3 {
        app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap();
    }
    let err = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap_err();
    assert_eq!(err.code, WidgetErrorCode::ServiceTemporarilyUnavailable);
    // Another business is not affected.
    let (other, _, _) = app.business("unlimited@example.com").await;
    assert!(app.widget_start(&WidgetRun::new(&other, "test")).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widget_requests_are_limited_per_address() {
    let app = spawn_app_with(|s| s.widget_requests_per_minute = 5).await;
    let (client_id, _, _) = app.business("ip-limit@example.com").await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            app.get(&format!("/embed/signin?client_id={client_id}&origin=http://localhost:3100"))
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..5], &[200; 5]);
    assert_eq!(&statuses[5..], &[429, 429]);
    assert_eq!(app.get("/login").await.status(), 200, "portal pages are not limited");
}
