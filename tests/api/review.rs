use crate::helpers::*;
use insight::banks::server::{AuthStep, Credentials, DateRange, PageCursor};
use insight::error::AppError;
use insight::shared::{ImportId, OrganisationId, Role, UserId};

/// A finished import of the `test` login for a new business; returns (admin client, org id, import id).
async fn decided_setup(app: &TestApp, email: &str) -> (reqwest::Client, OrganisationId, ImportId) {
    let (client_id, org, admin) = app.business(email).await;
    let mut run = WidgetRun::new(&client_id, "test");
    run.owner = Some("loan-77");
    let import_id = app.widget_sign_in(&run).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    (admin, org, import_id)
}

async fn decide(
    app: &TestApp,
    c: &reqwest::Client,
    import_id: ImportId,
    decision: &str,
    note: &str,
) -> reqwest::Response {
    app.post_form_with(
        c,
        "/api/applications/decide",
        &[("import_id", &import_id.to_string()), ("decision", decision), ("note", note)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_need_the_right_role_a_note_to_reject_and_each_leaves_one_audit_entry() {
    let app = spawn_app().await;
    let (admin, org, import_id) = decided_setup(&app, "decide@example.com").await;
    let viewer = app.member(org, "viewer@decide.example", Role::Viewer).await;
    let technician = app.member(org, "tech@decide.example", Role::Technician).await;
    let reviewer = app.member(org, "reviewer@decide.example", Role::Reviewer).await;
    let audits = |app: &TestApp| {
        let pool = app.db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_event WHERE action = 'decision'")
                .fetch_one(&pool)
                .await
                .unwrap();
            n
        }
    };
    assert_eq!(app_error(decide(&app, &viewer, import_id, "approve", "looks fine").await).await, AppError::Forbidden);
    assert_eq!(app_error(decide(&app, &technician, import_id, "approve", "x").await).await, AppError::Forbidden);
    let err = app_error(decide(&app, &reviewer, import_id, "reject", "   ").await).await;
    assert_eq!(err.field("note").as_deref(), Some("A note is required to reject."));
    assert_eq!(audits(&app).await, 0);

    assert!(ok(&decide(&app, &reviewer, import_id, "approve", "Income verified").await));
    assert_eq!(audits(&app).await, 1);
    assert!(ok(&decide(&app, &admin, import_id, "reject", "Second look: undisclosed loan").await));
    assert_eq!(audits(&app).await, 2);
    let history: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT reviewer_email, from_decision, to_decision, note FROM decision WHERE import_id = $1 ORDER BY decision_id",
    )
    .bind(import_id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        history,
        vec![
            ("reviewer@decide.example".into(), "pending".into(), "approved".into(), "Income verified".into()),
            ("decide@example.com".into(), "approved".into(), "rejected".into(), "Second look: undisclosed loan".into()),
        ]
    );
    let (decision,): (String,) = sqlx::query_as("SELECT decision FROM import WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(decision, "rejected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_cannot_manage_the_team_and_an_admin_can() {
    let app = spawn_app().await;
    let (_, org, admin) = app.business("team@example.com").await;
    let reviewer = app.member(org, "rev@team.example", Role::Reviewer).await;
    for (path, form) in [
        ("/api/team/invite", vec![("email", "new@team.example"), ("role", "viewer")]),
        ("/api/team/members", vec![]),
        ("/api/team/role", vec![("user_id", "1"), ("role", "admin")]),
        ("/api/team/remove", vec![("user_id", "1")]),
        ("/api/audit", vec![("page", "0")]),
    ] {
        assert_eq!(app_error(app.post_form_with(&reviewer, path, &form).await).await, AppError::Forbidden, "{path}");
    }
    let link =
        app.post_form_with(&admin, "/api/team/invite", &[("email", "new@team.example"), ("role", "viewer")]).await;
    assert!(ok(&link));
    let link: String = serde_json::from_str(&link.text().await.unwrap()).unwrap();
    assert!(link.contains("/invite/"), "{link}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_link_lets_a_colleague_join_once_with_the_given_role() {
    let app = spawn_app().await;
    let (_, org, admin) = app.business("inviter@example.com").await;
    let r =
        app.post_form_with(&admin, "/api/team/invite", &[("email", "Joiner@Example.com"), ("role", "reviewer")]).await;
    let link: String = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let token = link.rsplit('/').next().unwrap().to_string();
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM invite").fetch_one(&app.db.pool).await.unwrap();
    assert_ne!(stored, token, "only a hash of the token is stored");
    let page = app.get(&format!("/invite/{token}")).await.text().await.unwrap();
    assert!(page.contains("joiner@example.com"));

    let joiner = client();
    let short =
        app.post_form_with(&joiner, "/api/team/invite/accept", &[("token", &token), ("password", "short")]).await;
    assert!(app_error(short).await.field("password").is_some());
    assert!(ok(&app
        .post_form_with(&joiner, "/api/team/invite/accept", &[("token", &token), ("password", PASSWORD)])
        .await));
    let (role, member_org): (String, OrganisationId) =
        sqlx::query_as("SELECT role, organisation_id FROM app_user WHERE email = 'joiner@example.com'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((role.as_str(), member_org), ("reviewer", org));
    assert_eq!(app.dashboard_html(&joiner).await.0, 200, "the new member is signed in");
    let again =
        app.post_form_with(&client(), "/api/team/invite/accept", &[("token", &token), ("password", PASSWORD)]).await;
    assert!(matches!(app_error(again).await, AppError::Conflict(_)), "a link works once");
    let bogus = app
        .post_form_with(&client(), "/api/team/invite/accept", &[("token", "deadbeef"), ("password", PASSWORD)])
        .await;
    assert!(matches!(app_error(bogus).await, AppError::Conflict(_)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_member_is_signed_out_at_once_and_role_changes_apply_immediately() {
    let app = spawn_app().await;
    let (admin, org, import_id) = decided_setup(&app, "remover@example.com").await;
    let member = app.member(org, "leaver@example.com", Role::Reviewer).await;
    assert_eq!(app.dashboard_html(&member).await.0, 200);
    let (id,): (i64,) = sqlx::query_as("SELECT app_user_id FROM app_user WHERE email = 'leaver@example.com'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(ok(&app
        .post_form_with(&admin, "/api/team/role", &[("user_id", &id.to_string()), ("role", "viewer")])
        .await));
    assert_eq!(
        app_error(decide(&app, &member, import_id, "approve", "x").await).await,
        AppError::Forbidden,
        "now a viewer"
    );
    assert!(ok(&app.post_form_with(&admin, "/api/team/remove", &[("user_id", &id.to_string())]).await));
    assert!(member.get(app.url("/dashboard")).send().await.unwrap().status().is_redirection());
    let r = app.post_form_with(&member, "/api/applications/get", &[("import_id", &import_id.to_string())]).await;
    assert_eq!(app_error(r).await, AppError::Unauthenticated);
    let actions: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_event WHERE organisation_id = $1 ORDER BY audit_event_id")
            .bind(org)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    let actions: Vec<&str> = actions.iter().map(|a| a.0.as_str()).collect();
    assert!(actions.ends_with(&["role_changed", "member_removed"]), "{actions:?}");
    // An admin cannot lock themselves out.
    let (me,): (i64,) = sqlx::query_as("SELECT app_user_id FROM app_user WHERE email = 'remover@example.com'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(matches!(
        app_error(app.post_form_with(&admin, "/api/team/remove", &[("user_id", &me.to_string())]).await).await,
        AppError::Conflict(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organisation_gets_not_found_for_every_application_url_export_and_server_function() {
    let app = spawn_app().await;
    let (owner, _, import_id) = decided_setup(&app, "own@alpha.example").await;
    let id = import_id.to_string();
    let account = app.first_account(import_id).await;
    let account = account.to_string();
    let (_, _, stranger) = app.business("admin@beta.example").await;
    let server_fns: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("/api/applications/get", vec![("import_id", &id)]),
        ("/api/applications/transactions", vec![("import_id", &id), ("account_id", &account), ("page", "0")]),
        ("/api/applications/analysis", vec![("import_id", &id)]),
        ("/api/applications/decide", vec![("import_id", &id), ("decision", "approve"), ("note", "mine now")]),
        ("/api/applications/note", vec![("import_id", &id), ("note", "checked the salary")]),
        ("/api/applications/assign", vec![("import_id", &id), ("assignee", "me")]),
        ("/api/applications/evidence", vec![("import_id", &id), ("query", "flow=in")]),
    ];
    for (path, form) in &server_fns {
        assert_eq!(app_error(app.post_form_with(&stranger, path, form).await).await, AppError::NotFound, "{path}");
        assert!(ok(&app.post_form_with(&owner, path, form).await), "the owner can use {path}");
    }
    let evidence = format!("/applications/{id}/evidence?flow=in");
    let page = stranger.get(app.url(&evidence)).send().await.unwrap();
    assert_eq!(page.status(), 404, "{evidence}");
    assert!(!page.text().await.unwrap().contains("Jan Kowalski"));
    for path in [format!("/applications/{id}/export.json"), format!("/applications/{id}/export.csv")] {
        assert_eq!(stranger.get(app.url(&path)).send().await.unwrap().status(), 404, "{path}");
        assert_eq!(owner.get(app.url(&path)).send().await.unwrap().status(), 200, "{path}");
    }
    let page = stranger.get(app.url(&format!("/applications/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Jan Kowalski") && page.contains("Not found"));
    let queue = app.post_form_with(&stranger, "/api/applications/search", &[("query", "")]).await.text().await.unwrap();
    assert!(!queue.contains("Jan Kowalski"), "{queue}");
    let counts = app.post_form_with(&stranger, "/api/applications/counts", &[]).await.text().await.unwrap();
    assert!(!counts.contains("succeeded"), "{counts}");
    let audit = app.post_form_with(&stranger, "/api/audit", &[("page", "0")]).await.text().await.unwrap();
    assert!(!audit.contains("own@alpha.example"));
    let (decision,): (String,) = sqlx::query_as("SELECT decision FROM import WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(decision, "approved", "only the owner's decision landed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_searches_filters_and_pages_without_gaps() {
    let app = spawn_app_with(|s| s.limits.imports_active_per_organisation = 100).await;
    let (client_id, _, admin) = app.business("queue@example.com").await;
    for i in 0..30 {
        let mut run = WidgetRun::new(&client_id, if i % 3 == 0 { "test-joint" } else { "test" });
        let owner = format!("case-{i:02}");
        run.owner = Some(&owner);
        run.months = Some("1");
        app.widget_sign_in(&run).await.unwrap();
    }
    app.run_imports().await;
    let search = |q: &'static str| {
        let admin = admin.clone();
        let url = app.url("/api/applications/search");
        async move {
            let body = admin.post(url).form(&[("query", q)]).send().await.unwrap().text().await.unwrap();
            serde_json::from_str::<insight::review::model::views::ApplicationsPage>(&body).unwrap()
        }
    };
    let first = search("").await;
    assert_eq!(first.rows.len(), 25);
    let next = first.next_query.clone().expect("a second page");
    let body = admin
        .post(app.url("/api/applications/search"))
        .form(&[("query", next.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let second: insight::review::model::views::ApplicationsPage = serde_json::from_str(&body).unwrap();
    assert_eq!(second.rows.len(), 5);
    assert!(second.next_query.is_none() && second.previous_query.is_some());
    let mut seen: Vec<ImportId> = first.rows.iter().chain(second.rows.iter()).map(|r| r.import_id).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 30, "pages neither overlap nor leave gaps");

    assert_eq!(search("q=anna+kowalska").await.rows.len(), 10, "owner names are searched case-insensitively");
    assert_eq!(search("q=ANNA+KOWALSKA").await.rows.len(), 10, "upper-case ASCII text finds them too");
    assert_eq!(search("q=case-07").await.rows.len(), 1);
    assert_eq!(search("q=100%25").await.rows.len(), 0, "LIKE wildcards in the search are literal");
    assert_eq!(search("q=CASE-07").await.rows.len(), 1, "the reference in any case too");
    // Names beyond ASCII, in whatever case they are typed, on both engines (the engine keeps the searched text
    // from the names it stores: a changed name is found by its new text only).
    let renamed = first.rows[0].import_id;
    sqlx::query("UPDATE import SET owner_names = 'Łukasz Żabiński' WHERE import_id = $1")
        .bind(renamed)
        .execute(&app.db.pool)
        .await
        .unwrap();
    for q in ["q=łukasz", "q=ŁUKASZ", "q=żabiński", "q=ŻABIŃSKI", "q=Łukasz+Żabiński", "q=kasz+%C5%BCab"] {
        let found = search(q).await.rows;
        assert_eq!(found.iter().map(|r| r.import_id).collect::<Vec<_>>(), [renamed], "{q}");
    }
    assert_eq!(search("q=żabiński+case").await.rows.len(), 0, "a match lies within the names or the reference");
    assert_eq!(search("status=succeeded&decision=pending&bank=demo-pl").await.rows.len(), 25);
    assert_eq!(search("status=failed").await.rows.len(), 0);
    assert_eq!(search("from=2000-01-01&to=2000-12-31").await.rows.len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_export_round_trips_what_the_bank_returned_exactly() {
    let app = spawn_app().await;
    let (owner, _, import_id) = decided_setup(&app, "export@example.com").await;
    assert!(ok(&decide(&app, &owner, import_id, "approve", "fine").await));
    let json: serde_json::Value = owner
        .get(app.url(&format!("/applications/{import_id}/export.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["import"]["id"], import_id.get());
    // The export carries the figures the page shows, from the same stored analysis.
    let shown =
        app.post_form_with(&owner, "/api/applications/analysis", &[("import_id", &import_id.to_string())]).await;
    let shown: serde_json::Value = serde_json::from_str(&shown.text().await.unwrap()).unwrap();
    assert_eq!(json["analysis"], shown);
    assert!(json["analysis"]["months"].as_array().is_some_and(|m| !m.is_empty()));
    assert_eq!(json["import"]["ownerExternalId"], "loan-77");
    assert_eq!(json["import"]["monthsRequested"], 12);
    assert_eq!(json["owners"][0]["name"], "Jan Kowalski");
    assert_eq!(json["decisions"][0]["to"], "approved");
    let first_account = json["accounts"][0]["transactions"].as_array().unwrap();
    let salary = first_account.iter().find(|t| t["kind"] == "WYNAGRODZENIE").expect("a salary in 12 months");
    assert_eq!(salary["labels"], serde_json::json!([{"label": "income:salary", "rule": "salary-kind"}]));
    // A transfer between Jan's own accounts is labelled so, and nothing else says it is spending.
    let own = first_account.iter().find(|t| t["party"] == "Jan Kowalski").expect("a transfer to savings in 12 months");
    assert_eq!(own["labels"][0]["label"], "transfers:own", "{own}");

    // Compare with the bank itself, page by page, for the same window.
    let connector = app.state.catalog.get("demo-pl").unwrap();
    let AuthStep::Authorised(session) =
        connector.start_authorisation(Credentials::new("test", "Test123")).await.unwrap()
    else {
        panic!("test signs in without a code")
    };
    let (created_at,): (i64,) = sqlx::query_as("SELECT created_at FROM import WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let day = chrono::DateTime::from_timestamp_millis(created_at).unwrap().date_naive();
    let range = DateRange::last_months(day, 12);
    let accounts = connector.accounts(&session).await.unwrap();
    let exported = json["accounts"].as_array().unwrap();
    assert_eq!(exported.len(), accounts.len());
    for (bank_account, exported) in accounts.iter().zip(exported) {
        assert_eq!(exported["iban"], bank_account.iban.as_str());
        assert_eq!(exported["currencyBalance"], insight::shared::money::format_minor(bank_account.balance_minor));
        let mut expected = Vec::new();
        let mut cursor: Option<PageCursor> = None;
        loop {
            let page =
                connector.transactions(&session, &bank_account.provider_id, range, cursor.as_ref()).await.unwrap();
            for t in &page.transactions {
                expected.push((
                    t.transaction_on.to_string(),
                    insight::shared::money::format_minor(t.amount_minor),
                    insight::shared::money::format_minor(t.balance_after_minor),
                    t.title.clone(),
                ));
            }
            match page.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        let got: Vec<(String, String, String, String)> = exported["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["transactionOn"].as_str().unwrap().to_string(),
                    t["currencyAmount"].as_str().unwrap().to_string(),
                    t["currencyBalance"].as_str().unwrap().to_string(),
                    t["title"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(got, expected, "same transactions, amounts, balances and dates, in the bank's order");
    }
    let csv = owner
        .get(app.url(&format!("/applications/{import_id}/export.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let total: usize = exported.iter().map(|a| a["transactions"].as_array().unwrap().len()).sum();
    assert_eq!(csv.lines().count(), total + 1, "one line per transaction plus the header");
    let (exports,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_event WHERE action = 'export'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(exports, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_filter_by_text_amount_and_date() {
    let app = spawn_app().await;
    let (owner, _, import_id) = decided_setup(&app, "filters@example.com").await;
    let account = app.first_account(import_id).await;
    let fetch = |extra: Vec<(&'static str, &'static str)>| {
        let mut form =
            vec![("import_id", import_id.to_string()), ("account_id", account.to_string()), ("page", "0".to_string())];
        form.extend(extra.into_iter().map(|(k, v)| (k, v.to_string())));
        let owner = owner.clone();
        let url = app.url("/api/applications/transactions");
        async move { owner.post(url).form(&form).send().await.unwrap() }
    };
    let page: insight::review::model::views::TransactionPage =
        fetch(vec![("text", "wynagrodzenie")]).await.json().await.unwrap();
    assert!(!page.rows.is_empty());
    assert!(page.rows.iter().all(|t| format!("{} {} {}", t.title, t.party.clone().unwrap_or_default(), t.kind)
        .to_lowercase()
        .contains("wynagrodzenie")));
    // Non-ASCII capitals match too, on SQLite as on PostgreSQL.
    for needle in ["żabka", "ŻABKA", "sprzedaż"] {
        let page: insight::review::model::views::TransactionPage =
            fetch(vec![("text", needle)]).await.json().await.unwrap();
        assert!(!page.rows.is_empty(), "{needle} found nothing");
        let lower = needle.to_lowercase();
        assert!(page.rows.iter().all(|t| format!("{} {} {}", t.title, t.party.clone().unwrap_or_default(), t.kind)
            .to_lowercase()
            .contains(&lower)));
    }
    let page: insight::review::model::views::TransactionPage =
        fetch(vec![("min_amount", "-50"), ("max_amount", "-10.5"), ("sort", "smallest")]).await.json().await.unwrap();
    assert!(page.rows.iter().all(|t| (-5000..=-1050).contains(&t.amount_minor)));
    assert!(page.rows.windows(2).all(|w| w[0].amount_minor <= w[1].amount_minor));
    let err = app_error(fetch(vec![("min_amount", "lots"), ("from", "yesterday")]).await).await;
    assert!(err.field("min_amount").is_some() && err.field("from").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analysis_adds_up_finds_the_salary_and_flags_incomplete_history() {
    let app = spawn_app().await;
    let (owner, org, import_id) = decided_setup(&app, "analysis@example.com").await;
    let analysis_of = |id: ImportId| {
        let (owner, url) = (owner.clone(), app.url("/api/applications/analysis"));
        async move {
            let r = owner.post(url).form(&[("import_id", id.to_string())]).send().await.unwrap();
            r.json::<insight::review::model::analysis::Analysis>().await.unwrap()
        }
    };
    let analysis = analysis_of(import_id).await;
    assert!(analysis.months.len() >= 12, "{} months", analysis.months.len());
    let (total,): (i64,) = sqlx::query_as(
        "SELECT CAST(SUM(t.amount_minor) AS BIGINT) FROM import_transaction t
         JOIN import_account a ON a.import_account_id = t.import_account_id WHERE a.import_id = $1",
    )
    .bind(import_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let flows: i64 = analysis.months.iter().map(|m| m.inflow_minor + m.outflow_minor).sum();
    assert_eq!(flows, total, "monthly inflow and outflow add up to every transaction");
    assert!(analysis.income.iter().any(|i| i.months >= 11), "a salary every month: {:?}", analysis.income);
    assert_eq!(analysis.currency, "PLN");
    assert!(!analysis.flags.iter().any(|f| f.contains("No regular income")), "{:?}", analysis.flags);

    let client_id: (String,) = sqlx::query_as("SELECT client_id FROM organisation WHERE organisation_id = $1")
        .bind(org)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut run = WidgetRun::new(&client_id.0, "test-timeout");
    run.months = Some("6");
    let partial = app.widget_sign_in(&run).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let analysis = analysis_of(partial).await;
    assert!(analysis.flags.iter().any(|f| f.contains("incomplete")), "{:?}", analysis.flags);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_demoting_each_other_cannot_leave_the_organisation_without_an_admin() {
    use insight::account::server::{team, users};
    let app = spawn_app().await;
    let (_, org, _) = app.business("first-admin@example.com").await;
    let second = app.member(org, "second-admin@example.com", Role::Admin).await;
    let id_of = |email: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            let (id,): (UserId,) = sqlx::query_as("SELECT app_user_id FROM app_user WHERE email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .unwrap();
            id
        }
    };
    let (first_id, second_id) = (id_of("first-admin@example.com").await, id_of("second-admin@example.com").await);
    // The first admin's request passed its role check just before the second admin demoted them.
    let first = users::find_current(&app.db, first_id).await.unwrap().unwrap();
    assert!(ok(&app
        .post_form_with(&second, "/api/team/role", &[("user_id", &first_id.to_string()), ("role", "reviewer")])
        .await));
    let raced = team::change_role(&app.db, &first, second_id, Role::Viewer, None).await.unwrap();
    assert!(matches!(raced, team::TeamChange::LastAdmin));
    let raced = team::remove(&app.db, &first, second_id, None).await.unwrap();
    assert!(matches!(raced, team::TeamChange::LastAdmin));
    let (admins,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM app_user WHERE organisation_id = $1 AND role = 'admin'")
            .bind(org)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(admins, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_erases_imported_data_on_request_and_the_trail_remains() {
    let app = spawn_app().await;
    let (admin, org, import_id) = decided_setup(&app, "erase@example.com").await;
    assert!(ok(&decide(&app, &admin, import_id, "approve", "ok").await));
    let id = import_id.to_string();
    let reviewer = app.member(org, "rev@erase.example", Role::Reviewer).await;
    let (_, _, stranger) = app.business("other@erase.example").await;
    let erase = |c: &reqwest::Client, confirm: &'static str| {
        let form = vec![("import_id", id.clone()), ("confirm", confirm.to_string())];
        let (c, url) = (c.clone(), app.url("/api/applications/erase"));
        async move { c.post(url).form(&form).send().await.unwrap() }
    };
    assert_eq!(app_error(erase(&reviewer, "erase").await).await, AppError::Forbidden);
    assert_eq!(app_error(erase(&stranger, "erase").await).await, AppError::NotFound);
    assert!(app_error(erase(&admin, "").await).await.field("confirm").is_some(), "confirmation is required");
    assert!(app.count("import_transaction").await > 0);
    // Viewed before: this instance keeps the finished import's data for the next view, until it is erased.
    let page = admin.get(app.url(&format!("/applications/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Jan Kowalski"));
    assert_eq!(app.state.memo.len(), 1);

    assert!(ok(&erase(&admin, "erase").await));
    assert!(app.state.memo.is_empty(), "the kept copy goes with the data");
    assert_eq!(app.count("import_transaction").await, 0);
    assert_eq!(app.count("import_account").await, 0);
    assert_eq!(app.count("import_owner").await, 0);
    let (names, erased, decision): (String, Option<i64>, String) =
        sqlx::query_as("SELECT owner_names, erased_at, decision FROM import WHERE import_id = $1")
            .bind(import_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((names.as_str(), erased.is_some(), decision.as_str()), ("", true, "approved"));
    assert_eq!(app.count("decision").await, 1, "the decision history stays");
    let (erasures,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_event WHERE action = 'data_erased'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(erasures, 1);
    let page = admin.get(app.url(&format!("/applications/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("erased on request") && !page.contains("Jan Kowalski"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_application_is_read_once_and_never_shown_after_another_instance_erased_it() {
    let app = spawn_app().await;
    let (client_id, _, admin) = app.business("memo@example.com").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    let path = format!("/applications/{import_id}");
    let view = || async { admin.get(app.url(&path)).send().await.unwrap().text().await.unwrap() };
    // Data still arriving is read afresh on every view.
    assert!(view().await.contains(">queued<"));
    assert!(app.state.memo.is_empty());
    app.run_imports().await;

    let first = view().await;
    assert!(first.contains("Jan Kowalski") && first.contains("data-testid=\"analysis\""));
    assert_eq!(app.state.memo.len(), 1, "a finished import's data is kept for the next view");
    let rows = |page: &str| page.matches("<tr").count();
    let second = view().await;
    assert_eq!(rows(&second), rows(&first), "the next view shows the same rows");
    assert!(second.contains("Jan Kowalski") && second.contains("data-testid=\"analysis\""));
    let panel = |page: &str| {
        let start = page.find("data-testid=\"analysis\"").expect("an analysis panel");
        page[start..start + page[start..].find("</section>").expect("its end")].to_string()
    };
    assert_eq!(panel(&second), panel(&first), "the panel written once is the one shown again");

    // Another instance sharing the database erases the data: this one still holds its copy, but never shows it.
    let mut tx = app.db.begin().await.unwrap();
    let erased = insight::imports::server::erase::erase_data(
        &mut tx,
        import_id,
        insight::imports::model::ErasureReason::Request,
        chrono::Utc::now().timestamp_millis(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(erased);
    assert_eq!(app.state.memo.len(), 1);
    let after = view().await;
    assert!(after.contains("erased on request"), "the page reads the erasure from the row");
    assert!(!after.contains("Jan Kowalski") && !after.contains("data-testid=\"analysis\""));
    assert!(rows(&after) < rows(&first));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counters_always_equal_a_count_of_the_imports() {
    let app = spawn_app().await;
    let (client_id, org, admin) = app.business("counters@example.com").await;
    let (other_id, other_org, _) = app.business("counters-other@example.com").await;
    let mut ids = Vec::new();
    for (client, login) in [(&client_id, "test"), (&client_id, "test-joint"), (&client_id, "test"), (&other_id, "test")]
    {
        ids.push(app.widget_sign_in(&WidgetRun::new(client, login)).await.unwrap().import_id.unwrap());
    }
    let mut timeout = WidgetRun::new(&client_id, "test-timeout");
    timeout.months = Some("6");
    ids.push(app.widget_sign_in(&timeout).await.unwrap().import_id.unwrap());
    let counted = |org: OrganisationId| {
        let db = app.db.clone();
        async move {
            let by_status: Vec<(String, i64)> = sqlx::query_as(
                "SELECT status, COUNT(*) FROM import WHERE organisation_id = $1 GROUP BY status ORDER BY status",
            )
            .bind(org)
            .fetch_all(&db.pool)
            .await
            .unwrap();
            let by_decision: Vec<(String, i64)> = sqlx::query_as(
                "SELECT decision, COUNT(*) FROM import WHERE organisation_id = $1 GROUP BY decision ORDER BY decision",
            )
            .bind(org)
            .fetch_all(&db.pool)
            .await
            .unwrap();
            let (sandbox,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM import WHERE organisation_id = $1 AND environment = 'sandbox'")
                    .bind(org)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            let kept = insight::review::server::search::counts(&db, org).await.unwrap();
            let counted = insight::review::model::views::Counts { by_status, by_decision, sandbox };
            assert_eq!(kept, counted, "organisation {org}");
        }
    };
    counted(org).await;
    counted(other_org).await;
    app.run_imports().await;
    counted(org).await;
    assert!(ok(&decide(&app, &admin, ids[0], "approve", "fine").await));
    assert!(ok(&decide(&app, &admin, ids[1], "reject", "no income").await));
    assert!(ok(&decide(&app, &admin, ids[0], "reject", "second look").await));
    counted(org).await;
    counted(other_org).await;
    let (_, html) = app.dashboard_html(&admin).await;
    let (rejected,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM import WHERE organisation_id = $1 AND decision = 'rejected'")
            .bind(org)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(rejected, 2);
    let html = html.replace("<!>", "");
    assert!(html.contains(r#"<strong>2</strong><a href="/applications?decision=rejected">"#), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_has_an_assignee_and_a_thread_of_notes_each_change_audited() {
    let app = spawn_app().await;
    let (admin, org, import_id) = decided_setup(&app, "case@example.com").await;
    let reviewer = app.member(org, "reviewer@case.example", Role::Reviewer).await;
    let viewer = app.member(org, "viewer@case.example", Role::Viewer).await;
    let technician = app.member(org, "tech@case.example", Role::Technician).await;
    let (_, other_org, _) = app.business("other@case-two.example").await;
    let outsider = app.member(other_org, "reviewer@case-two.example", Role::Reviewer).await;
    let _ = outsider;
    let id = import_id.to_string();
    let note = |c: &reqwest::Client, body: &str| {
        let (c, body, id) = (c.clone(), body.to_string(), id.clone());
        let app = &app;
        async move { app.post_form_with(&c, "/api/applications/note", &[("import_id", &id), ("note", &body)]).await }
    };
    let assign = |c: &reqwest::Client, who: String| {
        let (c, id) = (c.clone(), id.clone());
        let app = &app;
        async move { app.post_form_with(&c, "/api/applications/assign", &[("import_id", &id), ("assignee", &who)]).await }
    };

    // Notes: anyone who reads applications may write one; empty, control characters or too long are refused.
    assert!(ok(&note(&reviewer, "  Salary confirmed with the payslip.  ").await));
    assert!(ok(&note(&viewer, "Second account looks like savings.").await));
    assert_eq!(app_error(note(&technician, "x").await).await, AppError::Forbidden);
    for bad in ["", "   ", "bell\u{7}", &"x".repeat(4001)] {
        let e = app_error(note(&admin, bad).await).await;
        assert!(matches!(e, AppError::Invalid(_)), "{bad:?}: {e:?}");
    }
    // Assignment: only to a member who may decide, by those who may decide.
    let reviewer_id: UserId =
        sqlx::query_scalar("SELECT app_user_id FROM app_user WHERE email = 'reviewer@case.example'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let viewer_id: UserId = sqlx::query_scalar("SELECT app_user_id FROM app_user WHERE email = 'viewer@case.example'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let outsider_id: UserId =
        sqlx::query_scalar("SELECT app_user_id FROM app_user WHERE email = 'reviewer@case-two.example'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(app_error(assign(&viewer, "me".into()).await).await, AppError::Forbidden);
    for not_assignable in [viewer_id.0.to_string(), outsider_id.0.to_string(), "x".into()] {
        assert!(matches!(app_error(assign(&admin, not_assignable).await).await, AppError::Invalid(_)));
    }
    assert!(ok(&assign(&admin, reviewer_id.0.to_string()).await));
    // The queue filters by it: the reviewer's own cases, and those nobody is on.
    let queue = |c: &reqwest::Client, query: &'static str| {
        let c = c.clone();
        let app = &app;
        async move {
            let page: serde_json::Value = serde_json::from_str(
                &app.post_form_with(&c, "/api/applications/search", &[("query", query)]).await.text().await.unwrap(),
            )
            .unwrap();
            page["rows"].as_array().unwrap().len()
        }
    };
    assert_eq!(queue(&reviewer, "assigned=me").await, 1);
    assert_eq!(queue(&admin, "assigned=me").await, 0);
    assert_eq!(queue(&admin, "assigned=nobody").await, 0);
    assert_eq!(queue(&admin, "").await, 1);

    let detail: serde_json::Value = serde_json::from_str(
        &app.post_form_with(&viewer, "/api/applications/get", &[("import_id", &id)]).await.text().await.unwrap(),
    )
    .unwrap();
    assert_eq!(detail["assignee"], "reviewer@case.example");
    assert!(detail["next_unassigned"].is_null(), "the only application is taken");
    // A second application arrives: it is the next one to take up, from the first one's page.
    let client_id: String = sqlx::query_scalar("SELECT client_id FROM organisation WHERE organisation_id = $1")
        .bind(org)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let second = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let next = |import: ImportId| {
        let viewer = viewer.clone();
        let app = &app;
        async move { detail_of(app, &viewer, import).await["next_unassigned"].as_i64() }
    };
    assert_eq!(next(import_id).await, Some(second.get()));
    assert_eq!(next(second).await, None, "the first one is taken, the second is the page itself");
    let notes: Vec<(String, String)> = detail["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["author_email"].as_str().unwrap().into(), n["body"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        notes,
        [
            ("reviewer@case.example".to_string(), "Salary confirmed with the payslip.".to_string()),
            ("viewer@case.example".to_string(), "Second account looks like savings.".to_string()),
        ]
    );
    assert_eq!(detail["assignable"].as_array().unwrap().len(), 0, "a viewer is offered no one to assign");
    assert!(ok(&assign(&reviewer, String::new()).await), "unassigned again");
    let audit: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, detail FROM audit_event WHERE organisation_id = $1 AND action IN ('note_added', 'application_assigned')
         ORDER BY audit_event_id",
    )
    .bind(org)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["note_added", "note_added", "application_assigned", "application_assigned"]);
    assert_eq!(audit[2].1, "assigned to reviewer@case.example");
    assert_eq!(audit[3].1, "unassigned");
    let page = admin.get(app.url(&format!("/applications/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Salary confirmed with the payslip.") && page.contains("Assigned to"),
        "the page shows the case"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_four_eyes_an_approval_needs_a_different_reviewer_and_every_step_is_audited() {
    let app = spawn_app().await;
    let (admin, org, import_id) = decided_setup(&app, "four-eyes@example.com").await;
    let first = app.member(org, "first@four.example", Role::Reviewer).await;
    let second = app.member(org, "second@four.example", Role::Reviewer).await;
    let receiver = crate::webhooks::Receiver::start(&[]).await;
    crate::webhooks::add_endpoint(&app.address, &admin, &receiver.url, &[("application_decided", "on")]).await;
    let id = import_id.to_string();
    let stored = |app: &TestApp| {
        let pool = app.db.pool.clone();
        async move {
            let (decision,): (String,) = sqlx::query_as("SELECT decision FROM import WHERE import_id = $1")
                .bind(import_id)
                .fetch_one(&pool)
                .await
                .unwrap();
            decision
        }
    };
    let shown = |c: &reqwest::Client| {
        let (c, id) = (c.clone(), id.clone());
        let app = &app;
        async move {
            let detail: serde_json::Value = serde_json::from_str(
                &app.post_form_with(&c, "/api/applications/get", &[("import_id", &id)]).await.text().await.unwrap(),
            )
            .unwrap();
            detail
        }
    };
    let queue_len = |query: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let page: serde_json::Value = serde_json::from_str(
                &app.post_form_with(&admin, "/api/applications/search", &[("query", query)])
                    .await
                    .text()
                    .await
                    .unwrap(),
            )
            .unwrap();
            page["rows"].as_array().unwrap().len()
        }
    };

    // Only admins set the policy; it is off by default, and turning it on is audited.
    assert_eq!(shown(&first).await["second_approval_required"], false);
    let policy = |c: &reqwest::Client, on: bool| {
        let c = c.clone();
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = if on { vec![("required", "on")] } else { vec![] };
            app.post_form_with(&c, "/api/settings/second-approval", &form).await
        }
    };
    assert_eq!(app_error(policy(&first, true).await).await, AppError::Forbidden);
    assert!(ok(&policy(&admin, true).await));
    assert_eq!(shown(&first).await["second_approval_required"], true);

    // The first approval waits: the stored decision stays pending, readers see approval_pending, no webhook.
    assert!(ok(&decide(&app, &first, import_id, "approve", "Salary matches the payslip").await));
    assert_eq!(stored(&app).await, "pending");
    let detail = shown(&second).await;
    assert_eq!(detail["summary"]["decision"], "approval_pending");
    assert_eq!(detail["approval_request"]["approver_email"], "first@four.example");
    assert_eq!(detail["approval_request"]["by_viewer"], false);
    assert_eq!(shown(&first).await["approval_request"]["by_viewer"], true);
    assert_eq!(queue_len("decision=approval_pending").await, 1);
    assert_eq!(queue_len("decision=pending").await, 0);
    let counts: serde_json::Value =
        serde_json::from_str(&app.post_form_with(&admin, "/api/applications/counts", &[]).await.text().await.unwrap())
            .unwrap();
    assert_eq!(counts["by_decision"], serde_json::json!([["approval_pending", 1]]), "the dashboard agrees");
    let decided_events = || {
        let pool = app.db.pool.clone();
        async move {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM webhook_message WHERE event_type = 'application.decided'")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            n
        }
    };
    assert_eq!(decided_events().await, 0, "nothing is decided yet");

    // The approver can neither confirm nor send back their own approval: 403 with a reason, nothing changes.
    for action in ["approve", "send_back"] {
        let r = decide(&app, &first, import_id, action, "me again").await;
        assert_eq!(r.status(), 403, "{action}");
        let e = app_error(r).await;
        assert!(matches!(&e, AppError::Refused(m) if m.contains("different reviewer")), "{action}: {e:?}");
    }
    assert_eq!(detail["summary"]["decision"], shown(&admin).await["summary"]["decision"]);

    // A second reviewer sends it back (a note is required), which reopens the decision; then the first approves
    // again and the second confirms.
    let e = app_error(decide(&app, &second, import_id, "send_back", " ").await).await;
    assert!(e.field("note").is_some(), "{e:?}");
    assert!(ok(&decide(&app, &second, import_id, "send_back", "Check the second account first").await));
    assert_eq!(shown(&admin).await["summary"]["decision"], "pending");
    assert!(matches!(
        app_error(decide(&app, &second, import_id, "send_back", "again").await).await,
        AppError::Conflict(_)
    ));
    assert!(ok(&decide(&app, &first, import_id, "approve", "Second account is savings").await));
    assert!(ok(&decide(&app, &second, import_id, "approve", "Confirmed").await));
    assert_eq!(stored(&app).await, "approved");
    let detail = shown(&first).await;
    assert_eq!(detail["summary"]["decision"], "approved");
    assert!(detail["approval_request"].is_null());
    assert_eq!(detail["decisions"][0]["reviewer"], "second@four.example");
    assert_eq!(detail["decisions"][0]["firstApprover"], "first@four.example");
    assert_eq!(decided_events().await, 1);
    let (payload,): (String,) =
        sqlx::query_as("SELECT payload FROM webhook_message WHERE event_type = 'application.decided'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["data"]["reviewer"], "second@four.example");
    assert_eq!(payload["data"]["firstApprover"], "first@four.example");

    // A rejection needs one reviewer, even the one who approved.
    assert!(ok(&decide(&app, &first, import_id, "approve", "re-open").await));
    assert!(ok(&decide(&app, &first, import_id, "reject", "Found an undisclosed loan").await));
    assert_eq!(stored(&app).await, "rejected");
    assert!(shown(&admin).await["approval_request"].is_null());

    let audit: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, detail FROM audit_event WHERE organisation_id = $1
            AND action IN ('decision', 'approval_requested', 'approval_sent_back', 'second_approval_policy_changed')
         ORDER BY audit_event_id",
    )
    .bind(org)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "second_approval_policy_changed",
            "approval_requested",
            "approval_sent_back",
            "approval_requested",
            "decision",
            "approval_requested",
            "decision",
        ]
    );
    assert!(audit[4].1.contains("second approval of first@four.example"), "{:?}", audit[4]);
    // The send-back reason is in the notes thread, where the team reads the case.
    let notes = shown(&admin).await["notes"].clone();
    assert!(notes[0]["body"].as_str().unwrap().contains("Check the second account first"), "{notes}");
}

/// The evidence links of a page: (query, data-evidence-minor, data-evidence-count) of every link to an
/// evidence page of `import_id`.
fn evidence_links(html: &str, import_id: ImportId) -> Vec<(String, Option<i64>, Option<i64>)> {
    let start = format!("href=\"/applications/{import_id}/evidence?");
    let attribute = |tag: &str, name: &str| {
        let key = format!("{name}=\"");
        tag.find(&key).map(|i| {
            let rest = &tag[i + key.len()..];
            rest[..rest.find('"').unwrap()].parse::<i64>().unwrap()
        })
    };
    html.match_indices(&start)
        .map(|(i, _)| {
            let rest = &html[i + start.len()..];
            let query = rest[..rest.find('"').unwrap()].replace("&amp;", "&");
            let tag = &rest[..rest.find('>').unwrap()];
            (query, attribute(tag, "data-evidence-minor"), attribute(tag, "data-evidence-count"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_figure_of_the_analysis_links_to_transactions_that_add_up_to_it() {
    let app = spawn_app().await;
    let (client_id, _, admin) = app.business("evidence@example.com").await;
    for login in ["test", "test-joint", "test-risky"] {
        let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, login)).await.unwrap().import_id.unwrap();
        app.run_imports().await;
        let html =
            admin.get(app.url(&format!("/applications/{import_id}"))).send().await.unwrap().text().await.unwrap();
        let links = evidence_links(&html, import_id);
        let detail = detail_of(&app, &admin, import_id).await;
        let analysis = &detail["analysis"];
        let months = analysis["months"].as_array().unwrap().len();
        let income = analysis["income"].as_array().unwrap().len();
        let kinds = analysis["kinds"].as_array().unwrap().len();
        let own = usize::from(analysis["own_transfers"].as_i64().unwrap() > 0);
        let confirmed = analysis["income_confirmation"]["sources"].as_array().unwrap().len();
        // Each month twice in the chart and twice in the table, every regular payer, kind, cash and own
        // transfers, and each confirmed income source's M-0, M-1, M-2 and 90 days.
        let obligations = analysis["assessment"]["obligations"].as_array().unwrap().len();
        let signals = analysis["assessment"]["signals"].as_array().unwrap().len()
            + usize::from(analysis["negative_balance_days"].as_i64().unwrap() > 0)
            + usize::from(analysis["large_cash_withdrawals"].as_i64().unwrap() > 0);
        assert_eq!(
            links.len(),
            months * 4 + income + kinds + 1 + own + confirmed * 4 + obligations + signals,
            "{login}: {links:?}"
        );
        assert!(confirmed >= 1, "{login}");
        assert!(income >= 1 && months >= 12, "{login}");
        assert!(
            links.iter().all(|(_, minor, count)| minor.is_some() || count.is_some()),
            "{login}: every link says its figure"
        );
        for (query, minor, count) in &links {
            let fetch = |query: String| {
                let (admin, app) = (admin.clone(), &app);
                async move {
                    let form = [("import_id", import_id.to_string()), ("query", query)];
                    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    let body = app.post_form_with(&admin, "/api/applications/evidence", &form).await;
                    serde_json::from_str::<serde_json::Value>(&body.text().await.unwrap()).unwrap()
                }
            };
            let page = fetch(query.clone()).await;
            let (total, n) = (page["total_minor"].as_i64().unwrap(), page["count"].as_i64().unwrap());
            if let Some(minor) = minor {
                assert_eq!(total, *minor, "{login} {query}: the rows add up to the figure");
            }
            if let Some(count) = count {
                assert_eq!(n, *count, "{login} {query}: as many rows as the figure says");
            }
            // The listed rows themselves add up, page after page.
            let (mut rows, mut next) = (page["rows"].as_array().unwrap().clone(), page["next_query"].clone());
            while let Some(q) = next.as_str() {
                let more = fetch(q.to_string()).await;
                rows.extend(more["rows"].as_array().unwrap().iter().cloned());
                next = more["next_query"].clone();
            }
            assert_eq!(rows.len() as i64, n, "{login} {query}");
            let listed: i64 = rows
                .iter()
                .map(|r| {
                    insight::shared::money::parse_amount(r["transaction"]["currencyAmount"].as_str().unwrap()).unwrap()
                })
                .sum();
            assert_eq!(listed, total, "{login} {query}");
            assert!(n > 0 || *minor == Some(0), "{login} {query}: a figure other than zero has its evidence");
        }
        // Own transfers are never income: none of the income sources' evidence holds one of them.
        if own == 1 {
            let income_rows: Vec<String> =
                links.iter().filter(|(q, _, _)| q.contains("party=")).map(|(q, _, _)| q.clone()).collect();
            assert!(!income_rows.is_empty());
            let owners: Vec<String> =
                detail["owners"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap().to_string()).collect();
            for q in income_rows {
                for owner in &owners {
                    assert!(
                        !q.contains(&insight::shared::query::encode(owner)),
                        "{login}: {owner} is not income ({q})"
                    );
                }
            }
        }
    }
}

/// The application's detail as the server function returns it.
async fn detail_of(app: &TestApp, c: &reqwest::Client, import_id: ImportId) -> serde_json::Value {
    let body = app.post_form_with(c, "/api/applications/get", &[("import_id", &import_id.to_string())]).await;
    serde_json::from_str(&body.text().await.unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn income_confirmation_finds_exactly_the_salary_the_demo_bank_scheduled_and_never_own_transfers() {
    use chrono::{Datelike, NaiveDate};
    use insight::banks::server::demo::{salary_schedule, DemoTarget, Scenario};
    let app = spawn_app().await;
    let (client_id, _, admin) = app.business("income@example.com").await;
    for (login, target, scenario) in
        [("test", DemoTarget::Pl, Scenario::Standard), ("test-joint", DemoTarget::Pl, Scenario::Joint)]
    {
        let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, login)).await.unwrap().import_id.unwrap();
        app.run_imports().await;
        let detail = detail_of(&app, &admin, import_id).await;
        let confirmation = &detail["analysis"]["income_confirmation"];
        let as_of = NaiveDate::parse_from_str(confirmation["as_of"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        // The generator's own plan, not the rows it rendered.
        let schedule = salary_schedule(target, scenario, as_of);
        assert!(schedule.payments.len() >= 20, "{login}: two years of salaries");
        let month_of = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
        let expected: Vec<i64> = (0..3)
            .map(|k| {
                schedule.payments.iter().filter(|(on, _)| month_of(*on) == month_of(as_of) - k).map(|(_, a)| a).sum()
            })
            .collect();
        let window_from = as_of - chrono::Days::new(89);
        let expected_90: i64 =
            schedule.payments.iter().filter(|(on, _)| *on >= window_from && *on <= as_of).map(|(_, a)| a).sum();

        let sources = confirmation["sources"].as_array().unwrap();
        let salaries: Vec<&serde_json::Value> = sources.iter().filter(|s| s["source_type"] == "salary").collect();
        assert_eq!(salaries.len(), 1, "{login}: exactly one salary source: {sources:?}");
        let salary = salaries[0];
        assert_eq!(salary["payer"], schedule.employer, "{login}");
        let months: Vec<i64> =
            salary["figures"]["months_minor"].as_array().unwrap().iter().map(|m| m.as_i64().unwrap()).collect();
        assert_eq!(months, expected, "{login}: M-0, M-1, M-2 as scheduled");
        assert_eq!(salary["figures"]["last_90_days_minor"], expected_90, "{login}");
        assert_eq!(salary["figures"]["average_90_days_minor"], expected_90 / 3, "{login}");
        assert_eq!(salary["confidence"], "high", "{login}");
        assert_eq!(salary["day_of_month"].as_i64().map(|d| (5..=10).contains(&d)), Some(true), "{login}");
        let by_type = confirmation["by_type"].as_array().unwrap();
        let salary_total = by_type.iter().find(|t| t["source_type"] == "salary").unwrap();
        assert_eq!(salary_total["figures"]["months_minor"], salary["figures"]["months_minor"]);

        // Own transfers are never income: no owner is a payer, in the confirmation or in regular income.
        let owners: Vec<&str> =
            detail["owners"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
        assert!(!owners.is_empty());
        for s in sources {
            assert!(!owners.contains(&s["payer"].as_str().unwrap()), "{login}: {s}");
        }
        for s in detail["analysis"]["income"].as_array().unwrap() {
            assert!(!owners.contains(&s["party"].as_str().unwrap()), "{login}: {s}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_risky_applicant_shows_every_signal_a_lender_must_see_and_the_careful_one_none() {
    let app = spawn_app().await;
    let (client_id, _, admin) = app.business("signals@example.com").await;
    let mut analyses = Vec::new();
    for login in ["test-risky", "test"] {
        let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, login)).await.unwrap().import_id.unwrap();
        app.run_imports().await;
        analyses.push(detail_of(&app, &admin, import_id).await["analysis"].clone());
    }
    let (risky, careful) = (&analyses[0], &analyses[1]);
    let signals: std::collections::BTreeSet<(String, String)> = risky["assessment"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["code"].as_str().unwrap().to_string(), s["flow"].as_str().unwrap().to_string()))
        .collect();
    for expected in [
        ("risk:gambling", "out"),
        ("risk:gambling", "in"),
        ("risk:payday-lender", "in"),
        ("risk:payday-lender", "out"),
        ("risk:debt-collection", "out"),
        ("risk:returned-payment", "in"),
    ] {
        assert!(signals.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {signals:?}");
    }
    assert!(risky["negative_balance_days"].as_i64().unwrap() > 0);
    assert!(risky["large_cash_withdrawals"].as_i64().unwrap() >= 11, "one a month after payday, 12 months asked");
    assert!(risky["assessment"]["affordability"]["disposable_minor"].as_i64().unwrap() < 0);
    let flags = risky["flags"].to_string();
    for words in ["gambling", "Payday", "debt collectors", "Returned", "below zero", "large cash"] {
        assert!(flags.contains(words), "{words}: {flags}");
    }
    assert!(risky["months"].as_array().unwrap().iter().any(|m| m["lowest_balance_minor"].as_i64().unwrap() < 0));
    // The careful applicant: nothing to worry about, rent and bills are obligations, something is left.
    assert_eq!(careful["assessment"]["signals"], serde_json::json!([]));
    assert_eq!(careful["large_cash_withdrawals"], 0);
    let categories: Vec<&str> = careful["assessment"]["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["category"].as_str().unwrap())
        .collect();
    for c in ["obligations:rent", "obligations:energy", "obligations:telecom"] {
        assert!(categories.contains(&c), "{c} in {categories:?}");
    }
    assert!(careful["assessment"]["affordability"]["disposable_minor"].as_i64().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_name_that_is_none_of_the_owners_is_flagged_and_one_that_is_is_not() {
    let app = spawn_app().await;
    let (client_id, _, admin) = app.business("applicant@example.com").await;
    let mut flags = Vec::new();
    for name in ["Anna Nowak", "KOWALSKI Jan"] {
        let mut run = WidgetRun::new(&client_id, "test");
        run.applicant = Some(name);
        let success = app.widget_sign_in(&run).await.unwrap();
        let import_id = success.import_id.unwrap();
        // The signed resultToken tells the business's server which name the owners were checked against.
        let claims = success.result_token.split('.').nth(1).unwrap().to_string();
        let claims: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims).unwrap(),
        )
        .unwrap();
        assert_eq!(claims["applicantName"], name);
        app.run_imports().await;
        let analysis = detail_of(&app, &admin, import_id).await["analysis"].clone();
        assert_eq!(analysis["owner_check"]["applicant_name"], name);
        flags.push((analysis["owner_check"]["matches"].as_bool().unwrap(), analysis["flags"][0].clone()));
    }
    assert!(!flags[0].0);
    assert_eq!(flags[0].1, "The accounts belong to Jan Kowalski, not to the applicant Anna Nowak.");
    assert!(flags[1].0, "the same words in another order and case");
    assert_ne!(flags[1].1, flags[0].1);
    // Not a name: refused before any bank is asked.
    for bad in ["x".repeat(201), "Anna\u{7}Nowak".to_string()] {
        let mut run = WidgetRun::new(&client_id, "test");
        run.applicant = Some(&bad);
        let err = app.widget_start(&run).await.unwrap_err();
        assert_eq!(err.code.as_str(), "InvalidOptions", "{bad:?}");
    }
}
