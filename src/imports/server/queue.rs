//! The durable import queue. A job is claimed with a lease; every write of the worker renews the lease and
//! checks that the job is still its own, so a worker whose lease expired (it hung or died) can never write
//! beside the one that took over.

use crate::imports::model::ImportStatus;
use crate::platform::config::ImportQuota;
use crate::platform::db::{Backend, Db};
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::{ImportId, OrganisationId, WidgetErrorCode};
use crate::webhooks::model::EventType;
use crate::webhooks::server::outbox;
use sqlx::{Any, Executor};

/// A job this worker holds a lease on.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedImport {
    pub import_id: ImportId,
    pub organisation_id: OrganisationId,
    pub target_id: String,
    #[sqlx(rename = "months_requested")]
    pub months: i64,
    pub bank_session: Option<String>,
    pub attempts: i64,
    pub created_at: i64,
}

/// Claims the next runnable job (queued and due, or running with an expired lease): round-robin across
/// organisations, the oldest job of the organisation whose turn came longest ago, so a business with thousands
/// queued delays another's single import by at most one job per worker. A job whose worker died
/// `max_attempts` times is failed instead, so nothing stays `running` for ever.
pub async fn claim_next(
    db: &Db,
    worker: &str,
    now: i64,
    lease_ms: i64,
    max_attempts: i64,
) -> ServerResult<Option<ClaimedImport>> {
    let mut tx = db.begin().await?;
    let given_up: Vec<FinishedImport> = sqlx::query_as(
        "UPDATE import SET status = $3, error_code = $4,
            error_message = 'The import was interrupted too many times. Please ask the applicant to connect again.',
            bank_session = NULL, lease_owner = NULL, lease_until = NULL, progress = 100, step = $3,
            finished_at = $1, updated_at = $1
         WHERE status = $5 AND lease_until < $1 AND attempts >= $2
         RETURNING import_id, organisation_id, owner_external_id, target_id, status, error_code, transactions_count",
    )
    .bind(now)
    .bind(max_attempts)
    .bind(ImportStatus::Failed.as_str())
    .bind(WidgetErrorCode::InternalError.as_str())
    .bind(ImportStatus::Running.as_str())
    .fetch_all(&mut *tx)
    .await?;
    for import in &given_up {
        import.enqueue_webhook(&mut *tx).await?;
    }
    tx.commit().await?;
    let lock = match db.backend {
        // Several workers may poll at once; each skips jobs another is claiming, and organisations another is
        // taking a turn from (their row is locked until that claim commits), so a turn is not given twice.
        // NO KEY: it must not wait for, or block, inserts that merely reference the organisation.
        Backend::Postgres => "FOR NO KEY UPDATE OF i, o SKIP LOCKED",
        // SQLite runs one write statement at a time, which is already exclusive.
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE import SET status = $4, lease_owner = $1, lease_until = $2, attempts = attempts + 1,
            started_at = COALESCE(started_at, $3), updated_at = $3
         WHERE import_id = (
             SELECT i.import_id FROM import i JOIN organisation o ON o.organisation_id = i.organisation_id
             WHERE (i.status = $5 AND i.run_after <= $3) OR (i.status = $4 AND i.lease_until < $3)
             ORDER BY o.import_turn_at, i.import_id LIMIT 1 {lock})
           AND ((status = $5 AND run_after <= $3) OR (status = $4 AND lease_until < $3))
         RETURNING import_id, organisation_id, target_id, months_requested, bank_session, attempts, created_at"
    );
    let mut tx = db.begin().await?;
    let claimed: Option<ClaimedImport> = sqlx::query_as(&sql)
        .bind(worker)
        .bind(now + lease_ms)
        .bind(now)
        .bind(ImportStatus::Running.as_str())
        .bind(ImportStatus::Queued.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(job) = &claimed {
        sqlx::query("UPDATE organisation SET import_turn_at = $1 WHERE organisation_id = $2")
            .bind(now)
            .bind(job.organisation_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(claimed)
}

/// What an organisation uses of the queue: imports queued or running, and imports created in the last hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaUse {
    pub active: i64,
    pub last_hour: i64,
}

impl QuotaUse {
    /// Whether one more import fits.
    pub fn allows_one_more(self, quota: ImportQuota) -> bool {
        self.active < quota.active && self.last_hour < quota.per_hour
    }
}

pub async fn quota_use<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    organisation_id: OrganisationId,
    now: i64,
) -> ServerResult<QuotaUse> {
    let (active, last_hour): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status IN ($3, $4) THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN created_at > $2 THEN 1 ELSE 0 END), 0)
         FROM import WHERE organisation_id = $1 AND (status IN ($3, $4) OR created_at > $2)",
    )
    .bind(organisation_id)
    .bind(now - 3_600_000)
    .bind(ImportStatus::Queued.as_str())
    .bind(ImportStatus::Running.as_str())
    .fetch_one(executor)
    .await?;
    Ok(QuotaUse { active, last_hour })
}

/// Renews the lease and records progress. `false` means the job is no longer this worker's.
pub async fn heartbeat<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    import_id: ImportId,
    worker: &str,
    lease_until: i64,
    progress: i64,
    step: &str,
) -> ServerResult<bool> {
    let done = sqlx::query(
        "UPDATE import SET lease_until = $1, progress = $2, step = $3, updated_at = $4
         WHERE import_id = $5 AND lease_owner = $6 AND status = $7",
    )
    .bind(lease_until)
    .bind(progress)
    .bind(step)
    .bind(now_ms())
    .bind(import_id)
    .bind(worker)
    .bind(ImportStatus::Running.as_str())
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts the job back in the queue after a transient failure, to run again at `run_after`.
pub async fn requeue(db: &Db, import_id: ImportId, worker: &str, run_after: i64, step: &str) -> ServerResult<bool> {
    let done = sqlx::query(
        "UPDATE import SET status = $6, lease_owner = NULL, lease_until = NULL, run_after = $1, step = $2,
            updated_at = $3
         WHERE import_id = $4 AND lease_owner = $5 AND status = $7",
    )
    .bind(run_after)
    .bind(step)
    .bind(now_ms())
    .bind(import_id)
    .bind(worker)
    .bind(ImportStatus::Queued.as_str())
    .bind(ImportStatus::Running.as_str())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Returns a job at shutdown: queued again, due now, and the run not counted as an attempt.
pub async fn hand_back(db: &Db, import_id: ImportId, worker: &str) -> ServerResult<bool> {
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE import SET status = $1, lease_owner = NULL, lease_until = NULL, run_after = $2,
            attempts = attempts - 1, updated_at = $2
         WHERE import_id = $3 AND lease_owner = $4 AND status = $5",
    )
    .bind(ImportStatus::Queued.as_str())
    .bind(now)
    .bind(import_id)
    .bind(worker)
    .bind(ImportStatus::Running.as_str())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct Outcome<'a> {
    pub status: ImportStatus,
    pub error_code: Option<WidgetErrorCode>,
    pub error_message: Option<&'a str>,
    /// What the areas above concluded from the data (`AppState::import_summary`), stored with the status so a
    /// finished import is never seen without it.
    pub summary: Option<&'a str>,
}

/// Ends the job, totals its counts, stores its summary and forgets the bank session: it is not needed any
/// more.
pub async fn finish(db: &Db, import_id: ImportId, worker: &str, outcome: &Outcome<'_>) -> ServerResult<bool> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let finished: Option<FinishedImport> = sqlx::query_as(
        "UPDATE import SET status = $1, error_code = $2, error_message = $3, progress = 100, step = $4,
            bank_session = NULL, lease_owner = NULL, lease_until = NULL, finished_at = $5, updated_at = $5,
            analysis_json = COALESCE($9, analysis_json),
            owners_count = (SELECT COUNT(*) FROM import_owner o WHERE o.import_id = import.import_id),
            accounts_count = (SELECT COUNT(*) FROM import_account a WHERE a.import_id = import.import_id),
            transactions_count = (SELECT COALESCE(SUM(a.transactions_count), 0) FROM import_account a
                                  WHERE a.import_id = import.import_id)
         WHERE import_id = $6 AND lease_owner = $7 AND status = $8
         RETURNING import_id, organisation_id, owner_external_id, target_id, status, error_code, transactions_count",
    )
    .bind(outcome.status.as_str())
    .bind(outcome.error_code.map(|c| c.as_str().to_string()))
    .bind(outcome.error_message.map(str::to_string))
    .bind(outcome.status.as_str())
    .bind(now)
    .bind(import_id)
    .bind(worker)
    .bind(ImportStatus::Running.as_str())
    .bind(outcome.summary.map(str::to_string))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(finished) = finished else { return Ok(false) };
    // The business's webhook, in the same transaction: a crash cannot lose it or send it for nothing.
    finished.enqueue_webhook(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// What the `import.*` webhook says of a finished import.
#[derive(Debug, sqlx::FromRow)]
struct FinishedImport {
    import_id: ImportId,
    organisation_id: OrganisationId,
    owner_external_id: Option<String>,
    target_id: String,
    status: String,
    error_code: Option<String>,
    transactions_count: i64,
}

impl FinishedImport {
    async fn enqueue_webhook<'e, E: Executor<'e, Database = Any>>(&self, executor: E) -> ServerResult<()> {
        let event = match ImportStatus::parse(&self.status) {
            Ok(ImportStatus::Succeeded) => EventType::ImportSucceeded,
            Ok(ImportStatus::Partial) => EventType::ImportPartial,
            Ok(ImportStatus::Failed) => EventType::ImportFailed,
            _ => return Ok(()),
        };
        let data = serde_json::json!({
            "importId": self.import_id,
            "ownerExternalId": self.owner_external_id,
            "target": self.target_id,
            "status": self.status,
            "errorCode": self.error_code,
            "transactionsCount": self.transactions_count,
        });
        outbox::enqueue(executor, self.organisation_id, event, data).await
    }
}

/// For tests and operators: makes a running job's lease expire now, as if its worker had died.
pub async fn expire_lease(db: &Db, import_id: ImportId) -> ServerResult<()> {
    sqlx::query("UPDATE import SET lease_until = 0 WHERE import_id = $1 AND status = $2")
        .bind(import_id)
        .bind(ImportStatus::Running.as_str())
        .execute(&db.pool)
        .await?;
    Ok(())
}
