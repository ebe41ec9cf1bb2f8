//! Import speed benchmark: `cargo run --release --features ssr --bin bench_import`.
//!
//! Imports the Demo Bank's `test-large` login (100,000 transactions over 24 months, about 12,500 over 3)
//! end to end through the real job worker, from the claim of the job to `succeeded` with the analysis
//! stored: everything the worker does. The floor is the same rows, generated beforehand, written by a bare
//! sqlx loop of the same multi-row statements in the same per-page transactions (no bank, no worker, no
//! analysis). Import and floor alternate, `BENCH_ROUNDS` times each (default 5), each on an emptied table;
//! the medians and their ratio are printed, with the peak memory of a process that ran only that import
//! (flat from 12,500 to 100,000 rows: pages are written as they come). SQLite in a fresh file by default;
//! with `DATABASE_URL=postgres://…` that PostgreSQL database.

use insight::account::server::organisations;
use insight::account::server::password::PasswordHash;
use insight::banks::model::Environment;
use insight::banks::server::{AuthStep, BankSession, BankTransaction, Credentials, DateRange, PageCursor};
use insight::imports::server::worker::run_pending_jobs;
use insight::imports::server::writes::insert_transactions;
use insight::platform::config::ImportQuota;
use insight::platform::config::Settings;
use insight::platform::db::Db;
use insight::platform::startup::Application;
use insight::platform::state::AppState;
use insight::shared::Locale;
use insight::shared::{AccountId, ClientId, CompanyName, EmailAddress, ImportId, OrganisationId};
use insight::widget::model::embed::Months;
use insight::widget::server::sessions::{self as signin_sessions, Authorised, NewSigninSession, SigninState};
use std::time::{Duration, Instant};

/// The figures are medians over this many runs of each.
fn rounds() -> usize {
    std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5).max(1)
}

/// A fresh application (no workers of its own), a business and a signed-in `test-large` bank session.
struct Bench {
    state: AppState,
    organisation_id: OrganisationId,
    bank: BankSession,
    suffix: String,
    engine: &'static str,
}

async fn set_up() -> anyhow::Result<Bench> {
    let dir = tempfile_dir()?;
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{dir}/bench.db"));
    let engine = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let mut settings = Settings::for_database(url.clone());
    settings.workers = 0;
    let options = leptos::prelude::LeptosOptions::builder().output_name("insight").build();
    let app = Application::build(settings, options, "127.0.0.1:0".parse()?).await?;
    let state = app.state.clone();
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let org = organisations::create_with_admin(
        &state.db,
        &CompanyName::parse("Bench Co").map_err(anyhow::Error::msg)?,
        &ClientId::from_random_bytes(random_bytes()),
        "bench-secret",
        &EmailAddress::parse(&format!("bench-{suffix}@example.com")).map_err(anyhow::Error::msg)?,
        &PasswordHash::from_stored("not-a-real-hash".into()),
    )
    .await?;
    let connector = state.catalog.get("demo-pl").expect("demo-pl is in the catalog");
    let AuthStep::Authorised(bank) = connector.start_authorisation(Credentials::new("test-large", "Test123")).await?
    else {
        anyhow::bail!("test-large should sign in without a code");
    };
    Ok(Bench { state, organisation_id: org.organisation_id, bank, suffix, engine })
}

const ONE_IMPORT: &str = "--one-import-of-months";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, months] = args.as_slice() {
        if flag == ONE_IMPORT {
            return one_import_process(months.parse()?).await;
        }
    }
    let rounds = rounds();
    let bench = set_up().await?;
    let (state, db) = (&bench.state, &bench.state.db);

    println!("engine: {}, {rounds} runs of each (import and floor alternate); medians\n", bench.engine);
    println!(
        "{:>14} | {:>10} | {:>10} | {:>6} | {:>22}",
        "transactions", "import", "floor", "ratio", "peak memory (process)"
    );
    for months in [3u32, 24] {
        let generated = Instant::now();
        let pages = floor_pages(state, &bench.bank, months).await?;
        let generated = generated.elapsed();
        let rows: usize = pages.iter().map(Vec::len).sum();
        let tallied = Instant::now();
        let mut summary = (state.import_summary.fresh)(&[], &[], chrono::Utc::now().date_naive());
        for page in &pages {
            summary.page(0, page);
        }
        summary.finish(false)?;
        let tallied = tallied.elapsed();
        let (mut imports, mut floors) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            // Alternate which goes first, so neither always meets a warmer cache.
            for import_first in [round % 2 == 0, round % 2 != 0] {
                if import_first {
                    imports.push(import_once(state, bench.organisation_id, &bench.bank, months, Some(rows)).await?);
                } else {
                    floors.push(floor_once(db, bench.organisation_id, &bench.suffix, &pages).await?);
                }
            }
        }
        let (import, floor) = (median(&imports), median(&floors));
        let peak_kib = peak_memory_of_one_import(months)?;
        println!(
            "{rows:>14} | {:>8.3} s | {:>8.3} s | {:>5.2}x | {:>18} MiB",
            import.as_secs_f64(),
            floor.as_secs_f64(),
            import.as_secs_f64() / floor.as_secs_f64(),
            peak_kib / 1024,
        );
        let secs = |runs: &[Duration]| runs.iter().map(|r| format!("{:.3}", r.as_secs_f64())).collect::<Vec<_>>();
        println!("{:>14}   runs: import {:?}, floor {:?}", "", secs(&imports), secs(&floors));
        println!(
            "{:>14}   inside the import: the Demo Bank generates the rows in {:.3} s, the analysis tally takes {:.3} s",
            "",
            generated.as_secs_f64(),
            tallied.as_secs_f64()
        );
    }
    println!("\nimport: claim → `succeeded` with the analysis stored, through the job worker and the Demo Bank.");
    println!("floor: the same rows written by a bare loop of the same statements (goal: import ≤ 1.3x floor).");
    println!("peak memory: the resident peak of a separate process that set up and ran only that import.");
    Ok(())
}

/// Runs this benchmark again as a child process that does one import, and reads its peak resident memory.
fn peak_memory_of_one_import(months: u32) -> anyhow::Result<u64> {
    let out = std::process::Command::new(std::env::current_exe()?).args([ONE_IMPORT, &months.to_string()]).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let peak = text.lines().find_map(|l| l.strip_prefix("peak_kib=")).and_then(|v| v.trim().parse().ok());
    peak.ok_or_else(|| anyhow::anyhow!("the one-import process failed: {}", String::from_utf8_lossy(&out.stderr)))
}

async fn one_import_process(months: u32) -> anyhow::Result<()> {
    let bench = set_up().await?;
    import_once(&bench.state, bench.organisation_id, &bench.bank, months, None).await?;
    println!("peak_kib={}", status_kib("VmHWM:"));
    Ok(())
}

/// The bank's pages of the `test-large` account for `months`, fetched before the clock starts.
async fn floor_pages(state: &AppState, bank: &BankSession, months: u32) -> anyhow::Result<Vec<Vec<BankTransaction>>> {
    let connector = state.catalog.get("demo-pl").expect("demo-pl");
    let accounts = connector.accounts(bank).await?;
    let range = DateRange::last_months(chrono::Utc::now().date_naive(), months);
    let (mut pages, mut cursor): (Vec<Vec<BankTransaction>>, Option<PageCursor>) = (Vec::new(), None);
    for account in &accounts {
        loop {
            let page = connector.transactions(bank, &account.provider_id, range, cursor.as_ref()).await?;
            pages.push(page.transactions);
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        cursor = None;
    }
    Ok(pages)
}

/// A queued import of `test-large`, run by the job worker until it is `succeeded` with its analysis (and,
/// when given, the expected number of rows).
async fn import_once(
    state: &AppState,
    organisation_id: OrganisationId,
    bank: &BankSession,
    months: u32,
    expected_rows: Option<usize>,
) -> anyhow::Result<Duration> {
    let db = &state.db;
    let session_id = insight::widget::server::flow::new_session_id();
    let new = NewSigninSession {
        id: &session_id,
        organisation_id,
        embed_origin: "http://localhost",
        target_id: "demo-pl",
        owner_external_id: None,
        applicant_name: None,
        locale: Locale::En,
        months: Months::new(months.into()).map_err(anyhow::Error::msg)?,
        auto_import: true,
    };
    signin_sessions::create(db, &new).await?;
    let session = signin_sessions::get(db, &session_id).await?.expect("just created");
    signin_sessions::transition(db, &session_id, &[SigninState::BankSelected], SigninState::Verifying).await?;
    let Authorised::Done(Some(import_id)) =
        signin_sessions::authorise(db, &session, bank.as_str(), Environment::Sandbox, ImportQuota::UNLIMITED).await?
    else {
        anyhow::bail!("the import should be queued");
    };
    let started = Instant::now();
    run_pending_jobs(state, "bench").await?;
    let time = started.elapsed();
    let (status, count, analysis): (String, i64, Option<String>) =
        sqlx::query_as("SELECT status, transactions_count, analysis_json FROM import WHERE import_id = $1")
            .bind(import_id)
            .fetch_one(&db.pool)
            .await?;
    let analysed = analysis.is_some();
    anyhow::ensure!(
        status == "succeeded" && expected_rows.is_none_or(|rows| rows == count as usize) && analysed,
        "import ended {status} with {count} of {expected_rows:?} rows (analysis stored: {analysed})"
    );
    empty_import(db, import_id).await?;
    Ok(time)
}

/// The floor: the same rows, written by a bare loop of multi-row inserts, one transaction per page.
async fn floor_once(
    db: &Db,
    organisation_id: OrganisationId,
    suffix: &str,
    pages: &[Vec<BankTransaction>],
) -> anyhow::Result<Duration> {
    let (import_id, account) = floor_account(db, organisation_id, suffix).await?;
    let started = Instant::now();
    for page in pages {
        let mut tx = db.begin().await?;
        for chunk in page.chunks(500) {
            insert_transactions(&mut tx, db.backend, account, chunk).await?;
        }
        tx.commit().await?;
    }
    let time = started.elapsed();
    empty_import(db, import_id).await?;
    Ok(time)
}

/// Deletes an import's transactions (outside the clock), so every run writes into an empty table.
async fn empty_import(db: &Db, import_id: ImportId) -> anyhow::Result<()> {
    sqlx::query(
        "DELETE FROM import_transaction
         WHERE import_account_id IN (SELECT import_account_id FROM import_account WHERE import_id = $1)",
    )
    .bind(import_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// An import and account row to hang the floor's transactions on, outside the worker.
async fn floor_account(
    db: &Db,
    organisation_id: OrganisationId,
    suffix: &str,
) -> anyhow::Result<(ImportId, AccountId)> {
    let now = chrono::Utc::now().timestamp_millis();
    let (import_id,): (ImportId,) = sqlx::query_as(
        "INSERT INTO import (organisation_id, signin_session_id, target_id, months_requested, status, run_after,
            created_at, updated_at) VALUES ($1, $2, 'demo-pl', 24, 'succeeded', $3, $3, $3) RETURNING import_id",
    )
    .bind(organisation_id)
    .bind(format!("floor-{suffix}-{}", uuid::Uuid::new_v4().simple()))
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
    Ok((import_id, account_id))
}

fn median(runs: &[Duration]) -> Duration {
    let mut sorted = runs.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn random_bytes() -> [u8; 22] {
    let mut bytes = [0u8; 22];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    bytes
}

fn tempfile_dir() -> anyhow::Result<String> {
    let dir = std::env::temp_dir().join(format!("insight-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir.display().to_string())
}
