use insight::error::AppError;
use insight::server::{config::Settings, db::Db, startup::Application};
use leptos::prelude::LeptosOptions;
use reqwest::{redirect, Client, Response};
use std::sync::Once;

pub struct TestApp {
    pub address: String,
    pub db: Db,
    pub client: Client,
    // Kept alive so the SQLite file outlives the test.
    _dir: Option<tempfile::TempDir>,
}

static TRACING: Once = Once::new();

/// Where tests keep their database: a temp SQLite file, or a new database on the PostgreSQL server named by
/// `TEST_DATABASE_URL` (e.g. `postgres://postgres@127.0.0.1:54329/postgres`).
async fn fresh_database_url() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(admin_url) => {
            use sqlx::Connection;
            let name = format!("insight_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
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
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .expect("http client")
}

pub async fn spawn_app() -> TestApp {
    TRACING.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            insight::server::telemetry::init();
        }
    });
    let (url, dir) = fresh_database_url().await;
    let options = LeptosOptions::builder()
        .output_name("insight")
        .site_root("target/site")
        .build();
    let app = Application::build(
        Settings::for_database(url),
        options,
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("application builds");
    let address = format!("http://{}", app.local_addr());
    let db = app.state.db.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        db,
        client: client(),
        _dir: dir,
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.post_form_with(&self.client, path, form).await
    }

    pub async fn post_form_with(
        &self,
        client: &Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> Response {
        client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn register(&self, company: &str, email: &str) -> Response {
        self.post_form(
            "/api/auth/register",
            &[
                ("company_name", company),
                ("email", email),
                ("password", PASSWORD),
            ],
        )
        .await
    }

    pub async fn log_in_with(&self, client: &Client, email: &str, password: &str) -> Response {
        self.post_form_with(
            client,
            "/api/auth/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// The dashboard HTML for this client's session.
    pub async fn dashboard_html(&self, client: &Client) -> (u16, String) {
        let r = client
            .get(self.url("/dashboard"))
            .send()
            .await
            .expect("request sent");
        let status = r.status().as_u16();
        (status, r.text().await.unwrap_or_default())
    }

    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db.pool)
            .await
            .expect("count");
        n
    }
}

pub fn ok(r: &Response) -> bool {
    r.status().is_success() || r.status().is_redirection()
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
    let id: String = html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (id.len() == 26).then_some(id)
}
