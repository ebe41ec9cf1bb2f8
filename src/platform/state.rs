use super::config::Settings;
use super::db::Db;
use super::error::ServerResult;
use super::http::rate_limit::Limits;
use crate::banks::server::Catalog;
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
    /// Run by the worker once an import has finished, with its data complete.
    pub after_import: AfterImport,
}

/// What the areas above the import pipeline do once an import has finished (wired at start-up: the review
/// area stores its analysis). A function pointer, so the pipeline does not depend on who listens.
pub type AfterImport = for<'a> fn(&'a AppState, OrganisationId, ImportId) -> BoxFuture<'a, ServerResult<()>>;

impl AppState {
    /// The state from the Leptos context inside a server function or SSR render.
    pub fn from_context() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from context");
            crate::error::AppError::Internal
        })
    }
}
