//! The real server binary, killed with SIGKILL in the middle of a 100,000-transaction import and started
//! again on the same database: the import must finish with every row exactly once.

use crate::helpers::{client, fresh_database_url, ok, PASSWORD};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(db_url: &str, port: u16) -> Server {
    start_with(db_url, port, &[])
}

/// The server binary with extra environment variables.
pub fn start_with(db_url: &str, port: u16, env: &[(&str, &str)]) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_insight"))
        .envs(env.iter().copied())
        .env("DATABASE_URL", db_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "insight")
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("APP_IMPORT_WORKERS", "1")
        .env("APP_IMPORT_LEASE_SECS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    Server(child)
}

pub async fn wait_until_up(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if reqwest::get(format!("{base}/banks")).await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not come up");
}

/// Transaction rows stored, and how many distinct (account, bank id) pairs they hold.
pub async fn stored_rows(pool: &sqlx::AnyPool) -> (i64, i64) {
    sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT import_account_id || ':' || provider_id) FROM import_transaction")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Waits until at least `rows` transactions are committed (or a minute passes).
pub async fn wait_for_rows(pool: &sqlx::AnyPool, rows: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while stored_rows(pool).await.0 < rows && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits for the one import to finish after a restart; asserts it succeeded on its second attempt.
pub async fn wait_until_resumed_and_succeeded(pool: &sqlx::AnyPool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, attempts): (String, i64) =
            sqlx::query_as("SELECT status, attempts FROM import").fetch_one(pool).await.unwrap();
        if status != "running" && status != "queued" {
            assert_eq!((status.as_str(), attempts), ("succeeded", 2), "resumed once");
            return;
        }
        assert!(Instant::now() < deadline, "the import did not finish after the restart");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_survives_kill_9_of_the_server_without_losing_or_duplicating_rows() {
    // On the engine of this test pass (SQLite, or PostgreSQL when TEST_DATABASE_URL names a server).
    let (db_url, _dir) = fresh_database_url().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let server = start(&db_url, port);
    wait_until_up(&base).await;

    let business = client();
    let form = [("company_name", "Crash Co"), ("email", "crash@example.com"), ("password", PASSWORD)];
    assert!(ok(&business.post(format!("{base}/api/auth/register")).form(&form).send().await.unwrap()));
    let (db, _) = insight::platform::db::Db::connect(&db_url).await.unwrap();
    let pool = db.pool;
    let (client_id,): (String,) = sqlx::query_as("SELECT client_id FROM organisation").fetch_one(&pool).await.unwrap();
    let widget = client();
    let call = |path: &'static str, form: Vec<(&'static str, String)>| {
        let widget = widget.clone();
        let url = format!("{base}{path}");
        async move { widget.post(url).form(&form).send().await.unwrap().text().await.unwrap() }
    };
    let start_form = vec![
        ("client_id", client_id.clone()),
        ("origin", "http://localhost:3100".to_string()),
        ("bank", "demo-pl".to_string()),
        ("months", "24".to_string()),
    ];
    let session: String = serde_json::from_str(&call("/api/widget/start", start_form).await).unwrap();
    call("/api/widget/consent", vec![("session", session.clone())]).await;
    let creds = vec![("session", session.clone()), ("login", "test-large".into()), ("password", "Test123".into())];
    assert!(call("/api/widget/credentials", creds).await.contains("Success"));

    // Wait until part of the history is committed, then kill the server without warning.
    wait_for_rows(&pool, 1).await;
    let mut server = server;
    server.0.kill().expect("SIGKILL");
    server.0.wait().unwrap();
    drop(server);
    let (at_kill, _) = stored_rows(&pool).await;
    assert!(at_kill > 0, "some pages were committed before the kill");
    let (status,): (String,) = sqlx::query_as("SELECT status FROM import").fetch_one(&pool).await.unwrap();
    assert!(at_kill < 100_000 && status == "running", "killed mid-import ({at_kill} rows, {status})");

    // A new process takes the job over once the dead worker's lease has expired.
    let _restarted = start(&db_url, port);
    wait_until_up(&base).await;
    wait_until_resumed_and_succeeded(&pool).await;
    assert_eq!(stored_rows(&pool).await, (100_000, 100_000), "every transaction exactly once");
    let (recorded,): (i64,) = sqlx::query_as("SELECT transactions_count FROM import").fetch_one(&pool).await.unwrap();
    assert_eq!(recorded, 100_000);
}
