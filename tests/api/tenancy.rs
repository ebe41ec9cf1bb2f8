//! One server, many businesses: invites and roles, sandbox and live banks, a fair queue with quotas, retention,
//! two-factor sign-in and a tamper-evident audit trail.

use crate::helpers::*;
use insight::error::AppError;
use insight::shared::Role;

async fn invite(app: &TestApp, admin: &reqwest::Client, email: &str, role: &str) -> String {
    let r = app.post_form_with(admin, "/api/team/invite", &[("email", email), ("role", role)]).await;
    let link: String = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    link.rsplit('/').next().unwrap().to_string()
}

async fn accept(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_form_with(&client(), "/api/team/invite/accept", &[("token", token), ("password", PASSWORD)]).await
}

async fn user_id(app: &TestApp, email: &str) -> String {
    let (id,): (i64,) = sqlx::query_as("SELECT app_user_id FROM app_user WHERE email = $1")
        .bind(email)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id.to_string()
}

async fn pending(app: &TestApp, admin: &reqwest::Client) -> Vec<serde_json::Value> {
    let r = app.post_form_with(admin, "/api/team/invites", &[]).await;
    assert!(ok(&r));
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites_are_listed_revocable_and_die_with_their_creators_admin_rights() {
    let app = spawn_app().await;
    let (_, org, owner) = app.business("owner@example.com").await;
    let second = app.member(org, "second-admin@example.com", Role::Admin).await;

    // Listed with who sent them; a revoked one no longer opens or joins.
    let revoked = invite(&app, &owner, "revoked@example.com", "reviewer").await;
    let list = pending(&app, &owner).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["email"], "revoked@example.com");
    assert_eq!(list[0]["created_by"], "owner@example.com");
    let id = list[0]["invite_id"].to_string();
    assert!(ok(&app.post_form_with(&owner, "/api/team/invite/revoke", &[("invite_id", &id)]).await));
    assert!(pending(&app, &owner).await.is_empty());
    assert_eq!(app.get(&format!("/invite/{revoked}")).await.status(), 404);
    assert!(matches!(app_error(accept(&app, &revoked).await).await, AppError::Conflict(_)));
    let again = app.post_form_with(&owner, "/api/team/invite/revoke", &[("invite_id", &id)]).await;
    assert_eq!(app_error(again).await, AppError::NotFound, "revoked once");

    // Another organisation's admin cannot revoke it.
    let kept = invite(&app, &owner, "kept@example.com", "viewer").await;
    let kept_id = pending(&app, &owner).await[0]["invite_id"].to_string();
    let (_, _, stranger) = app.business("stranger@example.com").await;
    let foreign = app.post_form_with(&stranger, "/api/team/invite/revoke", &[("invite_id", &kept_id)]).await;
    assert_eq!(app_error(foreign).await, AppError::NotFound);

    // A removed admin's invite fails; so does a demoted admin's, even one read before the demotion.
    let by_removed = invite(&app, &second, "by-removed@example.com", "admin").await;
    let by_demoted_admin = app.member(org, "demoted@example.com", Role::Admin).await;
    let by_demoted = invite(&app, &by_demoted_admin, "by-demoted@example.com", "reviewer").await;
    assert_eq!(app.get(&format!("/invite/{by_demoted}")).await.status(), 200);
    assert_eq!(pending(&app, &owner).await.len(), 3);
    let second_id = user_id(&app, "second-admin@example.com").await;
    assert!(ok(&app.post_form_with(&owner, "/api/team/remove", &[("user_id", &second_id)]).await));
    let demoted_id = user_id(&app, "demoted@example.com").await;
    assert!(ok(&app.post_form_with(&owner, "/api/team/role", &[("user_id", &demoted_id), ("role", "reviewer")]).await));
    assert!(matches!(app_error(accept(&app, &by_removed).await).await, AppError::Conflict(_)));
    assert!(matches!(app_error(accept(&app, &by_demoted).await).await, AppError::Conflict(_)));
    assert_eq!(app.count("app_user").await, 3, "owner, demoted and stranger: nobody joined");
    let emails: Vec<String> =
        pending(&app, &owner).await.iter().map(|i| i["email"].as_str().unwrap().to_string()).collect();
    assert_eq!(emails, ["kept@example.com"]);
    assert!(ok(&accept(&app, &kept).await), "the remaining admin's invite still works");
    let actions: Vec<(String,)> = sqlx::query_as("SELECT action FROM audit_event WHERE organisation_id = $1")
        .bind(org)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(actions.iter().filter(|a| a.0 == "invite_revoked").count(), 1);
    // The team page lists them for admins only.
    let html = app_page(&app, &owner, "/settings/team").await;
    assert!(html.contains("Pending invites"));
}

async fn app_page(app: &TestApp, c: &reqwest::Client, path: &str) -> String {
    let r = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

fn busy(e: &insight::widget::model::error::WidgetError) -> bool {
    e.code == insight::shared::WidgetErrorCode::ServiceTemporarilyUnavailable && e.message.contains("Too many")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_over_its_import_quota_is_refused_and_nothing_is_stored() {
    let app = spawn_app_with(|s| s.limits.imports_active_per_organisation = 2).await;
    let (client_id, _, _) = app.business("quota@example.com").await;
    let (other_client, _, _) = app.business("quota-other@example.com").await;
    let run = WidgetRun::new(&client_id, "test");
    // Three sign-ins begin while nothing is queued: each passes the check at the start.
    let mut sessions = Vec::new();
    for _ in 0..3 {
        sessions.push(app.widget_start(&run).await.unwrap());
    }
    assert!(app.widget_continue(&sessions[0], &run).await.unwrap().import_id.is_some());
    assert!(app.widget_continue(&sessions[1], &run).await.unwrap().import_id.is_some());
    // The third is refused where its import would be written: two are queued (no worker runs here).
    let refused = app.widget_continue(&sessions[2], &run).await.unwrap_err();
    assert!(busy(&refused), "{refused:?}");
    assert_eq!(app.count("import").await, 2);
    let (state,): (String,) = sqlx::query_as("SELECT state FROM signin_session WHERE signin_session_id = $1")
        .bind(&sessions[2])
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(state, "failed");
    // A new sign-in is refused at once, before a session is stored.
    let stored = app.count("signin_session").await;
    let r = app
        .post_form("/api/widget/start", &[("client_id", &client_id), ("origin", SHOP_ORIGIN), ("bank", "demo-pl")])
        .await;
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    let e: insight::widget::model::error::WidgetError = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert!(busy(&e), "{e:?}");
    assert_eq!(app.count("signin_session").await, stored, "nothing stored");
    // Another business is not affected.
    assert!(app.widget_sign_in(&WidgetRun::new(&other_client, "test")).await.is_ok());
    // Once the queue drains there is room again.
    app.run_imports().await;
    assert!(app.widget_sign_in(&run).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_is_limited_in_new_imports_per_hour() {
    let app = spawn_app_with(|s| s.limits.imports_per_hour_per_organisation = 3).await;
    let (client_id, _, _) = app.business("hourly@example.com").await;
    let run = WidgetRun::new(&client_id, "test");
    for _ in 0..3 {
        app.widget_sign_in(&run).await.unwrap();
        app.run_imports().await;
    }
    let refused = app.widget_start(&run).await.unwrap_err();
    assert!(busy(&refused), "{refused:?}");
    assert_eq!(app.count("import").await, 3);
    // An hour later the budget is back (the clock is moved by ageing the rows).
    sqlx::query("UPDATE import SET created_at = created_at - 3600001").execute(&app.db.pool).await.unwrap();
    assert!(app.widget_sign_in(&run).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_take_jobs_round_robin_across_organisations() {
    let app = spawn_app_with(|s| s.limits.imports_active_per_organisation = 100).await;
    let (flooder, flooder_org, _) = app.business("flooder@example.com").await;
    let (single, _, _) = app.business("single@example.com").await;
    let slow = WidgetRun::new(&flooder, "test-slow");
    for _ in 0..50 {
        app.widget_sign_in(&slow).await.unwrap();
    }
    let mine = app.widget_sign_in(&WidgetRun::new(&single, "test-slow")).await.unwrap().import_id.unwrap();
    // Two workers, as a default instance runs.
    let workers: Vec<_> = (0..2)
        .map(|i| {
            tokio::spawn(insight::imports::server::worker::run_worker_until_stopped(
                app.state.clone(),
                format!("fair-{i}"),
            ))
        })
        .collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let finished_at = |id: Option<insight::shared::ImportId>| {
        let pool = app.db.pool.clone();
        async move {
            let mut q = String::from("SELECT finished_at FROM import WHERE finished_at IS NOT NULL AND ");
            q += if id.is_some() { "import_id = $1" } else { "organisation_id = $1" };
            q += " ORDER BY finished_at, import_id";
            let bound = id.map(|i| i.get()).unwrap_or(flooder_org.get());
            let rows: Vec<(i64,)> = sqlx::query_as(&q).bind(bound).fetch_all(&pool).await.unwrap();
            rows.into_iter().map(|r| r.0).collect::<Vec<_>>()
        }
    };
    let (mine_at, flooder_third) = loop {
        let (m, f) = (finished_at(Some(mine)).await, finished_at(None).await);
        if !m.is_empty() && f.len() >= 3 {
            break (m[0], f[2]);
        }
        assert!(std::time::Instant::now() < deadline, "imports did not finish: {m:?} {f:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(mine_at < flooder_third, "the single import waited behind the flood ({mine_at} ≥ {flooder_third})");
    let _ = app.state.stopping.send(true);
    for w in workers {
        w.abort();
    }
}

async fn set_sandbox_banks(app: &TestApp, admin: &reqwest::Client, on: bool) {
    let mut form = vec![("auto_import", "on"), ("months", "12"), ("locale", "en"), ("country", "")];
    form.push(("allowed_origins", "http://localhost:*"));
    if on {
        form.push(("sandbox_banks", "on"));
    }
    let r = app.post_form_with(admin, "/api/widget-settings/save", &form).await;
    assert!(ok(&r), "{}", r.text().await.unwrap());
}

async fn widget_banks(app: &TestApp, client_id: &str) -> Vec<String> {
    let r = app.post_form("/api/widget/context", &[("client_id", client_id), ("origin", SHOP_ORIGIN)]).await;
    assert!(ok(&r));
    let context: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    context["banks"].as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_sandbox_banks_off_a_demo_bank_sign_in_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let (client_id, org, admin) = app.business("live-only@example.com").await;
    assert!(insight::widget::server::config_store::get(&app.db, org).await.unwrap().sandbox_banks, "on for a new one");
    // A session begun while the switch was on cannot finish after it is turned off.
    let begun = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap();
    set_sandbox_banks(&app, &admin, false).await;
    assert!(widget_banks(&app, &client_id).await.is_empty(), "the widget offers no sandbox bank");
    let (sessions, imports) = (app.count("signin_session").await, app.count("import").await);
    let refused = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap_err();
    assert_eq!(refused.code, insight::shared::WidgetErrorCode::TargetNotAvailable);
    assert_eq!(refused.message, "This bank is not available here. Please choose another bank.");
    // The widget's own page, preselected or chosen, in Polish too.
    let page =
        app.get(&format!("/embed/signin?client_id={client_id}&origin={SHOP_ORIGIN}&target=demo-pl&locale=pl")).await;
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains("Ten bank nie jest tu dostępny"));
    let _ = begun;
    assert_eq!((app.count("signin_session").await, app.count("import").await), (sessions, imports), "nothing stored");
    let audit: (String,) = sqlx::query_as(
        "SELECT detail FROM audit_event WHERE organisation_id = $1 AND action = 'widget_config_changed'",
    )
    .bind(org)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(audit.0.contains("sandbox banks: on → off"), "{}", audit.0);

    // On again: the import is made and carries its badge everywhere a reviewer or the back-end sees it.
    set_sandbox_banks(&app, &admin, true).await;
    assert_eq!(widget_banks(&app, &client_id).await, ["demo-pl", "demo-de", "demo-business", "xs2a-sandbox"]);
    let id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let (status, environment): (String, String) =
        sqlx::query_as("SELECT status, environment FROM import WHERE import_id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), environment.as_str()), ("succeeded", "sandbox"));
    for page in ["/applications".to_string(), format!("/applications/{id}"), "/dashboard".to_string()] {
        let html = app_page(&app, &admin, &page).await;
        assert!(html.contains("data-testid=\"sandbox-badge\""), "{page} shows the Sandbox badge");
    }
    assert!(app_page(&app, &admin, "/dashboard").await.contains("data-testid=\"sandbox-count\""));
    let export: serde_json::Value =
        serde_json::from_str(&app_page(&app, &admin, &format!("/applications/{id}/export.json")).await).unwrap();
    assert_eq!(export["import"]["environment"], "sandbox");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_sandbox_off_removes_the_demo_bank_from_banks_and_the_widget() {
    let app = spawn_app_with(|s| s.sandbox = false).await;
    let (client_id, _, _) = app.business("no-sandbox@example.com").await;
    let banks = app.get("/banks").await.text().await.unwrap();
    assert!(!banks.contains("Insight Demo Bank"), "no Demo Bank on /banks");
    assert!(widget_banks(&app, &client_id).await.is_empty());
    let refused = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap_err();
    assert_eq!(refused.code, insight::shared::WidgetErrorCode::InvalidOptions, "not a bank of this instance");
    assert_eq!(app.count("signin_session").await, 0);
}

fn audit_verify_cli(app: &TestApp) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_insight"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &app.state.settings.database_url)
        .output()
        .expect("the insight binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_is_a_hash_chain_that_shows_an_edited_or_removed_entry() {
    let app = spawn_app().await;
    let (_, org, admin) = app.business("chain@example.com").await;
    // Entries written at once from many requests still form one chain.
    let emails: Vec<String> = (0..12).map(|i| format!("colleague-{i}@example.com")).collect();
    let invites = emails.iter().map(|e| invite(&app, &admin, e, "viewer"));
    futures::future::join_all(invites).await;
    let bad =
        app.post_form("/api/auth/login", &[("email", "chain@example.com"), ("password", "wrong password!")]).await;
    assert_eq!(bad.status(), 401);
    let entries = app.count("audit_event").await;
    assert!(entries >= 13, "{entries}");
    let page = app_page(&app, &admin, "/settings/audit").await;
    assert!(page.contains("Chain verified"), "{page}");
    let (code, out) = audit_verify_cli(&app);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("organisation {org} (")) && out.contains("verified"), "{out}");

    // Someone with database access rewrites one entry's detail.
    let (edited, original): (i64, String) = sqlx::query_as(
        "SELECT audit_event_id, detail FROM audit_event WHERE organisation_id = $1 ORDER BY audit_event_id LIMIT 1 OFFSET 3",
    )
            .bind(org)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    sqlx::query("UPDATE audit_event SET detail = 'nothing happened' WHERE audit_event_id = $1")
        .bind(edited)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let page = app_page(&app, &admin, "/settings/audit").await;
    assert!(page.contains(&format!("Chain broken at entry #{edited} (")), "{page}");
    let (code, out) = audit_verify_cli(&app);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("BROKEN at audit entry {edited}")), "{out}");

    // Put back exactly, the chain verifies again; removing the newest entry breaks it at the end.
    sqlx::query("UPDATE audit_event SET detail = $1 WHERE audit_event_id = $2")
        .bind(&original)
        .bind(edited)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(audit_verify_cli(&app).0, 0, "restored");
    let (newest,): (i64,) = sqlx::query_as("SELECT MAX(audit_event_id) FROM audit_event WHERE organisation_id = $1")
        .bind(org)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_event WHERE audit_event_id = $1").bind(newest).execute(&app.db.pool).await.unwrap();
    let page = app_page(&app, &admin, "/settings/audit").await;
    assert!(page.contains(&format!("Chain broken at entry #{newest}, which was removed")), "{page}");
    assert_eq!(audit_verify_cli(&app).0, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_from_before_the_chain_are_chained_once_and_later_unchained_rows_show_as_broken() {
    use insight::account::model::ChainStatus;
    use insight::account::server::audit;
    let app = spawn_app().await;
    let (_, org, _) = app.business("old-trail@example.com").await;
    // As migration 0013 found them: rows without hashes and no chain head.
    sqlx::query("DELETE FROM audit_chain_head").execute(&app.db.pool).await.unwrap();
    sqlx::query("UPDATE audit_event SET hash = NULL, prev_hash = NULL").execute(&app.db.pool).await.unwrap();
    let old = "INSERT INTO audit_event (organisation_id, action, detail, created_at) VALUES ($1, 'login', 'before', 1)";
    for _ in 0..3 {
        sqlx::query(old).bind(org).execute(&app.db.pool).await.unwrap();
    }
    assert!(matches!(audit::verify(&app.db, org).await.unwrap(), ChainStatus::Broken { .. }));
    audit::chain_entries_from_before(&app.db).await.unwrap();
    let entries = app.count("audit_event").await;
    assert_eq!(audit::verify(&app.db, org).await.unwrap(), ChainStatus::Verified { entries });
    // Once chained, a row slipped in without a hash is not sealed by a restart: it is reported.
    sqlx::query(old).bind(org).execute(&app.db.pool).await.unwrap();
    audit::chain_entries_from_before(&app.db).await.unwrap();
    assert!(matches!(audit::verify(&app.db, org).await.unwrap(), ChainStatus::Broken { created_at: Some(1), .. }));
}

const DAY_MS: i64 = 24 * 3600 * 1000;

async fn data_rows(app: &TestApp, import_id: insight::shared::ImportId) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM import_owner WHERE import_id = $1),
                (SELECT COUNT(*) FROM import_account WHERE import_id = $1),
                (SELECT COUNT(*) FROM import_transaction t JOIN import_account a
                    ON a.import_account_id = t.import_account_id WHERE a.import_id = $1)",
    )
    .bind(import_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_erases_exactly_the_old_imports_once_and_keeps_decisions_and_audit() {
    let app = spawn_app().await;
    let (client_id, org, admin) = app.business("retention@example.com").await;
    let (other_client, other_org, _) = app.business("retention-other@example.com").await;
    // The period is an admin's setting, validated and audited.
    let bad = app.post_form_with(&admin, "/api/settings/retention", &[("retention_days", "0")]).await;
    assert!(app_error(bad).await.field("retention_days").is_some());
    assert!(ok(&app.post_form_with(&admin, "/api/settings/retention", &[("retention_days", "30")]).await));
    assert!(app_page(&app, &admin, "/settings").await.contains("Retention (days)"));
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap());
    }
    let other = app.widget_sign_in(&WidgetRun::new(&other_client, "test")).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    assert!(ok(&app
        .post_form_with(
            &admin,
            "/api/applications/decide",
            &[("import_id", &ids[0].to_string()), ("decision", "approve"), ("note", "fine")],
        )
        .await));
    // Two imports are older than 30 days, one is not; the other organisation keeps the default 180 days.
    let now = chrono::Utc::now().timestamp_millis();
    for (id, age_days) in [(ids[0], 31), (ids[1], 45), (ids[2], 29), (other, 60)] {
        sqlx::query("UPDATE import SET created_at = $1 WHERE import_id = $2")
            .bind(now - age_days * DAY_MS)
            .bind(id)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    let kept_before = data_rows(&app, ids[2]).await;
    assert!(kept_before.2 > 0);
    // Viewed before the run: this instance's copy of the data goes with it.
    assert!(!app_page(&app, &admin, &format!("/applications/{}", ids[1])).await.contains("erased (retention"));
    assert_eq!(app.state.memo.len(), 1);

    // Two instances run the job at the same moment: one of them does it.
    let (a, b) = tokio::join!(
        insight::platform::startup::run_maintenance_if_due(&app.state, now),
        insight::platform::startup::run_maintenance_if_due(&app.state, now),
    );
    let runs: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(runs.len(), 1, "one instance ran it");
    assert_eq!(runs[0].imports_erased, 2);
    assert!(app.state.memo.is_empty());
    for id in [ids[0], ids[1]] {
        assert_eq!(data_rows(&app, id).await, (0, 0, 0), "import {id} erased");
        let (reason, names, count): (Option<String>, String, i64) =
            sqlx::query_as("SELECT erased_reason, owner_names, transactions_count FROM import WHERE import_id = $1")
                .bind(id)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        assert_eq!((reason.as_deref(), names.as_str()), (Some("retention"), ""));
        assert!(count > 0, "the summary row keeps its counts");
    }
    assert_eq!(data_rows(&app, ids[2]).await, kept_before, "younger than the period");
    assert!(data_rows(&app, other).await.2 > 0, "another organisation's period is its own");
    let (decisions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM decision WHERE import_id = $1")
        .bind(ids[0])
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(decisions, 1, "decisions stay");
    let entries: Vec<(String,)> =
        sqlx::query_as("SELECT detail FROM audit_event WHERE organisation_id = $1 AND action = 'retention_erased'")
            .bind(org)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(entries.len(), 1, "one audit entry per run");
    assert!(entries[0].0.starts_with("2 imports older than 30 days"), "{}", entries[0].0);
    let detail = app_page(&app, &admin, &format!("/applications/{}", ids[1])).await;
    assert!(detail.contains("erased (retention"), "the page says why");
    assert!(app_page(&app, &admin, "/settings/audit").await.contains("Chain verified"));

    // Not due again within the period; a period later it runs, and finds nothing new to erase.
    assert!(insight::platform::startup::run_maintenance_if_due(&app.state, now + 1000).await.unwrap().is_none());
    let later = now + app.state.settings.retention_interval.as_millis() as i64;
    let again = insight::platform::startup::run_maintenance_if_due(&app.state, later).await.unwrap().unwrap();
    assert_eq!(again.imports_erased, 0);
    let _ = other_org;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_sessions_are_deleted_a_day_after_they_end() {
    let app = spawn_app_with(|s| s.retention_interval = std::time::Duration::from_secs(60)).await;
    let (client_id, _, _) = app.business("sessions-purge@example.com").await;
    app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap();
    let abandoned = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let run = insight::platform::startup::run_maintenance_if_due(&app.state, now + 23 * 3600 * 1000).await.unwrap();
    assert_eq!(run.unwrap().signin_sessions_deleted, 0, "less than a day after they ended");
    // A day after the finished one ended, it goes; the abandoned one lives until a day after its idle expiry.
    let day_later = now + DAY_MS + 5 * 60_000;
    let run = insight::platform::startup::run_maintenance_if_due(&app.state, day_later).await.unwrap().unwrap();
    assert_eq!(run.signin_sessions_deleted, 1);
    let (left,): (String,) =
        sqlx::query_as("SELECT signin_session_id FROM signin_session").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(left, abandoned);
    let much_later = now + DAY_MS + 20 * 60_000;
    let run = insight::platform::startup::run_maintenance_if_due(&app.state, much_later).await.unwrap().unwrap();
    assert_eq!(run.signin_sessions_deleted, 1);
    assert_eq!(app.count("signin_session").await, 0);
    assert_eq!(app.count("import").await, 1, "the import outlives its session");
}

/// The code an authenticator app shows for `secret` (base32) at `unix_secs`, computed with totp-rs from the
/// secret the page showed.
fn app_code(secret: &str, unix_secs: u64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string()).to_bytes().unwrap();
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 0, 30, bytes, None, String::new()).generate(unix_secs)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

async fn post(app: &TestApp, c: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.post_form_with(c, path, form).await
}

/// Turns two-factor on for the signed-in client; returns the secret and the recovery codes.
/// Turns two-factor on with the code of the current time step: the secret, the recovery codes, and the time
/// whose step the confirmation used up.
async fn enable_two_factor(app: &TestApp, c: &reqwest::Client) -> (String, Vec<String>, u64) {
    let r = post(app, c, "/api/security/begin", &[]).await;
    assert!(ok(&r));
    let setup: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert!(
        setup["qr_svg"].as_str().unwrap().starts_with("<?xml") || setup["qr_svg"].as_str().unwrap().contains("<svg")
    );
    assert!(setup["otpauth_url"].as_str().unwrap().starts_with("otpauth://totp/Insight:"));
    let wrong = post(app, c, "/api/security/confirm", &[("code", "000000")]).await;
    assert!(app_error(wrong).await.field("code").is_some(), "a wrong code does not turn it on");
    let confirmed_at = unix_now();
    let r = post(app, c, "/api/security/confirm", &[("code", &app_code(&secret, confirmed_at))]).await;
    assert!(ok(&r));
    let codes: Vec<String> = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    (secret, codes, confirmed_at)
}

async fn password_step(app: &TestApp, email: &str) -> reqwest::Client {
    let c = client();
    assert!(ok(&app.log_in_with(&c, email, PASSWORD).await));
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_needs_a_fresh_code_after_the_password_and_a_recovery_code_works_once() {
    let app = spawn_app().await;
    let (_, _, owner) = app.business("totp@example.com").await;
    let (secret, codes, confirmed_at) = enable_two_factor(&app, &owner).await;
    assert_eq!(codes.len(), 10);
    // Stored sealed and hashed: neither the secret nor a recovery code is in the database as such.
    let (sealed,): (String,) = sqlx::query_as("SELECT totp_secret FROM app_user WHERE email = 'totp@example.com'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(!sealed.contains(&secret));
    let hashes: Vec<(String,)> =
        sqlx::query_as("SELECT code_hash FROM recovery_code").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(hashes.len(), 10);
    assert!(hashes.iter().all(|(h,)| !codes.iter().any(|c| h.contains(c.as_str()))));

    // The password alone does not sign in.
    let c = password_step(&app, "totp@example.com").await;
    assert!(c.get(app.url("/dashboard")).send().await.unwrap().status().is_redirection(), "not signed in yet");
    // The code confirmed at set-up was used: its time step cannot be replayed. The next step's code works.
    // (The step of the set-up's code, not of the clock now: the clock may have crossed into the next step.)
    let used = post(&app, &c, "/api/auth/code", &[("code", &app_code(&secret, confirmed_at))]).await;
    assert!(app_error(used).await.field("code").is_some(), "a used time step is refused");
    let next = app_code(&secret, confirmed_at + 30);
    assert!(ok(&post(&app, &c, "/api/auth/code", &[("code", &next)]).await));
    assert_eq!(app.dashboard_html(&c).await.0, 200, "signed in");
    // The same code twice: a second log-in cannot reuse it.
    let again = password_step(&app, "totp@example.com").await;
    let replay = post(&app, &again, "/api/auth/code", &[("code", &next)]).await;
    assert!(app_error(replay).await.field("code").is_some());
    // A recovery code, typed loosely, works once.
    let loose = codes[3].to_uppercase().replace('-', " ");
    assert!(ok(&post(&app, &again, "/api/auth/code", &[("code", &loose)]).await));
    assert_eq!(app.dashboard_html(&again).await.0, 200);
    let third = password_step(&app, "totp@example.com").await;
    let reused = post(&app, &third, "/api/auth/code", &[("code", &codes[3])]).await;
    assert!(app_error(reused).await.field("code").is_some(), "a recovery code works once");
    let security: serde_json::Value =
        serde_json::from_str(&post(&app, &owner, "/api/security/get", &[]).await.text().await.unwrap()).unwrap();
    assert_eq!(security["recovery_codes_left"], 9);
    let actions: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_event ORDER BY audit_event_id").fetch_all(&app.db.pool).await.unwrap();
    let actions: Vec<&str> = actions.iter().map(|a| a.0.as_str()).collect();
    assert!(actions.contains(&"two_factor_enabled") && actions.contains(&"recovery_code_used"), "{actions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_authentication_codes_count_toward_the_log_in_limit() {
    let app = spawn_app_with(|s| s.limits.login_failures_allowed = 3).await;
    let (_, _, owner) = app.business("totp-limit@example.com").await;
    let (secret, _, _) = enable_two_factor(&app, &owner).await;
    // Giving the right password again between guesses does not reset the count of wrong codes.
    let mut c = client();
    for _ in 0..3 {
        c = password_step(&app, "totp-limit@example.com").await;
        let r = post(&app, &c, "/api/auth/code", &[("code", "123456")]).await;
        assert_eq!(r.status(), 422);
    }
    let locked = post(&app, &c, "/api/auth/code", &[("code", &app_code(&secret, unix_now() + 30))]).await;
    assert_eq!(locked.status(), 429, "locked after the allowed failures, even with the right code");
    assert!(locked.headers().contains_key("retry-after"));
    let (failed,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'login_failed' AND detail = 'wrong authentication code'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(failed, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_that_requires_two_factor_sends_members_without_it_to_set_it_up() {
    let app = spawn_app().await;
    let (_, org, owner) = app.business("require@example.com").await;
    let member = app.member(org, "no-2fa@example.com", Role::Reviewer).await;
    assert_eq!(app.dashboard_html(&member).await.0, 200);
    let token = invite(&app, &owner, "joiner-2fa@example.com", "viewer").await;
    let refused = post(&app, &member, "/api/security/require", &[("required", "on")]).await;
    assert_eq!(refused.status(), 403, "admins only");
    assert!(ok(&post(&app, &owner, "/api/security/require", &[("required", "on")]).await));
    for page in ["/dashboard", "/applications", "/settings"] {
        let r = member.get(app.url(page)).send().await.unwrap();
        assert_eq!(r.status(), 303, "{page}");
        assert_eq!(r.headers()["location"], "/settings/security?required=1");
    }
    let api = post(&app, &member, "/api/applications/latest", &[]).await;
    assert_eq!(api.status(), 403, "server functions refuse them too");
    assert_eq!(app_error(api).await, AppError::TwoFactorSetupRequired);
    // Someone joining through an invite (made before the requirement) is sent to set-up too.
    let joined = accept(&app, &token).await;
    assert!(format!("{:?}", joined.headers()).contains("/settings/security?required=1"), "{:?}", joined.headers());
    let page = app_page(&app, &member, "/settings/security?required=1").await;
    assert!(page.contains("Your organisation requires two-factor authentication"));
    // At the next log-in they are sent straight there; once it is on, the portal opens again.
    let fresh = client();
    let r = app.log_in_with(&fresh, "no-2fa@example.com", PASSWORD).await;
    assert!(ok(&r));
    assert!(format!("{:?}", r.headers()).contains("/settings/security?required=1"), "{:?}", r.headers());
    enable_two_factor(&app, &member).await;
    assert_eq!(app.dashboard_html(&member).await.0, 200);
    // An admin bound by their own requirement can still lift it on the set-up page.
    assert!(ok(&post(&app, &owner, "/api/security/require", &[]).await));
    assert!(ok(&post(&app, &owner, "/api/security/require", &[("required", "on")]).await));
    // Required means it cannot be turned off.
    let off = post(&app, &member, "/api/security/disable", &[("code", "000000")]).await;
    assert!(matches!(app_error(off).await, AppError::Conflict(_)));
}
