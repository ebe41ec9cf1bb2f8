//! Page speed under load: `cargo leptos build --release --precompress && cargo run --release --features bench
//! --bin bench_http`.
//!
//! Starts the release server (`target/release/insight`, the one users run) on a fresh SQLite database,
//! registers a business over HTTP, seeds it with 100,000 imports and runs one import of 100,000
//! transactions through the widget's endpoints and the server's own worker. Then, for each URL, 32 clients
//! with one keep-alive connection each request it back to back for `BENCH_SECONDS` (default 5) and the
//! p50/p99 latency (whole body read) and requests per second are printed, with the ratios the goals are
//! stated in: every reviewer page's p99 within 3× of the landing page `/` (a server-rendered page with no
//! data: the floor for a page) and `/` within 3× of a static asset of the same server. The JSON export's
//! time to first byte is measured on its own (median of 5). With `DATABASE_URL=postgres://…` the server
//! and the seeding use that PostgreSQL database instead.

use insight::platform::db::Db;
use insight::shared::OrganisationId;
use reqwest::header::{HeaderMap, HeaderValue, COOKIE};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "bench_support/seed.rs"]
mod seed;

const CLIENTS: usize = 32;
const IMPORTS: usize = 100_000;
const EMAIL: &str = "bench-reviewer@example.com";
const PASSWORD: &str = "bench password 2026";
/// The goals (issue 12): reviewer pages vs `/`, and `/` vs a static asset.
const PAGE_GOAL: f64 = 3.0;

/// The server process; killed when the benchmark ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What one request of a measured URL is.
#[derive(Clone)]
enum Ask {
    Get(String),
    /// A server function: a form POST.
    Post(String, Vec<(String, String)>),
}

struct Figures {
    p50: Duration,
    p99: Duration,
    per_second: f64,
    /// Bytes on the wire of one response (compressed when the server compresses).
    bytes: usize,
}

// One thread for the load generator, so the server keeps the machine's other core to itself.
#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let seconds: u64 = std::env::var("BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5).max(1);
    let root = env!("CARGO_MANIFEST_DIR");
    let binary = std::env::current_exe()?.with_file_name("insight");
    anyhow::ensure!(binary.exists(), "{} is missing: run `cargo leptos build --release` first", binary.display());
    let dir = std::env::temp_dir().join(format!("insight-bench-http-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let database_url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.display()));
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(&binary)
            .current_dir(root)
            .env("DATABASE_URL", &database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", format!("{root}/target/site"))
            .env("APP_REGISTRATIONS_PER_HOUR", "1000")
            // `BENCH_SERVER_LOG=warn,sqlx::query=debug` shows each statement's time (with BENCH_SECONDS=1, BENCH_ONLY).
            .env("RUST_LOG", std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()))
            .stdout(if std::env::var_os("BENCH_SERVER_LOG").is_some() { Stdio::inherit() } else { Stdio::null() })
            .stderr(Stdio::inherit())
            .spawn()?,
    );
    let setup = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    wait_until_up(&setup, &base).await?;

    // A business, over HTTP as in a browser; then its 100,000 imports in bulk, straight into the database.
    let registered = setup
        .post(format!("{base}/api/auth/register"))
        .form(&[("company_name", "Bench Lender"), ("email", EMAIL), ("password", PASSWORD)])
        .send()
        .await?;
    anyhow::ensure!(registered.status().is_success(), "registration failed: {}", registered.status());
    let (db, _) = Db::connect(&database_url).await?;
    let (org, client_id): (OrganisationId, String) = sqlx::query_as(
        "SELECT organisation_id, client_id FROM organisation
         WHERE organisation_id = (SELECT organisation_id FROM app_user WHERE email = $1)",
    )
    .bind(EMAIL)
    .fetch_one(&db.pool)
    .await?;
    let started = Instant::now();
    seed::imports(&db, org, IMPORTS, "http").await?;
    println!("seeded {IMPORTS} imports in {:.1} s", started.elapsed().as_secs_f64());

    // The big import, through the widget's endpoints and the server's worker.
    let started = Instant::now();
    let big = widget_import(&setup, &base, &client_id).await?;
    let (account,): (i64,) = loop {
        let row: (String, Option<i64>) = sqlx::query_as(
            "SELECT status, (SELECT MIN(import_account_id) FROM import_account WHERE import_id = $1)
             FROM import WHERE import_id = $1",
        )
        .bind(big)
        .fetch_one(&db.pool)
        .await?;
        match row {
            (status, Some(account)) if status == "succeeded" => break (account,),
            (status, _) if status == "failed" || status == "partial" => anyhow::bail!("the big import ended {status}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    println!(
        "imported 100,000 transactions through the widget and the worker in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let (day, row) = seed::page_1000_position(&db, account).await?;
    // The queue 50,000 rows deep with a status filter: its own keyset cursor.
    let (created, id): (i64, i64) = sqlx::query_as(
        "SELECT created_at, import_id FROM import WHERE organisation_id = $1 AND status = 'succeeded'
         ORDER BY created_at DESC, import_id DESC LIMIT 1 OFFSET 30000",
    )
    .bind(org)
    .fetch_one(&db.pool)
    .await?;
    db.pool.close().await;

    let logged_in =
        setup.post(format!("{base}/api/auth/login")).form(&[("email", EMAIL), ("password", PASSWORD)]).send().await?;
    let cookie = logged_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    anyhow::ensure!(logged_in.status().is_success() && !cookie.is_empty(), "log-in failed");
    let landing = setup.get(format!("{base}/")).send().await?.text().await?;
    let css = landing
        .split('"')
        .find(|s| s.starts_with("/pkg/") && s.ends_with(".css"))
        .ok_or_else(|| anyhow::anyhow!("no stylesheet link on /"))?
        .to_string();

    // The account card's "Older" button: the server function the page calls, with the keyset cursor.
    let transactions_deep = Ask::Post(
        format!("{base}/api/applications/transactions"),
        vec![
            ("import_id".into(), big.to_string()),
            ("account_id".into(), account.to_string()),
            ("after".into(), format!("{day}_{row}")),
        ],
    );
    let get = |path: String| Ask::Get(format!("{base}{path}"));
    let targets: Vec<(&str, Option<&str>, Ask)> = vec![
        ("static asset (css)", None, get(css)),
        ("/ (landing, no data)", None, get("/".into())),
        ("/dashboard", Some("page"), get("/dashboard".into())),
        ("/applications", Some("page"), get("/applications".into())),
        ("/applications?q=nowak", Some("page"), get("/applications?q=nowak".into())),
        (
            "/applications deep, status filter",
            Some("page"),
            get(format!("/applications?status=succeeded&after={created}_{id}")),
        ),
        ("/applications/:id (100,000 rows)", Some("page"), get(format!("/applications/{big}"))),
        // The same page's data alone, as the browser fetches it on a client-side visit: data vs rendering.
        (
            "  :id data only (server fn, JSON)",
            Some("page"),
            Ask::Post(format!("{base}/api/applications/get"), vec![("import_id".into(), big.to_string())]),
        ),
        ("transactions page 1,000 (keyset)", Some("page"), transactions_deep),
    ];

    println!("\n{CLIENTS} clients, one keep-alive connection each, {seconds} s per URL\n");
    println!("{:<36} {:>8} {:>8} {:>8} {:>8} {:>12}", "URL", "KB", "p50 ms", "p99 ms", "req/s", "p99 ratio");
    let mut floor_static = None;
    let mut floor_page = None;
    let mut verdicts = Vec::new();
    // `BENCH_ONLY=dashboard` measures only the URLs whose label contains that text (the floors always run).
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    for (label, kind, ask) in &targets {
        if kind.is_some() && !label.contains(only.as_str()) {
            continue;
        }
        let figures = load(ask, &cookie, Duration::from_secs(seconds)).await?;
        let ratio = match (kind, floor_page, floor_static) {
            (None, None, None) => {
                floor_static = Some(figures.p99);
                String::from("—")
            }
            (None, None, Some(s)) => {
                floor_page = Some(figures.p99);
                let r = figures.p99.as_secs_f64() / s.as_secs_f64();
                verdicts.push((format!("{label} vs static"), r));
                format!("{r:.1}x static")
            }
            (_, Some(p), _) => {
                let r = figures.p99.as_secs_f64() / p.as_secs_f64();
                verdicts.push((label.to_string(), r));
                format!("{r:.1}x /")
            }
            _ => String::new(),
        };
        println!(
            "{label:<36} {:>8.1} {:>8.1} {:>8.1} {:>8.0} {:>12}",
            figures.bytes as f64 / 1000.0,
            ms(figures.p50),
            ms(figures.p99),
            figures.per_second,
            ratio
        );
    }
    let (first_byte, whole, bytes) = if only.is_empty() || "export".contains(only.as_str()) {
        export_timing(&base, &cookie, big).await?
    } else {
        (Duration::ZERO, Duration::ZERO, 0)
    };
    println!(
        "{:<36} first byte {:.1} ms, whole {:.0} ms, {:.1} MB (median of 5, one client)",
        "export.json (100,000 rows)",
        ms(first_byte),
        ms(whole),
        bytes as f64 / 1e6
    );
    let over: Vec<String> =
        verdicts.iter().filter(|(_, r)| *r > PAGE_GOAL).map(|(l, r)| format!("{l} ({r:.1}x)")).collect();
    if over.is_empty() {
        println!("\nevery page within {PAGE_GOAL}x of its floor");
    } else {
        println!("\nover {PAGE_GOAL}x of the floor: {}", over.join(", "));
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn wait_until_up(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    for _ in 0..300 {
        if client.get(format!("{base}/")).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the server did not start within 30 s")
}

/// Bank → consent → credentials of `test-large` for 24 months over the widget's JSON endpoints.
async fn widget_import(client: &reqwest::Client, base: &str, client_id: &str) -> anyhow::Result<i64> {
    let call = |path: &'static str, form: Vec<(&'static str, String)>| {
        let (client, url) = (client.clone(), format!("{base}/api/widget/{path}"));
        async move {
            let r = client.post(url).form(&form).send().await?;
            let status = r.status();
            let body = r.text().await?;
            anyhow::ensure!(status.is_success(), "widget {path}: {status} {body}");
            Ok::<serde_json::Value, anyhow::Error>(serde_json::from_str(&body).unwrap_or(serde_json::Value::Null))
        }
    };
    let origin = "http://localhost:3100".to_string();
    let session = call(
        "start",
        vec![
            ("client_id", client_id.to_string()),
            ("origin", origin),
            ("bank", "demo-pl".into()),
            ("months", "24".into()),
        ],
    )
    .await?;
    let session = session.as_str().ok_or_else(|| anyhow::anyhow!("no session id"))?.to_string();
    call("consent", vec![("session", session.clone())]).await?;
    let step =
        call("credentials", vec![("session", session), ("login", "test-large".into()), ("password", "Test123".into())])
            .await?;
    step["Success"]["import_id"]
        .as_i64()
        .or_else(|| step["Success"]["importId"].as_i64())
        .ok_or_else(|| anyhow::anyhow!("the sign-in did not queue an import: {step}"))
}

/// `CLIENTS` clients, each with its own single keep-alive connection, requesting `url` back to back.
async fn load(ask: &Ask, cookie: &str, duration: Duration) -> anyhow::Result<Figures> {
    let mut headers = HeaderMap::new();
    headers.insert(COOKIE, HeaderValue::from_str(cookie)?);
    headers.insert("accept-encoding", HeaderValue::from_static("br, gzip"));
    let clients: Vec<reqwest::Client> = (0..CLIENTS)
        .map(|_| {
            reqwest::Client::builder()
                .default_headers(headers.clone())
                .http1_only()
                .pool_max_idle_per_host(1)
                .redirect(reqwest::redirect::Policy::none())
                .build()
        })
        .collect::<Result<_, _>>()?;
    // Warm up: every connection opened, caches filled.
    let mut bytes = 0;
    for client in &clients {
        bytes = fetch(client, ask).await?;
    }
    let started = Instant::now();
    let runs = clients.into_iter().map(|client| {
        let ask = ask.clone();
        async move {
            let mut times = Vec::new();
            while started.elapsed() < duration {
                let t = Instant::now();
                fetch(&client, &ask).await?;
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }
    });
    let mut times: Vec<Duration> = Vec::new();
    for result in futures::future::join_all(runs).await {
        times.extend(result?);
    }
    let elapsed = started.elapsed();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok(Figures { p50: at(0.50), p99: at(0.99), per_second: times.len() as f64 / elapsed.as_secs_f64(), bytes })
}

/// One request, body read to the end; anything but 200 stops the benchmark (a fast error is no figure).
async fn fetch(client: &reqwest::Client, ask: &Ask) -> anyhow::Result<usize> {
    let (r, url) = match ask {
        Ask::Get(url) => (client.get(url).send().await?, url),
        Ask::Post(url, form) => (client.post(url).form(form).send().await?, url),
    };
    let status = r.status();
    let body = r.bytes().await?;
    anyhow::ensure!(status == 200, "{url}: {status} {}", String::from_utf8_lossy(&body[..body.len().min(200)]));
    Ok(body.len())
}

/// The export's time to its first byte and to its end (median of 5, one client).
async fn export_timing(base: &str, cookie: &str, import: i64) -> anyhow::Result<(Duration, Duration, usize)> {
    let client = reqwest::Client::builder().build()?;
    let (mut first, mut whole, mut size) = (Vec::new(), Vec::new(), 0);
    for _ in 0..5 {
        let t = Instant::now();
        let mut r =
            client.get(format!("{base}/applications/{import}/export.json")).header(COOKIE, cookie).send().await?;
        anyhow::ensure!(r.status() == 200, "export: {}", r.status());
        let mut got_first = false;
        size = 0;
        while let Some(chunk) = r.chunk().await? {
            if !got_first && !chunk.is_empty() {
                first.push(t.elapsed());
                got_first = true;
            }
            size += chunk.len();
        }
        whole.push(t.elapsed());
    }
    first.sort();
    whole.sort();
    Ok((first[2], whole[2], size))
}
