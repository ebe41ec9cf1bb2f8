//! Every server function, page and export answers with the status that says what happened: 401 signed out,
//! 403 wrong role, 404 another organisation's or an unknown id, 4xx bad input; 500 only for a real fault.
//! The routes come from the router itself, so a new one fails this test until its expectations are added.

use crate::helpers::*;
use insight::shared::{ImportId, Role};
use std::collections::BTreeSet;

/// Who may call a server function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Access {
    /// Anyone, signed in or not (the public pages' functions, the widget's steps).
    Anyone,
    /// Any member of an organisation.
    Member,
    /// Members who read applicants' data: everyone but the technician.
    Reader,
    /// Members whose role passes; `Viewer` is refused.
    Role,
}

/// One server function: who may call it, a well-formed request (`owned`: it names the owner's import or
/// member, so another organisation must get 404), and a malformed one.
pub struct Case {
    pub path: &'static str,
    pub access: Access,
    pub valid: Vec<(&'static str, String)>,
    pub owned: bool,
    pub bad: Vec<(&'static str, String)>,
}

fn s(v: impl ToString) -> String {
    v.to_string()
}

pub struct World {
    pub app: TestApp,
    pub owner: reqwest::Client,
    pub viewer: reqwest::Client,
    pub technician: reqwest::Client,
    pub stranger: reqwest::Client,
    pub import_id: ImportId,
    pub account: String,
    pub viewer_id: String,
    pub client_id: String,
    /// An API key of the owner's organisation.
    pub api_key_id: String,
    /// A webhook endpoint of the owner's organisation, and a message queued for it.
    pub webhook_endpoint_id: String,
    pub webhook_message_id: String,
}

pub async fn world() -> World {
    world_with(|_| {}).await
}

pub async fn world_with(configure: impl FnOnce(&mut insight::platform::config::Settings)) -> World {
    let app = spawn_app_with(configure).await;
    let (client_id, org, owner) = app.business("status-owner@example.com").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let account = app.first_account(import_id).await.to_string();
    let viewer = app.member(org, "status-viewer@example.com", Role::Viewer).await;
    let (viewer_id,): (i64,) =
        sqlx::query_as("SELECT app_user_id FROM app_user WHERE email = 'status-viewer@example.com'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let technician = app.member(org, "status-technician@example.com", Role::Technician).await;
    let (_, _, stranger) = app.business("status-stranger@example.com").await;
    assert!(ok(&app.post_form_with(&owner, "/api/api-keys/create", &[("name", "Status test")]).await));
    let (api_key_id,): (i64,) = sqlx::query_as("SELECT api_key_id FROM api_key").fetch_one(&app.db.pool).await.unwrap();
    let api_key_id = api_key_id.to_string();
    let hook = [("url", "https://hooks.example.com/insight"), ("import_succeeded", "on")];
    assert!(ok(&app.post_form_with(&owner, "/api/webhooks/add", &hook).await));
    let (endpoint,): (i64,) =
        sqlx::query_as("SELECT webhook_endpoint_id FROM webhook_endpoint").fetch_one(&app.db.pool).await.unwrap();
    assert!(ok(&app.post_form_with(&owner, "/api/webhooks/test", &[("endpoint_id", &endpoint.to_string())]).await));
    let (message,): (i64,) =
        sqlx::query_as("SELECT webhook_message_id FROM webhook_message").fetch_one(&app.db.pool).await.unwrap();
    World {
        app,
        owner,
        viewer,
        technician,
        stranger,
        import_id,
        account,
        viewer_id: viewer_id.to_string(),
        client_id,
        api_key_id,
        webhook_endpoint_id: endpoint.to_string(),
        webhook_message_id: message.to_string(),
    }
}

pub fn table(w: &World) -> Vec<Case> {
    let id = s(w.import_id);
    let account = w.account.clone();
    let user = w.viewer_id.clone();
    let key = w.api_key_id.clone();
    let (endpoint, message) = (w.webhook_endpoint_id.clone(), w.webhook_message_id.clone());
    let f = |path, access, owned: Option<Vec<(&'static str, String)>>, bad: Vec<(&'static str, String)>| Case {
        path,
        access,
        owned: owned.is_some(),
        valid: owned.unwrap_or_default(),
        bad,
    };
    let plain = |path, access, valid: Vec<(&'static str, String)>, bad| Case { path, access, valid, owned: false, bad };
    vec![
        f("/api/auth/register", Access::Anyone, None, vec![("email", s("x"))]),
        f("/api/auth/login", Access::Anyone, None, vec![("password", s("x"))]),
        f("/api/auth/logout", Access::Anyone, None, vec![]),
        f("/api/auth/me", Access::Anyone, None, vec![]),
        f("/api/auth/code", Access::Anyone, None, vec![("code", s(""))]),
        f("/api/banks", Access::Anyone, None, vec![]),
        f("/api/team/invite/get", Access::Anyone, None, vec![]),
        f("/api/team/invite/accept", Access::Anyone, None, vec![("token", s("x"))]),
        f("/api/widget/context", Access::Anyone, None, vec![("client_id", s("x"))]),
        f("/api/widget/start", Access::Anyone, None, vec![("client_id", s("x"))]),
        f("/api/widget/consent", Access::Anyone, None, vec![]),
        f("/api/widget/credentials", Access::Anyone, None, vec![("session", s("x"))]),
        f("/api/widget/code", Access::Anyone, None, vec![("session", s("x"))]),
        f("/api/widget/cancel", Access::Anyone, None, vec![]),
        f("/api/widget/progress", Access::Anyone, None, vec![]),
        f("/api/dashboard", Access::Member, None, vec![]),
        f("/api/settings", Access::Member, None, vec![]),
        f("/api/security/get", Access::Member, None, vec![]),
        f("/api/security/begin", Access::Member, None, vec![]),
        plain("/api/security/confirm", Access::Member, vec![("code", s("123456"))], vec![("code", s("000000"))]),
        plain("/api/security/disable", Access::Member, vec![("code", s("123456"))], vec![("code", s("000000"))]),
        f("/api/security/require", Access::Role, None, vec![]),
        f("/api/widget-settings/get", Access::Member, None, vec![]),
        f("/api/applications/latest", Access::Reader, None, vec![]),
        f("/api/applications/counts", Access::Reader, None, vec![]),
        plain("/api/applications/search", Access::Reader, vec![("query", s(""))], vec![]),
        f("/api/applications/get", Access::Reader, Some(vec![("import_id", id.clone())]), vec![("import_id", s("x"))]),
        f(
            "/api/applications/transactions",
            Access::Member,
            Some(vec![("import_id", id.clone()), ("account_id", account.clone())]),
            vec![("import_id", id.clone()), ("account_id", s("x"))],
        ),
        f("/api/applications/analysis", Access::Reader, Some(vec![("import_id", id.clone())]), vec![]),
        f(
            "/api/applications/evidence",
            Access::Reader,
            Some(vec![("import_id", id.clone()), ("query", s("flow=in"))]),
            vec![("import_id", s("x"))],
        ),
        f(
            "/api/applications/note",
            Access::Reader,
            Some(vec![("import_id", id.clone()), ("note", s("checked"))]),
            vec![("import_id", id.clone()), ("note", s(""))],
        ),
        f(
            "/api/applications/assign",
            Access::Role,
            Some(vec![("import_id", id.clone()), ("assignee", s("me"))]),
            vec![("import_id", id.clone()), ("assignee", s("nobody-here"))],
        ),
        f(
            "/api/applications/decide",
            Access::Role,
            Some(vec![("import_id", id.clone()), ("decision", s("approve")), ("note", s("ok"))]),
            vec![("import_id", id.clone()), ("decision", s("maybe")), ("note", s(""))],
        ),
        f(
            "/api/applications/erase",
            Access::Role,
            Some(vec![("import_id", id.clone()), ("confirm", s("erase"))]),
            vec![("import_id", id)],
        ),
        plain("/api/audit", Access::Role, vec![("page", s(0))], vec![("page", s("x"))]),
        f("/api/audit/verify", Access::Role, None, vec![]),
        plain(
            "/api/settings/retention",
            Access::Role,
            vec![("retention_days", s(365))],
            vec![("retention_days", s(0))],
        ),
        plain(
            "/api/settings/second-approval",
            Access::Role,
            vec![("required", s("on"))],
            vec![("required", s("perhaps"))],
        ),
        f("/api/team/members", Access::Role, None, vec![]),
        f("/api/team/invites", Access::Role, None, vec![]),
        plain("/api/team/invite/revoke", Access::Role, vec![("invite_id", s(999_999))], vec![("invite_id", s("x"))]),
        plain(
            "/api/team/invite",
            Access::Role,
            vec![("email", s("new@example.com")), ("role", s("viewer"))],
            vec![("email", s("nope")), ("role", s("owner"))],
        ),
        f(
            "/api/team/role",
            Access::Role,
            Some(vec![("user_id", user.clone()), ("role", s("reviewer"))]),
            vec![("user_id", user.clone()), ("role", s("owner"))],
        ),
        f("/api/team/remove", Access::Role, Some(vec![("user_id", user)]), vec![("user_id", s("x"))]),
        f("/api/api-keys/list", Access::Role, None, vec![]),
        plain("/api/api-keys/create", Access::Role, vec![("name", s("A key"))], vec![("name", s(" "))]),
        f("/api/api-keys/revoke", Access::Role, Some(vec![("api_key_id", key)]), vec![("api_key_id", s("x"))]),
        f("/api/webhooks/list", Access::Role, None, vec![]),
        plain(
            "/api/webhooks/add",
            Access::Role,
            vec![("url", s("https://hooks.example.com/other")), ("application_decided", s("on"))],
            vec![("url", s("https://10.0.0.1/x")), ("import_failed", s("on"))],
        ),
        f(
            "/api/webhooks/test",
            Access::Role,
            Some(vec![("endpoint_id", endpoint.clone())]),
            vec![("endpoint_id", s("x"))],
        ),
        f("/api/webhooks/redeliver", Access::Role, Some(vec![("message_id", message)]), vec![("message_id", s("x"))]),
        f("/api/webhooks/remove", Access::Role, Some(vec![("endpoint_id", endpoint)]), vec![("endpoint_id", s("x"))]),
        plain(
            "/api/widget-settings/save",
            Access::Role,
            vec![
                ("months", s(12)),
                ("locale", s("en")),
                ("country", s("")),
                ("allowed_origins", s("http://localhost:*")),
            ],
            vec![("months", s("99")), ("locale", s("en")), ("country", s("")), ("allowed_origins", s(""))],
        ),
    ]
}

async fn status(c: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, String)]) -> u16 {
    c.post(app.url(path)).form(form).send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_answers_401_403_404_and_4xx_truthfully() {
    let w = world().await;
    let app = &w.app;
    let fns = table(&w);
    let registered: BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    let listed: BTreeSet<String> = fns.iter().map(|f| f.path.to_string()).collect();
    assert_eq!(registered, listed, "every server function has its expectations here");

    let signed_out = client();
    for f in &fns {
        let form = &f.valid;
        let out = status(&signed_out, app, f.path, form).await;
        match f.access {
            Access::Anyone => assert!(out < 500, "{}: {out} signed out", f.path),
            Access::Member | Access::Reader | Access::Role => assert_eq!(out, 401, "{} signed out", f.path),
        }
        if f.access == Access::Reader || f.path.starts_with("/api/applications/") || f.path == "/api/api-keys/create" {
            assert_eq!(status(&w.technician, app, f.path, form).await, 403, "{} as a technician", f.path);
        }
        if f.access == Access::Role {
            assert_eq!(status(&w.viewer, app, f.path, form).await, 403, "{} as a viewer", f.path);
        }
        if f.owned {
            assert_eq!(status(&w.stranger, app, f.path, form).await, 404, "{} from another organisation", f.path);
        }
        // Anonymous functions are probed anonymously: the owner's session must survive (log-out is one of them).
        let caller = if f.access == Access::Anyone { &signed_out } else { &w.owner };
        if !f.bad.is_empty()
            || f.access == Access::Anyone
                && f.path != "/api/auth/logout"
                && f.path != "/api/auth/me"
                && f.path != "/api/banks"
        {
            let bad = status(caller, app, f.path, &f.bad).await;
            assert!((400..500).contains(&bad), "{}: {bad} for bad input", f.path);
        }
        let garbage = caller.post(app.url(f.path)).header("content-type", "application/json").body("{]").send().await;
        let garbage = garbage.unwrap().status().as_u16();
        assert!(garbage < 500, "{}: {garbage} for a body of the wrong type", f.path);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_and_export_answers_with_its_real_status() {
    let w = world().await;
    let app = &w.app;
    let id = w.import_id;
    let pages: BTreeSet<String> = insight::platform::startup::page_paths().into_iter().collect();
    let public = ["/", "/register", "/login", "/login/code", "/logout", "/banks", "/invite/{token}"];
    let protected = [
        "/dashboard",
        "/applications",
        "/applications/{id}",
        "/applications/{id}/evidence",
        "/settings",
        "/settings/team",
        "/settings/audit",
        "/settings/security",
        "/settings/api-keys",
        "/settings/webhooks",
        "/widget",
    ];
    let listed: BTreeSet<String> = public.iter().chain(protected.iter()).map(|p| p.to_string()).collect();
    assert_eq!(pages, listed, "every page has its expectations here");

    let get = |c: &reqwest::Client, path: String| {
        let (c, url) = (c.clone(), app.url(&path));
        async move { c.get(url).send().await.unwrap().status().as_u16() }
    };
    let concrete = |p: &str| p.replace("{id}", &id.to_string()).replace("{token}", "not-a-token");
    let signed_out = client();
    for p in public {
        let expected = if p == "/invite/{token}" { 404 } else { 200 };
        assert_eq!(get(&signed_out, concrete(p)).await, expected, "{p} signed out");
    }
    for p in protected {
        assert_eq!(get(&signed_out, concrete(p)).await, 303, "{p} signed out redirects to the log-in");
        let as_viewer = get(&w.viewer, concrete(p)).await;
        // Every member manages their own sign-in; the other settings pages are for admins or technicians.
        let expected = if p.starts_with("/settings/") && p != "/settings/security" { 403 } else { 200 };
        assert_eq!(as_viewer, expected, "{p} as a viewer");
    }
    assert_eq!(get(&w.stranger, format!("/applications/{id}")).await, 404, "another organisation's application");
    assert_eq!(get(&w.stranger, format!("/applications/{id}/evidence?flow=in")).await, 404, "its evidence");
    assert_eq!(get(&w.owner, "/applications/999999/evidence".into()).await, 404, "an unknown application's evidence");
    assert_eq!(get(&w.owner, "/applications/999999".into()).await, 404, "an unknown application");
    assert_eq!(get(&w.owner, "/applications/abc".into()).await, 404, "not an id at all");
    assert_eq!(get(&w.owner, "/no/such/page".into()).await, 404);
    // The widget's steps are plain handlers beside the pages.
    assert_eq!(get(&signed_out, "/embed/signin".into()).await, 404, "no Client ID: unknown client");
    assert_eq!(get(&signed_out, "/embed/signin?client_id=ins_garbage&origin=x".into()).await, 404, "unknown client");
    assert_eq!(get(&signed_out, "/embed/signin/s/ss_nope".into()).await, 409, "an unknown session has expired");

    let export = |file: &str| format!("/applications/{id}/{file}");
    assert_eq!(
        get(&signed_out, export("export.json")).await,
        303,
        "a download link sends a signed-out visitor to log in"
    );
    assert_eq!(get(&w.stranger, export("export.json")).await, 404);
    assert_eq!(get(&w.owner, export("export.xml")).await, 404);
    assert_eq!(get(&w.owner, "/applications/abc/export.csv".into()).await, 404);
    assert_eq!(get(&w.viewer, export("export.csv")).await, 200);
    // The technician configures the widget and integrations; applicants' data is not theirs to read.
    for p in [
        "/applications".to_string(),
        format!("/applications/{id}"),
        format!("/applications/{id}/evidence?cash=1"),
        export("export.json"),
        export("export.csv"),
    ] {
        assert_eq!(get(&w.technician, p.clone()).await, 403, "{p} as a technician");
    }
    for p in ["/dashboard", "/widget", "/settings/api-keys", "/settings/webhooks"] {
        assert_eq!(get(&w.technician, p.to_string()).await, 200, "{p} as a technician");
    }
    let dashboard = w.technician.get(app.url("/dashboard")).send().await.unwrap().text().await.unwrap();
    assert!(!dashboard.contains("href=\"/applications\""), "no way into applications for a technician");
}
