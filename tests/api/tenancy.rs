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
