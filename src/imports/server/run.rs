//! One import: owners → accounts → transactions of each account, page by page, resumable at any page.

use super::queue::{self, ClaimedImport, Outcome};
use super::writes::{self, Lease};
use crate::banks::server::{BankError, BankSession, Connector, DateRange, PageCursor};
use crate::imports::model::ImportStatus;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::platform::state::AppState;
use crate::shared::{Locale, WidgetErrorCode};
use chrono::{DateTime, NaiveDate};
use std::future::Future;

/// Calls the bank, retrying transient errors with exponential backoff.
async fn with_retries<T, F, Fut>(state: &AppState, mut call: F) -> Result<T, BankError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, BankError>>,
{
    let tuning = &state.settings.import;
    let mut delay = tuning.retry_base;
    let mut tries = 0;
    // A bank that hangs must not outlive the lease: half of it, then the call counts as a timeout.
    let limit = tuning.lease / 2;
    loop {
        let outcome = tokio::time::timeout(limit, call()).await.unwrap_or(Err(BankError::Timeout));
        match outcome {
            Err(e) if e.is_transient() && tries < tuning.call_retries => {
                tries += 1;
                tracing::warn!(error = e.internal_code(), tries, "transient bank error, retrying");
                // A bank that says how long to wait (429 `Retry-After`) is believed, within the lease.
                tokio::time::sleep(e.retry_after().map_or(delay, |wait| wait.min(limit))).await;
                delay *= 2;
            }
            other => return other,
        }
    }
}

/// The history window, fixed by the day the import was created so a resumed import asks for the same range.
fn history_range(job: &ClaimedImport) -> DateRange {
    let created: NaiveDate = DateTime::from_timestamp_millis(job.created_at).unwrap_or_default().date_naive();
    DateRange::last_months(created, u32::try_from(job.months).unwrap_or(12))
}

struct Run<'a> {
    state: &'a AppState,
    job: &'a ClaimedImport,
    worker: &'a str,
}

impl Run<'_> {
    fn lease(&self, progress: i64, step: &'static str) -> Lease<'_> {
        Lease {
            import_id: self.job.import_id,
            worker: self.worker,
            until: now_ms() + self.state.settings.import.lease.as_millis() as i64,
            progress,
            step,
        }
    }

    async fn finish(&self, status: ImportStatus, error: Option<WidgetErrorCode>) -> ServerResult<()> {
        self.finish_with(status, error, None).await
    }

    async fn finish_with(
        &self,
        status: ImportStatus,
        error: Option<WidgetErrorCode>,
        summary: Option<&str>,
    ) -> ServerResult<()> {
        let error_message = error.map(|c| c.message(Locale::En));
        let outcome = Outcome { status, error_code: error, error_message, summary };
        if queue::finish(&self.state.db, self.job.import_id, self.worker, &outcome).await? {
            tracing::info!(import_id = self.job.import_id.get(), status = status.as_str(), "import finished");
        }
        Ok(())
    }

    /// The process is stopping: the pages so far are committed, the job goes back to the queue at once
    /// (another instance, or this one after its restart, continues from the next page).
    async fn hand_back(&self) -> ServerResult<()> {
        tracing::info!(import_id = self.job.import_id.get(), "import handed back at shutdown");
        queue::hand_back(&self.state.db, self.job.import_id, self.worker).await?;
        Ok(())
    }

    /// A bank error ends the run: transient ones go back to the queue while attempts remain.
    async fn bank_failed(&self, e: BankError) -> ServerResult<()> {
        let tuning = &self.state.settings.import;
        if e.is_transient() && self.job.attempts < tuning.max_attempts {
            let backoff = tuning.retry_base.as_millis() as i64 * (1 << self.job.attempts.min(10)) * 5;
            let backoff = e.retry_after().map_or(backoff, |wait| backoff.max(wait.as_millis() as i64));
            tracing::warn!(import_id = self.job.import_id.get(), error = e.internal_code(), "import requeued");
            queue::requeue(&self.state.db, self.job.import_id, self.worker, now_ms() + backoff, "waiting for the bank")
                .await?;
            return Ok(());
        }
        tracing::warn!(import_id = self.job.import_id.get(), error = e.internal_code(), "import failed");
        self.finish(ImportStatus::Failed, Some(e.code())).await
    }
}

pub async fn run_import(state: &AppState, job: ClaimedImport, worker: &str) -> ServerResult<()> {
    let run = Run { state, job: &job, worker };
    let Some(connector) = state.catalog.get(&job.target_id) else {
        return run.finish(ImportStatus::Failed, Some(WidgetErrorCode::InternalError)).await;
    };
    let Some(token) = job.bank_session.clone() else {
        return run.finish(ImportStatus::Failed, Some(WidgetErrorCode::SessionExpired)).await;
    };
    let session = BankSession::from_token(token);
    let shared_connector = connector.clone();
    let connector: &dyn Connector = connector.as_ref();

    let owners = match with_retries(state, || connector.owners(&session)).await {
        Ok(o) => o,
        Err(e) => return run.bank_failed(e).await,
    };
    if !writes::save_owners(&state.db, &run.lease(5, "owners"), &owners).await? {
        return Ok(()); // another worker owns the job now
    }
    let accounts = match with_retries(state, || connector.accounts(&session)).await {
        Ok(a) => a,
        Err(e) => return run.bank_failed(e).await,
    };
    let Some(stored) = writes::save_accounts(&state.db, &run.lease(10, "accounts"), &accounts).await? else {
        return Ok(());
    };

    let range = history_range(&job);
    let span_days = (range.to - range.from).num_days().max(1) as f64;
    let count = stored.len().max(1) as f64;
    let mut partial = stored.iter().any(|a| a.partial.0);
    // A run from the first page sees every row it stores, so the summary needs no second pass; a resumed
    // run (earlier pages were written before a crash or a shutdown) reads the stored rows at the end.
    let from_start = stored.iter().all(|a| !a.complete.0 && a.next_cursor.is_none());
    let mut summary = from_start.then(|| (state.import_summary.fresh)(&owners, &accounts, range.to));
    for (index, account) in stored.iter().enumerate().filter(|(_, a)| !a.complete.0) {
        // The next page is fetched on its own task, so a bank that computes (the Demo Bank) or waits on the
        // network runs beside the database write of the page before it.
        let fetch = |cursor: Option<PageCursor>| {
            let (state, connector, session) = (state.clone(), shared_connector.clone(), session.clone());
            let (provider_id, range) = (account.provider_id.clone(), range);
            tokio::spawn(async move {
                with_retries(&state, || connector.transactions(&session, &provider_id, range, cursor.as_ref())).await
            })
        };
        let mut fetched =
            fetch(account.next_cursor.clone().map(PageCursor::from_token)).await.map_err(anyhow::Error::from)?;
        loop {
            if state.is_stopping() {
                return run.hand_back().await;
            }
            let page = match fetched {
                Ok(page) => page,
                Err(BankError::Timeout) => {
                    // The bank stopped answering for older history: keep what arrived, mark it partial.
                    partial = true;
                    if !writes::mark_account_partial(
                        &state.db,
                        &run.lease(progress_at(index, 1.0, count), "transactions"),
                        account.import_account_id,
                    )
                    .await?
                    {
                        return Ok(());
                    }
                    break;
                }
                Err(e) => return run.bank_failed(e).await,
            };
            let done_fraction = page
                .transactions
                .iter()
                .map(|t| t.transaction_on)
                .min()
                .map_or(1.0, |oldest| ((range.to - oldest).num_days() as f64 / span_days).clamp(0.0, 1.0));
            let done_fraction = if page.next.is_none() { 1.0 } else { done_fraction };
            let lease = run.lease(progress_at(index, done_fraction, count), "transactions");
            let next = page.next.as_ref().map(PageCursor::as_str);
            // While the database writes this page, the summary reads it and the bank is asked for the next
            // one: the import takes about as long as the slower of the two, not their sum. A page fetched
            // ahead and never stored (the job was lost or handed back) is simply asked for again next time.
            let save =
                writes::save_transaction_page(&state.db, &lease, account.import_account_id, &page.transactions, next);
            let ahead = page.next.clone().map(|next| fetch(Some(next)));
            let tally = async {
                if let Some(summary) = summary.as_mut() {
                    summary.page(index, &page.transactions);
                }
            };
            let (saved, ()) = tokio::join!(save, tally);
            let Some(inserted) = saved? else {
                return Ok(());
            };
            if inserted as usize != page.transactions.len() {
                // The bank sent a row it had sent before: only the stored rows tell what the import holds.
                summary = None;
            }
            match ahead {
                Some(next_page) => fetched = next_page.await.map_err(anyhow::Error::from)?,
                None => break,
            }
        }
    }
    let status = if partial { ImportStatus::Partial } else { ImportStatus::Succeeded };
    // The data is complete: the summary is stored with the final status, so reviewers' pages never scan it.
    let summary = match summary {
        Some(summary) => summary.finish(partial)?,
        None => (state.import_summary.from_stored)(state, job.organisation_id, job.import_id).await?,
    };
    run.finish_with(status, partial.then_some(WidgetErrorCode::ServiceTemporarilyUnavailable), Some(&summary)).await
}

/// 10–99 % spread over the accounts' transaction downloads (owners and accounts take the first 10 %).
fn progress_at(account_index: usize, fraction: f64, accounts: f64) -> i64 {
    (10.0 + 89.0 * (account_index as f64 + fraction) / accounts).round() as i64
}
