//! Review speed benchmark: `cargo run --release --features ssr --bin bench_review`.
//!
//! Seeds one organisation with 100,000 imports plus one import of 100,000 transactions (the Demo Bank's
//! `test-large`, through the real worker), then times what a reviewer's pages ask the database for: queue
//! pages (first, filtered, searched, deep) and the big application (summary, first transaction pages,
//! filtered and sorted). Prints the median of several runs of each and fails when one exceeds the budget.
//! With `DATABASE_URL=postgres://…` it runs against PostgreSQL.

use insight::account::server::organisations;
use insight::account::server::password::PasswordHash;
use insight::banks::model::Environment;
use insight::banks::server::{AuthStep, Credentials};
use insight::imports::model::ImportStatus;
use insight::imports::server::reads;
use insight::imports::server::worker::run_pending_jobs;
use insight::platform::config::ImportQuota;
use insight::platform::config::Settings;
use insight::platform::startup::Application;
use insight::review::model::filter::{
    ApplicationFilter, PageCursor, TransactionCursor, TransactionFilter, TransactionSort, APPLICATIONS_PER_PAGE,
};
use insight::review::server::{analysis, decide, search};
use insight::shared::Locale;
use insight::shared::{ClientId, CompanyName, EmailAddress};
use insight::widget::model::embed::Months;
use insight::widget::server::sessions::{self as signin_sessions, Authorised, NewSigninSession, SigninState};
use std::future::Future;
use std::time::{Duration, Instant};

#[path = "bench_support/seed.rs"]
mod seed;

const IMPORTS: usize = 100_000;
/// What "opens instantly" means here: every page's queries within this budget.
const BUDGET: Duration = Duration::from_millis(150);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("insight-bench-review-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.display()));
    let mut settings = Settings::for_database(url.clone());
    settings.workers = 0;
    let options = leptos::prelude::LeptosOptions::builder().output_name("insight").build();
    let app = Application::build(settings, options, "127.0.0.1:0".parse()?).await?;
    let state = app.state.clone();
    let db = &state.db;

    let mut id = [0u8; 22];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut id);
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let org = organisations::create_with_admin(
        db,
        &CompanyName::parse("Review Bench").map_err(anyhow::Error::msg)?,
        &ClientId::from_random_bytes(id),
        "secret",
        &EmailAddress::parse(&format!("review-{suffix}@example.com")).map_err(anyhow::Error::msg)?,
        &PasswordHash::from_stored("x".into()),
    )
    .await?;
    let org_id = org.organisation_id;

    let started = Instant::now();
    seed::imports(db, org_id, IMPORTS, &suffix).await?;
    println!("seeded {IMPORTS} imports in {:.1} s", started.elapsed().as_secs_f64());

    let connector = state.catalog.get("demo-pl").expect("demo-pl");
    let AuthStep::Authorised(bank) = connector.start_authorisation(Credentials::new("test-large", "Test123")).await?
    else {
        anyhow::bail!("test-large signs in without a code")
    };
    let session_id = insight::widget::server::flow::new_session_id();
    let new = NewSigninSession {
        id: &session_id,
        organisation_id: org_id,
        embed_origin: "http://localhost",
        target_id: "demo-pl",
        owner_external_id: Some("big-one"),
        applicant_name: None,
        locale: Locale::En,
        months: Months::new(24).map_err(anyhow::Error::msg)?,
        auto_import: true,
    };
    signin_sessions::create(db, &new).await?;
    let session = signin_sessions::get(db, &session_id).await?.expect("created");
    signin_sessions::transition(db, &session_id, &[SigninState::BankSelected], SigninState::Verifying).await?;
    let Authorised::Done(Some(big)) =
        signin_sessions::authorise(db, &session, bank.as_str(), Environment::Sandbox, ImportQuota::UNLIMITED).await?
    else {
        anyhow::bail!("the import should be queued");
    };
    run_pending_jobs(&state, "bench").await?;
    let big = reads::find_in(db, org_id, big).await?.expect("the big import is the organisation's");
    let big = &big;
    let account = reads::accounts(db, big).await?.first().map(|a| a.account_id).expect("one account");

    let mut slow = Vec::new();
    let mut report = |label: &str, d: Duration| {
        let verdict = if d <= BUDGET { "ok" } else { "SLOW" };
        if d > BUDGET {
            slow.push(label.to_string());
        }
        println!("{label:<48} {:>8.2} ms  {verdict}", d.as_secs_f64() * 1000.0);
    };
    let filter = ApplicationFilter::default();
    report("queue: first page", median(|| search::search(db, org_id, &filter, APPLICATIONS_PER_PAGE)).await?);
    let by_status = ApplicationFilter { status: Some(ImportStatus::Failed), ..Default::default() };
    report("queue: status = failed", median(|| search::search(db, org_id, &by_status, APPLICATIONS_PER_PAGE)).await?);
    let searched = ApplicationFilter { search: Some("nowak".into()), ..Default::default() };
    report("queue: search \"nowak\"", median(|| search::search(db, org_id, &searched, APPLICATIONS_PER_PAGE)).await?);
    let by_ref = ApplicationFilter { search: Some("ref-054321".into()), ..Default::default() };
    report("queue: search a reference", median(|| search::search(db, org_id, &by_ref, APPLICATIONS_PER_PAGE)).await?);
    let (c, i): (i64, i64) = sqlx::query_as(
        "SELECT created_at, import_id FROM import WHERE organisation_id = $1 ORDER BY created_at, import_id LIMIT 1 OFFSET 50000",
    )
    .bind(org_id)
    .fetch_one(&db.pool)
    .await?;
    let deep =
        ApplicationFilter { cursor: Some(PageCursor::After { created_at: c, import_id: i }), ..Default::default() };
    report(
        "queue: page in the middle (keyset)",
        median(|| search::search(db, org_id, &deep, APPLICATIONS_PER_PAGE)).await?,
    );
    report("queue: dashboard counts", median(|| search::counts(db, org_id)).await?);
    report(
        "application: summary, owners, accounts, dates",
        median(|| async {
            reads::find_in(db, org_id, big.id()).await?;
            reads::owners(db, big).await?;
            reads::accounts(db, big).await?;
            search::dates_covered(db, big).await?;
            decide::decisions(db, big).await
        })
        .await?,
    );
    report(
        "application: analysis (computed when the import ended)",
        median(|| async { analysis::stored_or_analyse(db, big, &reads::owners(db, big).await?).await }).await?,
    );
    let newest = TransactionFilter::default();
    let (day, row) = seed::page_1000_position(db, account.get()).await?;
    let deep_page = TransactionCursor::After(format!("{day}_{row}"));
    report(
        "transactions: first page (100,000 rows)",
        median(|| search::transactions(db, big, account, &newest, None, 50)).await?,
    );
    report(
        "transactions: page 1,000",
        median(|| search::transactions(db, big, account, &newest, Some(&deep_page), 50)).await?,
    );
    let text = TransactionFilter { text: Some("biedronka".into()), ..Default::default() };
    report("transactions: text filter", median(|| search::transactions(db, big, account, &text, None, 50)).await?);
    let largest = TransactionFilter { sort: TransactionSort::LargestFirst, ..Default::default() };
    report(
        "transactions: largest amounts first",
        median(|| search::transactions(db, big, account, &largest, None, 50)).await?,
    );
    let range = TransactionFilter {
        min_minor: Some(-10_000),
        max_minor: Some(-1_000),
        from: chrono::Utc::now().date_naive().checked_sub_months(chrono::Months::new(3)),
        ..Default::default()
    };
    report(
        "transactions: amount and date range",
        median(|| search::transactions(db, big, account, &range, None, 50)).await?,
    );
    let _ = std::fs::remove_dir_all(&dir);
    if slow.is_empty() {
        println!("all within {} ms", BUDGET.as_millis());
        Ok(())
    } else {
        anyhow::bail!("over the {} ms budget: {}", BUDGET.as_millis(), slow.join(", "))
    }
}

/// Median of 7 runs after one warm-up.
async fn median<T, E, F, Fut>(mut f: F) -> anyhow::Result<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: Into<anyhow::Error>,
{
    f().await.map_err(Into::into)?;
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        f().await.map_err(Into::into)?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}
