use insight::error::AppError;
use insight::platform::state::AppState;
use insight::platform::{config::Settings, db::Db, startup::Application};
use insight::shared::{AccountId, ImportId, OrganisationId};
use insight::widget::model::error::WidgetError;
use insight::widget::model::flow::{SigninStep, SuccessPayload};
use leptos::prelude::LeptosOptions;
use reqwest::{redirect, Client, Response};
use std::io::Write;
use std::sync::Mutex;
use std::sync::Once;
use std::time::Duration;

pub struct TestApp {
    pub address: String,
    pub db: Db,
    pub state: AppState,
    pub client: Client,
    // Kept alive so the SQLite file outlives the test.
    _dir: Option<tempfile::TempDir>,
}

static TRACING: Once = Once::new();

/// Everything any test app logs, so tests can prove that secrets never reach a log line.
pub static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct LogSink;

impl Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::env::var("TEST_LOG").is_ok() {
            let _ = std::io::stdout().write_all(buf);
        }
        LOGS.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

/// Where tests keep their database: a temp SQLite file, or a new database on the PostgreSQL server named by
/// `TEST_DATABASE_URL` (e.g. `postgres://postgres@127.0.0.1:54329/postgres`).
pub async fn fresh_database_url() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
        Some(admin_url) => {
            use sqlx::Connection;
            let name = format!("insight_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect to TEST_DATABASE_URL");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
            (format!("{base}/{name}"), None)
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/insight.db", dir.path().display());
            (url, Some(dir))
        }
    }
}

pub fn client() -> Client {
    // A stuck request fails its test instead of hanging the whole run (a safety net: the route list, whose
    // generation once stalled a streamed page of another test's server, is now generated once per process).
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A fresh app whose import queue the test drives itself (no background workers) with fast retries.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_serving("target/site", configure).await
}

/// [`spawn_app_with`], serving its static files from `site_root`.
pub async fn spawn_app_serving(site_root: &str, configure: impl FnOnce(&mut Settings)) -> TestApp {
    TRACING.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("insight=debug,tower_http=debug"))
            .with_writer(|| LogSink)
            .with_ansi(false)
            .try_init();
    });
    let (url, dir) = fresh_database_url().await;
    let mut settings = Settings::for_database(url);
    settings.workers = 0;
    settings.import.retry_base = Duration::from_millis(2);
    settings.import.lease = Duration::from_secs(30);
    settings.import.poll_interval = Duration::from_millis(20);
    // Tests drive webhook delivery themselves, to a receiver on this machine, with quick retries.
    settings.webhooks.workers = 0;
    settings.webhooks.allow_insecure = true;
    settings.webhooks.retry_base = Duration::from_millis(200);
    // Tests run the retention job themselves, with the clock they choose.
    settings.retention_in_background = false;
    settings.secret_key = Some(hex::encode(rand::random::<[u8; 32]>()));
    configure(&mut settings);
    let options = LeptosOptions::builder().output_name("insight").site_root(site_root).build();
    let app = Application::build(settings, options, "127.0.0.1:0".parse().unwrap()).await.expect("application builds");
    let address = format!("http://{}", app.local_addr());
    let db = app.state.db.clone();
    let state = app.state.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp { address, db, state, client: client(), _dir: dir }
}

pub const PASSWORD: &str = "correct horse battery staple";
/// The page origin the tests pretend to embed the widget from (allowed by default).
pub const SHOP_ORIGIN: &str = "http://localhost:3100";

/// One end user's pass through the widget, over the same HTTP endpoints the iframe uses.
pub struct WidgetRun<'a> {
    pub client_id: &'a str,
    pub bank: &'a str,
    pub login: &'a str,
    pub password: &'a str,
    pub code: Option<&'a str>,
    pub months: Option<&'a str>,
    pub owner: Option<&'a str>,
    /// `applicantName`.
    pub applicant: Option<&'a str>,
}

impl<'a> WidgetRun<'a> {
    pub fn new(client_id: &'a str, login: &'a str) -> Self {
        Self {
            client_id,
            bank: "demo-pl",
            login,
            password: "Test123",
            code: None,
            months: None,
            owner: None,
            applicant: None,
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.post_form_with(&self.client, path, form).await
    }

    pub async fn post_form_with(&self, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        client.post(self.url(path)).form(form).send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn register(&self, company: &str, email: &str) -> Response {
        self.post_form("/api/auth/register", &[("company_name", company), ("email", email), ("password", PASSWORD)])
            .await
    }

    pub async fn log_in_with(&self, client: &Client, email: &str, password: &str) -> Response {
        self.post_form_with(client, "/api/auth/login", &[("email", email), ("password", password)]).await
    }

    /// The dashboard HTML for this client's session.
    pub async fn dashboard_html(&self, client: &Client) -> (u16, String) {
        let r = client.get(self.url("/dashboard")).send().await.expect("request sent");
        let status = r.status().as_u16();
        (status, r.text().await.unwrap_or_default())
    }

    /// Registers a business with a fresh client and returns its Client ID and organisation id.
    pub async fn business(&self, email: &str) -> (String, OrganisationId, Client) {
        let c = client();
        let r = self
            .post_form_with(
                &c,
                "/api/auth/register",
                &[("company_name", "Widget Test Co"), ("email", email), ("password", PASSWORD)],
            )
            .await;
        assert!(ok(&r), "registration failed");
        let (id, org): (String, OrganisationId) = sqlx::query_as("SELECT client_id, organisation_id FROM organisation WHERE organisation_id = (SELECT organisation_id FROM app_user WHERE email = $1)")
            .bind(email)
            .fetch_one(&self.db.pool)
            .await
            .unwrap();
        (id, org, c)
    }

    async fn widget_call<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, WidgetError> {
        let r = self.post_form(path, form).await;
        let status = r.status();
        let body = r.text().await.unwrap();
        if status.is_success() {
            Ok(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
        } else {
            Err(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path} {status}: {e}: {body}")))
        }
    }

    /// Starts a sign-in session for a bank; returns the session id.
    pub async fn widget_start(&self, run: &WidgetRun<'_>) -> Result<String, WidgetError> {
        let mut form = vec![("client_id", run.client_id), ("origin", SHOP_ORIGIN), ("bank", run.bank)];
        if let Some(m) = run.months {
            form.push(("months", m));
        }
        if let Some(o) = run.owner {
            form.push(("owner", o));
        }
        if let Some(a) = run.applicant {
            form.push(("applicant", a));
        }
        self.widget_call("/api/widget/start", &form).await
    }

    /// Bank selection → consent → credentials (→ code), as the widget does.
    pub async fn widget_sign_in(&self, run: &WidgetRun<'_>) -> Result<SuccessPayload, WidgetError> {
        let session = self.widget_start(run).await?;
        self.widget_continue(&session, run).await
    }

    /// Consent → credentials (→ code) for a session `widget_start` began.
    pub async fn widget_continue(&self, session: &str, run: &WidgetRun<'_>) -> Result<SuccessPayload, WidgetError> {
        let session = session.to_string();
        self.widget_call::<()>("/api/widget/consent", &[("session", &session)]).await?;
        let step: SigninStep = self
            .widget_call(
                "/api/widget/credentials",
                &[("session", &session), ("login", run.login), ("password", run.password)],
            )
            .await?;
        let step = match (step, run.code) {
            (SigninStep::OneTimeCodeRequired, Some(code)) => {
                self.widget_call("/api/widget/code", &[("session", &session), ("code", code)]).await?
            }
            (step, _) => step,
        };
        match step {
            SigninStep::Success(payload) => Ok(payload),
            SigninStep::OneTimeCodeRequired => panic!("the bank asked for a one-time code the test did not give"),
        }
    }

    /// Drives the import queue until nothing is due.
    pub async fn run_imports(&self) -> usize {
        insight::imports::server::worker::run_pending_jobs(&self.state, "test-worker").await.expect("worker runs")
    }

    pub async fn import_row(&self, import_id: ImportId) -> (String, Option<String>, i64, i64) {
        sqlx::query_as("SELECT status, error_code, transactions_count, accounts_count FROM import WHERE import_id = $1")
            .bind(import_id)
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
    }

    pub async fn organisation_of(&self, import_id: ImportId) -> OrganisationId {
        let (org,): (OrganisationId,) = sqlx::query_as("SELECT organisation_id FROM import WHERE import_id = $1")
            .bind(import_id)
            .fetch_one(&self.db.pool)
            .await
            .unwrap();
        org
    }

    /// The id of an import's first stored account.
    pub async fn first_account(&self, import_id: ImportId) -> AccountId {
        let (id,): (AccountId,) =
            sqlx::query_as("SELECT MIN(import_account_id) FROM import_account WHERE import_id = $1")
                .bind(import_id)
                .fetch_one(&self.db.pool)
                .await
                .unwrap();
        id
    }

    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&self.db.pool).await.expect("count");
        n
    }
}

pub fn ok(r: &Response) -> bool {
    r.status().is_success() || r.status().is_redirection()
}

/// The `frame-ancestors` directive of a response's Content-Security-Policy (the rest of the policy is about
/// scripts and is checked on its own).
pub fn frame_ancestors(r: &Response) -> String {
    let csp = r.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    csp.split(';').map(str::trim).find(|d| d.starts_with("frame-ancestors")).unwrap_or_default().to_string()
}

/// Decodes a server function's error body.
pub async fn app_error(r: Response) -> AppError {
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    assert_ne!(status.as_u16(), 200, "expected an error, got 200: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not an AppError ({e}): {status} {body}"))
}

/// The first Client ID in a page.
pub fn client_id_in(html: &str) -> Option<String> {
    let start = html.find("ins_")?;
    let id: String = html[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    (id.len() == 26).then_some(id)
}

impl TestApp {
    /// Adds a member with `role` to the organisation directly and returns a client signed in as them.
    pub async fn member(&self, organisation_id: OrganisationId, email: &str, role: insight::shared::Role) -> Client {
        let password = insight::shared::Password::parse_new(PASSWORD.to_string()).unwrap();
        let hash = insight::account::server::password::hash_password(&self.state, password).await.unwrap();
        let now = chrono::Utc::now().timestamp_millis();
        sqlx::query(
            "INSERT INTO app_user (organisation_id, email, password_hash, role, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(organisation_id)
        .bind(email)
        .bind(hash.as_str())
        .bind(role.as_str())
        .bind(now)
        .execute(&self.db.pool)
        .await
        .unwrap();
        let c = client();
        assert!(ok(&self.log_in_with(&c, email, PASSWORD).await));
        c
    }
}
