//! Security headers on every response: a script-limiting CSP with a fresh nonce, no sniffing, a referrer
//! policy, no caching of pages, server functions and exports, HSTS and Secure cookies over https; and with
//! `APP_PUBLIC_URL` set, requests for any other host are refused.

use crate::helpers::*;

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

fn assert_hardened(r: &reqwest::Response, what: &str) {
    let csp = header(r, "content-security-policy");
    assert!(csp.contains("script-src 'self' 'nonce-"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline") && csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"));
    assert!(csp.contains("frame-ancestors"), "{what}: {csp}");
    assert_eq!(header(r, "x-content-type-options"), "nosniff", "{what}");
    assert!(!header(r, "referrer-policy").is_empty(), "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_server_function_and_export_carries_the_security_headers() {
    let app = spawn_app().await;
    let (client_id, _, owner) = app.business("headers@example.com").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let mut nonces = Vec::new();
    for path in insight::platform::startup::page_paths() {
        let path = path.replace("{id}", &import_id.to_string()).replace("{token}", "x");
        let r = owner.get(app.url(&path)).send().await.unwrap();
        assert_hardened(&r, &path);
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
        let csp = header(&r, "content-security-policy");
        let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
        let html = r.text().await.unwrap();
        if html.contains("<script") {
            assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{path}: the page's inline scripts carry the nonce");
        }
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), insight::platform::startup::page_paths().len(), "a fresh nonce per response");
    let r = app.post_form_with(&owner, "/api/applications/counts", &[]).await;
    assert_hardened(&r, "a server function");
    assert_eq!(header(&r, "cache-control"), "no-store");
    for file in ["export.json", "export.csv"] {
        let r = owner.get(app.url(&format!("/applications/{import_id}/{file}"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_hardened(&r, file);
        assert_eq!(header(&r, "cache-control"), "no-store");
    }
    let embed = app.get(&format!("/embed/signin?client_id={client_id}&origin={SHOP_ORIGIN}")).await;
    assert_eq!(header(&embed, "referrer-policy"), "no-referrer", "the widget tells the bank list nothing");
    assert_eq!(header(&app.get("/login").await, "referrer-policy"), "strict-origin-when-cross-origin");
    assert!(header(&app.get("/login").await, "strict-transport-security").is_empty(), "not over plain http");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_link_on_another_site_is_refused_and_not_audited() {
    let app = spawn_app().await;
    let (client_id, _, owner) = app.business("xsite@example.com").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let url = app.url(&format!("/applications/{import_id}/export.csv"));
    let cross = owner.get(&url).header("sec-fetch-site", "cross-site").send().await.unwrap();
    assert_eq!(cross.status(), 403);
    let exports = |app: &TestApp| {
        let pool = app.db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_event WHERE action = 'export'")
                .fetch_one(&pool)
                .await
                .unwrap();
            n
        }
    };
    assert_eq!(exports(&app).await, 0);
    for site in ["same-origin", "same-site", "none"] {
        assert_eq!(owner.get(&url).header("sec-fetch-site", site).send().await.unwrap().status(), 200, "{site}");
    }
    assert_eq!(exports(&app).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_there_is_hsts_and_cookies_are_secure_and_other_hosts_are_refused() {
    let app = spawn_app_with(|s| s.public_url = Some("https://insight.test".into())).await;
    let host = |path: &str, host: &str| app.client.get(app.url(path)).header("host", host).send();
    let r = host("/login", "insight.test").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(header(&r, "strict-transport-security").starts_with("max-age="));
    assert_eq!(host("/login", "evil.example").await.unwrap().status(), 400, "a forged Host is refused");
    let login = app
        .client
        .post(app.url("/api/auth/register"))
        .header("host", "insight.test")
        .header("origin", "https://insight.test")
        .form(&[("company_name", "Secure Co"), ("email", "secure@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(ok(&login));
    let cookie = header(&login, "set-cookie");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");

    // Behind a TLS-terminating proxy that is trusted, its X-Forwarded-Proto counts too.
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let r = app.client.get(app.url("/login")).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(header(&r, "strict-transport-security").starts_with("max-age="));
    let plain = spawn_app().await;
    let r = plain.client.get(plain.url("/login")).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(header(&r, "strict-transport-security").is_empty(), "an untrusted peer's header means nothing");
}
