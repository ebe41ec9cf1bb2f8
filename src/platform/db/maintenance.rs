//! Periodic jobs that must run once per period across every instance sharing the database (retention): a
//! row per job holds who may run it now (a lease, in case an instance dies mid-run) and when it last ran.

use super::Db;
use crate::platform::error::ServerResult;

/// Takes the job's turn if it is due (`last run + interval ≤ now`) and nobody holds it; `true` means run it.
/// The conditional UPDATE is atomic on both engines, so two instances asking at once get one `true`.
pub async fn claim_run(db: &Db, job: &str, now: i64, interval_ms: i64, lease_ms: i64) -> ServerResult<bool> {
    sqlx::query(
        "INSERT INTO maintenance_run (job, lease_until, last_run_at) VALUES ($1, 0, 0) ON CONFLICT (job) DO NOTHING",
    )
    .bind(job)
    .execute(&db.pool)
    .await?;
    let claimed = sqlx::query(
        "UPDATE maintenance_run SET lease_until = $2, last_run_at = $3
         WHERE job = $1 AND lease_until < $3 AND last_run_at <= $4",
    )
    .bind(job)
    .bind(now + lease_ms)
    .bind(now)
    .bind(now - interval_ms)
    .execute(&db.pool)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Hands the turn back once the run is over (its `last_run_at` stays, so the next is a period later).
pub async fn release(db: &Db, job: &str) -> ServerResult<()> {
    sqlx::query("UPDATE maintenance_run SET lease_until = 0 WHERE job = $1").bind(job).execute(&db.pool).await?;
    Ok(())
}
