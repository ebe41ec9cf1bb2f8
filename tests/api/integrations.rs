//! API keys and the REST API `/v1`: keys hashed at rest and revoked at once, organisation scoping on every
//! endpoint, RFC 9457 errors, cursor pages, the rate limit, the signed widget result and the OpenAPI document.

use crate::helpers::*;
use insight::shared::{ImportId, Role};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// Creates an API key through the portal's server function, as the settings page does.
async fn create_key(app: &TestApp, member: &Client, name: &str) -> String {
    let r = app.post_form_with(member, "/api/api-keys/create", &[("name", name)]).await;
    assert!(ok(&r), "creating a key: {}", r.status());
    r.json::<String>().await.unwrap()
}

async fn api(app: &TestApp, key: &str, path: &str) -> (StatusCode, String, Value) {
    let r = client().get(app.url(path)).bearer_auth(key).send().await.unwrap();
    let status = r.status();
    let kind = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let body = r.text().await.unwrap();
    (status, kind, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// A business with one finished import started for `owner`.
async fn business_with_import(app: &TestApp, email: &str, owner: &str) -> (Client, ImportId, String) {
    let (member, mut imports) = business_with_imports(app, email, &[owner]).await;
    let (import_id, session_id) = imports.remove(0);
    (member, import_id, session_id)
}

/// A business with a finished import for each of `owners`, started in that order: (import, sign-in session).
async fn business_with_imports(app: &TestApp, email: &str, owners: &[&str]) -> (Client, Vec<(ImportId, String)>) {
    let (client_id, _, member) = app.business(email).await;
    let mut imports = Vec::with_capacity(owners.len());
    for owner in owners {
        let mut run = WidgetRun::new(&client_id, "test");
        run.owner = Some(owner);
        let success = app.widget_sign_in(&run).await.unwrap();
        imports.push((success.import_id.unwrap(), success.session_id));
    }
    app.run_imports().await;
    (member, imports)
}

#[tokio::test]
async fn keys_are_shown_once_stored_as_a_hash_and_revoked_at_once() {
    let app = spawn_app().await;
    let (admin, _, _) = business_with_import(&app, "keys@example.com", "applicant-1").await;
    let key = create_key(&app, &admin, "Loan back-end").await;
    assert!(key.starts_with("ins_sk_") && key.len() == 7 + 64, "ins_sk_ + 256 bits in hex: {key}");
    assert!(key[7..].chars().all(|c| c.is_ascii_hexdigit()));

    // Nowhere in the database: not in the key table, not in the audit trail.
    let dump: Vec<(String, String)> =
        sqlx::query_as("SELECT key_hash, prefix FROM api_key").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(dump.len(), 1);
    assert_ne!(dump[0].0, key);
    assert!(key.starts_with(&dump[0].1) && dump[0].1.len() < 16, "only a short prefix is kept in clear");
    let audits: Vec<(String, Option<String>, String)> =
        sqlx::query_as("SELECT action, subject, detail FROM audit_event").fetch_all(&app.db.pool).await.unwrap();
    assert!(audits
        .iter()
        .all(|(_, s, d)| !s.clone().unwrap_or_default().contains(&key[7..]) && !d.contains(&key[7..])));
    assert!(audits.iter().any(|(a, _, _)| a == "api_key_created"));
    assert!(!logs().contains(&key[7..]), "the key never reaches a log line");

    // The list shows name, prefix and creator, never the key.
    let r = app.post_form_with(&admin, "/api/api-keys/list", &[]).await;
    let list = r.text().await.unwrap();
    assert!(list.contains("Loan back-end") && list.contains("keys@example.com") && !list.contains(&key));

    let (status, _, body) = api(&app, &key, "/v1/imports").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"].as_array().unwrap().len(), 1);

    let id: i64 = sqlx::query_scalar("SELECT api_key_id FROM api_key").fetch_one(&app.db.pool).await.unwrap();
    let r = app.post_form_with(&admin, "/api/api-keys/revoke", &[("api_key_id", &id.to_string())]).await;
    assert!(ok(&r));
    let (status, kind, body) = api(&app, &key, "/v1/imports").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked key is refused on the next request");
    assert_eq!(kind, "application/problem+json");
    assert_eq!(body["status"], 401);
    let audits: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_event").fetch_all(&app.db.pool).await.unwrap();
    assert!(audits.iter().any(|(a,)| a == "api_key_revoked"));
}

#[tokio::test]
async fn admins_create_keys_technicians_see_and_revoke_them() {
    let app = spawn_app().await;
    let (_, organisation, admin) = app.business("roles-keys@example.com").await;
    let technician = app.member(organisation, "tech@example.com", Role::Technician).await;
    // A key reads applicants' data, which a technician may not: only an admin makes one.
    let r = app.post_form_with(&technician, "/api/api-keys/create", &[("name", "Technician's key")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    create_key(&app, &admin, "Technician's key").await;
    let listed = app.post_form_with(&technician, "/api/api-keys/list", &[]).await;
    assert_eq!(listed.status(), StatusCode::OK, "technicians see the keys");
    for (email, role) in [("rev@example.com", Role::Reviewer), ("view@example.com", Role::Viewer)] {
        let c = app.member(organisation, email, role).await;
        let r = app.post_form_with(&c, "/api/api-keys/create", &[("name", "nope")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?}");
        let r = app.post_form_with(&c, "/api/api-keys/list", &[]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?}");
    }
    let r = app.post_form_with(&admin, "/api/api-keys/create", &[("name", "  ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a key needs a name");
    // The page itself.
    let html = admin.get(app.url("/settings/api-keys")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Create API key") && html.contains("Technician&#x27;s key") || html.contains("Technician's key")
    );
}

#[tokio::test]
async fn another_organisations_key_finds_nothing_of_this_organisation_on_any_endpoint() {
    let app = spawn_app().await;
    let (_, import_id, session_id) = business_with_import(&app, "owner-org@example.com", "applicant-2").await;
    let account_id = app.first_account(import_id).await;
    let (_, _, stranger) = app.business("stranger-org@example.com").await;
    let foreign_key = create_key(&app, &stranger, "Stranger").await;

    let (status, _, body) = api(&app, &foreign_key, "/v1/imports").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["data"].as_array().unwrap().is_empty(), "the list holds only the key's organisation");
    for path in [
        format!("/v1/imports/{import_id}"),
        format!("/v1/imports/{import_id}/accounts/{account_id}/transactions"),
        format!("/v1/signin-sessions/{session_id}"),
    ] {
        let (status, kind, body) = api(&app, &foreign_key, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(kind, "application/problem+json", "{path}");
        assert_eq!(body["status"], 404, "{path}");
    }
    let r = client()
        .delete(app.url(&format!("/v1/imports/{import_id}/data")))
        .bearer_auth(&foreign_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, _, transactions, _) = app.import_row(import_id).await;
    assert!(transactions > 0, "nothing was erased by the stranger");
}

#[tokio::test]
async fn the_api_reads_imports_sessions_and_transactions_page_by_page_and_erases_on_request() {
    let app = spawn_app().await;
    let (admin, imports) =
        business_with_imports(&app, "reader@example.com", &["applicant-3", "applicant-4", "applicant-5"]).await;
    let (first, session_id) = imports[0].clone();
    let key = create_key(&app, &admin, "Reader").await;

    // Cursor pages of one import each visit all three, newest first, once.
    let mut seen = Vec::new();
    let mut path = "/v1/imports?limit=1".to_string();
    loop {
        let (status, _, body) = api(&app, &key, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let rows = body["data"].as_array().unwrap();
        assert_eq!(rows.len(), 1);
        seen.push(rows[0]["ownerExternalId"].as_str().unwrap().to_string());
        match body["next"].as_str() {
            Some(next) => path = format!("/v1/imports?limit=1&next={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ["applicant-5", "applicant-4", "applicant-3"]);
    let (_, _, body) = api(&app, &key, "/v1/imports?ownerExternalId=applicant-4&status=succeeded").await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    let (_, _, body) = api(&app, &key, "/v1/imports?createdAfter=2999-01-01T00:00:00Z").await;
    assert!(body["data"].as_array().unwrap().is_empty());

    // Bad parameters are 422 problems naming the parameter; unknown ids are 404.
    for (path, parameter) in [
        ("/v1/imports?limit=0", "limit"),
        ("/v1/imports?limit=201", "limit"),
        ("/v1/imports?status=done", "status"),
        ("/v1/imports?createdAfter=yesterday", "createdAfter"),
        ("/v1/imports?next=garbage", "next"),
    ] {
        let (status, kind, body) = api(&app, &key, path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(kind, "application/problem+json");
        assert!(body["errors"][parameter].is_string(), "{path}: {body}");
    }
    for path in ["/v1/imports/abc", "/v1/imports/999999", "/v1/signin-sessions/nope", "/v1/nothing-here"] {
        assert_eq!(api(&app, &key, path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(api(&app, "ins_sk_not-a-key", "/v1/imports").await.0, StatusCode::UNAUTHORIZED);

    // One import in full, with SPEC §5 names and its environment.
    let (status, _, detail) = api(&app, &key, &format!("/v1/imports/{first}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["import"]["id"], first.get());
    assert_eq!(detail["import"]["status"], "succeeded");
    assert_eq!(detail["environment"], "sandbox");
    assert!(!detail["owners"].as_array().unwrap().is_empty());
    let account = &detail["accounts"][0];
    let (account_id, count) = (account["id"].as_i64().unwrap(), account["transactionsCount"].as_i64().unwrap());

    // Every transaction exactly once across pages.
    let mut total = 0;
    let mut path = format!("/v1/imports/{first}/accounts/{account_id}/transactions?limit=200");
    loop {
        let (status, _, body) = api(&app, &key, &path).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        total += body["data"].as_array().unwrap().len() as i64;
        match body["next"].as_str() {
            Some(next) => {
                path = format!("/v1/imports/{first}/accounts/{account_id}/transactions?limit=200&next={next}")
            }
            None => break,
        }
    }
    assert_eq!(total, count);

    // The session as the server recorded it binds the widget's sessionId to the applicant.
    let (status, _, session) = api(&app, &key, &format!("/v1/signin-sessions/{session_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(session["importId"], first.get());
    assert_eq!(session["ownerExternalId"], "applicant-3");
    assert_eq!(session["target"], "demo-pl");

    // Erase on request: the same path as the portal, with the key in the audit trail.
    let r = client().delete(app.url(&format!("/v1/imports/{first}/data"))).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, _, detail) = api(&app, &key, &format!("/v1/imports/{first}")).await;
    assert!(detail["import"]["erasedAt"].is_string());
    assert!(detail["owners"].as_array().unwrap().is_empty() && detail["accounts"].as_array().unwrap().is_empty());
    let actor: String = sqlx::query_scalar("SELECT actor_email FROM audit_event WHERE action = 'data_erased'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(actor.contains("Reader") && actor.contains("ins_sk_"), "{actor}");
}

#[tokio::test]
async fn each_key_is_rate_limited_with_retry_after_and_ratelimit_headers() {
    let app = spawn_app_with(|s| s.limits.api_requests_per_minute = 3).await;
    let (_, _, admin) = app.business("limited@example.com").await;
    let key = create_key(&app, &admin, "Busy").await;
    let other = create_key(&app, &admin, "Quiet").await;
    for _ in 0..3 {
        let r = client().get(app.url("/v1/imports")).bearer_auth(&key).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["ratelimit-policy"], "\"per-key\";q=3;w=60");
    }
    let r = client().get(app.url("/v1/imports")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    assert!(r.headers()["ratelimit"].to_str().unwrap().contains("r=0"));
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = client().get(app.url("/v1/imports")).bearer_auth(&other).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "another key has its own budget");
}

#[tokio::test]
async fn the_widget_result_token_verifies_with_a_jwt_library_and_matches_the_session() {
    use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
    let app = spawn_app().await;
    let (client_id, organisation, _) = app.business("token@example.com").await;
    let mut run = WidgetRun::new(&client_id, "test");
    run.owner = Some("applicant-9");
    let success = app.widget_sign_in(&run).await.unwrap();
    let secret: String = sqlx::query_scalar("SELECT signing_secret FROM organisation WHERE organisation_id = $1")
        .bind(organisation)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let claims = decode::<Value>(&success.result_token, &DecodingKey::from_secret(secret.as_bytes()), &validation)
        .expect("the token verifies with the signing secret")
        .claims;
    assert_eq!(claims["sessionId"], success.session_id);
    assert_eq!(claims["importId"], success.import_id.unwrap().get());
    assert_eq!(claims["ownerExternalId"], "applicant-9");
    assert_eq!(claims["clientId"], client_id);
    assert_eq!(claims["target"], "demo-pl");
    let age = chrono::Utc::now().timestamp() - claims["iat"].as_i64().unwrap();
    assert!((0..60).contains(&age));
    assert!(decode::<Value>(&success.result_token, &DecodingKey::from_secret(b"wrong"), &validation).is_err());
}

#[tokio::test]
async fn the_openapi_document_is_public_3_1_and_lists_every_endpoint_and_the_reference_page_renders_it() {
    let app = spawn_app().await;
    let r = app.get("/v1/openapi.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    for (path, method) in [
        ("/v1/imports", "get"),
        ("/v1/imports/{id}", "get"),
        ("/v1/imports/{id}/accounts/{accountId}/transactions", "get"),
        ("/v1/signin-sessions/{sessionId}", "get"),
        ("/v1/imports/{id}/data", "delete"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is documented");
        assert!(op["responses"]["401"].is_object() && op["responses"]["429"].is_object(), "{method} {path}");
    }
    assert_eq!(doc["components"]["securitySchemes"]["apiKey"]["scheme"], "bearer");
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["ImportSummary"]["properties"]["status"]["$ref"], "#/components/schemas/ImportStatus");
    assert_eq!(schemas["Transaction"]["properties"]["currencyAmount"]["type"], "string");
    let html = app.get("/docs/api").await.text().await.unwrap();
    for text in ["GET /v1/imports", "DELETE /v1/imports/{id}/data", "ownerExternalId", "/v1/openapi.json"] {
        assert!(html.contains(text), "the reference page shows {text}");
    }
}

#[tokio::test]
async fn erasures_answer_truthfully_whatever_the_content_type_and_however_many_arrive_at_once() {
    let app = spawn_app().await;
    let (admin, started) =
        business_with_imports(&app, "eraser@example.com", &["applicant-6", "applicant-7", "applicant-8"]).await;
    let imports: Vec<ImportId> = started.into_iter().map(|(id, _)| id).collect();
    let key = create_key(&app, &admin, "Eraser").await;
    let erase = |id: String, content_type: Option<&'static str>| {
        let mut request = client().delete(app.url(&format!("/v1/imports/{id}/data"))).bearer_auth(&key);
        if let Some(kind) = content_type {
            request = request.header("content-type", kind);
        }
        async move {
            let r = request.send().await.unwrap();
            let status = r.status();
            (status, r.text().await.unwrap())
        }
    };

    // A DELETE takes no body: a Content-Type it does not need (Schemathesis sent multipart without a boundary)
    // changes nothing, for an unknown id as for a real one.
    let (status, body) = erase("987654".into(), Some("multipart/form-data")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = erase(imports[0].to_string(), Some("multipart/form-data")).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // Erasures at once, each import twice: every one answers 204, each import is erased and audited once.
    let all = imports.iter().flat_map(|id| [erase(id.to_string(), None), erase(id.to_string(), Some("text/plain"))]);
    for (status, body) in futures::future::join_all(all).await {
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    for id in &imports {
        let (_, _, detail) = api(&app, &key, &format!("/v1/imports/{id}")).await;
        assert!(detail["import"]["erasedAt"].is_string(), "{detail}");
    }
    assert_eq!(app.count("audit_event WHERE action = 'data_erased'").await, imports.len() as i64);
}
