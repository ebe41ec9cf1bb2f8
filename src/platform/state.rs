use super::config::Settings;
use super::crypto::SecretBox;
use super::db::Db;
use super::error::ServerResult;
use super::http::rate_limit::Limits;
use crate::banks::model::Owner;
use crate::banks::server::{BankAccount, BankTransaction, Catalog};
use crate::shared::{ImportId, OrganisationId};
use axum::extract::FromRef;
use futures::future::BoxFuture;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;
use tokio::sync::{Notify, Semaphore};

/// Everything a request handler, a server function or the worker needs, cheap to clone. Middleware takes
/// only the part it needs (`FromRef`).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<Settings>,
    /// Bounds concurrent argon2id work so a burst of log-ins cannot starve the executor or memory.
    pub hash_permits: Arc<Semaphore>,
    /// The bank targets this installation offers.
    pub catalog: Arc<Catalog>,
    /// Wakes idle import workers of this process when an import is queued.
    pub import_queued: Arc<Notify>,
    /// This instance's abuse limits.
    pub limits: Arc<Limits>,
    /// What the areas above the import pipeline conclude from an import's data (the review's analysis).
    pub import_summary: ImportSummaries,
    /// Seals secrets stored for reading back (TOTP seeds) with the instance's key.
    pub secrets: Arc<SecretBox>,
    /// Set when the process is shutting down: workers stop after the page they are writing.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
    /// Page data that no longer changes (a finished import's), kept for the next view.
    pub memo: Arc<super::memo::Memo>,
}

/// How the import pipeline gets the summary it stores with a finished import (wired at start-up: the review
/// area's analysis). Function pointers, so the pipeline does not depend on who summarises.
///
/// A run that starts at the first page shows every page it writes to a fresh [`ImportSummary`], so the
/// summary costs no second pass over the rows; a run that resumed part-way asks for one from the stored rows.
/// Either way the summary is stored in the same statement that marks the import finished.
#[derive(Clone, Copy)]
pub struct ImportSummaries {
    pub fresh: FreshSummary,
    pub from_stored: for<'a> fn(&'a AppState, OrganisationId, ImportId) -> BoxFuture<'a, ServerResult<String>>,
}

/// A summary for a run from the first page, from the owners, the accounts and the application's day (the end
/// of the history asked for).
pub type FreshSummary = fn(&[Owner], &[BankAccount], chrono::NaiveDate) -> Box<dyn ImportSummary>;

/// Sees an import's transactions as they are stored, in order (each account's pages newest first).
pub trait ImportSummary: Send {
    fn page(&mut self, account_position: usize, transactions: &[BankTransaction]);
    /// The summary as stored (JSON); `partial` when the bank stopped answering for part of the history.
    fn finish(self: Box<Self>, partial: bool) -> ServerResult<String>;
}

impl AppState {
    pub fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// The state from the Leptos context inside a server function or SSR render.
    pub fn from_context() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from context");
            crate::error::AppError::Internal
        })
    }
}
