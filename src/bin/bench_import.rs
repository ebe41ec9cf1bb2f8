//! Import speed benchmark: `cargo run --release --features ssr --bin bench_import`.
//!
//! Imports the Demo Bank's `test-large` login (100,000 transactions over 24 months) end to end through the
//! real job worker into a fresh SQLite database, then writes the same rows with a bare sqlx loop (the
//! floor: same multi-row statements, no bank, no worker) and prints both times and their ratio. With
//! `DATABASE_URL=postgres://…` it runs against that PostgreSQL database instead.

use insight::account::server::organisations;
use insight::account::server::password::PasswordHash;
use insight::banks::server::{AuthStep, BankTransaction, Credentials, DateRange, PageCursor};
use insight::imports::server::worker::run_pending_jobs;
use insight::imports::server::writes::insert_transactions;
use insight::platform::config::Settings;
use insight::platform::db::Db;
use insight::platform::startup::Application;
use insight::shared::Locale;
use insight::shared::{AccountId, ClientId, CompanyName, EmailAddress, ImportId, OrganisationId};
use insight::widget::model::embed::Months;
use insight::widget::server::sessions::{self as signin_sessions, Authorised, NewSigninSession, SigninState};
use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{dir}/bench.db"));
    let engine = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let mut settings = Settings::for_database(url.clone());
    settings.workers = 0;
    let options = leptos::prelude::LeptosOptions::builder().output_name("insight").build();
    let app = Application::build(settings, options, "127.0.0.1:0".parse()?).await?;
    let state = app.state.clone();
    let db = &state.db;

    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let org = organisations::create_with_admin(
        db,
        &CompanyName::parse("Bench Co").map_err(anyhow::Error::msg)?,
        &ClientId::from_random_bytes(random_bytes()),
        "bench-secret",
        &EmailAddress::parse(&format!("bench-{suffix}@example.com")).map_err(anyhow::Error::msg)?,
        &PasswordHash::from_stored("not-a-real-hash".into()),
    )
    .await?;
    let connector = state.catalog.get("demo-pl").expect("demo-pl is in the catalog");
    let AuthStep::Authorised(bank_session) =
        connector.start_authorisation(Credentials::new("test-large", "Test123")).await?
    else {
        anyhow::bail!("test-large should sign in without a code");
    };

    // 1. The real thing: a queued import run by the job worker.
    let session_id = insight::widget::server::flow::new_session_id();
    let new = NewSigninSession {
        id: &session_id,
        organisation_id: org.organisation_id,
        embed_origin: "http://localhost",
        target_id: "demo-pl",
        owner_external_id: None,
        locale: Locale::En,
        months: Months::new(24).map_err(anyhow::Error::msg)?,
        auto_import: true,
    };
    signin_sessions::create(db, &new).await?;
    let session = signin_sessions::get(db, &session_id).await?.expect("just created");
    signin_sessions::transition(db, &session_id, &[SigninState::BankSelected], SigninState::Verifying).await?;
    let Authorised::Done(Some(import_id)) = signin_sessions::authorise(db, &session, bank_session.as_str()).await?
    else {
        anyhow::bail!("the import should be queued");
    };
    let started = Instant::now();
    run_pending_jobs(&state, "bench").await?;
    let worker_time = started.elapsed();
    let (status, count, started_at, finished_at): (String, i64, i64, i64) =
        sqlx::query_as("SELECT status, transactions_count, started_at, finished_at FROM import WHERE import_id = $1")
            .bind(import_id)
            .fetch_one(&db.pool)
            .await?;
    // From claim to final status; the analysis the worker stores right after is reported on its own.
    let import_time = std::time::Duration::from_millis((finished_at - started_at).max(0) as u64);
    let analysis_time = worker_time.saturating_sub(import_time);
    let rss_after_import = peak_rss_kib();

    // 2. The floor: the same rows, generated beforehand, written by a bare loop of multi-row inserts.
    let accounts = connector.accounts(&bank_session).await?;
    let range = DateRange::last_months(chrono::Utc::now().date_naive(), 24);
    let mut pages: Vec<Vec<BankTransaction>> = Vec::new();
    let mut cursor: Option<PageCursor> = None;
    loop {
        let page = connector.transactions(&bank_session, &accounts[0].provider_id, range, cursor.as_ref()).await?;
        pages.push(page.transactions);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let floor_rows: usize = pages.iter().map(Vec::len).sum();
    let floor_account = floor_account(db, org.organisation_id, &suffix).await?;
    let started = Instant::now();
    for page in &pages {
        let mut tx = db.pool.begin().await?;
        for chunk in page.chunks(500) {
            insert_transactions(&mut tx, db.backend, floor_account, chunk).await?;
        }
        tx.commit().await?;
    }
    let floor_time = started.elapsed();

    println!("engine:            {engine}");
    println!("import (worker):   {count} transactions, status {status}, {:.2} s", import_time.as_secs_f64());
    println!(
        "analysis after it: {:.2} s (monthly flows, income, flags; stored for the review pages)",
        analysis_time.as_secs_f64()
    );
    println!("floor (bare loop): {floor_rows} transactions, {:.2} s", floor_time.as_secs_f64());
    println!("ratio:             {:.2}x the floor", import_time.as_secs_f64() / floor_time.as_secs_f64());
    println!("peak memory:       {} MiB after the import", rss_after_import / 1024);
    Ok(())
}

/// An import and account row to hang the floor's transactions on, outside the worker.
async fn floor_account(db: &Db, organisation_id: OrganisationId, suffix: &str) -> anyhow::Result<AccountId> {
    let now = chrono::Utc::now().timestamp_millis();
    let (import_id,): (ImportId,) = sqlx::query_as(
        "INSERT INTO import (organisation_id, signin_session_id, target_id, months_requested, status, run_after,
            created_at, updated_at) VALUES ($1, $2, 'demo-pl', 24, 'succeeded', $3, $3, $3) RETURNING import_id",
    )
    .bind(organisation_id)
    .bind(format!("floor-{suffix}"))
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    let (account_id,): (AccountId,) = sqlx::query_as(
        "INSERT INTO import_account (import_id, position, provider_id, name, iban, currency, balance_minor,
            funds_available_minor, active_since_at_least, owners_json)
         VALUES ($1, 0, 'floor', 'floor', 'PL00', 'PLN', 0, 0, '2024-01-01', '[]') RETURNING import_account_id",
    )
    .bind(import_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(account_id)
}

fn random_bytes() -> [u8; 22] {
    let mut bytes = [0u8; 22];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    bytes
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn tempfile_dir() -> anyhow::Result<String> {
    let dir = std::env::temp_dir().join(format!("insight-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir.display().to_string())
}
