use crate::helpers::*;
use insight::error::AppError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_creates_one_organisation_and_admin_and_shows_a_client_id() {
    let app = spawn_app().await;
    let r = app.register("Acme Lending", "Owner@Acme.example").await;
    assert!(ok(&r), "registration failed: {}", r.status());
    assert_eq!(app.count("organisation").await, 1);
    assert_eq!(app.count("app_user").await, 1);
    let (role, email): (String, String) =
        sqlx::query_as("SELECT role, email FROM app_user").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!((role.as_str(), email.as_str()), ("admin", "owner@acme.example"));
    let (status, html) = app.dashboard_html(&app.client).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"client-id\""));
    let (stored,): (String,) =
        sqlx::query_as("SELECT client_id FROM organisation").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(client_id_in(&html).as_deref(), Some(stored.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_email_cannot_register_twice_in_any_case() {
    let app = spawn_app().await;
    assert!(ok(&app.register("First Co", "dup@example.com").await));
    let other = client();
    let r = app
        .post_form_with(
            &other,
            "/api/auth/register",
            &[("company_name", "Second Co"), ("email", "DUP@Example.com"), ("password", PASSWORD)],
        )
        .await;
    let err = app_error(r).await;
    assert!(err.field("email").unwrap().contains("already exists"), "{err:?}");
    assert_eq!(app.count("organisation").await, 1);
    assert_eq!(app.count("app_user").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_email_give_the_same_message() {
    let app = spawn_app().await;
    assert!(ok(&app.register("Acme", "known@example.com").await));
    let fresh = client();
    let wrong = app_error(app.log_in_with(&fresh, "known@example.com", "not the password at all").await).await;
    let unknown = app_error(app.log_in_with(&fresh, "nobody@example.com", "not the password at all").await).await;
    assert_eq!(wrong, AppError::InvalidLogin);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong.to_string(), "Invalid email or password.");
    assert!(ok(&app.log_in_with(&fresh, "KNOWN@example.com", PASSWORD).await));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_without_a_session_redirects_to_login() {
    let app = spawn_app().await;
    let r = app.get("/dashboard").await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_out_ends_the_session() {
    let app = spawn_app().await;
    assert!(ok(&app.register("Acme", "out@example.com").await));
    assert_eq!(app.dashboard_html(&app.client).await.0, 200);
    assert!(ok(&app.post_form("/api/auth/logout", &[]).await));
    assert!(app.get("/dashboard").await.status().is_redirection());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_cookie_from_before_log_in_is_not_valid_after_it() {
    let app = spawn_app().await;
    assert!(ok(&app.register("Acme", "rotate@example.com").await));
    // Capture the cookie a first log-in issued, then log in again with it: the id must change.
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let first = app.log_in_with(&plain, "rotate@example.com", PASSWORD).await;
    let old_cookie = session_cookie(&first).expect("session cookie issued");
    let second = plain
        .post(app.url("/api/auth/login"))
        .header("cookie", &old_cookie)
        .form(&[("email", "rotate@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(ok(&second));
    let new_cookie = session_cookie(&second).expect("a new session id is issued at log-in");
    assert_ne!(old_cookie, new_cookie);
    let with = |c: &str| plain.get(app.url("/dashboard")).header("cookie", c.to_string()).send();
    assert!(with(&old_cookie).await.unwrap().status().is_redirection(), "the old id must be dead");
    assert_eq!(with(&new_cookie).await.unwrap().status(), 200);
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("insight_session="))
        .map(|v| {
            assert!(v.contains("HttpOnly"), "{v}");
            assert!(v.contains("SameSite=Lax"), "{v}");
            v.split(';').next().unwrap().to_string()
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_posts_to_server_functions_are_refused() {
    let app = spawn_app().await;
    let form = [("company_name", "Evil Co"), ("email", "evil@example.com"), ("password", PASSWORD)];
    let by_origin = app
        .client
        .post(app.url("/api/auth/register"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(by_origin.status(), 403);
    let by_fetch_metadata = app
        .client
        .post(app.url("/api/auth/register"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(by_fetch_metadata.status(), 403);
    assert_eq!(app.count("organisation").await, 0);
    let same_origin = app
        .client
        .post(app.url("/api/auth/register"))
        .header("origin", app.address.clone())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(ok(&same_origin), "{}", same_origin.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_organisations_get_different_client_ids_and_see_only_their_own() {
    let app = spawn_app().await;
    let (a, b) = (client(), client());
    for (c, name, email) in [(&a, "Alpha Bank Partners", "a@alpha.example"), (&b, "Beta Loans", "b@beta.example")] {
        let form = [("company_name", name), ("email", email), ("password", PASSWORD)];
        assert!(ok(&app.post_form_with(c, "/api/auth/register", &form).await));
    }
    let (_, html_a) = app.dashboard_html(&a).await;
    let (_, html_b) = app.dashboard_html(&b).await;
    let (id_a, id_b) = (client_id_in(&html_a).unwrap(), client_id_in(&html_b).unwrap());
    assert_ne!(id_a, id_b);
    assert!(!html_a.contains(&id_b) && !html_a.contains("Beta Loans"));
    assert!(!html_b.contains(&id_a) && !html_b.contains("Alpha Bank Partners"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_registration_input_gets_field_errors_and_creates_nothing() {
    let app = spawn_app().await;
    let long = "x".repeat(10_000);
    let long_email = format!("{long}@example.com");
    type Case<'a> = ([(&'a str, &'a str); 3], &'a [&'a str]);
    let cases: Vec<Case> = vec![
        ([("company_name", ""), ("email", ""), ("password", "")], &["company_name", "email", "password"]),
        (
            [("company_name", &long), ("email", &long_email), ("password", &long)],
            &["company_name", "email", "password"],
        ),
        ([("company_name", "Acme"), ("email", "not-an-email"), ("password", PASSWORD)], &["email"]),
        ([("company_name", "Acme"), ("email", "a@b.example"), ("password", "short")], &["password"]),
        ([("company_name", "Acme"), ("email", "'; DROP TABLE app_user;--"), ("password", PASSWORD)], &["email"]),
        (
            [("company_name", "<script>\u{0}</script>"), ("email", "<b>@x.example"), ("password", PASSWORD)],
            &["company_name", "email"],
        ),
    ];
    for (form, fields) in cases {
        let r = app.post_form("/api/auth/register", &form).await;
        assert!(r.status().as_u16() < 500 || r.status().as_u16() == 500 && r.headers().get("content-type").is_some());
        let err = app_error(r).await;
        for f in fields {
            assert!(err.field(f).is_some(), "expected an error on {f}: {err:?}");
        }
    }
    // A form missing a field entirely is a clear error too, not a crash.
    let err = app_error(app.post_form("/api/auth/register", &[("email", "x@y.example")]).await).await;
    assert!(matches!(err, AppError::Invalid(_)), "{err:?}");
    assert_eq!(app.count("organisation").await, 0);
    assert_eq!(app.count("app_user").await, 0);
    // Markup and non-Latin characters in a name are stored as text, not rejected or executed.
    assert!(ok(&app.register("Zażółć & <Gęślą> \"Jaźń\" sp. z o.o.", "pl@example.com").await));
    let (_, html) = app.dashboard_html(&app.client).await;
    assert!(html.contains("Zażółć &amp; &lt;Gęślą&gt;"), "name must be HTML-escaped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_migration_stops_start_up_with_a_clear_message() {
    let (url, _dir) = fresh_database_url().await;
    let (db, _) = insight::platform::db::Db::connect(&url).await.expect("first start migrates");
    // Someone edited an applied migration: its checksum no longer matches the binary's.
    let tamper = match db.backend {
        insight::platform::db::Backend::Sqlite => "UPDATE _sqlx_migrations SET checksum = X'00' WHERE version = 1",
        insight::platform::db::Backend::Postgres => "UPDATE _sqlx_migrations SET checksum = '\\x00' WHERE version = 1",
    };
    sqlx::query(tamper).execute(&db.pool).await.unwrap();
    db.pool.close().await;
    let err = insight::platform::db::Db::connect(&url).await.expect_err("start-up must fail");
    let message = format!("{err:#}");
    assert!(message.contains("database migration failed"), "{message}");
    assert!(message.contains("modified"), "the cause is named: {message}");
}
