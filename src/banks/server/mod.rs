//! Bank connectors: the `Connector` trait every bank implements, the catalog of enabled
//! targets, and the sandbox Demo Bank (SPEC §4). Server-only; the records it returns are in `banks::model`.

mod auth;
mod catalog;
mod clock;
pub mod demo;
mod error;
mod types;

pub use auth::{AuthStep, BankSession, Credentials, OneTimeCode, PendingChallenge};
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
/// pages (newest first) until `next` is `None`.
#[async_trait::async_trait]
pub trait Connector: Send + Sync {
    fn info(&self) -> &TargetInfo;

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
