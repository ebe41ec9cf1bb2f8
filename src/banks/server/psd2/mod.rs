//! A NextGenPSD2 (Berlin Group XS2A 1.3.12) AIS connector: any bank configured by URL (and client certificate)
//! in the registry file. Consent with redirect SCA, then accounts, balances and transactions page by page
//! through `_links.next`. Error bodies (`tppMessages`) map to the SPEC §6 codes.

mod mapping;
pub mod registry;
mod wire;

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use url::Url;

use super::auth::{AuthStep, BankSession, Credentials, OneTimeCode, PendingChallenge, RedirectRequest, RedirectStart};
use super::error::BankError;
use super::types::{BankAccount, DateRange, Health, PageCursor, TargetInfo, TransactionPage};
use super::Connector;
use crate::banks::model::Owner;

pub use registry::{BankEntry, Registry, RegistryError};

/// For this long after the applicant approved, reads are made "with the applicant present" (`PSU-IP-Address`
/// sent, not counted against `frequencyPerDay`): the import that follows their approval is theirs.
const PSU_PRESENT_FOR_MS: i64 = 60 * 60 * 1000;

/// What Insight keeps between the consent and the return from the bank: the consent and the applicant's address.
#[derive(Debug, Serialize, Deserialize)]
struct Handle {
    consent: String,
    ip: IpAddr,
}

/// The import's handle on an authorised consent (`BankSession`): no secret, only the bank's consent id.
#[derive(Debug, Serialize, Deserialize)]
struct Session {
    consent: String,
    ip: IpAddr,
    /// When the applicant approved (ms since the epoch).
    at: i64,
}

/// Where the next transaction page is: the bank's `_links.next`, and the running balance for banks that do not
/// send `balanceAfterTransaction`.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    next: String,
    balance: i64,
}

pub struct Xs2aBank {
    info: TargetInfo,
    /// Everything before `/v1/…`, with a trailing slash.
    base: Url,
    http: reqwest::Client,
    /// The account list per consent for a few minutes: `owners` and `accounts` of one run read it once, so a
    /// run without the applicant present stays within a one-off consent's `frequencyPerDay`.
    account_lists: std::sync::Mutex<HashMap<String, (std::time::Instant, Vec<wire::AccountDetails>)>>,
}

/// How long a read account list is reused, and how many consents' lists are kept.
const ACCOUNT_LIST_TTL: Duration = Duration::from_secs(300);
const ACCOUNT_LISTS_KEPT: usize = 256;

impl Xs2aBank {
    pub fn new(entry: &BankEntry) -> Result<Self, BankError> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(entry.timeout)
            .connect_timeout(entry.connect_timeout)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(identity) = &entry.client_identity_pem {
            let identity = reqwest::Identity::from_pem(identity)
                .map_err(|e| BankError::Internal(format!("client certificate of {}: {e}", entry.info.id)))?;
            builder = builder.identity(identity);
        }
        for ca in &entry.ca_certificates_pem {
            let ca = reqwest::Certificate::from_pem(ca)
                .map_err(|e| BankError::Internal(format!("CA certificate of {}: {e}", entry.info.id)))?;
            builder = builder.add_root_certificate(ca);
        }
        let http = builder.build().map_err(|e| BankError::Internal(format!("HTTP client: {e}")))?;
        let mut base = entry.base_url.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(Self { info: entry.info.clone(), base, http, account_lists: Default::default() })
    }

    fn url(&self, path: &str) -> Result<Url, BankError> {
        self.base.join(path).map_err(|e| BankError::Internal(format!("bad URL {path}: {e}")))
    }

    /// A link the bank sent: relative ones are resolved against its origin, and it must stay on that origin.
    fn link(&self, href: &str) -> Result<Url, BankError> {
        let url = self.base.join(href).map_err(|e| BankError::Internal(format!("bad link from the bank: {e}")))?;
        if url.origin() != self.base.origin() {
            return Err(BankError::Internal("the bank sent a link to another host".into()));
        }
        Ok(url)
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        consent: Option<&str>,
        psu_ip: Option<IpAddr>,
        headers: &[(&str, String)],
        body: Option<String>,
    ) -> Result<T, BankError> {
        let mut request = self
            .http
            .request(method, url)
            .header("X-Request-ID", uuid::Uuid::new_v4().to_string())
            .header("Accept", "application/json");
        if let Some(consent) = consent {
            request = request.header("Consent-ID", consent);
        }
        if let Some(ip) = psu_ip {
            request = request.header("PSU-IP-Address", ip.to_string());
        }
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(body) = body {
            request = request.header("Content-Type", "application/json").body(body);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                BankError::Timeout
            } else {
                tracing::warn!(bank = %self.info.id, error = %e, "bank unreachable");
                BankError::ServiceTemporarilyUnavailable
            }
        })?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = response.bytes().await.map_err(|e| {
            if e.is_timeout() {
                BankError::Timeout
            } else {
                BankError::ServiceTemporarilyUnavailable
            }
        })?;
        if !status.is_success() {
            let body: wire::ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
            return Err(mapping::error_for(status, &body.codes(), retry_after));
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            BankError::Internal(format!("{} sent a body that is not the expected JSON: {e}", self.info.id))
        })
    }

    fn session(session: &BankSession) -> Result<Session, BankError> {
        serde_json::from_str(session.as_str()).map_err(|_| BankError::SessionExpired)
    }

    /// The applicant's address while they are taken to be present (just after approving), else none.
    fn present(session: &Session) -> Option<IpAddr> {
        (crate::platform::now_ms() - session.at < PSU_PRESENT_FOR_MS).then_some(session.ip)
    }

    async fn account_list(&self, session: &BankSession) -> Result<Vec<wire::AccountDetails>, BankError> {
        let s = Self::session(session)?;
        {
            let lists = self.account_lists.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, list)) = lists.get(&s.consent).filter(|(at, _)| at.elapsed() < ACCOUNT_LIST_TTL) {
                return Ok(list.clone());
            }
        }
        let url = self.url("v1/accounts?withBalance=true")?;
        let list: wire::AccountList =
            self.call(Method::GET, url, Some(&s.consent), Self::present(&s), &[], None).await?;
        let mut lists = self.account_lists.lock().unwrap_or_else(|e| e.into_inner());
        if lists.len() >= ACCOUNT_LISTS_KEPT {
            lists.retain(|_, (at, _)| at.elapsed() < ACCOUNT_LIST_TTL);
            if lists.len() >= ACCOUNT_LISTS_KEPT {
                lists.clear();
            }
        }
        lists.insert(s.consent.clone(), (std::time::Instant::now(), list.accounts.clone()));
        Ok(list.accounts)
    }
}

#[async_trait::async_trait]
impl Connector for Xs2aBank {
    fn info(&self) -> &TargetInfo {
        &self.info
    }

    async fn start_authorisation(&self, _credentials: Credentials) -> Result<AuthStep, BankError> {
        Err(BankError::Internal("a PSD2 bank authorises by redirect, not with a password".into()))
    }

    async fn answer_challenge(&self, _challenge: &PendingChallenge, _code: OneTimeCode) -> Result<AuthStep, BankError> {
        Err(BankError::Internal("a PSD2 bank authorises by redirect, not with a code".into()))
    }

    async fn start_redirect(&self, request: &RedirectRequest) -> Result<RedirectStart, BankError> {
        let valid_until = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
        let body = wire::ConsentRequest {
            access: wire::ConsentAccess { accounts: vec![], balances: vec![], transactions: vec![] },
            recurring_indicator: false,
            valid_until,
            frequency_per_day: 1,
            combined_service_indicator: false,
        };
        let body = serde_json::to_string(&body).map_err(|e| BankError::Internal(e.to_string()))?;
        let redirect = [
            ("TPP-Redirect-Preferred", "true".to_string()),
            ("TPP-Redirect-URI", request.return_url.clone()),
            ("TPP-Nok-Redirect-URI", request.return_url.clone()),
        ];
        let created: wire::ConsentCreated = self
            .call(Method::POST, self.url("v1/consents")?, None, Some(request.psu_ip), &redirect, Some(body))
            .await?;
        let sca = match (created.links.sca_redirect, created.links.start_authorisation) {
            (Some(sca), _) => sca.href,
            // Explicit start: the bank wants `POST …/authorisations` first.
            (None, Some(start)) => {
                let started: wire::AuthorisationStarted = self
                    .call(
                        Method::POST,
                        self.link(&start.href)?,
                        None,
                        Some(request.psu_ip),
                        &redirect,
                        Some("{}".into()),
                    )
                    .await?;
                started.links.sca_redirect.map(|l| l.href).ok_or_else(|| {
                    BankError::Internal("the bank started the authorisation without a redirect link".into())
                })?
            }
            (None, None) => return Err(BankError::Internal("the bank offers no redirect SCA for the consent".into())),
        };
        // The applicant's browser goes there: it must be a web address, but it may be on the bank's own site.
        let url = self.base.join(&sca).map_err(|_| BankError::Internal("bad SCA link from the bank".into()))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(BankError::Internal("the bank's SCA link is not a web address".into()));
        }
        let handle = serde_json::to_string(&Handle { consent: created.consent_id, ip: request.psu_ip })
            .map_err(|e| BankError::Internal(e.to_string()))?;
        Ok(RedirectStart { url: url.to_string(), handle })
    }

    async fn finish_redirect(&self, handle: &str) -> Result<BankSession, BankError> {
        let handle: Handle = serde_json::from_str(handle).map_err(|_| BankError::SessionExpired)?;
        let path = format!("v1/consents/{}/status", mapping::path_segment(&handle.consent));
        let status: wire::ConsentStatus =
            self.call(Method::GET, self.url(&path)?, None, Some(handle.ip), &[], None).await?;
        match status.consent_status.as_str() {
            "valid" => {
                let session = Session { consent: handle.consent, ip: handle.ip, at: crate::platform::now_ms() };
                Ok(BankSession::from_token(
                    serde_json::to_string(&session).map_err(|e| BankError::Internal(e.to_string()))?,
                ))
            }
            // Rejected at the bank, or back without finishing there.
            "rejected" | "received" | "partiallyAuthorised" => Err(BankError::UserCancelled),
            _ => Err(BankError::SessionExpired),
        }
    }

    async fn probe(&self) -> Health {
        // The cheapest call: the status of a consent that does not exist. Any answer of the bank's own (4xx)
        // means it is up; 5xx, a timeout or no connection means it is not.
        let url = match self.url("v1/consents/insight-probe/status") {
            Ok(url) => url,
            Err(_) => return Health::Down,
        };
        let request = self.http.get(url).header("X-Request-ID", uuid::Uuid::new_v4().to_string());
        match request.timeout(Duration::from_secs(10)).send().await {
            Ok(r) if r.status().is_server_error() || r.status() == StatusCode::TOO_MANY_REQUESTS => Health::Degraded,
            Ok(_) => Health::Up,
            Err(_) => Health::Down,
        }
    }

    async fn owners(&self, session: &BankSession) -> Result<Vec<Owner>, BankError> {
        Ok(mapping::owners(&self.account_list(session).await?))
    }

    async fn accounts(&self, session: &BankSession) -> Result<Vec<BankAccount>, BankError> {
        let s = Self::session(session)?;
        let mut accounts = Vec::new();
        for details in self.account_list(session).await? {
            let Some(id) = details.resource_id.clone() else { continue };
            let balances = if details.balances.is_empty() {
                let path = format!("v1/accounts/{}/balances", mapping::path_segment(&id));
                let report: wire::BalancesReport =
                    self.call(Method::GET, self.url(&path)?, Some(&s.consent), Self::present(&s), &[], None).await?;
                report.balances
            } else {
                details.balances.clone()
            };
            accounts.push(mapping::account(&details, &id, &balances)?);
        }
        Ok(accounts)
    }

    async fn transactions(
        &self,
        session: &BankSession,
        account_provider_id: &str,
        range: DateRange,
        cursor: Option<&PageCursor>,
    ) -> Result<TransactionPage, BankError> {
        let s = Self::session(session)?;
        let (url, balance) = match cursor {
            Some(c) => {
                let c: Cursor = serde_json::from_str(c.as_str())
                    .map_err(|_| BankError::Internal("page cursor of another connector".into()))?;
                (self.link(&c.next)?, Some(c.balance))
            }
            None => {
                let path = format!(
                    "v1/accounts/{}/transactions?dateFrom={}&dateTo={}&bookingStatus=both",
                    mapping::path_segment(account_provider_id),
                    range.from,
                    range.to
                );
                (self.url(&path)?, None)
            }
        };
        let response: wire::TransactionsResponse =
            self.call(Method::GET, url, Some(&s.consent), Self::present(&s), &[], None).await?;
        let opening = balance.or_else(|| mapping::booked_balance(&response.balances)).unwrap_or(0);
        let (transactions, balance) = mapping::transactions(&response.transactions, range, opening)?;
        let next = match &response.transactions.links.next {
            Some(next) => {
                let cursor = Cursor { next: next.href.clone(), balance };
                Some(PageCursor::from_token(
                    serde_json::to_string(&cursor).map_err(|e| BankError::Internal(e.to_string()))?,
                ))
            }
            None => None,
        };
        Ok(TransactionPage { transactions, next })
    }
}
