use crate::helpers::*;
use insight::imports::server::queue as import_queue;
use insight::imports::server::reads;
use insight::imports::server::worker::{try_execute_task, ExecutionOutcome};
use insight::review::model::analysis::Analysis;
use insight::review::server::analysis;
use insight::shared::{ImportId, OrganisationId};
use std::time::Duration;

/// The analysis the worker stored with the finished import.
async fn stored_analysis(app: &TestApp, import_id: ImportId) -> Analysis {
    let (json,): (Option<String>,) = sqlx::query_as("SELECT analysis_json FROM import WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    serde_json::from_str(&json.expect("stored with the final status")).unwrap()
}

/// The same analysis computed again from the stored rows, in SQL.
async fn analysis_of_stored_rows(app: &TestApp, org: OrganisationId, import_id: ImportId) -> Analysis {
    let import = reads::find_in(&app.db, org, import_id).await.unwrap().unwrap();
    analysis::analyse(&app.db, &import).await.unwrap()
}

async fn distinct_transactions(app: &TestApp, import_id: ImportId) -> (i64, i64) {
    sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT t.import_account_id || ':' || t.provider_id)
         FROM import_transaction t JOIN import_account a ON a.import_account_id = t.import_account_id
         WHERE a.import_id = $1",
    )
    .bind(import_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_large_imports_exactly_one_hundred_thousand_transactions() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("large@example.com").await;
    let mut run = WidgetRun::new(&client_id, "test-large");
    run.months = Some("24");
    let import_id = app.widget_sign_in(&run).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let (status, _, count, _) = app.import_row(import_id).await;
    assert_eq!((status.as_str(), count), ("succeeded", 100_000));
    assert_eq!(distinct_transactions(&app, import_id).await, (100_000, 100_000));
    let org = app.organisation_of(import_id).await;
    let tallied = stored_analysis(&app, import_id).await;
    assert_eq!(tallied.months.iter().map(|m| m.transactions).sum::<i64>(), 100_000);
    assert_eq!(tallied, analysis_of_stored_rows(&app, org, import_id).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analysis_tallied_while_storing_equals_the_one_read_from_the_stored_rows() {
    let app = spawn_app().await;
    let (client_id, org, _) = app.business("tally@example.com").await;
    let mut runs = Vec::new();
    for (login, months, code) in [
        ("test", None, None),
        ("test-joint", Some("12"), None),
        ("test-sca", Some("3"), Some("123456")),
        ("test-flaky", Some("3"), None),
        ("test-timeout", Some("6"), None),
    ] {
        let mut run = WidgetRun::new(&client_id, login);
        run.months = months;
        run.code = code;
        runs.push((login, app.widget_sign_in(&run).await.unwrap().import_id.unwrap()));
    }
    app.run_imports().await;
    for (login, import_id) in runs {
        let tallied = stored_analysis(&app, import_id).await;
        assert!(!tallied.months.is_empty() && !tallied.kinds.is_empty(), "{login}: {tallied:?}");
        assert_eq!(tallied, analysis_of_stored_rows(&app, org, import_id).await, "{login}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_months_setting_bounds_the_oldest_transaction() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("months@example.com").await;
    let mut run = WidgetRun::new(&client_id, "test");
    run.months = Some("3");
    let import_id = app.widget_sign_in(&run).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let (oldest,): (String,) = sqlx::query_as(
        "SELECT MIN(t.transaction_on) FROM import_transaction t
         JOIN import_account a ON a.import_account_id = t.import_account_id WHERE a.import_id = $1",
    )
    .bind(import_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let today = chrono::Utc::now().date_naive();
    let limit = today.checked_sub_months(chrono::Months::new(3)).unwrap();
    assert!(oldest.as_str() > limit.to_string().as_str(), "oldest {oldest} is older than 3 months");
    let (months,): (i64,) = sqlx::query_as("SELECT months_requested FROM import WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(months, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_import_is_resumed_without_losing_or_duplicating_rows() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("crash@example.com").await;
    let mut run = WidgetRun::new(&client_id, "test-slow");
    run.months = Some("24");
    let crashed = app.widget_sign_in(&run).await.unwrap().import_id.unwrap();

    // A worker starts, commits some pages, and dies (its task is dropped mid-flight).
    let state = app.state.clone();
    let worker = tokio::spawn(async move { try_execute_task(&state, "doomed-worker").await });
    let mut committed = 0;
    for _ in 0..200 {
        committed = distinct_transactions(&app, crashed).await.0;
        if committed > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    worker.abort();
    let _ = worker.await;
    assert!(committed > 0, "the doomed worker wrote a first page");
    assert_eq!(app.import_row(crashed).await.0, "running");
    // Its lease runs out; the next worker resumes from the last committed page.
    import_queue::expire_lease(&app.db, crashed).await.unwrap();
    assert_eq!(app.run_imports().await, 1);

    let reference = app.widget_sign_in(&run).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let (status, _, count, _) = app.import_row(crashed).await;
    let (_, _, expected, _) = app.import_row(reference).await;
    assert_eq!(status, "succeeded");
    assert_eq!(count, expected, "the resumed import has exactly the uninterrupted import's rows");
    // The resumed run read its analysis from the stored rows; the uninterrupted one tallied it as it went.
    assert_eq!(stored_analysis(&app, crashed).await, stored_analysis(&app, reference).await);
    assert_eq!(distinct_transactions(&app, crashed).await, (expected, expected));
    let (attempts,): (i64,) = sqlx::query_as("SELECT attempts FROM import WHERE import_id = $1")
        .bind(crashed)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_never_run_the_same_job() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("workers@example.com").await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        let mut run = WidgetRun::new(&client_id, "test");
        run.months = Some("1");
        ids.push(app.widget_sign_in(&run).await.unwrap().import_id.unwrap());
    }
    let (a, b) = tokio::join!(
        insight::imports::server::worker::run_pending_jobs(&app.state, "worker-a"),
        insight::imports::server::worker::run_pending_jobs(&app.state, "worker-b"),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 6, "each job ran exactly once");
    for id in ids {
        let (status, attempts): (String, i64) =
            sqlx::query_as("SELECT status, attempts FROM import WHERE import_id = $1")
                .bind(id)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        assert_eq!((status.as_str(), attempts), ("succeeded", 1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_whose_lease_was_taken_over_cannot_write_any_more() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("lease@example.com").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let first = import_queue::claim_next(&app.db, "slow", now, 60_000, 5).await.unwrap().unwrap();
    assert_eq!(first.import_id, import_id);
    assert!(
        import_queue::claim_next(&app.db, "other", now, 60_000, 5).await.unwrap().is_none(),
        "a leased job is not claimable"
    );
    import_queue::expire_lease(&app.db, import_id).await.unwrap();
    let second = import_queue::claim_next(&app.db, "fast", now + 1, 60_000, 5).await.unwrap().unwrap();
    assert_eq!(second.import_id, import_id);
    assert!(!import_queue::heartbeat(&app.db.pool, import_id, "slow", now + 60_000, 50, "transactions").await.unwrap());
    assert!(import_queue::heartbeat(&app.db.pool, import_id, "fast", now + 60_000, 50, "transactions").await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_auto_import_off_a_sign_in_creates_no_import() {
    let app = spawn_app().await;
    let (client_id, org, _) = app.business("off@example.com").await;
    let mut settings = insight::widget::server::config_store::get(&app.db, org).await.unwrap();
    settings.auto_import = false;
    insight::widget::server::config_store::save(&app.db, org, &settings).await.unwrap();
    let ok = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap();
    assert_eq!(ok.import_id, None);
    assert_eq!(app.count("import").await, 0);
    let (state,): (String,) = sqlx::query_as("SELECT state FROM signin_session WHERE signin_session_id = $1")
        .bind(&ok.session_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(state, "authorised", "the session stays available for a later API");
    assert_eq!(try_execute_task(&app.state, "w").await.unwrap(), ExecutionOutcome::EmptyQueue);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_worker_keeps_dying_ends_failed_instead_of_running_for_ever() {
    let app = spawn_app().await;
    let (client_id, _, _) = app.business("dying@example.com").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    for attempt in 1..=3 {
        let job = import_queue::claim_next(&app.db, "dies", now + attempt, 60_000, 3).await.unwrap();
        assert!(job.is_some(), "attempt {attempt} is handed out");
        import_queue::expire_lease(&app.db, import_id).await.unwrap();
    }
    assert!(import_queue::claim_next(&app.db, "next", now + 10, 60_000, 3).await.unwrap().is_none());
    let (status, error, _, _) = app.import_row(import_id).await;
    assert_eq!((status.as_str(), error.as_deref()), ("failed", Some("InternalError")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_between_the_applicants_own_accounts_are_never_income_or_spending() {
    let app = spawn_app().await;
    let (client_id, org, _) = app.business("own-transfers@example.com").await;
    let mut run = WidgetRun::new(&client_id, "test-joint");
    run.months = Some("12");
    let import_id = app.widget_sign_in(&run).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let owners: Vec<(String,)> = sqlx::query_as("SELECT name FROM import_owner WHERE import_id = $1")
        .bind(import_id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let owners: Vec<String> = owners.into_iter().map(|o| o.0).collect();
    assert!(
        owners.contains(&"Jan Kowalski".to_string()) && owners.contains(&"Anna Kowalska".to_string()),
        "{owners:?}"
    );
    let ibans: Vec<(String,)> = sqlx::query_as("SELECT iban FROM import_account WHERE import_id = $1")
        .bind(import_id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let ibans: Vec<String> = ibans.into_iter().map(|i| i.0.replace(' ', "")).collect();
    let rows: Vec<(String, i64, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT t.transaction_on, t.amount_minor, t.party, t.party_iban FROM import_transaction t
         JOIN import_account a ON a.import_account_id = t.import_account_id WHERE a.import_id = $1",
    )
    .bind(import_id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let own = |party: &Option<String>, iban: &Option<String>| {
        iban.as_ref().is_some_and(|i| ibans.contains(&i.replace(' ', "").to_uppercase()))
            || party.as_ref().is_some_and(|p| owners.contains(p))
    };
    let own_count = rows.iter().filter(|(_, _, p, i)| own(p, i)).count() as i64;
    assert!(own_count > 0, "test-joint moves money between Jan's accounts");

    let analysis = stored_analysis(&app, import_id).await;
    assert_eq!(analysis.own_transfers, own_count);
    assert!(analysis.income.iter().all(|i| !owners.contains(&i.party)), "{:?}", analysis.income);
    for month in &analysis.months {
        let of_month = rows.iter().filter(|(on, _, p, i)| on.starts_with(&month.month) && !own(p, i));
        let inflow: i64 = of_month.clone().map(|r| r.1).filter(|a| *a > 0).sum();
        let outflow: i64 = of_month.map(|r| r.1).filter(|a| *a < 0).sum();
        assert_eq!((month.inflow_minor, month.outflow_minor), (inflow, outflow), "{}", month.month);
    }
    assert_eq!(analysis, analysis_of_stored_rows(&app, org, import_id).await, "tallied and stored agree");

    // A co-owner paying into the joint account every month is not income; a stranger doing the same is.
    let (account,): (i64,) = sqlx::query_as("SELECT MIN(import_account_id) FROM import_account WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    for (party, tag) in [("Anna Kowalska", "anna"), ("Zofia Obca", "zofia")] {
        for month in ["2001-01", "2001-02", "2001-03"] {
            sqlx::query(
                "INSERT INTO import_transaction (import_account_id, provider_id, transaction_on, amount_minor, title,
                    party, kind, status) VALUES ($1, $2, $3, 500000, 'Przelew', $4, 'Przelew przychodzący', 'DONE')",
            )
            .bind(account)
            .bind(format!("{tag}-{month}"))
            .bind(format!("{month}-10"))
            .bind(party)
            .execute(&app.db.pool)
            .await
            .unwrap();
        }
    }
    let income: Vec<String> =
        analysis_of_stored_rows(&app, org, import_id).await.income.into_iter().map(|i| i.party).collect();
    assert!(income.contains(&"Zofia Obca".to_string()), "{income:?}");
    assert!(!income.contains(&"Anna Kowalska".to_string()), "{income:?}");
}
