//! Hostile input to every server function and page: long, empty, control characters, SQL and HTML
//! metacharacters, numbers that overflow, duplicated and missing fields, bodies of the wrong type, invalid
//! UTF-8 in query strings. Nothing answers 500, and a refused request changes nothing in the database.

use crate::helpers::*;
use crate::statuses::{table, world_with, Access};

fn corpus() -> Vec<String> {
    vec![
        String::new(),
        "x".repeat(10_000),
        "\u{0}\u{1}\u{7f}\r\n\t".into(),
        "' OR '1'='1' --".into(),
        "\"; DROP TABLE import; --".into(),
        "<script>alert(1)</script>".into(),
        "%00%ff%".into(),
        "../../etc/passwd".into(),
        "ż😀\u{202e}\u{feff}".into(),
        "-1".into(),
        "9223372036854775808".into(),
        "1e309".into(),
        "{}[]&=?".into(),
    ]
}

/// Row counts of every table a request could change (the audit trail records failed log-ins on purpose).
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "organisation",
        "app_user",
        "invite",
        "widget_config",
        "signin_session",
        "import",
        "import_owner",
        "import_account",
        "import_transaction",
        "decision",
    ] {
        counts.push(app.count(table).await);
    }
    counts
}

/// The variants of a well-formed form: each field replaced by each hostile value, given twice, or missing.
fn variants(valid: &[(&'static str, String)], fields: &[&'static str]) -> Vec<Vec<(String, String)>> {
    let base: Vec<(String, String)> = valid.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let mut out = Vec::new();
    for field in fields {
        for value in corpus() {
            let mut form: Vec<(String, String)> = base.iter().filter(|(k, _)| k != field).cloned().collect();
            form.push((field.to_string(), value));
            out.push(form);
        }
        let mut twice = base.clone();
        twice.push((field.to_string(), "second".into()));
        out.push(twice);
        out.push(base.iter().filter(|(k, _)| k != field).cloned().collect());
    }
    out
}

/// The fields of each widget step, beside the values the status table uses.
fn widget_fields(path: &str) -> &'static [&'static str] {
    match path {
        "/api/widget/context" => &["client_id", "origin", "owner", "locale", "country", "target", "months"],
        "/api/widget/start" => &["client_id", "origin", "owner", "locale", "country", "target", "months", "bank"],
        "/api/widget/credentials" => &["session", "login", "password"],
        "/api/widget/code" => &["session", "code"],
        "/api/widget/consent" | "/api/widget/cancel" | "/api/widget/progress" => &["session"],
        "/api/auth/register" => &["company_name", "email", "password"],
        "/api/auth/login" => &["email", "password"],
        "/api/team/invite/get" => &["token"],
        "/api/team/invite/accept" => &["token", "password"],
        _ => &[],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_never_yields_500_and_refused_requests_change_nothing() {
    let w = world_with(|s| {
        s.widget_requests_per_minute = 1_000_000;
        s.signins_per_client_per_minute = 1_000_000;
        s.limits.registrations_per_hour = 1_000_000;
    })
    .await;
    let app = &w.app;
    let session = app.widget_start(&WidgetRun::new(&w.client_id, "test")).await.unwrap();
    let anonymous = client();
    let mut sent = 0;
    for case in table(&w) {
        let fields: Vec<&'static str> = if case.valid.is_empty() {
            widget_fields(case.path).to_vec()
        } else {
            case.valid.iter().map(|(k, _)| *k).collect()
        };
        let mut valid = case.valid.clone();
        if case.path.starts_with("/api/widget/") {
            valid = fields
                .iter()
                .map(|f| {
                    let v = match *f {
                        "client_id" => w.client_id.clone(),
                        "origin" => SHOP_ORIGIN.to_string(),
                        "bank" => "demo-pl".into(),
                        "session" => session.clone(),
                        _ => "x".into(),
                    };
                    (*f, v)
                })
                .collect();
        }
        let caller = if case.access == Access::Anyone { &anonymous } else { &w.owner };
        for form in variants(&valid, &fields) {
            let before = snapshot(app).await;
            let r = caller.post(app.url(case.path)).form(&form).send().await.unwrap();
            let status = r.status().as_u16();
            sent += 1;
            assert!(status < 500, "{} answered {status} to {:?}", case.path, shorten(&form));
            if status >= 400 {
                assert_eq!(
                    snapshot(app).await,
                    before,
                    "{} changed data while refusing {:?}",
                    case.path,
                    shorten(&form)
                );
            }
        }
        let raw = caller
            .post(app.url(case.path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b"a=%FF%FE&\xff\xfe=1".to_vec())
            .send()
            .await
            .unwrap();
        assert!(raw.status().as_u16() < 500, "{}: invalid UTF-8 in the body", case.path);
    }
    assert!(sent > 400, "only {sent} hostile requests were sent");
    for query in [
        "q=%FF%FE",
        "q=a&q=b&status=queued&status=failed",
        "from=9999-99-99&to=x&sort=%00",
        "after=1_2_3&before=x_y",
        "bank=%3Cscript%3E",
    ] {
        let r = w.owner.get(app.url(&format!("/applications?{query}"))).send().await.unwrap();
        assert!(r.status().is_success(), "/applications?{query}: {}", r.status());
    }
    for value in corpus() {
        let v = insight::shared::query::encode(&value);
        for url in [
            format!("/embed/signin?client_id={v}&origin={v}"),
            format!("/embed/signin?client_id={}&origin={SHOP_ORIGIN}&target={v}&months={v}&locale={v}", w.client_id),
            format!("/applications/{v}"),
            format!("/invite/{v}"),
            format!("/applications/{v}/export.json"),
        ] {
            let r = w.owner.get(app.url(&url)).send().await.unwrap();
            assert!(r.status().as_u16() < 500, "{}: {}", &url[..url.len().min(80)], r.status());
        }
    }
}

fn shorten(form: &[(String, String)]) -> Vec<(String, String)> {
    form.iter().map(|(k, v)| (k.clone(), v.chars().take(24).collect())).collect()
}

/// The widget's own forms (the iframe's plain-HTML flow), the redirect banks' return URL and the PSD2 sandbox
/// bank get the same corpus: nothing answers 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_forms_the_bank_return_and_the_sandbox_bank_never_yield_500() {
    // Hundreds of requests from one address: the widget's per-address limit is for the open internet.
    let app = spawn_app_with(|s| s.widget_requests_per_minute = 100_000).await;
    let (client_id, _, _) = app.business("hostile-forms@example.com").await;
    let c = client();
    let mut sent = 0;
    let check = |r: reqwest::Response, what: &str| {
        assert!(r.status().as_u16() < 500, "{}: {}", &what[..what.len().min(100)], r.status());
    };
    for value in corpus() {
        let v = value.as_str();
        for form in [
            vec![("client_id", v), ("origin", SHOP_ORIGIN), ("bank", "demo-pl")],
            vec![("client_id", client_id.as_str()), ("origin", v), ("bank", "demo-pl")],
            vec![("client_id", client_id.as_str()), ("origin", SHOP_ORIGIN), ("bank", v)],
            vec![("client_id", client_id.as_str()), ("origin", SHOP_ORIGIN), ("bank", "xs2a-sandbox"), ("months", v)],
        ] {
            check(c.post(app.url("/embed/signin/start")).form(&form).send().await.unwrap(), &format!("start {form:?}"));
            sent += 1;
        }
        // A real session of each kind of bank, then every step with the value.
        for bank in ["demo-pl", "xs2a-sandbox"] {
            let run = WidgetRun { bank, ..WidgetRun::new(&client_id, "test") };
            let session = app.widget_start(&run).await.unwrap();
            for step in ["consent", "credentials", "code", "cancel", v] {
                let form = [("agree", v), ("login", v), ("password", v), ("code", v), ("popup", v)];
                let path = format!("/embed/signin/s/{session}/{}", insight::shared::query::encode(step));
                check(c.post(app.url(&path)).form(&form).send().await.unwrap(), &path);
                sent += 1;
            }
            for path in ["", "/bank", "/state", "/progress"] {
                let url = format!("/embed/signin/s/{session}{path}?ev={}&error={}&popup={}", enc(v), enc(v), enc(v));
                check(c.get(app.url(&url)).send().await.unwrap(), &url);
                sent += 1;
            }
        }
        let e = enc(v);
        // A header cannot carry every value (control characters); those go in the URL and the body only.
        let h = if reqwest::header::HeaderValue::from_str(v).is_ok() { v } else { "bad" };
        for url in [
            format!("/embed/signin/s/{e}"),
            format!("/embed/signin/s/{e}/bank"),
            format!("/embed/signin/s/{e}/state"),
            format!("/embed/return?state={e}"),
            format!("/embed/return?state={e}&state=x"),
            format!("/sandbox/xs2a/sca/{e}"),
            format!("/sandbox/xs2a/v1/consents/{e}/status"),
            format!("/sandbox/xs2a/v1/accounts/{e}/transactions?dateFrom={e}&bookingStatus={e}&pageIndex={e}"),
        ] {
            // Marked for the PSD2 conformance check: malformed on purpose.
            let r = c
                .get(app.url(&url))
                .header("X-Request-ID", h)
                .header("Consent-ID", h)
                .header("X-Conformance", "malformed");
            check(r.send().await.unwrap(), &url);
            sent += 1;
        }
        let consent = c
            .post(app.url("/sandbox/xs2a/v1/consents"))
            .header("X-Request-ID", uuid::Uuid::new_v4().to_string())
            .header("PSU-IP-Address", "192.0.2.1")
            .header("TPP-Redirect-URI", h)
            .header("content-type", "application/json")
            .header("X-Conformance", "malformed")
            .body(value.clone())
            .send()
            .await
            .unwrap();
        check(consent, "POST /sandbox/xs2a/v1/consents");
        let sca = c.post(app.url(&format!("/sandbox/xs2a/sca/{e}"))).form(&[("psu_id", v), ("password", v)]).send();
        check(sca.await.unwrap(), "POST sca");
        sent += 2;
    }
    assert!(sent > 300, "only {sent} hostile requests were sent");
}

fn enc(v: &str) -> String {
    insight::shared::query::encode(v)
}
