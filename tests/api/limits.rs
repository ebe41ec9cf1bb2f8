//! Abuse limits: bounded bank-password and code guessing per sign-in session and per address, throttled
//! portal log-ins with an audit trail, registrations per address, a bounded argon2 queue, and budgets keyed
//! by the client's real address, which only a trusted proxy may name.

use crate::helpers::*;
use insight::shared::WidgetErrorCode;
use insight::widget::model::error::WidgetError;
use std::time::Duration;

async fn widget_error(r: reqwest::Response) -> (u16, WidgetError) {
    let status = r.status().as_u16();
    (status, serde_json::from_str(&r.text().await.unwrap()).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fourth_bank_password_of_a_session_is_refused_without_asking_the_bank() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("guess@example.com").await;
    let session = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap();
    assert!(ok(&app.post_form("/api/widget/consent", &[("session", &session)]).await));
    let attempt = |password: &'static str| {
        let session = session.clone();
        let app = &app;
        async move {
            let form = [("session", session.as_str()), ("login", "test"), ("password", password)];
            widget_error(app.post_form("/api/widget/credentials", &form).await).await
        }
    };
    for _ in 0..3 {
        let (status, e) = attempt("wrong").await;
        assert_eq!((status, e.code), (422, WidgetErrorCode::InvalidCredentials));
    }
    // The right password now: had the bank been asked, it would have said yes.
    let (status, e) = attempt("Test123").await;
    assert_eq!((status, e.code), (429, WidgetErrorCode::AccessTemporarilyBlocked));
    assert_eq!(app.count("import").await, 0, "nothing was authorised");
    let (state,): (String,) = sqlx::query_as("SELECT state FROM signin_session WHERE signin_session_id = $1")
        .bind(&session)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(state, "failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_one_time_codes_are_bounded_per_session_by_insight_itself() {
    // Two allowed here, below the Demo Bank's own three, so the refusal is Insight's, not the bank's.
    let app = spawn_app_with(|s| s.limits.bank_attempts_per_session = 2).await;
    let (client_id, _, _) = app.business("codes@example.com").await;
    let session = app.widget_start(&WidgetRun::new(&client_id, "test-sca")).await.unwrap();
    assert!(ok(&app.post_form("/api/widget/consent", &[("session", &session)]).await));
    let form = [("session", session.as_str()), ("login", "test-sca"), ("password", "Test123")];
    assert!(ok(&app.post_form("/api/widget/credentials", &form).await));
    let mut codes = Vec::new();
    for code in ["000000", "111111", "123456"] {
        let r = app.post_form("/api/widget/code", &[("session", session.as_str()), ("code", code)]).await;
        codes.push(widget_error(r).await.1.code);
    }
    use WidgetErrorCode::*;
    assert_eq!(
        codes,
        [InvalidOneTimeCode, InvalidOneTimeCode, AccessTemporarilyBlocked],
        "the right code came too late"
    );
    assert_eq!(app.count("import").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_bank_log_ins_are_budgeted_per_client_id_and_address_across_sessions() {
    let app = spawn_app_with(|s| s.limits.bank_failures_per_client_address = 4).await;
    let (client_id, _, _) = app.business("stuffing@example.com").await;
    let mut codes = Vec::new();
    for _ in 0..3 {
        let session = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap();
        assert!(ok(&app.post_form("/api/widget/consent", &[("session", &session)]).await));
        for _ in 0..2 {
            let form = [("session", session.as_str()), ("login", "victim"), ("password", "guess")];
            let r = app.post_form("/api/widget/credentials", &form).await;
            let retry = r.headers().get("retry-after").is_some();
            let (_, e) = widget_error(r).await;
            codes.push((e.code, retry));
        }
    }
    assert!(codes[..4].iter().all(|(c, _)| *c == WidgetErrorCode::InvalidCredentials), "{codes:?}");
    assert_eq!(codes[4], (WidgetErrorCode::AccessTemporarilyBlocked, true), "{codes:?}");
    // Another business's widget is not affected by this address's failures with the first one.
    let (other, _, _) = app.business("innocent@example.com").await;
    assert!(app.widget_sign_in(&WidgetRun::new(&other, "test")).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixth_wrong_portal_password_is_refused_for_a_while_and_audited() {
    let app = spawn_app().await;
    app.register("Throttle Co", "throttle@example.com").await;
    let attempt = |password: &'static str| {
        let c = client();
        let app = &app;
        async move { app.log_in_with(&c, "throttle@example.com", password).await }
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong password!").await.status(), 401);
    }
    let refused = attempt(PASSWORD).await;
    assert_eq!(refused.status(), 429, "even the right password waits");
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    assert!(matches!(app_error(refused).await, insight::error::AppError::RateLimited { .. }));
    let count = |action: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_event WHERE action = $1")
                .bind(action)
                .fetch_one(&pool)
                .await
                .unwrap();
            n
        }
    };
    assert_eq!(count("login_failed").await, 5);
    assert_eq!(count("login_locked").await, 1);
    // An unknown e-mail is throttled the same way, so the limit does not reveal which accounts exist.
    for _ in 0..5 {
        assert_eq!(app.log_in_with(&client(), "nobody@example.com", "x").await.status(), 401);
    }
    assert_eq!(app.log_in_with(&client(), "nobody@example.com", "x").await.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_are_limited_per_address() {
    let app = spawn_app_with(|s| s.limits.registrations_per_hour = 2).await;
    assert!(ok(&app.register("One Co", "one@example.com").await));
    assert!(ok(&app.register("Two Co", "two@example.com").await));
    let third = app.register("Three Co", "three@example.com").await;
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
    assert_eq!(app.count("organisation").await, 2);
    // A form with mistakes is not counted.
    let app = spawn_app_with(|s| s.limits.registrations_per_hour = 1).await;
    let bad = app.post_form("/api/auth/register", &[("company_name", ""), ("email", "x"), ("password", "")]).await;
    assert_eq!(bad.status(), 422);
    assert!(ok(&app.register("Fine Co", "fine@example.com").await));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_log_ins_is_answered_busy_instead_of_queueing_for_minutes() {
    let app = spawn_app_with(|s| {
        s.max_concurrent_hashes = 1;
        s.limits.hash_queue_wait = Duration::from_millis(20);
        s.limits.login_failures_allowed = 1000;
    })
    .await;
    let burst = (0..12).map(|i| {
        let app = &app;
        async move {
            let email = format!("bogus{i}@example.com");
            app.log_in_with(&client(), &email, "not the password").await
        }
    });
    let answers = futures::future::join_all(burst).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 401 || *s == 503), "{statuses:?}");
    assert!(statuses.contains(&503), "some were answered busy: {statuses:?}");
    let busy = answers.iter().find(|r| r.status() == 503).unwrap();
    assert!(busy.headers().contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junk_sign_ins_do_not_use_up_a_client_ids_budget() {
    let app = spawn_app_with(|s| s.signins_per_client_per_minute = 3).await;
    let (client_id, _, _) = app.business("budget@example.com").await;
    for bank in ["no-such-bank", "", "<script>"] {
        for _ in 0..4 {
            let mut run = WidgetRun::new(&client_id, "test");
            run.bank = bank;
            assert_eq!(app.widget_start(&run).await.unwrap_err().code, WidgetErrorCode::InvalidOptions);
        }
    }
    for months in ["0", "99"] {
        let mut run = WidgetRun::new(&client_id, "test");
        run.months = Some(months);
        assert!(app.widget_start(&run).await.is_err());
    }
    for _ in 0..3 {
        app.widget_start(&WidgetRun::new(&client_id, "test")).await.expect("the budget is whole");
    }
    let err = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap_err();
    assert_eq!(err.code, WidgetErrorCode::ServiceTemporarilyUnavailable);
}

async fn embed_status(app: &TestApp, client_id: &str, forwarded_for: &str) -> u16 {
    let url = app.url(&format!("/embed/signin?client_id={client_id}&origin={SHOP_ORIGIN}"));
    app.client.get(url).header("x-forwarded-for", forwarded_for).send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_forwarded_for_changes_nothing_without_a_trusted_proxy() {
    let app = spawn_app_with(|s| s.widget_requests_per_minute = 5).await;
    let (client_id, _, _) = app.business("forged@example.com").await;
    for i in 0..5 {
        assert_eq!(embed_status(&app, &client_id, &format!("198.51.100.{i}")).await, 200);
    }
    assert_eq!(embed_status(&app, &client_id, "198.51.100.99").await, 429, "still one client: the peer");
    app.log_in_with(&app.client, "forged@example.com", PASSWORD).await;
    let (ip,): (Option<String>,) =
        sqlx::query_as("SELECT ip FROM audit_event WHERE action = 'login' ORDER BY audit_event_id DESC LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(ip.as_deref(), Some("127.0.0.1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget_and_address() {
    let app = spawn_app_with(|s| {
        s.widget_requests_per_minute = 5;
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let (client_id, _, _) = app.business("proxied@example.com").await;
    for _ in 0..5 {
        assert_eq!(embed_status(&app, &client_id, "203.0.113.1").await, 200);
    }
    assert_eq!(embed_status(&app, &client_id, "203.0.113.1").await, 429);
    assert_eq!(embed_status(&app, &client_id, "203.0.113.2").await, 200, "another client behind the proxy");
    assert_eq!(embed_status(&app, &client_id, "6.6.6.6, 203.0.113.3").await, 200, "the nearest hop counts");
    let c = client();
    let r = c
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", "203.0.113.7")
        .form(&[("email", "proxied@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(ok(&r));
    let (ip,): (Option<String>,) =
        sqlx::query_as("SELECT ip FROM audit_event WHERE action = 'login' ORDER BY audit_event_id DESC LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(ip.as_deref(), Some("203.0.113.7"), "the audit trail names the client, not the proxy");
}
