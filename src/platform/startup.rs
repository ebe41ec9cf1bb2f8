//! Builds the application: database, session layer, router, and serves it until a shutdown signal.

use super::config::Settings;
use super::db::{maintenance, Db, SessionStoreAny};
use super::error::ServerResult;
use super::http::rate_limit::{self, Limits};
use super::http::{assets, csrf, headers, input, request, statuses};
use super::state::AppState;
use crate::account::server::guard;
use crate::app::{shell, App};
use crate::banks::server::psd2::{Registry, Xs2aBank};
use crate::banks::server::{Catalog, Connector, TargetId};
use crate::imports::server::worker;
use crate::review::server::{analysis, export};
use crate::widget::server::http as widget_http;
use anyhow::Context;
use axum::Router;
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
    store: SessionStoreAny,
}

impl Application {
    /// Connects and migrates the database and binds the listener (port 0 picks a free port, for tests).
    pub async fn build(settings: Settings, leptos_options: LeptosOptions, addr: SocketAddr) -> anyhow::Result<Self> {
        if cfg!(not(debug_assertions)) && settings.public_url.is_none() {
            tracing::warn!(
                "APP_PUBLIC_URL is not set: invite links and the CSRF check follow each request's Host header. \
                 Set it to the portal's public URL (e.g. https://insight.example) in production."
            );
        }
        let secrets = super::crypto::SecretBox::load(settings.secret_key.as_deref(), &settings.key_file())?;
        let (db, store) = Db::connect(&settings.database_url).await?;
        crate::account::server::audit::chain_entries_from_before(&db).await?;
        let listener = TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        let catalog = catalog(&settings, local)?;
        let memo = Arc::new(super::memo::Memo::new(settings.memo_entries, MEMO_TIME_TO_LIVE));
        let state = AppState {
            leptos_options,
            db,
            hash_permits: Arc::new(tokio::sync::Semaphore::new(settings.max_concurrent_hashes.max(1))),
            catalog: Arc::new(catalog),
            import_queued: Arc::new(tokio::sync::Notify::new()),
            limits: Arc::new(Limits::new(&settings)),
            settings: Arc::new(settings),
            import_summary: analysis::SUMMARIES,
            stopping: Arc::new(tokio::sync::watch::channel(false).0),
            secrets: Arc::new(secrets),
            memo,
        };
        let router = router(state.clone(), store.clone());
        Ok(Self { listener, router, state, store })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let deletion =
            tokio::spawn(self.store.clone().continuously_delete_expired(tokio::time::Duration::from_secs(600)));
        let (limits, memo) = (self.state.limits.clone(), self.state.memo.clone());
        let sweeper = tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                limits.sweep();
                memo.sweep();
            }
        });
        let probes = tokio::spawn(probe_banks(self.state.catalog.clone()));
        let maintenance =
            self.state.settings.retention_in_background.then(|| tokio::spawn(run_maintenance(self.state.clone())));
        let mut workers = worker::spawn_workers(&self.state);
        workers.extend(crate::webhooks::server::delivery::spawn_workers(&self.state));
        tracing::info!("Insight is listening on http://{}", self.local_addr());
        let stopping = self.state.stopping.clone();
        super::serve::serve(self.listener, self.router, async move {
            shutdown_signal().await;
            // Workers finish the page they are writing and hand their job back, while requests drain.
            let _ = stopping.send(true);
        })
        .await;
        deletion.abort();
        sweeper.abort();
        probes.abort();
        if let Some(m) = maintenance {
            m.abort();
        }
        let lease = self.state.settings.import.lease;
        if tokio::time::timeout(lease, futures::future::join_all(workers)).await.is_err() {
            // A job cut short here is resumed by the next worker once its lease expires; nothing is lost.
            tracing::warn!("an import worker did not stop in time");
        }
        Ok(())
    }
}

/// The bank targets of this instance: the Demo Bank, the PSD2 banks of `APP_BANKS_FILE` (a bad file stops
/// start-up), and the Insight PSD2 Sandbox, reached on this instance's own listener.
fn catalog(settings: &Settings, local: SocketAddr) -> anyhow::Result<Catalog> {
    let disabled: Vec<TargetId> = settings.disabled_targets.iter().filter_map(|t| TargetId::parse(t).ok()).collect();
    let mut more: Vec<Arc<dyn Connector>> = Vec::new();
    if let Some(file) = &settings.banks_file {
        for entry in Registry::load(file)? {
            more.push(Arc::new(Xs2aBank::new(&entry).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?));
        }
    }
    if settings.sandbox && settings.xs2a_sandbox {
        let ip = match local.ip() {
            std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
            ip => ip,
        };
        let entry = crate::psd2_sandbox::server::bank_entry(&format!("http://{}", SocketAddr::new(ip, local.port())))?;
        more.push(Arc::new(Xs2aBank::new(&entry).map_err(|e| anyhow::anyhow!("the PSD2 sandbox bank: {e}"))?));
    }
    let catalog = Catalog::from_config(&[]).with_more(more).with_disabled(&disabled);
    Ok(if settings.sandbox { catalog } else { catalog.without_sandbox() })
}

/// Probes every bank now and then, for the health column of `/banks`.
async fn probe_banks(catalog: Arc<Catalog>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(300));
    loop {
        every.tick().await;
        catalog.probe_all().await;
    }
}

/// What one run of the periodic maintenance did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaintenanceRun {
    pub imports_erased: i64,
    pub signin_sessions_deleted: u64,
}

const RETENTION_JOB: &str = "retention";
/// How long a memoised page read lives: views within a review session reuse it, and data another instance
/// erased leaves this one's memory within minutes.
const MEMO_TIME_TO_LIVE: std::time::Duration = std::time::Duration::from_secs(300);

/// Runs retention (imports past their organisation's period, sign-in sessions a day after they ended) if its
/// period is up and no other instance is running it; `None` when it was not this instance's turn.
pub async fn run_maintenance_if_due(state: &AppState, now: i64) -> ServerResult<Option<MaintenanceRun>> {
    let interval = state.settings.retention_interval.as_millis() as i64;
    // Long enough for a big first run; if this instance dies, another takes over after it.
    let lease = 3_600_000;
    if !maintenance::claim_run(&state.db, RETENTION_JOB, now, interval, lease).await? {
        return Ok(None);
    }
    let ran = async {
        let imports_erased = crate::review::server::retention::erase_expired(&state.db, &state.memo, now).await?;
        let signin_sessions_deleted = crate::widget::server::sessions::delete_ended(&state.db, now).await?;
        ServerResult::Ok(MaintenanceRun { imports_erased, signin_sessions_deleted })
    }
    .await;
    maintenance::release(&state.db, RETENTION_JOB).await?;
    let ran = ran?;
    tracing::info!(ran.imports_erased, ran.signin_sessions_deleted, "retention run");
    Ok(Some(ran))
}

async fn run_maintenance(state: AppState) {
    // Checks every minute whether the period is up; the database decides which instance runs.
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        if let Err(e) = run_maintenance_if_due(&state, crate::platform::now_ms()).await {
            tracing::error!(error.cause_chain = ?anyhow::Error::from(e), "retention run failed");
        }
    }
}

pub fn router(state: AppState, store: SessionStoreAny) -> Router {
    let session_layer = SessionManagerLayer::new(store)
        .with_name("insight_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::try_from(state.settings.session_inactivity)
                .unwrap_or(tower_sessions::cookie::time::Duration::hours(8)),
        ));
    let options = state.leptos_options.clone();
    let (nosniff, referrer, no_store) = headers::static_header_layers();
    Router::new()
        .route(LOADER_ROUTE, axum::routing::get(widget_http::loader_script))
        .route(EXPORT_ROUTE, axum::routing::get(export::export))
        .merge(crate::widget::server::embed::routes())
        .merge(sandbox_bank(&state))
        .merge(crate::integrations::server::openapi::routes(&state))
        .leptos_routes_with_context(&state, route_list(), provide_request_nonce, move || shell(options.clone()))
        .fallback_service(static_files(&state))
        .layer(axum::middleware::from_fn(statuses::server_fn_statuses))
        .layer(axum::middleware::from_fn_with_state(state.db.clone(), guard::require_login_for_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), widget_http::frame_policy))
        .layer(axum::middleware::from_fn_with_state(state.limits.clone(), rate_limit::limit_widget_requests))
        .layer(session_layer)
        .layer(axum::middleware::from_fn_with_state(state.settings.clone(), csrf::reject_cross_site))
        .layer(no_store)
        .layer(referrer)
        .layer(nosniff)
        // Pages and JSON are compressed as they stream, with gzip at its fastest level: a streamed brotli
        // encoder allocates and clears megabytes of state per response, and gzip's default level, which
        // saves a few percent more, doubles the cost; both showed as reviewer pages' largest share of CPU
        // under load (bench_http). Static files come precompressed, brotli included (`assets.rs`).
        .layer(
            tower_http::compression::CompressionLayer::new()
                .no_br()
                .quality(tower_http::compression::CompressionLevel::Fastest),
        )
        .layer(axum::middleware::from_fn(input::limit_body))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(axum::middleware::from_fn_with_state(state.settings.clone(), request::resolve_request))
        .with_state(state)
}

/// The Insight PSD2 Sandbox bank's routes, while it is on.
fn sandbox_bank(state: &AppState) -> Router<AppState> {
    let settings = &state.settings;
    if !(settings.sandbox && settings.xs2a_sandbox) {
        return Router::new();
    }
    let sandbox = crate::psd2_sandbox::server::SandboxState::for_portal(
        settings.public_url.clone(),
        settings.xs2a_record.clone(),
    );
    crate::psd2_sandbox::server::routes(sandbox)
}

/// The site's static files (with their cache headers), else the "not found" page.
fn static_files(state: &AppState) -> axum::routing::MethodRouter {
    use axum::handler::Handler;
    let not_found = leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide_request_nonce, shell)
        .with_state(state.clone());
    let files = assets::site_files(&state.leptos_options.site_root).fallback(not_found);
    axum::routing::get_service(
        tower::ServiceBuilder::new().layer(axum::middleware::from_fn(assets::asset_caching)).service(files),
    )
}

/// The paths of the app's pages (`/applications/:id`), for tests that must cover every route.
pub fn page_paths() -> Vec<String> {
    route_list().iter().map(|r| r.path().to_string()).collect()
}

/// The routes served by plain handlers beside the pages and server functions.
pub const LOADER_ROUTE: &str = "/signin-widget.js";
pub const EXPORT_ROUTE: &str = "/applications/{id}/{file}";

/// The app's routes, generated once per process: Leptos suppresses resources in every server of the process
/// while it walks the route tree (leptos#4773), so a second walk beside a running server could stall a
/// streamed page.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Hands the response's CSP nonce (chosen by the security headers) to the render, so Leptos' inline scripts
/// carry it.
fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) =
        use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<headers::CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
