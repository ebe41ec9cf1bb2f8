//! The sandbox Demo Bank (SPEC §4): test logins with documented behaviours and realistic,
//! deterministic data generated on the fly from (target, login, as-of date).

mod generator;
mod iban;
mod ids;
mod locale;
mod paging;
mod profile;
mod render;
mod scenario;
mod seed;
mod target;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{Days, NaiveDate};

use super::auth::{AuthStep, BankSession, Credentials, OneTimeCode, PendingChallenge};
use super::clock::{system_clock, Clock};
use super::error::BankError;
use super::types::{BankAccount, DateRange, PageCursor, TargetInfo, TransactionPage};
use super::Connector;
use crate::banks::model::Owner;

pub use iban::is_valid_iban;
pub use ids::{is_valid_id_card_number, is_valid_nip, is_valid_pesel, is_valid_regon, pesel_birth_date};
pub use paging::PAGE_SIZE;
pub use scenario::{Scenario, MAX_CODE_ATTEMPTS, TEST_ONE_TIME_CODE, TEST_PASSWORD};
pub use target::DemoTarget;

use profile::Profile;
use scenario::{decode_token, encode_token, evaluate_login, LoginOutcome, Token, CHALLENGE_PREFIX, SESSION_PREFIX};

/// How long `test-slow` takes for every call that returns data.
pub const SLOW_DELAY: Duration = Duration::from_millis(500);
/// How many transaction pages `test-flaky` fails at the start of each session.
pub const FLAKY_FAILURES: u32 = 2;
/// Bound on the in-memory per-session counters; the demo forgets old sessions past it.
const MAX_TRACKED: usize = 10_000;

/// The salary the Demo Bank pays into a login's current account, read from the generator's own plan rather
/// than from the rows it renders, so an income check can be compared with what was really scheduled.
pub struct SalarySchedule {
    pub employer: &'static str,
    /// (date, amount in minor units), oldest first.
    pub payments: Vec<(NaiveDate, i64)>,
}

/// The salaries of `scenario` at `target` for a session authorised on `as_of`.
pub fn salary_schedule(target: DemoTarget, scenario: Scenario, as_of: NaiveDate) -> SalarySchedule {
    let p = Profile::new(target, scenario, as_of);
    let mut payments = Vec::new();
    let mut day = p.history_start;
    while day <= as_of {
        for draft in generator::plan_day(&p, &p.current, day) {
            if draft.event == generator::Event::Salary {
                payments.push((day, draft.amount));
            }
        }
        day = day + Days::new(1);
    }
    SalarySchedule { employer: p.locale.employer, payments }
}

/// One Demo Bank target.
pub struct DemoBank {
    target: DemoTarget,
    info: TargetInfo,
    today: Clock,
    page_size: usize,
    /// Transaction-page requests seen per `test-flaky` session.
    flaky_calls: Mutex<HashMap<String, u32>>,
    /// Wrong codes seen per challenge, so a caller that forgets to count still gets locked out.
    code_failures: Mutex<HashMap<String, u32>>,
}

impl DemoBank {
    /// A Demo Bank whose "today" comes from `today` (tests pin it with `fixed_clock`).
    pub fn new(target: DemoTarget, today: Clock) -> Self {
        Self {
            target,
            info: target.info(),
            today,
            page_size: PAGE_SIZE,
            flaky_calls: Mutex::new(HashMap::new()),
            code_failures: Mutex::new(HashMap::new()),
        }
    }

    /// A Demo Bank on the real date (UTC).
    pub fn with_system_clock(target: DemoTarget) -> Self {
        Self::new(target, system_clock())
    }

    /// Smaller pages, so tests can cross page boundaries cheaply. Clamped to 1..=PAGE_SIZE.
    pub fn with_page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size.clamp(1, PAGE_SIZE);
        self
    }

    pub fn target(&self) -> DemoTarget {
        self.target
    }

    fn issue(&self, prefix: &str, scenario: Scenario) -> String {
        let token = Token { scenario, as_of: (self.today)() };
        encode_token(prefix, self.target.id(), &token, rand::random())
    }

    fn session(&self, session: &BankSession) -> Result<Token, BankError> {
        decode_token(SESSION_PREFIX, self.target.id(), session.as_str()).ok_or(BankError::SessionExpired)
    }

    /// Data calls of `test-slow` take a while, so progress is visible.
    async fn pace(&self, token: &Token) {
        if token.scenario == Scenario::Slow {
            tokio::time::sleep(SLOW_DELAY).await;
        }
    }

    /// Counts a transaction-page request; `true` while `test-flaky` should still fail.
    fn flaky_should_fail(&self, session: &BankSession) -> bool {
        let mut calls = self.flaky_calls.lock().unwrap_or_else(|e| e.into_inner());
        if calls.len() >= MAX_TRACKED && !calls.contains_key(session.as_str()) {
            calls.clear();
        }
        let n = calls.entry(session.as_str().to_owned()).or_insert(0);
        *n += 1;
        *n <= FLAKY_FAILURES
    }
}

#[async_trait::async_trait]
impl Connector for DemoBank {
    fn info(&self) -> &TargetInfo {
        &self.info
    }

    async fn start_authorisation(&self, credentials: Credentials) -> Result<AuthStep, BankError> {
        match evaluate_login(credentials.login(), credentials.password()) {
            LoginOutcome::Authorised(s) => {
                Ok(AuthStep::Authorised(BankSession::from_token(self.issue(SESSION_PREFIX, s))))
            }
            LoginOutcome::CodeRequired(s) => Ok(AuthStep::OneTimeCodeRequired(PendingChallenge {
                token: self.issue(CHALLENGE_PREFIX, s),
                failed_attempts: 0,
            })),
            LoginOutcome::Blocked => Err(BankError::AccessBlocked),
            LoginOutcome::Down => Err(BankError::ServiceTemporarilyUnavailable),
            LoginOutcome::Invalid => Err(BankError::InvalidCredentials),
        }
    }

    async fn answer_challenge(&self, challenge: &PendingChallenge, code: OneTimeCode) -> Result<AuthStep, BankError> {
        let token =
            decode_token(CHALLENGE_PREFIX, self.target.id(), &challenge.token).ok_or(BankError::SessionExpired)?;
        let mut failures = self.code_failures.lock().unwrap_or_else(|e| e.into_inner());
        let seen = failures.get(&challenge.token).copied().unwrap_or(0);
        let failed = seen.max(challenge.failed_attempts);
        if failed >= MAX_CODE_ATTEMPTS {
            return Err(BankError::AccessTemporarilyBlocked);
        }
        if code.as_str().trim() == TEST_ONE_TIME_CODE {
            failures.remove(&challenge.token);
            drop(failures);
            return Ok(AuthStep::Authorised(BankSession::from_token(self.issue(SESSION_PREFIX, token.scenario))));
        }
        if failures.len() >= MAX_TRACKED {
            failures.clear();
        }
        failures.insert(challenge.token.clone(), failed + 1);
        if failed + 1 >= MAX_CODE_ATTEMPTS {
            Err(BankError::AccessTemporarilyBlocked)
        } else {
            Err(BankError::InvalidOneTimeCode)
        }
    }

    async fn owners(&self, session: &BankSession) -> Result<Vec<Owner>, BankError> {
        let token = self.session(session)?;
        self.pace(&token).await;
        Ok(Profile::new(self.target, token.scenario, token.as_of).owners())
    }

    async fn accounts(&self, session: &BankSession) -> Result<Vec<BankAccount>, BankError> {
        let token = self.session(session)?;
        self.pace(&token).await;
        Ok(Profile::new(self.target, token.scenario, token.as_of).accounts())
    }

    async fn transactions(
        &self,
        session: &BankSession,
        account_provider_id: &str,
        range: DateRange,
        cursor: Option<&PageCursor>,
    ) -> Result<TransactionPage, BankError> {
        let token = self.session(session)?;
        self.pace(&token).await;
        if token.scenario == Scenario::Flaky && self.flaky_should_fail(session) {
            return Err(BankError::ServiceTemporarilyUnavailable);
        }
        let profile = Profile::new(self.target, token.scenario, token.as_of);
        let account =
            profile.account(account_provider_id).ok_or_else(|| BankError::Internal("unknown account id".into()))?;
        // The timing-out bank serves small pages, so the newer half of the history arrives before it stalls.
        let page_size =
            if token.scenario == Scenario::Timeout { self.page_size.min(TIMEOUT_PAGE_SIZE) } else { self.page_size };
        let page = paging::page(&profile, account, range, cursor, page_size)?;
        if token.scenario == Scenario::Timeout {
            // The bank "stops answering" for anything older than the middle of the range.
            let midpoint = midpoint(range);
            if page.transactions.iter().any(|t| t.transaction_on < midpoint) {
                return Err(BankError::Timeout);
            }
        }
        Ok(page)
    }
}

/// Page size of the `test-timeout` bank.
pub const TIMEOUT_PAGE_SIZE: usize = 50;

/// `from + (to - from) / 2`, in whole days.
fn midpoint(range: DateRange) -> NaiveDate {
    let half = (range.to - range.from).num_days().max(0) / 2;
    range.from + Days::new(half as u64)
}
