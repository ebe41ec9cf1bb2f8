//! The sandbox bank's routes: `/sandbox/xs2a/v1/…` (the AIS API) and `/sandbox/xs2a/sca/…` (the page where the
//! applicant approves). Consents live in memory: the sandbox is for trying and testing, one process at a time.

mod data;
mod record;
mod sca;
pub mod store;
mod v1;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::routing::{get, post};
use axum::Router;
use url::Url;

use crate::banks::model::Environment;
use crate::banks::server::demo::{DemoBank, DemoTarget};
use crate::banks::server::psd2::BankEntry;
use crate::banks::server::{system_clock, AuthKind, DataScope, Health, TargetId, TargetInfo};

pub use store::Psu;

/// Where the sandbox is mounted, on the portal and on its own port.
pub const PREFIX: &str = "/sandbox/xs2a";
pub use crate::psd2_sandbox::model::TARGET_ID;

/// The sandbox as a catalog target, reached at `origin` (e.g. `http://127.0.0.1:3000`).
pub fn bank_entry(origin: &str) -> Result<BankEntry, url::ParseError> {
    let info = TargetInfo {
        id: TargetId::parse(TARGET_ID).expect("a valid id"),
        name: "Insight PSD2 Sandbox".into(),
        country: "DE".into(),
        currency: "EUR".into(),
        scope: DataScope { owners: true, accounts: true, transactions: true, cards: false },
        auth: AuthKind::Redirect,
        health: Health::Up,
        environment: Environment::Sandbox,
    };
    Ok(BankEntry::plain(info, Url::parse(&format!("{}{PREFIX}", origin.trim_end_matches('/')))?))
}

pub struct Sandbox {
    demo: DemoBank,
    store: Mutex<store::Store>,
    /// The origin the applicant's browser reaches the SCA page at; unset, the request's `Host`.
    public_origin: Option<String>,
    recorder: Option<record::Recorder>,
    /// Added to every API call (a far-away bank, for tests that must catch an import half-way).
    latency: std::time::Duration,
    /// Mounted in the portal: the SCA page sends the browser back only to the site it is on, so nobody can use
    /// Insight's domain to bounce applicants to a page of theirs.
    same_site_returns: bool,
}

#[derive(Clone)]
pub struct SandboxState(Arc<Sandbox>);

impl SandboxState {
    /// `record`: a JSON-lines file every `/v1` exchange is appended to (`APP_XS2A_RECORD`, for the conformance
    /// check against the official OpenAPI file).
    pub fn new(public_origin: Option<String>, record: Option<PathBuf>) -> Self {
        Self(Arc::new(Sandbox {
            demo: DemoBank::new(DemoTarget::De, system_clock()),
            store: Mutex::new(store::Store::default()),
            public_origin,
            recorder: record.map(record::Recorder::new),
            latency: std::time::Duration::ZERO,
            same_site_returns: false,
        }))
    }

    /// The sandbox as the portal mounts it: returns only to the portal's own site.
    pub fn for_portal(public_origin: Option<String>, record: Option<PathBuf>) -> Self {
        let mut state = Self::new(public_origin, record);
        if let Some(sandbox) = Arc::get_mut(&mut state.0) {
            sandbox.same_site_returns = true;
        }
        state
    }

    /// Every API call takes at least `latency` (call before the state is shared).
    pub fn with_latency(mut self, latency: std::time::Duration) -> Self {
        if let Some(sandbox) = Arc::get_mut(&mut self.0) {
            sandbox.latency = latency;
        }
        self
    }

    /// Ages every consent's SCA by `minutes` (tests of the 90-day window without waiting).
    pub fn age_sca(&self, minutes: i64) {
        self.0.store().age_sca(minutes);
    }
}

impl Sandbox {
    fn store(&self) -> std::sync::MutexGuard<'_, store::Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn routes<S: Clone + Send + Sync + 'static>(state: SandboxState) -> Router<S> {
    let api = Router::new()
        .route("/v1/consents", post(v1::create_consent))
        .route("/v1/consents/{consent}", get(v1::get_consent).delete(v1::delete_consent))
        .route("/v1/consents/{consent}/status", get(v1::consent_status))
        .route("/v1/consents/{consent}/authorisations", get(v1::authorisations).post(v1::start_authorisation))
        .route("/v1/consents/{consent}/authorisations/{authorisation}", get(v1::sca_status))
        .route("/v1/accounts", get(v1::accounts))
        .route("/v1/accounts/{account}", get(v1::account))
        .route("/v1/accounts/{account}/balances", get(v1::balances))
        .route("/v1/accounts/{account}/transactions", get(v1::transactions))
        .route("/v1/accounts/{account}/transactions/{transaction}", get(v1::transaction))
        .fallback(v1::unknown_resource)
        .layer(axum::middleware::from_fn_with_state(state.clone(), record::exchange));
    let pages = Router::new().route("/sca/{authorisation}", get(sca::page).post(sca::decide));
    Router::new().nest(PREFIX, api.merge(pages)).with_state(state)
}
