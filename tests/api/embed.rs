//! The SignIn Widget's own pages (`/embed/signin…`), driven as a browser with JavaScript off drives them:
//! plain forms, POST → 303 → GET, everything the page must report carried in `data-*` attributes.

use crate::helpers::*;
use insight::shared::{Locale, WidgetErrorCode};
use insight::widget::model::text::text;
use reqwest::{Client, StatusCode};

/// The first bank-list page's query for a business.
fn options(client_id: &str) -> Vec<(&'static str, String)> {
    vec![("client_id", client_id.to_string()), ("origin", SHOP_ORIGIN.to_string())]
}

/// A `data-*` attribute of the page's `<body>`, unescaped enough for JSON checks.
fn body_data(html: &str, name: &str) -> Option<String> {
    let body = &html[html.find("<body")?..];
    let tag = &body[..body.find('>')?];
    let start = tag.find(&format!(" data-{name}=\""))? + name.len() + 8;
    let value = &tag[start..];
    Some(value[..value.find('"')?].replace("&quot;", "\"").replace("&amp;", "&"))
}

/// POSTs a step's form and follows the one redirect, as a browser does; returns (redirect target, page).
async fn submit(app: &TestApp, c: &Client, path: &str, form: &[(&str, &str)]) -> (String, StatusCode, String) {
    let r = c.post(app.url(path)).form(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let page = c.get(app.url(&to)).send().await.unwrap();
    let status = page.status();
    (to, status, page.text().await.unwrap())
}

fn session_of(location: &str) -> String {
    location.trim_start_matches("/embed/signin/s/").split(['?', '/']).next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_sign_in_works_as_plain_forms_without_javascript() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("forms@example.com").await;
    let c = client();
    let t = text(Locale::En);

    let list = c.get(app.url("/embed/signin")).query(&options(&client_id)).send().await.unwrap();
    assert_eq!(list.status(), 200);
    let html = list.text().await.unwrap();
    assert!(html.contains(r#"name="bank" value="demo-pl""#), "the bank list is in the first response");
    assert!(!html.contains(".wasm") && !html.contains("<script src"), "no wasm and no script download");
    assert_eq!(body_data(&html, "event").as_deref(), Some("started"));
    assert_eq!(body_data(&html, "origin").as_deref(), Some(SHOP_ORIGIN));

    let mut start = options(&client_id);
    start.push(("bank", "demo-pl".into()));
    let start: Vec<(&str, &str)> = start.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (to, status, html) = submit(&app, &c, "/embed/signin/start", &start).await;
    assert!(to.ends_with("?ev=target_selected"), "{to}");
    assert_eq!(status, 200);
    let session = session_of(&to);
    assert!(html.contains("Demo Bank") && html.contains(t.consent_title), "the consent names the bank");
    assert_eq!(body_data(&html, "event").as_deref(), Some("target_selected"));

    // Not ticking the box keeps the applicant on the consent, with the reason.
    let (_, _, html) = submit(&app, &c, &format!("/embed/signin/s/{session}/consent"), &[]).await;
    assert!(html.contains(t.consent_required) && html.contains(t.consent_title));
    let (_, _, html) = submit(&app, &c, &format!("/embed/signin/s/{session}/consent"), &[("agree", "yes")]).await;
    assert!(html.contains(r#"id="bank-password""#));
    assert_eq!(body_data(&html, "event").as_deref(), Some("consent_given"));

    // A wrong password is said on the same step, which stays usable.
    let credentials = format!("/embed/signin/s/{session}/credentials");
    let (to, status, html) = submit(&app, &c, &credentials, &[("login", "test-sca"), ("password", "nope")]).await;
    assert!(to.contains("error=InvalidCredentials"), "{to}");
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="bank-password""#) && html.contains(r#"role="alert""#));
    assert!(body_data(&html, "error").is_none(), "a retry is not the end of the flow");

    let (to, _, html) = submit(&app, &c, &credentials, &[("login", "test-sca"), ("password", "Test123")]).await;
    assert!(to.ends_with("?ev=sca_required"), "{to}");
    assert!(html.contains(r#"id="bank-code""#));
    assert_eq!(app.count("import").await, 0, "nothing is queued before the bank authorises");
    let (to, status, html) = submit(&app, &c, &format!("/embed/signin/s/{session}/code"), &[("code", "123456")]).await;
    assert!(to.ends_with("?ev=success"), "{to}");
    assert_eq!(status, 200);
    assert!(html.contains(t.success_title));
    let success: serde_json::Value = serde_json::from_str(&body_data(&html, "success").expect("onSuccess")).unwrap();
    assert_eq!(success["sessionId"], session.as_str());
    let import_id = success["importId"].as_i64().expect("the import's id");
    assert!(success["sessionIdSignature"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(app.count("import").await, 1);

    // A reload shows the page again but reports nothing twice.
    let again = c.get(app.url(&format!("/embed/signin/s/{session}"))).send().await.unwrap().text().await.unwrap();
    assert!(again.contains(t.success_title) && body_data(&again, "success").is_none());

    let progress = |c: Client, url: String| async move {
        let r = c.get(url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.json::<serde_json::Value>().await.unwrap()
    };
    let url = app.url(&format!("/embed/signin/s/{session}/progress"));
    assert_eq!(progress(c.clone(), url.clone()).await["finished"], false);
    app.run_imports().await;
    let done = progress(c.clone(), url).await;
    assert_eq!((done["status"].as_str(), done["finished"].as_bool()), (Some("succeeded"), Some(true)));
    assert_eq!(app.import_row(insight::shared::ImportId(import_id)).await.0, "succeeded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_flow_ends_with_the_specs_codes_and_statuses() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("form-codes@example.com").await;
    let c = client();
    let begin = |bank: &'static str| {
        let (c, url) = (c.clone(), app.url("/embed/signin/start"));
        let mut form = options(&client_id);
        form.push(("bank", bank.to_string()));
        async move { c.post(url).form(&form).send().await.unwrap() }
    };

    // An unknown bank goes back to the list with a message; nothing starts.
    let r = begin("no-such-bank").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(back.starts_with("/embed/signin?") && back.contains("client_id="), "{back}");
    let html = c.get(app.url(&back)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"role="alert""#) && html.contains(r#"name="bank""#));

    // A blocked account ends the flow: the page reports onError once and offers no retry of the step.
    let session = session_of(begin("demo-pl").await.headers()["location"].to_str().unwrap());
    submit(&app, &c, &format!("/embed/signin/s/{session}/consent"), &[("agree", "yes")]).await;
    let (to, status, html) = submit(
        &app,
        &c,
        &format!("/embed/signin/s/{session}/credentials"),
        &[("login", "test-blocked"), ("password", "x")],
    )
    .await;
    assert!(to.contains("ev=error"), "{to}");
    assert_eq!(status.as_u16(), WidgetErrorCode::AccessBlocked.status());
    let error: serde_json::Value = serde_json::from_str(&body_data(&html, "error").expect("onError")).unwrap();
    assert_eq!((error["code"].as_str(), error["sessionId"].as_str()), (Some("AccessBlocked"), Some(session.as_str())));
    assert!(!html.contains(r#"id="bank-password""#));
    let after = c
        .post(app.url(&format!("/embed/signin/s/{session}/credentials")))
        .form(&[("login", "test"), ("password", "Test123")])
        .send()
        .await
        .unwrap();
    let location = after.headers()["location"].to_str().unwrap().to_string();
    assert!(!location.contains("success"), "an ended session cannot be signed into: {location}");
    assert_eq!(app.count("import").await, 0);

    // Cancel: onError UserCancelled with the exit event, status 200, and a way to start again.
    let session = session_of(begin("demo-pl").await.headers()["location"].to_str().unwrap());
    let (to, status, html) = submit(&app, &c, &format!("/embed/signin/s/{session}/cancel"), &[]).await;
    assert!(to.contains("ev=exit"), "{to}");
    assert_eq!(status, 200);
    assert_eq!(body_data(&html, "event").as_deref(), Some("exit"));
    let error: serde_json::Value = serde_json::from_str(&body_data(&html, "error").unwrap()).unwrap();
    assert_eq!(error["code"], "UserCancelled");
    assert!(html.contains(r#"href="/embed/signin?client_id="#), "a way to start again: {html}");

    // An unknown session reads as an expired one; an unknown step is not found; a foreign page origin is
    // refused before any list is shown.
    let r = c.get(app.url("/embed/signin/s/not-a-session")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), WidgetErrorCode::SessionExpired.status());
    assert!(r.text().await.unwrap().contains(r#"data-code="SessionExpired""#));
    let r = c.post(app.url(&format!("/embed/signin/s/{session}/teleport"))).form(&[("x", "1")]).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .get(app.url("/embed/signin"))
        .query(&[("client_id", client_id.as_str()), ("origin", "https://evil.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), WidgetErrorCode::OriginNotAllowed.status());
    assert!(!r.text().await.unwrap().contains(r#"name="bank""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_page_may_be_framed_only_by_the_page_that_started_it() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("form-frame@example.com").await;
    let c = client();
    let mut form = options(&client_id);
    form.push(("bank", "demo-pl".into()));
    let r = c.post(app.url("/embed/signin/start")).form(&form).send().await.unwrap();
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let page = c.get(app.url(&to)).send().await.unwrap();
    assert_eq!(frame_ancestors(&page), format!("frame-ancestors 'self' {SHOP_ORIGIN}"));
    assert_eq!(page.headers()["cache-control"], "no-store", "a step is never served from a cache");
}
