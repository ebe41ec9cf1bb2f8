use crate::helpers::*;
use insight::error::AppError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_banks_page_lists_the_three_demo_targets_and_the_test_logins() {
    let app = spawn_app().await;
    let r = app.get("/banks").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    for (id, name) in [
        ("demo-pl", "Insight Demo Bank"),
        ("demo-de", "Insight Demo Bank DE"),
        ("demo-business", "Insight Demo Business Bank"),
    ] {
        assert!(html.contains(&format!("data-target=\"{id}\"")), "{id} missing");
        assert!(html.contains(name));
    }
    for login in ["test-sca", "test-large", "test-timeout", "Test123", "123456"] {
        assert!(html.contains(login), "{login} missing from the sandbox guide");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_target_disappears_from_the_catalog() {
    let app = spawn_app_with(|s| s.disabled_targets = vec!["demo-de".into()]).await;
    let html = app.get("/banks").await.text().await.unwrap();
    assert!(html.contains("data-target=\"demo-pl\""));
    assert!(!html.contains("data-target=\"demo-de\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organisation_cannot_see_an_application_its_transactions_or_its_secret() {
    let app = spawn_app().await;
    let (client_id, _, owner) = app.business("owner@alpha.example").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    let id = import_id.to_string();
    // Queued: no transactions, so no dates covered and no figures yet.
    let queued = application_json(&app, &owner, &id).await;
    assert!(queued["dates_covered"].is_null(), "{}", queued["dates_covered"]);
    assert!(queued["analysis"].is_null());
    app.run_imports().await;
    let account_id = app.first_account(import_id).await;
    let account = account_id.to_string();

    // The owner sees it, with the first and last day of its transactions (read with the import row).
    let mine = application_json(&app, &owner, &id).await;
    assert!(mine.to_string().contains("Jan Kowalski"));
    let (oldest, newest): (String, String) = sqlx::query_as(
        "SELECT MIN(t.transaction_on), MAX(t.transaction_on) FROM import_transaction t
         JOIN import_account a ON a.import_account_id = t.import_account_id WHERE a.import_id = $1",
    )
    .bind(import_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(oldest < newest);
    assert_eq!(mine["dates_covered"], serde_json::json!([oldest, newest]));
    assert!(mine["analysis"]["months"].as_array().is_some_and(|m| !m.is_empty()));
    let page = owner.get(app.url(&format!("/applications/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Jan Kowalski"));

    // Another organisation's admin gets "not found" everywhere, as if it did not exist.
    let (_, _, stranger) = app.business("admin@beta.example").await;
    let r = app.post_form_with(&stranger, "/api/applications/get", &[("import_id", &id)]).await;
    assert_eq!(app_error(r).await, AppError::NotFound);
    let r = app
        .post_form_with(
            &stranger,
            "/api/applications/transactions",
            &[("import_id", &id), ("account_id", &account), ("page", "0")],
        )
        .await;
    assert_eq!(app_error(r).await, AppError::NotFound);
    let list = app.post_form_with(&stranger, "/api/applications/latest", &[]).await.text().await.unwrap();
    assert_eq!(list, "[]");
    let page = stranger.get(app.url(&format!("/applications/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Jan Kowalski"));
    let settings = app.post_form_with(&stranger, "/api/settings", &[]).await.text().await.unwrap();
    let (alpha_secret,): (String,) = sqlx::query_as("SELECT signing_secret FROM organisation WHERE client_id = $1")
        .bind(&client_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(!settings.contains(&alpha_secret));

    // Signed out: nothing at all.
    let r = app.post_form_with(&client(), "/api/applications/get", &[("import_id", &id)]).await;
    assert_eq!(app_error(r).await, AppError::Unauthenticated);
}

async fn application_json(app: &TestApp, c: &reqwest::Client, id: &str) -> serde_json::Value {
    let r = app.post_form_with(c, "/api/applications/get", &[("import_id", id)]).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_page_pages_transactions_fifty_at_a_time() {
    let app = spawn_app().await;
    let (client_id, _, owner) = app.business("pages@example.com").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let account_id = app.first_account(import_id).await;
    let fetch = |cursor: Option<(&'static str, String)>| {
        let mut form = vec![("import_id", import_id.to_string()), ("account_id", account_id.to_string())];
        form.extend(cursor);
        let owner = owner.clone();
        let url = app.url("/api/applications/transactions");
        async move {
            let body = owner.post(url).form(&form).send().await.unwrap().text().await.unwrap();
            serde_json::from_str::<insight::review::model::views::TransactionPage>(&body).unwrap()
        }
    };
    let first = fetch(None).await;
    let second = fetch(Some(("after", first.next.clone().expect("a next page")))).await;
    assert_eq!(first.rows.len(), 50);
    assert!(first.previous.is_none(), "the first page has nothing before it");
    assert!(first.rows[0].transaction_on >= first.rows[49].transaction_on, "newest first");
    assert!(first.rows[49].transaction_on >= second.rows[0].transaction_on, "pages continue in order");
    let back = fetch(Some(("before", second.previous.clone().expect("a previous page")))).await;
    assert_eq!(back.rows, first.rows, "back from the second page is the first page");

    // Walking every page by its keyset cursor visits each transaction exactly once.
    let (stored,): (i64,) =
        sqlx::query_as("SELECT transactions_count FROM import_account WHERE import_account_id = $1")
            .bind(account_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let mut seen = first.rows.len() + second.rows.len();
    let mut page = second;
    while let Some(next) = page.next.clone() {
        page = fetch(Some(("after", next))).await;
        seen += page.rows.len();
    }
    assert_eq!(seen as i64, stored);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owned_import_is_only_ever_found_within_its_own_organisation() {
    use insight::imports::server::reads;
    let app = spawn_app().await;
    let (client_id, own_org, _) = app.business("owned-a@example.com").await;
    let (_, other_org, _) = app.business("owned-b@example.com").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    let owned = reads::find_in(&app.db, own_org, import_id).await.unwrap().expect("its own organisation finds it");
    assert_eq!((owned.id(), owned.organisation_id()), (import_id, own_org));
    assert!(reads::find_in(&app.db, other_org, import_id).await.unwrap().is_none(), "another organisation cannot");
}
