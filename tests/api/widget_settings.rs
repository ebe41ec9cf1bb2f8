use crate::helpers::*;
use insight::error::AppError;
use insight::shared::{OrganisationId, Role};
use insight::widget::model::settings::WidgetSettings;

fn form<'a>(months: &'a str, origins: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("auto_import", "on"),
        ("sandbox_banks", "on"),
        ("months", months),
        ("locale", "en"),
        ("country", ""),
        ("allowed_origins", origins),
    ]
}

async fn settings_of(app: &TestApp, org: OrganisationId) -> WidgetSettings {
    insight::widget::server::config_store::get(&app.db, org).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_saves_the_configuration_and_the_change_is_audited() {
    let app = spawn_app().await;
    let (_, org, admin) = app.business("cfg@example.com").await;
    let r = app
        .post_form_with(&admin, "/api/widget-settings/save", &form("3", "http://localhost:3000\nhttps://Shop.Example/"))
        .await;
    assert!(ok(&r), "{}", r.text().await.unwrap());
    let saved = settings_of(&app, org).await;
    assert_eq!(saved.months.get(), 3);
    let origins: Vec<&str> = saved.allowed_origins.iter().map(|o| o.as_str()).collect();
    assert_eq!(origins, ["http://localhost:3000", "https://shop.example"]);
    let (action, detail, actor): (String, String, String) =
        sqlx::query_as("SELECT action, detail, actor_email FROM audit_event WHERE organisation_id = $1")
            .bind(org)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((action.as_str(), actor.as_str()), ("widget_config_changed", "cfg@example.com"));
    assert!(detail.contains("months: 12 → 3"), "{detail}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_field_errors_and_changes_nothing() {
    let app = spawn_app().await;
    let (_, org, admin) = app.business("bad-cfg@example.com").await;
    let before = settings_of(&app, org).await;
    for (months, origins, field) in [
        ("0", "https://ok.example", "months"),
        ("25", "https://ok.example", "months"),
        ("abc", "https://ok.example", "months"),
        ("3", "https://ok.example\nhttp://plain.example\nftp://x", "allowed_origins"),
        ("3", "https://shop.example/path", "allowed_origins"),
    ] {
        let err =
            app_error(app.post_form_with(&admin, "/api/widget-settings/save", &form(months, origins)).await).await;
        assert!(err.field(field).is_some(), "{months} {origins}: {err:?}");
    }
    let err = app_error(
        app.post_form_with(
            &admin,
            "/api/widget-settings/save",
            &[("months", "3"), ("locale", "fr"), ("country", "XX"), ("allowed_origins", "")],
        )
        .await,
    )
    .await;
    assert!(err.field("locale").is_some() && err.field("country").is_some());
    assert_eq!(settings_of(&app, org).await, before);
    assert_eq!(app.count("audit_event").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_and_reviewers_cannot_change_the_configuration() {
    let app = spawn_app().await;
    let (_, org, _) = app.business("roles-cfg@example.com").await;
    let before = settings_of(&app, org).await;
    for (email, role) in [("viewer@example.com", Role::Viewer), ("reviewer@example.com", Role::Reviewer)] {
        let c = app.member(org, email, role).await;
        let err = app_error(app.post_form_with(&c, "/api/widget-settings/save", &form("3", "")).await).await;
        assert_eq!(err, AppError::Forbidden, "{role}");
        // They may look, read-only.
        let view = app.post_form_with(&c, "/api/widget-settings/get", &[]).await.text().await.unwrap();
        assert!(view.contains("\"can_edit\":false"), "{view}");
    }
    let technician = app.member(org, "tech@example.com", Role::Technician).await;
    assert!(ok(&app.post_form_with(&technician, "/api/widget-settings/save", &form("6", "")).await));
    assert_ne!(settings_of(&app, org).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organisation_can_neither_read_nor_change_the_configuration() {
    let app = spawn_app().await;
    let (_, alpha, alpha_admin) = app.business("alpha-cfg@example.com").await;
    assert!(ok(&app
        .post_form_with(&alpha_admin, "/api/widget-settings/save", &form("5", "https://alpha.example"))
        .await));
    let (_, beta, beta_admin) = app.business("beta-cfg@example.com").await;
    let view = app.post_form_with(&beta_admin, "/api/widget-settings/get", &[]).await.text().await.unwrap();
    assert!(!view.contains("alpha.example"));
    assert!(ok(&app
        .post_form_with(&beta_admin, "/api/widget-settings/save", &form("7", "https://beta.example"))
        .await));
    assert_eq!(settings_of(&app, alpha).await.months.get(), 5);
    assert_eq!(settings_of(&app, beta).await.months.get(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_saved_months_and_origins_are_enforced_by_the_widget() {
    let app = spawn_app().await;
    let (client_id, _, admin) = app.business("enforce@example.com").await;
    assert!(ok(&app.post_form_with(&admin, "/api/widget-settings/save", &form("3", "https://shop.example")).await));
    // localhost is no longer on the list.
    let err = app.widget_start(&WidgetRun::new(&client_id, "test")).await.unwrap_err();
    assert_eq!(err.code, insight::shared::WidgetErrorCode::OriginNotAllowed);
    let page = app.get(&format!("/embed/signin?client_id={client_id}&origin=https://shop.example")).await;
    assert_eq!(frame_ancestors(&page), "frame-ancestors 'self' https://shop.example");
    let r = app
        .post_form(
            "/api/widget/start",
            &[("client_id", &client_id), ("origin", "https://shop.example"), ("bank", "demo-pl")],
        )
        .await;
    let session: String = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let (months,): (i64,) = sqlx::query_as("SELECT months FROM signin_session WHERE signin_session_id = $1")
        .bind(&session)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(months, 3, "without autoImport in the embed options the saved months apply");
}
