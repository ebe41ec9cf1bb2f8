//! The worker loop: claim a job, run it, repeat; sleep when the queue is empty.

use super::import::run_import;
use crate::server::db::import_queue;
use crate::server::error::ServerResult;
use crate::server::now_ms;
use crate::server::state::AppState;
use tokio::task::JoinHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionOutcome {
    TaskCompleted,
    EmptyQueue,
}

/// Claims and runs one job, if any is due.
pub async fn try_execute_task(state: &AppState, worker: &str) -> ServerResult<ExecutionOutcome> {
    let lease_ms = state.settings.import.lease.as_millis() as i64;
    let Some(job) = import_queue::claim_next(&state.db, worker, now_ms(), lease_ms).await? else {
        return Ok(ExecutionOutcome::EmptyQueue);
    };
    tracing::info!(import_id = job.import_id, attempt = job.attempts, worker, "import started");
    run_import(state, job, worker).await?;
    Ok(ExecutionOutcome::TaskCompleted)
}

pub async fn run_worker_until_stopped(state: AppState, worker: String) {
    loop {
        match try_execute_task(&state, &worker).await {
            Ok(ExecutionOutcome::TaskCompleted) => {}
            Ok(ExecutionOutcome::EmptyQueue) => {
                tokio::select! {
                    _ = state.import_queued.notified() => {}
                    _ = tokio::time::sleep(state.settings.import.poll_interval) => {}
                }
            }
            Err(e) => {
                tracing::error!(error.cause_chain = ?anyhow::Error::from(e), worker, "import worker error");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}

/// Starts this process's workers; each has a unique id so leases tell instances apart.
pub fn spawn_workers(state: &AppState) -> Vec<JoinHandle<()>> {
    let instance = uuid::Uuid::new_v4().simple().to_string();
    (0..state.settings.workers)
        .map(|i| tokio::spawn(run_worker_until_stopped(state.clone(), format!("{}-{i}", &instance[..12]))))
        .collect()
}

/// Runs jobs until none is due: for tests and tools that drive the queue themselves.
pub async fn run_pending_jobs(state: &AppState, worker: &str) -> ServerResult<usize> {
    let mut done = 0;
    while try_execute_task(state, worker).await? == ExecutionOutcome::TaskCompleted {
        done += 1;
    }
    Ok(done)
}
