//! The worker loop: claim a job, run it, repeat; sleep when the queue is empty.

use super::queue;
use super::run::run_import;
use crate::imports::model::ImportStatus;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::platform::state::AppState;
use crate::shared::WidgetErrorCode;
use tokio::task::JoinHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionOutcome {
    TaskCompleted,
    EmptyQueue,
}

/// Claims and runs one job, if any is due.
pub async fn try_execute_task(state: &AppState, worker: &str) -> ServerResult<ExecutionOutcome> {
    let tuning = &state.settings.import;
    let lease_ms = tuning.lease.as_millis() as i64;
    let Some(job) = queue::claim_next(&state.db, worker, now_ms(), lease_ms, tuning.max_attempts).await? else {
        return Ok(ExecutionOutcome::EmptyQueue);
    };
    let (import_id, attempts) = (job.import_id, job.attempts);
    tracing::info!(import_id = import_id.get(), attempt = attempts, worker, "import started");
    if let Err(e) = run_import(state, job, worker).await {
        // Not the bank's fault (e.g. the database failed): give the job back while we still hold it, so it
        // does not sit 'running' until its lease expires; after the last attempt it fails for good.
        tracing::error!(error.cause_chain = ?anyhow::Error::from(e), import_id = import_id.get(), "import run failed");
        if attempts < tuning.max_attempts {
            let later = now_ms() + tuning.retry_base.as_millis() as i64 * (1 << attempts.min(10)) * 5;
            queue::requeue(&state.db, import_id, worker, later, "retrying after an error").await?;
        } else {
            let code = WidgetErrorCode::InternalError;
            let outcome = queue::Outcome {
                status: ImportStatus::Failed,
                error_code: Some(code),
                error_message: Some(code.message(crate::shared::Locale::En)),
                summary: None,
            };
            queue::finish(&state.db, import_id, worker, &outcome).await?;
        }
    }
    Ok(ExecutionOutcome::TaskCompleted)
}

pub async fn run_worker_until_stopped(state: AppState, worker: String) {
    let mut stopping = state.stopping.subscribe();
    while !state.is_stopping() {
        match try_execute_task(&state, &worker).await {
            Ok(ExecutionOutcome::TaskCompleted) => {}
            Ok(ExecutionOutcome::EmptyQueue) => {
                tokio::select! {
                    _ = state.import_queued.notified() => {}
                    _ = tokio::time::sleep(state.settings.import.poll_interval) => {}
                    _ = stopping.changed() => {}
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
