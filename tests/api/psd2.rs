//! PSD2 banks: the NextGenPSD2 connector against the Insight PSD2 Sandbox over real HTTP, through the widget's
//! redirect SCA (consent → the bank's own page → Insight's return URL → the import), one test per scenario.

use crate::helpers::*;
use insight::banks::server::demo::{DemoBank, DemoTarget, TEST_PASSWORD};
use insight::banks::server::{system_clock, AuthStep, Connector, Credentials, DateRange, PageCursor};
use insight::psd2_sandbox;
use insight::psd2_sandbox::server::SandboxState;
use insight::shared::ImportId;
use reqwest::{Client, StatusCode};

const SANDBOX: &str = "xs2a-sandbox";

/// The applicant picked the sandbox bank and agreed; returns the session and the bank's SCA page.
async fn to_the_bank(base: &str, c: &Client, client_id: &str, bank: &str) -> (String, String) {
    let form = [("client_id", client_id), ("origin", SHOP_ORIGIN), ("bank", bank)];
    let r = c.post(format!("{base}/embed/signin/start")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let session = to.trim_start_matches("/embed/signin/s/").split(['?', '/']).next().unwrap().to_string();
    let consent_page = c.get(format!("{base}{to}")).send().await.unwrap().text().await.unwrap();
    assert!(
        consent_page.contains(&format!("data-popup=\"/embed/signin/s/{session}/bank\"")),
        "the consent of a redirect bank opens the bank's page on the click"
    );
    let r = c.post(format!("{base}/embed/signin/s/{session}/consent")).form(&[("agree", "yes")]).send().await.unwrap();
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("ev=consent_given%20redirect_started"), "{to}");
    let waiting = c.get(format!("{base}{to}")).send().await.unwrap().text().await.unwrap();
    assert!(waiting.contains("Waiting for your bank") && waiting.contains("Continue at your bank"), "{waiting}");
    assert!(waiting.contains(&format!("data-poll=\"/embed/signin/s/{session}/state\"")));
    let r = c.get(format!("{base}/embed/signin/s/{session}/bank")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let sca = r.headers()["location"].to_str().unwrap().to_string();
    assert!(sca.contains("/sandbox/xs2a/sca/auth-"), "{sca}");
    // A second click (or the link after a blocked popup) reopens the same page: one consent at the bank.
    let again = c.get(format!("{base}/embed/signin/s/{session}/bank")).send().await.unwrap();
    assert_eq!(again.headers()["location"].to_str().unwrap(), sca);
    (session, sca)
}

/// At the bank's page: PSU ID and password, Approve or Cancel; returns Insight's return URL the bank sent back to.
async fn at_the_bank(c: &Client, sca: &str, psu: &str, action: &str) -> String {
    let page = c.get(sca).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY", "the bank's page is never framed");
    let html = page.text().await.unwrap();
    assert!(html.contains("PSU ID") && html.contains("Approve") && html.contains("Cancel"));
    let r = c.post(sca).form(&[("psu_id", psu), ("password", "anything"), ("action", action)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(back.contains("/embed/return?state="), "{back}");
    back
}

/// Where the waiting widget goes once the applicant is back.
async fn next_step(base: &str, c: &Client, session: &str) -> Option<String> {
    let v: serde_json::Value =
        c.get(format!("{base}/embed/signin/s/{session}/state")).send().await.unwrap().json().await.unwrap();
    v["next"].as_str().map(str::to_string)
}

async fn import_of(app: &TestApp, session: &str) -> Option<ImportId> {
    sqlx::query_scalar("SELECT import_id FROM import WHERE signin_session_id = $1")
        .bind(session)
        .fetch_optional(&app.db.pool)
        .await
        .unwrap()
}

/// The whole redirect flow for `psu`, approving; returns the session and its import.
async fn approved(app: &TestApp, client_id: &str, psu: &str) -> (String, ImportId) {
    let c = client();
    let (session, sca) = to_the_bank(&app.address, &c, client_id, SANDBOX).await;
    let back = at_the_bank(&c, &sca, psu, "approve").await;
    let page = c.get(&back).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("You can close this window"), "{html}");
    assert!(html.contains(&format!("data-returned=\"{session}\"")), "the return page tells the waiting widget");
    let next = next_step(&app.address, &c, &session).await.expect("the widget moves on");
    assert!(next.ends_with("?ev=redirect_returned%20success"), "{next}");
    let done = c.get(format!("{}{next}", app.address)).send().await.unwrap().text().await.unwrap();
    assert!(done.contains("data-success=") && done.contains("resultToken"), "onSuccess is reported once");
    (session.clone(), import_of(app, &session).await.expect("an import is queued"))
}

/// What the Demo Bank behind `login` holds for the widget's default 12 months (the sandbox's data).
async fn demo_counts(login: &str, limit: Option<usize>) -> Vec<usize> {
    let demo = DemoBank::new(DemoTarget::De, system_clock());
    let AuthStep::Authorised(session) = demo.start_authorisation(Credentials::new(login, TEST_PASSWORD)).await.unwrap()
    else {
        panic!("the demo login works")
    };
    let range = DateRange::last_months(chrono::Utc::now().date_naive(), 12);
    let mut counts = vec![];
    for account in demo.accounts(&session).await.unwrap() {
        let (mut n, mut cursor): (usize, Option<PageCursor>) = (0, None);
        loop {
            let page = demo.transactions(&session, &account.provider_id, range, cursor.as_ref()).await.unwrap();
            n += page.transactions.len();
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        counts.push(limit.map_or(n, |l| n.min(l)));
    }
    counts
}

async fn stored_per_account(app: &TestApp, import: ImportId) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM import_transaction t WHERE t.import_account_id = a.import_account_id)
         FROM import_account a WHERE a.import_id = $1 ORDER BY a.import_account_id",
    )
    .bind(import)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psu_ok_imports_both_accounts_page_by_page_and_a_return_link_works_once() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-ok@example.com").await;
    let banks = reqwest::get(app.url("/banks")).await.unwrap().text().await.unwrap();
    assert!(banks.contains("Insight PSD2 Sandbox") && banks.contains("psu-paged"), "/banks documents the sandbox");

    let (session, import) = approved(&app, &client_id, "psu-ok").await;
    app.run_imports().await;
    let (status, error, transactions, accounts) = app.import_row(import).await;
    assert_eq!((status.as_str(), error, accounts), ("succeeded", None, 2));
    let expected = demo_counts("test", None).await;
    assert!(expected.iter().any(|n| *n > 100), "several pages of 100: {expected:?}");
    assert_eq!(stored_per_account(&app, import).await, expected.iter().map(|n| *n as i64).collect::<Vec<_>>());
    assert_eq!(transactions as usize, expected.iter().sum::<usize>());
    let owners: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM import_owner WHERE import_id = $1")
        .bind(import)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(owners >= 1);

    // The same state again, and one made up: refused, and nothing changes.
    let c = client();
    let state: String = sqlx::query_scalar("SELECT redirect_state FROM signin_session WHERE signin_session_id = $1")
        .bind(&session)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    for bad in [state.as_str(), &"ab".repeat(32), "x", ""] {
        let r = c.get(app.url(&format!("/embed/return?state={bad}"))).send().await.unwrap();
        assert_eq!(r.status(), 400, "state {bad:?}");
    }
    assert_eq!(app.count("import").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psu_cancel_at_the_bank_ends_with_user_cancelled_and_no_import() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-cancel@example.com").await;
    let c = client();
    for (psu, action) in [("psu-cancel", "approve"), ("psu-ok", "cancel")] {
        let (session, sca) = to_the_bank(&app.address, &c, &client_id, SANDBOX).await;
        let back = at_the_bank(&c, &sca, psu, action).await;
        assert_eq!(c.get(&back).send().await.unwrap().status(), 200);
        let next = next_step(&app.address, &c, &session).await.unwrap();
        assert!(next.ends_with("ev=redirect_returned%20exit&error=UserCancelled"), "{psu} {action}: {next}");
        let page = c.get(app.url(&next)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("&quot;code&quot;:&quot;UserCancelled&quot;"), "onError UserCancelled: {page}");
        assert!(import_of(&app, &session).await.is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psu_expired_fails_the_import_with_session_expired() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-expired@example.com").await;
    let (_, import) = approved(&app, &client_id, "psu-expired").await;
    app.run_imports().await;
    let (status, error, transactions, _) = app.import_row(import).await;
    assert_eq!((status.as_str(), error.as_deref(), transactions), ("failed", Some("SessionExpired"), 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psu_429_waits_for_the_banks_retry_after_and_succeeds() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-429@example.com").await;
    let (_, import) = approved(&app, &client_id, "psu-429").await;
    let started = std::time::Instant::now();
    app.run_imports().await;
    assert!(started.elapsed() >= std::time::Duration::from_secs(2), "two Retry-After: 1 were waited for");
    let (status, _, transactions, _) = app.import_row(import).await;
    assert_eq!(status, "succeeded");
    assert_eq!(transactions as usize, demo_counts("test", None).await.iter().sum::<usize>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psu_pending_entries_booked_later_are_stored_once_as_booked() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-pending@example.com").await;
    let (_, import) = approved(&app, &client_id, "psu-pending").await;
    app.run_imports().await;
    let (status, _, transactions, _) = app.import_row(import).await;
    assert_eq!(status, "succeeded");
    let expected = demo_counts("test", None).await;
    assert_eq!(stored_per_account(&app, import).await, expected.iter().map(|n| *n as i64).collect::<Vec<_>>());
    assert_eq!(transactions as usize, expected.iter().sum::<usize>(), "the import's count agrees with its rows");
    let rebooked: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.provider_id, t.status FROM import_transaction t
         JOIN import_account a ON a.import_account_id = t.import_account_id
         WHERE a.import_id = $1 AND t.provider_id LIKE '%-B'",
    )
    .bind(import)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    // The entries are booked on the second page, which an account with more than one page has.
    assert_eq!(rebooked.len(), 3 * expected.iter().filter(|n| **n > 100).count(), "{rebooked:?}");
    assert!(!rebooked.is_empty());
    assert!(rebooked.iter().all(|(_, s)| s == "DONE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psu_no_txid_gets_stable_ids_so_a_second_run_adds_nothing() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-noid@example.com").await;
    let (_, import) = approved(&app, &client_id, "psu-no-txid").await;
    let bank_session: String = sqlx::query_scalar("SELECT bank_session FROM import WHERE import_id = $1")
        .bind(import)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    app.run_imports().await;
    let (status, _, transactions, _) = app.import_row(import).await;
    assert_eq!(status, "succeeded");
    let expected = demo_counts("test", None).await;
    assert_eq!(transactions as usize, expected.iter().sum::<usize>());
    let hashed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM import_transaction t JOIN import_account a ON a.import_account_id = t.import_account_id
         WHERE a.import_id = $1 AND ((t.provider_id LIKE 'h:%' AND t.status = 'DONE')
            OR (t.provider_id LIKE 'p:%' AND t.status = 'PENDING'))",
    )
    .bind(import)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(hashed, transactions, "every id is derived from its content");
    // The import runs again from its first page, as after a crash before any cursor was saved: no row twice.
    sqlx::query("UPDATE import_account SET next_cursor = NULL, transactions_complete = 0 WHERE import_id = $1")
        .bind(import)
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE import SET status = 'queued', run_after = 0, bank_session = $2, lease_owner = NULL,
            lease_until = NULL, finished_at = NULL WHERE import_id = $1",
    )
    .bind(import)
    .bind(&bank_session)
    .execute(&app.db.pool)
    .await
    .unwrap();
    app.run_imports().await;
    assert_eq!(app.import_row(import).await.0, "succeeded");
    assert_eq!(stored_per_account(&app, import).await.iter().sum::<i64>(), transactions);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psu_slow_and_psu_paged_import_everything() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-paged@example.com").await;
    let (_, paged) = approved(&app, &client_id, "psu-paged").await;
    let (_, slow) = approved(&app, &client_id, "psu-slow").await;
    app.run_imports().await;
    let (status, _, transactions, accounts) = app.import_row(paged).await;
    assert_eq!((status.as_str(), transactions, accounts), ("succeeded", 5_000, 1));
    let (status, _, transactions, _) = app.import_row(slow).await;
    assert_eq!(status, "succeeded");
    assert_eq!(transactions as usize, demo_counts("test", None).await.iter().sum::<usize>());
}

/// The sandbox bank on a port of its own (as a bank is: another server), recording like the portal's.
pub async fn standalone_sandbox(latency: std::time::Duration) -> (String, SandboxState) {
    let record = std::env::var("APP_XS2A_RECORD").ok().filter(|p| !p.is_empty()).map(std::path::PathBuf::from);
    let state = SandboxState::new(None, record).with_latency(latency);
    let router: axum::Router = psd2_sandbox::server::routes(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_bank_enforces_the_protocol_like_a_strict_bank() {
    let (base, sandbox) = standalone_sandbox(std::time::Duration::ZERO).await;
    let c = client();
    let api = |path: &str| format!("{base}/sandbox/xs2a/v1{path}");
    let rid = || uuid::Uuid::new_v4().to_string();
    let code = |v: serde_json::Value| v["tppMessages"][0]["code"].as_str().unwrap_or_default().to_string();
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let body = |frequency: u32| {
        serde_json::json!({"access": {"balances": [], "transactions": []}, "recurringIndicator": false,
            "validUntil": tomorrow, "frequencyPerDay": frequency, "combinedServiceIndicator": false})
    };
    let create = |body: serde_json::Value, ip: Option<&'static str>| {
        let mut r = c
            .post(api("/consents"))
            .header("X-Request-ID", rid())
            .header("X-Conformance", if ip.is_none() { "malformed" } else { "" })
            .header("TPP-Redirect-URI", "https://tpp.example/back?state=1")
            .json(&body);
        if let Some(ip) = ip {
            r = r.header("PSU-IP-Address", ip);
        }
        r.send()
    };
    // Refused: no applicant's address on the consent call; more than one read a day on a one-off consent.
    let r = create(body(1), None).await.unwrap();
    assert_eq!((r.status().as_u16(), code(r.json().await.unwrap())), (400, "FORMAT_ERROR".to_string()));
    let r = create(body(4), Some("192.0.2.7")).await.unwrap();
    assert_eq!(r.status(), 400);

    let r = create(body(1), Some("192.0.2.7")).await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["aspsp-sca-approach"], "REDIRECT");
    let created: serde_json::Value = r.json().await.unwrap();
    let consent = created["consentId"].as_str().unwrap().to_string();
    let sca = created["_links"]["scaRedirect"]["href"].as_str().unwrap().to_string();
    // Not approved yet: nothing to read.
    let r = c.get(api("/accounts")).header("X-Request-ID", rid()).header("Consent-ID", &consent).send().await.unwrap();
    assert_eq!((r.status().as_u16(), code(r.json().await.unwrap())), (401, "CONSENT_INVALID".to_string()));
    let r = c.post(&sca).form(&[("psu_id", "psu-ok"), ("password", "")]).send().await.unwrap();
    assert_eq!(r.status(), 422, "an empty password is refused at the bank");
    let r = c.post(&sca).form(&[("psu_id", "psu-nobody"), ("password", "x")]).send().await.unwrap();
    assert_eq!(r.status(), 422, "an unknown PSU ID is refused at the bank");
    let r = c.post(&sca).form(&[("psu_id", "psu-ok"), ("password", "x"), ("action", "approve")]).send().await.unwrap();
    assert_eq!(r.headers()["location"], "https://tpp.example/back?state=1");
    let status: serde_json::Value = c
        .get(api(&format!("/consents/{consent}/status")))
        .header("X-Request-ID", rid())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["consentStatus"], "valid");
    assert_eq!(c.post(&sca).form(&[("psu_id", "psu-ok"), ("password", "x")]).send().await.unwrap().status(), 409);

    let r = c
        .get(api("/accounts"))
        .header("Consent-ID", &consent)
        .header("X-Conformance", "malformed")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), code(r.json().await.unwrap())),
        (400, "FORMAT_ERROR".to_string()),
        "no X-Request-ID"
    );
    let r =
        c.get(api("/accounts")).header("X-Request-ID", rid()).header("Consent-ID", "cns-nope").send().await.unwrap();
    assert_eq!((r.status().as_u16(), code(r.json().await.unwrap())), (403, "CONSENT_UNKNOWN".to_string()));
    // Without the applicant present, a one-off consent reads each endpoint once a day.
    let unattended = || c.get(api("/accounts")).header("X-Request-ID", rid()).header("Consent-ID", &consent).send();
    let first = unattended().await.unwrap();
    assert_eq!(first.status(), 200);
    assert!(first.headers().contains_key("x-request-id"), "X-Request-ID is echoed");
    let accounts: serde_json::Value = first.json().await.unwrap();
    let second = unattended().await.unwrap();
    assert_eq!((second.status().as_u16(), code(second.json().await.unwrap())), (429, "ACCESS_EXCEEDED".to_string()));
    // More than 90 days back only shortly after SCA.
    let account = accounts["accounts"][0]["resourceId"].as_str().unwrap().to_string();
    let history = |from: String, booking: &'static str| {
        c.get(api(&format!("/accounts/{account}/transactions?dateFrom={from}&bookingStatus={booking}")))
            .header("X-Request-ID", rid())
            .header("Consent-ID", &consent)
            .header("PSU-IP-Address", "192.0.2.7")
            .send()
    };
    let old = (chrono::Utc::now().date_naive() - chrono::Days::new(200)).to_string();
    let page: serde_json::Value = history(old.clone(), "both").await.unwrap().json().await.unwrap();
    assert!(page["transactions"]["_links"]["next"]["href"].as_str().is_some_and(|h| h.contains("pageIndex=1")));
    sandbox.age_sca(120);
    let r = history(old, "both").await.unwrap();
    assert_eq!((r.status().as_u16(), code(r.json().await.unwrap())), (400, "PERIOD_INVALID".to_string()));
    let recent = (chrono::Utc::now().date_naive() - chrono::Days::new(30)).to_string();
    assert_eq!(history(recent.clone(), "both").await.unwrap().status(), 200, "the last 90 days need no new SCA");
    let r = history(recent, "information").await.unwrap();
    assert_eq!(code(r.json().await.unwrap()), "PARAMETER_NOT_SUPPORTED");
    // Terminated by the TPP: the consent no longer reads anything.
    let r = c.delete(api(&format!("/consents/{consent}"))).header("X-Request-ID", rid()).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = c
        .get(api("/accounts"))
        .header("X-Request-ID", rid())
        .header("Consent-ID", &consent)
        .header("PSU-IP-Address", "192.0.2.7")
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), code(r.json().await.unwrap())), (401, "CONSENT_INVALID".to_string()));
}

/// A registry file naming one PSD2 bank, in a temporary folder (returned to keep it alive).
fn registry(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("banks.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path.display().to_string())
}

fn standalone_entry(id: &str, base: &str) -> String {
    format!(
        "[[bank]]\nid = \"{id}\"\nname = \"Standalone Sandbox Bank\"\ncountry = \"DE\"\ncurrency = \"EUR\"\n\
         environment = \"sandbox\"\nbase_url = \"{base}/sandbox/xs2a\"\ntimeout_secs = 10\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_bank_import_survives_kill_9_in_the_middle_of_psu_paged() {
    use crate::crash::{start_with, stored_rows, wait_for_rows, wait_until_resumed_and_succeeded, wait_until_up};
    use std::time::Duration;
    // The bank is another server (it outlives the killed portal), a little far away so the kill lands half-way.
    let (bank, _) = standalone_sandbox(Duration::from_millis(40)).await;
    let (_dir, banks_file) = registry(&standalone_entry("standalone-bank", &bank));
    let (db_url, _db_dir) = fresh_database_url().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let env = [("APP_BANKS_FILE", banks_file.as_str()), ("APP_XS2A_SANDBOX", "off")];
    let server = start_with(&db_url, port, &env);
    wait_until_up(&base).await;
    let banks = reqwest::get(format!("{base}/banks")).await.unwrap().text().await.unwrap();
    assert!(banks.contains("Standalone Sandbox Bank") && !banks.contains("Insight PSD2 Sandbox"), "{banks}");

    let business = client();
    let form = [("company_name", "Paged Co"), ("email", "paged@example.com"), ("password", PASSWORD)];
    assert!(ok(&business.post(format!("{base}/api/auth/register")).form(&form).send().await.unwrap()));
    let (db, _) = insight::platform::db::Db::connect(&db_url).await.unwrap();
    let pool = db.pool;
    let client_id: String = sqlx::query_scalar("SELECT client_id FROM organisation").fetch_one(&pool).await.unwrap();
    let c = client();
    let (session, sca) = to_the_bank(&base, &c, &client_id, "standalone-bank").await;
    assert!(sca.starts_with(&bank), "the applicant is sent to the bank's own site: {sca}");
    let back = at_the_bank(&c, &sca, "psu-paged", "approve").await;
    assert!(back.starts_with(&base), "and back to Insight: {back}");
    assert_eq!(c.get(&back).send().await.unwrap().status(), 200);
    assert!(next_step(&base, &c, &session).await.unwrap().contains("success"));

    wait_for_rows(&pool, 500).await;
    let mut server = server;
    server.0.kill().expect("SIGKILL");
    server.0.wait().unwrap();
    drop(server);
    let (at_kill, _) = stored_rows(&pool).await;
    let status: String = sqlx::query_scalar("SELECT status FROM import").fetch_one(&pool).await.unwrap();
    assert!(at_kill > 0 && at_kill < 5_000 && status == "running", "killed mid-import ({at_kill} rows, {status})");

    let _restarted = start_with(&db_url, port, &env);
    wait_until_up(&base).await;
    wait_until_resumed_and_succeeded(&pool).await;
    assert_eq!(stored_rows(&pool).await, (5_000, 5_000), "every transaction exactly once");
    let recorded: i64 = sqlx::query_scalar("SELECT transactions_count FROM import").fetch_one(&pool).await.unwrap();
    assert_eq!(recorded, 5_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_registry_file_stops_start_up_with_a_message_naming_the_line() {
    let (_dir, banks_file) = registry(
        &standalone_entry("good-bank", "https://bank.example").replace("country = \"DE\"", "country = \"Germany\""),
    );
    let (db_url, _db_dir) = fresh_database_url().await;
    let file = banks_file.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_insight"))
            .env("DATABASE_URL", &db_url)
            .env("APP_BANKS_FILE", &file)
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("LEPTOS_OUTPUT_NAME", "insight")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .output()
    });
    let output =
        tokio::time::timeout(std::time::Duration::from_secs(60), output).await.expect("exits").unwrap().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("bank registry {banks_file}: line 4: country (ISO 3166-1) must be 2 capital letters")),
        "{stderr}"
    );
}

/// Mutual TLS: the sandbox bank served over TLS that demands a client certificate from a CA made here; the
/// connector configured with its certificate and key in the registry file reaches it, one without does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_with_a_client_certificate_reaches_a_bank_that_requires_one() {
    use insight::banks::server::psd2::{Registry, Xs2aBank};
    use insight::banks::server::{Health, RedirectRequest};
    use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, SanType};
    use std::sync::Arc;

    // A CA, the bank's server certificate for 127.0.0.1, and our client certificate (a QWAC stands in).
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "Insight test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let mut server_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    server_params.subject_alt_names = vec![SanType::IpAddress("127.0.0.1".parse().unwrap())];
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    client_params.distinguished_name.push(DnType::CommonName, "Insight TPP");
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client_params.signed_by(&client_key, &issuer).unwrap();

    // The bank: TLS 1.2+, client certificates from the CA required.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der().clone()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots)).build().unwrap();
    let tls = rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![server_cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::try_from(server_key.serialize_der()).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    let router: axum::Router = psd2_sandbox::server::routes(SandboxState::new(Some(base.clone()), None));
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { break };
            let (acceptor, router) = (acceptor.clone(), router.clone());
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(tcp).await else { return };
                let service = hyper_util::service::TowerToHyperService::new(router);
                let _ = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new())
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.path().join("qwac.pem"), client_cert.pem()).unwrap();
    std::fs::write(dir.path().join("qwac.key"), client_key.serialize_pem()).unwrap();
    let entry = |certificate: bool| {
        let mut text =
            standalone_entry("mtls-bank", &base).replace("environment = \"sandbox\"", "environment = \"live\"");
        text.push_str("ca_certificate = \"ca.pem\"\n");
        if certificate {
            text.push_str("client_certificate = \"qwac.pem\"\nclient_key = \"qwac.key\"\n");
        }
        let path = dir.path().join("banks.toml");
        std::fs::write(&path, text).unwrap();
        Xs2aBank::new(&Registry::load(&path).unwrap().remove(0)).unwrap()
    };
    let request = RedirectRequest {
        return_url: "https://insight.example/embed/return?state=1".into(),
        psu_ip: "192.0.2.7".parse().unwrap(),
    };

    let with_certificate = entry(true);
    assert_eq!(with_certificate.probe().await, Health::Up);
    let start = with_certificate.start_redirect(&request).await.expect("a consent over mutual TLS");
    assert!(start.url.starts_with(&format!("{base}/sandbox/xs2a/sca/")), "{}", start.url);

    let without = entry(false);
    assert_eq!(without.probe().await, Health::Down, "the bank refuses a connection without our certificate");
    assert!(without.start_redirect(&request).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_sent_for_a_redirect_bank_is_refused_and_never_passed_on() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-password@example.com").await;
    let mut run = WidgetRun::new(&client_id, "psu-ok");
    run.bank = SANDBOX;
    let session = app.widget_start(&run).await.unwrap();
    let error = app.widget_continue(&session, &run).await.unwrap_err();
    assert_eq!(error.code.as_str(), "InvalidOptions");
    let c = client();
    let r = c
        .post(app.url(&format!("/embed/signin/s/{session}/credentials")))
        .form(&[("login", "psu-ok"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection() || r.status().is_client_error(), "{}", r.status());
    assert_eq!(app.count("import").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_return_link_counts_only_in_the_browser_that_went_to_the_bank() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-forwarded@example.com").await;
    let applicant = client();
    let (session, sca) = to_the_bank(&app.address, &applicant, &client_id, SANDBOX).await;
    // The bank's page forwarded to someone else, who approves there with their own bank access.
    let stranger = client();
    let back = at_the_bank(&stranger, &sca, "psu-ok", "approve").await;
    let r = stranger.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("another browser"));
    assert!(next_step(&app.address, &applicant, &session).await.is_none(), "still waiting: nothing was taken");
    assert!(import_of(&app, &session).await.is_none());
    // The applicant's own browser (which opened the bank's page from the widget) completes it.
    assert_eq!(applicant.get(&back).send().await.unwrap().status(), 200);
    assert!(next_step(&app.address, &applicant, &session).await.unwrap().contains("success"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portals_sandbox_bank_sends_browsers_back_only_to_its_own_site() {
    let app = spawn_app().await;
    let c = client();
    let body = serde_json::json!({"access": {"balances": [], "transactions": []}, "recurringIndicator": false,
        "validUntil": (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string(), "frequencyPerDay": 1,
        "combinedServiceIndicator": false});
    let created: serde_json::Value = c
        .post(app.url("/sandbox/xs2a/v1/consents"))
        .header("X-Request-ID", uuid::Uuid::new_v4().to_string())
        .header("PSU-IP-Address", "192.0.2.7")
        .header("TPP-Redirect-URI", "https://phishing.example/embed/return?state=1")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sca = created["_links"]["scaRedirect"]["href"].as_str().unwrap();
    let r = c.post(sca).form(&[("psu_id", "psu-ok"), ("password", "x"), ("action", "approve")]).send().await.unwrap();
    assert_eq!(r.status(), 400, "no redirect off the portal's site");
    assert!(r.headers().get("location").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bank_page_of_a_password_bank_is_refused_without_ending_the_session() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("psd2-demo-bank@example.com").await;
    let run = WidgetRun::new(&client_id, "test");
    let session = app.widget_start(&run).await.unwrap();
    let c = client();
    assert_eq!(
        c.post(app.url(&format!("/embed/signin/s/{session}/consent")))
            .form(&[("agree", "yes")])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let r = c.get(app.url(&format!("/embed/signin/s/{session}/bank"))).send().await.unwrap();
    assert_eq!(r.status(), 400);
    // The applicant signs in with the password as before.
    let step: insight::widget::model::flow::SigninStep = serde_json::from_str(
        &c.post(app.url("/api/widget/credentials"))
            .form(&[("session", session.as_str()), ("login", "test"), ("password", "Test123")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(matches!(step, insight::widget::model::flow::SigninStep::Success(_)));
}
