//! Sign-in sessions of the widget, stored in the database so any instance can serve any step.
//! They never hold a bank password or one-time code; the pending challenge token is the bank's opaque handle.

use crate::imports::model::{Environment, ImportStatus};
use crate::imports::server::queue;
use crate::platform::config::ImportQuota;
use crate::platform::db::{Backend, Db};
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::text_enum::text_enum;
use crate::shared::{ImportId, Locale, OrganisationId, StoredFlag};
use crate::widget::model::embed::Months;

/// A sign-in session ends after this long without a step (SPEC: 15 minutes of inactivity).
pub const SESSION_IDLE_MS: i64 = 15 * 60 * 1000;

text_enum! {
    pub enum SigninState {
        /// A bank was chosen; waiting for consent.
        BankSelected = "bank_selected",
        Consented = "consented",
        OneTimeCodeRequired = "one_time_code_required",
        /// A request is with the bank right now; nothing else may move the session meanwhile.
        Verifying = "verifying",
        /// Sent to a redirect bank's own page (PSD2); waiting for the applicant to come back.
        Redirected = "redirected",
        Authorised = "authorised",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SigninSession {
    #[sqlx(rename = "signin_session_id")]
    pub id: String,
    pub organisation_id: OrganisationId,
    pub embed_origin: String,
    pub target_id: String,
    pub owner_external_id: Option<String>,
    /// `applicantName`, kept for the import's owner check.
    pub applicant_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub locale: Locale,
    #[sqlx(try_from = "i64")]
    pub months: Months,
    #[sqlx(try_from = "i64")]
    pub auto_import: StoredFlag,
    #[sqlx(try_from = "String")]
    pub state: SigninState,
    pub challenge_token: Option<String>,
    pub sca_failures: i64,
    pub import_id: Option<ImportId>,
    pub updated_at: i64,
    /// The redirect bank's page the applicant was sent to, and the `state` of the return URL given to it.
    pub redirect_url: Option<String>,
    pub redirect_state: Option<String>,
    /// The SPEC §6 code a session failed with, when it failed out of the widget's sight (at the bank).
    pub error_code: Option<String>,
}

pub struct NewSigninSession<'a> {
    pub id: &'a str,
    pub organisation_id: OrganisationId,
    pub embed_origin: &'a str,
    pub target_id: &'a str,
    pub owner_external_id: Option<&'a str>,
    pub applicant_name: Option<&'a str>,
    pub locale: Locale,
    pub months: Months,
    pub auto_import: bool,
}

pub async fn create(db: &Db, s: &NewSigninSession<'_>) -> ServerResult<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO signin_session (signin_session_id, organisation_id, embed_origin, target_id, owner_external_id,
            locale, months, auto_import, state, sca_failures, created_at, updated_at, applicant_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10, $11)",
    )
    .bind(s.id)
    .bind(s.organisation_id)
    .bind(s.embed_origin)
    .bind(s.target_id)
    .bind(s.owner_external_id.map(str::to_string))
    .bind(s.locale.as_str())
    .bind(i64::from(s.months.get()))
    .bind(i64::from(s.auto_import))
    .bind(SigninState::BankSelected.as_str())
    .bind(now)
    .bind(s.applicant_name.map(str::to_string))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Whether `id` looks like one of ours (`ss_` and 48 hex digits, see `flow::new_session_id`). Anything else
/// is never looked up: it cannot exist, and it may carry what a database refuses (a NUL).
pub fn is_session_id(id: &str) -> bool {
    id.strip_prefix("ss_").is_some_and(|hex| hex.len() == 48 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub async fn get(db: &Db, id: &str) -> ServerResult<Option<SigninSession>> {
    if !is_session_id(id) {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "SELECT signin_session_id, organisation_id, embed_origin, target_id, owner_external_id, applicant_name,
                locale, months,
                auto_import, state, challenge_token, sca_failures, import_id, updated_at, redirect_url, redirect_state,
                error_code
         FROM signin_session WHERE signin_session_id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Moves the session to `to` only from one of `from`, so two racing requests cannot both advance it.
pub async fn transition(db: &Db, id: &str, from: &[SigninState], to: SigninState) -> ServerResult<bool> {
    if !is_session_id(id) {
        return Ok(false);
    }
    let placeholders: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 4)).collect();
    let sql = format!(
        "UPDATE signin_session SET state = $1, updated_at = $2 WHERE signin_session_id = $3 AND state IN ({})",
        placeholders.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(to.as_str()).bind(now_ms()).bind(id);
    for state in from {
        q = q.bind(state.as_str());
    }
    Ok(q.execute(&db.pool).await?.rows_affected() == 1)
}

/// The bank asked for a one-time code: remember its challenge (never the code) while verifying.
pub async fn set_challenge(db: &Db, id: &str, token: &str, failures: u32) -> ServerResult<bool> {
    let done = sqlx::query(
        "UPDATE signin_session SET state = $1, challenge_token = $2, sca_failures = $3, updated_at = $4
         WHERE signin_session_id = $5 AND state = $6",
    )
    .bind(SigninState::OneTimeCodeRequired.as_str())
    .bind(token)
    .bind(i64::from(failures))
    .bind(now_ms())
    .bind(id)
    .bind(SigninState::Verifying.as_str())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The consent exists at the bank: the session waits for the applicant's return with `state`, the bank's
/// `handle` (opaque, no secret) and the page they were sent to.
pub async fn set_redirect(db: &Db, id: &str, state: &str, url: &str, handle: &str) -> ServerResult<bool> {
    let done = sqlx::query(
        "UPDATE signin_session SET state = $1, redirect_state = $2, redirect_url = $3, challenge_token = $4,
            updated_at = $5
         WHERE signin_session_id = $6 AND state = $7",
    )
    .bind(SigninState::Redirected.as_str())
    .bind(state)
    .bind(url)
    .bind(handle)
    .bind(now_ms())
    .bind(id)
    .bind(SigninState::Verifying.as_str())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The applicant is back with `state`: takes the waiting session for the one call that asks the bank how it
/// ended. A `state` that is unknown, or was used already, finds nothing.
pub async fn take_returned(db: &Db, state: &str) -> ServerResult<Option<String>> {
    if state.len() != 64 || !state.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let now = now_ms();
    // A session idle too long has ended, even if no page noticed yet.
    let row: Option<(String,)> = sqlx::query_as(
        "UPDATE signin_session SET state = $1, updated_at = $2
         WHERE redirect_state = $3 AND state = $4 AND updated_at > $5
         RETURNING signin_session_id",
    )
    .bind(SigninState::Verifying.as_str())
    .bind(now)
    .bind(state)
    .bind(SigninState::Redirected.as_str())
    .bind(now - SESSION_IDLE_MS)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Ends a session that was with the bank (`Verifying`) as failed with `code`, or as cancelled.
pub async fn end_at_bank(db: &Db, id: &str, to: SigninState, code: &str) -> ServerResult<bool> {
    let done = sqlx::query(
        "UPDATE signin_session SET state = $1, error_code = $2, challenge_token = NULL, updated_at = $3
         WHERE signin_session_id = $4 AND state = $5",
    )
    .bind(to.as_str())
    .bind(code)
    .bind(now_ms())
    .bind(id)
    .bind(SigninState::Verifying.as_str())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the code a failed session ended with, unless one is recorded already.
pub async fn note_error(db: &Db, id: &str, code: &str) -> ServerResult<()> {
    sqlx::query(
        "UPDATE signin_session SET error_code = $1 WHERE signin_session_id = $2 AND state = $3 AND error_code IS NULL",
    )
    .bind(code)
    .bind(id)
    .bind(SigninState::Failed.as_str())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// What a session counts wrong attempts of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Bank login and password, from `Consented`.
    Credentials,
    /// A one-time code, from `OneTimeCodeRequired`.
    OneTimeCode,
}

impl Attempt {
    fn column(self) -> &'static str {
        match self {
            Self::Credentials => "credential_failures",
            Self::OneTimeCode => "sca_failures",
        }
    }

    /// The state the session waits in for this kind of attempt.
    pub fn waiting_state(self) -> SigninState {
        match self {
            Self::Credentials => SigninState::Consented,
            Self::OneTimeCode => SigninState::OneTimeCodeRequired,
        }
    }
}

pub enum Begun {
    /// The session is the caller's for one bank call; `failures` wrong attempts came before.
    Verifying { failures: i64 },
    /// The allowed wrong attempts are used up: the session has failed, the bank is not called.
    Exhausted,
    /// The session is not waiting for this attempt (busy with another request, expired or finished).
    NotWaiting,
}

/// Takes the session for one attempt, atomically with reading its failure count: it moves to `Verifying`
/// while fewer than `max` wrong attempts were made, else it fails.
pub async fn begin_attempt(db: &Db, id: &str, attempt: Attempt, max: i64) -> ServerResult<Begun> {
    if !is_session_id(id) {
        return Ok(Begun::NotWaiting);
    }
    let column = attempt.column();
    let sql = format!(
        "UPDATE signin_session SET state = CASE WHEN {column} < $1 THEN $2 ELSE $3 END, updated_at = $4
         WHERE signin_session_id = $5 AND state = $6 RETURNING state, {column}"
    );
    let row: Option<(String, i64)> = sqlx::query_as(&sql)
        .bind(max)
        .bind(SigninState::Verifying.as_str())
        .bind(SigninState::Failed.as_str())
        .bind(now_ms())
        .bind(id)
        .bind(attempt.waiting_state().as_str())
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some((state, failures)) if state == SigninState::Verifying.as_str() => Begun::Verifying { failures },
        Some(_) => Begun::Exhausted,
        None => Begun::NotWaiting,
    })
}

/// A wrong attempt: counted in the database (not from a value read earlier), and the session waits for the
/// next one. The new count, or `None` when the session moved on meanwhile.
pub async fn record_wrong_attempt(db: &Db, id: &str, attempt: Attempt) -> ServerResult<Option<i64>> {
    let column = attempt.column();
    let sql = format!(
        "UPDATE signin_session SET {column} = {column} + 1, state = $1, updated_at = $2
         WHERE signin_session_id = $3 AND state = $4 RETURNING {column}"
    );
    let row: Option<(i64,)> = sqlx::query_as(&sql)
        .bind(attempt.waiting_state().as_str())
        .bind(now_ms())
        .bind(id)
        .bind(SigninState::Verifying.as_str())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(n,)| n))
}

pub enum Authorised {
    /// The import id, when Auto import is on.
    Done(Option<ImportId>),
    /// The session moved on meanwhile (cancelled or expired): nothing was queued.
    NoLongerOpen,
    /// The organisation has as many imports as its quota allows: nothing was stored.
    OverQuota,
}

/// Marks the session authorised and, with Auto import on, queues the import in the same transaction, so a
/// crash cannot leave an authorised session without its import (or an import twice: the session id is unique).
pub async fn authorise(
    db: &Db,
    session: &SigninSession,
    bank_session: &str,
    environment: Environment,
    quota: ImportQuota,
) -> ServerResult<Authorised> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let claimed = sqlx::query(
        "UPDATE signin_session SET state = $1, challenge_token = NULL, updated_at = $2
         WHERE signin_session_id = $3 AND state = $4",
    )
    .bind(SigninState::Authorised.as_str())
    .bind(now)
    .bind(&session.id)
    .bind(SigninState::Verifying.as_str())
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(Authorised::NoLongerOpen);
    }
    if session.auto_import.0 {
        // Checked again where the import is written: sign-ins started together all passed the check at the
        // start. The session UPDATE above made this SQLite transaction the one writer; PostgreSQL serialises
        // them on the organisation row.
        if db.backend == Backend::Postgres {
            sqlx::query("SELECT organisation_id FROM organisation WHERE organisation_id = $1 FOR NO KEY UPDATE")
                .bind(session.organisation_id)
                .execute(&mut *tx)
                .await?;
        }
        if !queue::quota_use(&mut *tx, session.organisation_id, now).await?.allows_one_more(quota) {
            return Ok(Authorised::OverQuota);
        }
    }
    let import_id = if session.auto_import.0 {
        let (id,): (ImportId,) = sqlx::query_as(
            "INSERT INTO import (organisation_id, signin_session_id, target_id, owner_external_id, months_requested,
                status, progress, step, attempts, bank_session, run_after, created_at, updated_at, environment,
                applicant_name)
             VALUES ($1, $2, $3, $4, $5, $8, 0, $8, 0, $6, $7, $7, $7, $9, $10) RETURNING import_id",
        )
        .bind(session.organisation_id)
        .bind(&session.id)
        .bind(&session.target_id)
        .bind(session.owner_external_id.clone())
        .bind(i64::from(session.months.get()))
        .bind(bank_session)
        .bind(now)
        .bind(ImportStatus::Queued.as_str())
        .bind(environment.as_str())
        .bind(session.applicant_name.clone())
        .fetch_one(&mut *tx)
        .await?;
        Some(id)
    } else {
        None
    };
    sqlx::query("UPDATE signin_session SET import_id = $1 WHERE signin_session_id = $2")
        .bind(import_id)
        .bind(&session.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Authorised::Done(import_id))
}

/// Deletes sign-in sessions a day after they ended: finished ones a day after their last step, abandoned ones a
/// day after they expired from idleness.
pub async fn delete_ended(db: &Db, now: i64) -> ServerResult<u64> {
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let deleted = sqlx::query(
        "DELETE FROM signin_session
         WHERE (state IN ($1, $2, $3) AND updated_at < $4) OR updated_at < $5",
    )
    .bind(SigninState::Authorised.as_str())
    .bind(SigninState::Failed.as_str())
    .bind(SigninState::Cancelled.as_str())
    .bind(now - DAY_MS)
    .bind(now - DAY_MS - SESSION_IDLE_MS)
    .execute(&db.pool)
    .await?;
    Ok(deleted.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::SigninState;

    #[test]
    fn only_well_formed_session_ids_are_looked_up() {
        assert!(super::is_session_id(&format!("ss_{}", "a1".repeat(24))));
        for bad in ["", "ss_", "ss_zz", "ss_\u{0}", &format!("xx_{}", "a1".repeat(24))] {
            assert!(!super::is_session_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn every_state_round_trips_through_its_stored_text() {
        for state in SigninState::ALL {
            assert_eq!(SigninState::parse(state.as_str()).ok(), Some(state));
        }
    }
}
