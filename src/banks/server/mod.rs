//! Bank connectors: the `Connector` trait every bank implements, the catalog of enabled
//! targets, and the sandbox Demo Bank (SPEC §4). Server-only; the records it returns are in `banks::model`.

mod auth;
mod catalog;
mod clock;
pub mod demo;
mod error;
pub mod psd2;
mod types;

pub use auth::{AuthStep, BankSession, Credentials, OneTimeCode, PendingChallenge, RedirectRequest, RedirectStart};
pub use catalog::Catalog;
pub use clock::{fixed_clock, system_clock, Clock};
pub use error::BankError;
pub use types::{
    AuthKind, BankAccount, BankTransaction, DataScope, DateRange, Health, PageCursor, TargetId, TargetInfo,
    TransactionPage,
};

use crate::banks::model::Owner;

/// One connection to one bank. Implementations must be cheap to call concurrently: the import
/// worker and the widget share one instance per target.
///
/// Flow: `start_authorisation` (then `answer_challenge` while the bank asks for a code) yields a
/// `BankSession`; with it the worker reads `owners`, `accounts` and, per account, transaction
/// pages (newest first) until `next` is `None`. A redirect bank (`AuthKind::Redirect`, PSD2) authorises with
/// `start_redirect` and, once the applicant is back from the bank's page, `finish_redirect` instead.
#[async_trait::async_trait]
pub trait Connector: Send + Sync {
    fn info(&self) -> &TargetInfo;

    /// Creates a consent at a redirect bank; others do not authorise this way.
    async fn start_redirect(&self, _request: &RedirectRequest) -> Result<RedirectStart, BankError> {
        Err(BankError::Internal("this bank does not authorise by redirect".into()))
    }

    /// Asks the bank how the consent of `handle` ended, once the applicant is back from its page.
    async fn finish_redirect(&self, _handle: &str) -> Result<BankSession, BankError> {
        Err(BankError::Internal("this bank does not authorise by redirect".into()))
    }

    /// A cheap call that tells whether the bank answers (the `/banks` health column).
    async fn probe(&self) -> Health {
        Health::Up
    }

    async fn start_authorisation(&self, credentials: Credentials) -> Result<AuthStep, BankError>;

    /// Answers a one-time-code challenge. On `InvalidOneTimeCode` the caller may try again with
    /// `failed_attempts` incremented.
    async fn answer_challenge(&self, challenge: &PendingChallenge, code: OneTimeCode) -> Result<AuthStep, BankError>;

    async fn owners(&self, session: &BankSession) -> Result<Vec<Owner>, BankError>;

    async fn accounts(&self, session: &BankSession) -> Result<Vec<BankAccount>, BankError>;

    /// One page of the account's transactions dated within `range`, newest first. Pass the
    /// previous page's `next` as `cursor` (with the same account and range) to continue.
    async fn transactions(
        &self,
        session: &BankSession,
        account_provider_id: &str,
        range: DateRange,
        cursor: Option<&PageCursor>,
    ) -> Result<TransactionPage, BankError>;
}
