use super::banks::Catalog;
use super::config::Settings;
use super::db::Db;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;
use tokio::sync::{Notify, Semaphore};

/// Everything a request handler, a server function or the worker needs, cheap to clone.
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
    pub widget_limiter: Arc<super::widget::rate_limit::RateLimiter>,
    /// New sign-ins per Client ID, whatever address they come from.
    pub signin_limiter: Arc<super::widget::rate_limit::RateLimiter<String>>,
}

impl AppState {
    /// The state from the Leptos context inside a server function or SSR render.
    pub fn from_context() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from context");
            crate::error::AppError::Internal
        })
    }
}
