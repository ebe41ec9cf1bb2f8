//! The sign-in steps: resolve the embed options against the organisation's configuration, then walk the
//! session through bank selection → consent → credentials (→ one-time code) → authorised, queueing the import.

use super::sessions::{
    self as signin_sessions, Attempt, Authorised, Begun, NewSigninSession, SigninSession, SigninState, SESSION_IDLE_MS,
};
use super::{config_store, signature};
use crate::account::server::organisations::{self, OrganisationRow};
use crate::banks::model::Environment;
use crate::banks::server::{
    AuthKind, AuthStep, BankError, Credentials, OneTimeCode, PendingChallenge, RedirectRequest, TargetInfo,
};
use crate::imports::model::ImportProgress;
use crate::imports::server::{queue, reads};
use crate::platform::error::ServerError;
use crate::platform::http::request::RequestFacts;
use crate::platform::now_ms;
use crate::platform::state::AppState;
use crate::shared::{ClientId, ImportId, Locale, OrganisationId, WidgetErrorCode};
use crate::widget::model::embed::{ApplicantName, CountryCode, EmbedOptions, Months, OwnerExternalId, PageOrigin};
use crate::widget::model::error::WidgetError;
use crate::widget::model::flow::{SigninStep, SuccessPayload, WidgetBank, WidgetContext};
use crate::widget::model::settings::WidgetSettings;
use rand::RngCore;
use std::net::IpAddr;
use std::time::Instant;

pub fn state() -> Result<AppState, WidgetError> {
    AppState::from_context().map_err(|_| internal())
}

fn internal() -> WidgetError {
    WidgetError::new(WidgetErrorCode::InternalError, Locale::En)
}

fn db_failed(locale: Locale) -> impl Fn(ServerError) -> WidgetError {
    move |e| {
        tracing::error!(error.cause_chain = ?anyhow::Error::from(e), "widget step failed");
        WidgetError::new(WidgetErrorCode::InternalError, locale)
    }
}

/// Embed options checked against the organisation's saved configuration, which is authoritative.
pub struct Embed {
    pub organisation: OrganisationRow,
    pub settings: WidgetSettings,
    pub origin: PageOrigin,
    pub locale: Locale,
    pub months: Months,
    pub country: Option<CountryCode>,
    pub owner: Option<OwnerExternalId>,
    pub applicant: Option<ApplicantName>,
    pub target: Option<String>,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Checks the embed options against the organisation's configuration. `own_origin` is the portal's own
/// origin: its live preview may always embed the widget.
pub async fn resolve_embed(
    state: &AppState,
    req: &EmbedOptions,
    own_origin: Option<&str>,
) -> Result<Embed, WidgetError> {
    // Until we know the organisation, messages follow the locale the page asked for.
    let asked_locale = present(&req.locale).and_then(|l| Locale::from_user(l).ok()).unwrap_or_default();
    let unknown = || WidgetError::new(WidgetErrorCode::UnknownClient, asked_locale);
    let client_id = ClientId::parse(&req.client_id).map_err(|_| unknown())?;
    let organisation = organisations::find_by_client_id(&state.db, &client_id)
        .await
        .map_err(db_failed(asked_locale))?
        .ok_or_else(unknown)?;
    let settings = config_store::get(&state.db, organisation.organisation_id).await.map_err(db_failed(asked_locale))?;
    let locale = match present(&req.locale) {
        Some(l) => Locale::from_user(l).map_err(|_| invalid(settings.locale, "locale must be \"en\" or \"pl\""))?,
        None => settings.locale,
    };
    let origin =
        PageOrigin::parse(&req.origin).map_err(|_| WidgetError::new(WidgetErrorCode::OriginNotAllowed, locale))?;
    let is_preview = own_origin == Some(origin.as_str());
    if !settings.allows_origin(origin.as_str()) && !is_preview {
        return Err(WidgetError::new(WidgetErrorCode::OriginNotAllowed, locale)
            .with_detail("this page's origin is not on the widget's allowed origins list"));
    }
    let months = match present(&req.months) {
        Some(m) => {
            Months::parse(m).map_err(|_| invalid(locale, "autoImport.months must be a whole number from 1 to 24"))?
        }
        None => settings.months,
    };
    let country = match present(&req.country) {
        Some(c) => Some(CountryCode::parse(c).map_err(|_| invalid(locale, "country must be a two-letter code"))?),
        None => settings.country.clone(),
    };
    let owner = present(&req.owner)
        .map(OwnerExternalId::parse)
        .transpose()
        .map_err(|_| invalid(locale, "ownerExternalId must be 1 to 128 of A-Z a-z 0-9 . _ : -"))?;
    let applicant = present(&req.applicant)
        .map(ApplicantName::parse)
        .transpose()
        .map_err(|_| invalid(locale, "applicantName must be 1 to 200 characters of text"))?;
    let embed = Embed {
        organisation,
        settings,
        origin,
        locale,
        months,
        country,
        owner,
        applicant,
        target: present(&req.target).map(str::to_string),
    };
    if let Some(target) = &embed.target {
        refuse_switched_off_sandbox(state, &embed, target)?;
        if !banks(state, &embed).iter().any(|b| b.id.as_str() == target) {
            return Err(invalid(locale, "the target option is not one of the available banks"));
        }
    }
    Ok(embed)
}

/// Embed options the server refuses. The detail is fixed text: the error view may be framed by any page, so
/// it never repeats what the page sent.
fn invalid(locale: Locale, detail: &'static str) -> WidgetError {
    WidgetError::new(WidgetErrorCode::InvalidOptions, locale).with_detail(detail)
}

/// The banks this widget offers: the catalog's, in the chosen country, sandbox ones only while the
/// organisation's *Sandbox banks* switch is on.
fn banks(state: &AppState, embed: &Embed) -> Vec<TargetInfo> {
    state
        .catalog
        .list()
        .into_iter()
        .filter(|t| embed.country.as_ref().is_none_or(|c| t.country == c.as_str()))
        .filter(|t| embed.settings.sandbox_banks || t.environment != Environment::Sandbox)
        .collect()
}

/// A sandbox target asked for while the organisation has sandbox banks switched off: `TargetNotAvailable`.
fn refuse_switched_off_sandbox(state: &AppState, embed: &Embed, target: &str) -> Result<(), WidgetError> {
    let sandbox = state.catalog.get(target).is_some_and(|c| c.info().environment == Environment::Sandbox);
    if sandbox && !embed.settings.sandbox_banks {
        return Err(WidgetError::new(WidgetErrorCode::TargetNotAvailable, embed.locale)
            .with_detail("sandbox banks are switched off for this organisation (Sandbox banks on /widget)"));
    }
    Ok(())
}

pub fn context(state: &AppState, embed: &Embed) -> WidgetContext {
    WidgetContext {
        organisation_name: embed.organisation.name.clone(),
        locale: embed.locale,
        months: embed.months.get(),
        banks: banks(state, embed)
            .into_iter()
            .map(|t| WidgetBank {
                sandbox: t.environment == Environment::Sandbox,
                id: t.id.as_str().to_string(),
                name: t.name,
                country: t.country,
            })
            .collect(),
        preselected: embed.target.clone(),
    }
}

fn over_quota(locale: Locale) -> WidgetError {
    WidgetError::busy(locale)
        .with_detail("this organisation has as many imports queued, running or started this hour as its limits allow")
        .retry_after(std::time::Duration::from_secs(60))
}

pub fn new_session_id() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("ss_{}", hex::encode(bytes))
}

pub async fn start(state: &AppState, embed: &Embed, bank: &str) -> Result<String, WidgetError> {
    refuse_switched_off_sandbox(state, embed, bank)?;
    if !banks(state, embed).iter().any(|b| b.id.as_str() == bank) {
        return Err(invalid(embed.locale, "the chosen bank is not available"));
    }
    // Charged only for a valid request, so junk cannot use up a business's budget and switch its widget off.
    if let Err(wait) = state.limits.signins_per_client.check(&embed.organisation.client_id.to_string()) {
        tracing::warn!(organisation_id = embed.organisation.organisation_id.get(), "sign-in rate limit reached");
        return Err(WidgetError::busy(embed.locale)
            .with_detail("too many new sign-ins for this Client ID; try again in a minute")
            .retry_after(wait));
    }
    if embed.settings.auto_import {
        let used = queue::quota_use(&state.db.pool, embed.organisation.organisation_id, now_ms())
            .await
            .map_err(db_failed(embed.locale))?;
        if !used.allows_one_more(state.settings.limits.import_quota()) {
            tracing::warn!(organisation_id = embed.organisation.organisation_id.get(), "import quota reached");
            return Err(over_quota(embed.locale));
        }
    }
    let id = new_session_id();
    let new = NewSigninSession {
        id: &id,
        organisation_id: embed.organisation.organisation_id,
        embed_origin: embed.origin.as_str(),
        target_id: bank,
        owner_external_id: embed.owner.as_ref().map(OwnerExternalId::as_str),
        applicant_name: embed.applicant.as_ref().map(ApplicantName::as_str),
        locale: embed.locale,
        months: embed.months,
        auto_import: embed.settings.auto_import,
    };
    signin_sessions::create(&state.db, &new).await.map_err(db_failed(embed.locale))?;
    Ok(id)
}

/// The session if it exists, is in one of `states`, and has not been idle too long.
async fn active(state: &AppState, id: &str, states: &[SigninState]) -> Result<SigninSession, WidgetError> {
    let expired = || WidgetError::new(WidgetErrorCode::SessionExpired, Locale::En);
    let session = signin_sessions::get(&state.db, id).await.map_err(db_failed(Locale::En))?.ok_or_else(expired)?;
    let locale = session.locale;
    if now_ms() - session.updated_at > SESSION_IDLE_MS {
        let _ = signin_sessions::transition(&state.db, id, states, SigninState::Failed).await;
        return Err(WidgetError::new(WidgetErrorCode::SessionExpired, locale));
    }
    if !states.contains(&session.state) {
        return Err(WidgetError::new(WidgetErrorCode::SessionExpired, locale));
    }
    Ok(session)
}

/// Records the consent; `true` when the bank is a redirect bank (the applicant approves at its own page next).
pub async fn consent(state: &AppState, id: &str) -> Result<bool, WidgetError> {
    let session = active(state, id, &[SigninState::BankSelected, SigninState::Consented]).await?;
    signin_sessions::transition(
        &state.db,
        id,
        &[SigninState::BankSelected, SigninState::Consented],
        SigninState::Consented,
    )
    .await
    .map_err(db_failed(session.locale))?;
    Ok(is_redirect_bank(state, &session.target_id))
}

fn bank_error(e: BankError, locale: Locale) -> WidgetError {
    // Internal details (never secrets: the connector's errors carry none) go to the log, not the user.
    if let BankError::Internal(detail) = &e {
        tracing::error!(detail, "bank connector error");
    }
    WidgetError::new(e.code(), locale)
}

/// Takes the session for one bank call: a second request racing it finds the session busy, and once the
/// allowed wrong attempts are used up the bank is not called again.
async fn begin(state: &AppState, session: &SigninSession, attempt: Attempt) -> Result<i64, WidgetError> {
    let max = state.settings.limits.bank_attempts_per_session;
    match signin_sessions::begin_attempt(&state.db, &session.id, attempt, max)
        .await
        .map_err(db_failed(session.locale))?
    {
        Begun::Verifying { failures } => Ok(failures),
        Begun::Exhausted => {
            tracing::warn!(organisation_id = session.organisation_id.get(), "sign-in session out of attempts");
            Err(WidgetError::new(WidgetErrorCode::AccessTemporarilyBlocked, session.locale))
        }
        Begun::NotWaiting => Err(WidgetError::new(WidgetErrorCode::SessionExpired, session.locale)),
    }
}

/// The bank call failed: a wrong password or code is counted and may be tried again; anything else ends the
/// session.
async fn after_failure(
    state: &AppState,
    session: &SigninSession,
    error: BankError,
    attempt: Attempt,
) -> Result<WidgetError, WidgetError> {
    let error = bank_error(error, session.locale);
    if error.code.can_retry_step() {
        signin_sessions::record_wrong_attempt(&state.db, &session.id, attempt)
            .await
            .map_err(db_failed(session.locale))?;
    } else {
        let _ =
            signin_sessions::transition(&state.db, &session.id, &[SigninState::Verifying], SigninState::Failed).await;
    }
    Ok(error)
}

/// The client's address as the failed-login budget keys it (with the organisation).
fn bank_login_key(session: &SigninSession, client: Option<RequestFacts>) -> Option<(OrganisationId, IpAddr)> {
    client.map(|f| (session.organisation_id, f.limit_key()))
}

pub async fn submit_credentials(
    state: &AppState,
    id: &str,
    credentials: Credentials,
    client: Option<RequestFacts>,
) -> Result<SigninStep, WidgetError> {
    let session = active(state, id, &[SigninState::Consented]).await?;
    if is_redirect_bank(state, &session.target_id) {
        // Its applicants approve at the bank's own page; a password sent here is never passed on.
        return Err(invalid(session.locale, "this bank is approved at its own page, not with a password here"));
    }
    let connector = state.catalog.get(&session.target_id).ok_or_else(internal)?;
    let key = bank_login_key(&session, client);
    if let Some(wait) = key.and_then(|k| state.limits.bank_logins.check(&k, Instant::now()).err()) {
        return Err(WidgetError::new(WidgetErrorCode::AccessTemporarilyBlocked, session.locale).retry_after(wait));
    }
    begin(state, &session, Attempt::Credentials).await?;
    match connector.start_authorisation(credentials).await {
        Ok(step) => after_auth_step(state, &session, step).await,
        Err(e) => {
            if e == BankError::InvalidCredentials {
                if let Some(k) = &key {
                    state.limits.bank_logins.record_failure(k, Instant::now());
                }
            }
            Err(after_failure(state, &session, e, Attempt::Credentials).await?)
        }
    }
}

pub async fn submit_code(state: &AppState, id: &str, code: OneTimeCode) -> Result<SigninStep, WidgetError> {
    let session = active(state, id, &[SigninState::OneTimeCodeRequired]).await?;
    let connector = state.catalog.get(&session.target_id).ok_or_else(internal)?;
    let token = session.challenge_token.clone().ok_or_else(internal)?;
    // The count comes from the same statement that takes the session, so no parallel request can have
    // counted a failure in between.
    let failures = begin(state, &session, Attempt::OneTimeCode).await?;
    let challenge = PendingChallenge { token, failed_attempts: u32::try_from(failures).unwrap_or(u32::MAX) };
    match connector.answer_challenge(&challenge, code).await {
        Ok(step) => after_auth_step(state, &session, step).await,
        Err(e) => Err(after_failure(state, &session, e, Attempt::OneTimeCode).await?),
    }
}

async fn after_auth_step(state: &AppState, session: &SigninSession, step: AuthStep) -> Result<SigninStep, WidgetError> {
    let failed = db_failed(session.locale);
    let gone = || WidgetError::new(WidgetErrorCode::SessionExpired, session.locale);
    match step {
        AuthStep::OneTimeCodeRequired(challenge) => {
            if signin_sessions::set_challenge(&state.db, &session.id, &challenge.token, challenge.failed_attempts)
                .await
                .map_err(failed)?
            {
                Ok(SigninStep::OneTimeCodeRequired)
            } else {
                Err(gone())
            }
        }
        AuthStep::Authorised(bank_session) => {
            let quota = state.settings.limits.import_quota();
            let environment = state.catalog.environment(&session.target_id);
            let authorised = signin_sessions::authorise(&state.db, session, bank_session.as_str(), environment, quota)
                .await
                .map_err(&failed)?;
            let import_id = match authorised {
                Authorised::Done(import_id) => import_id,
                // Cancelled (or expired) while the bank was answering: nothing is queued.
                Authorised::NoLongerOpen => return Err(gone()),
                Authorised::OverQuota => {
                    let _ = signin_sessions::transition(
                        &state.db,
                        &session.id,
                        &[SigninState::Verifying],
                        SigninState::Failed,
                    )
                    .await;
                    return Err(over_quota(session.locale));
                }
            };
            if import_id.is_some() {
                state.import_queued.notify_waiters();
            }
            tracing::info!(import_id = import_id.map(|i| i.get()), target = session.target_id, "bank authorised");
            Ok(SigninStep::Success(success_payload(state, session, import_id).await?))
        }
    }
}

/// Whether a target authorises at the bank's own page (PSD2 redirect SCA) rather than with a password here.
pub fn is_redirect_bank(state: &AppState, target: &str) -> bool {
    state.catalog.get(target).is_some_and(|c| c.info().auth == AuthKind::Redirect)
}

/// Where Insight's return URL for redirect banks lives (`/embed/return?state=…`).
pub const RETURN_PATH: &str = "/embed/return";

/// The bank's page for a consented session of a redirect bank, and the `state` of Insight's return URL: the
/// consent is created at the bank on the first call; later calls (the applicant clicked again, or opened the
/// link after a blocked popup) get the same page.
pub async fn start_redirect(
    state: &AppState,
    id: &str,
    own_origin: &str,
    client: Option<RequestFacts>,
) -> Result<(String, String), WidgetError> {
    // The popup is opened on the consent click, so it may arrive just before the consent is stored.
    let mut session =
        active(state, id, &[SigninState::BankSelected, SigninState::Consented, SigninState::Redirected]).await?;
    for _ in 0..50 {
        if session.state != SigninState::BankSelected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        session =
            active(state, id, &[SigninState::BankSelected, SigninState::Consented, SigninState::Redirected]).await?;
    }
    let locale = session.locale;
    if !is_redirect_bank(state, &session.target_id) {
        return Err(invalid(locale, "this bank is not approved at its own page"));
    }
    match (session.state, &session.redirect_url, &session.redirect_state) {
        (SigninState::Redirected, Some(url), Some(return_state)) => return Ok((url.clone(), return_state.clone())),
        (SigninState::Consented, _, _) => {}
        _ => return Err(WidgetError::new(WidgetErrorCode::SessionExpired, locale)),
    }
    let connector = state.catalog.get(&session.target_id).ok_or_else(internal)?;
    let psu_ip = client.map(|f| f.client_ip).ok_or_else(internal)?;
    if !signin_sessions::transition(&state.db, id, &[SigninState::Consented], SigninState::Verifying)
        .await
        .map_err(db_failed(locale))?
    {
        // Another request is creating the consent right now.
        return Err(WidgetError::new(WidgetErrorCode::SessionExpired, locale));
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let return_state = hex::encode(bytes);
    let request = RedirectRequest {
        return_url: format!("{}{RETURN_PATH}?state={return_state}", own_origin.trim_end_matches('/')),
        psu_ip,
    };
    match connector.start_redirect(&request).await {
        Ok(start) => {
            if signin_sessions::set_redirect(&state.db, id, &return_state, &start.url, &start.handle)
                .await
                .map_err(db_failed(locale))?
            {
                tracing::info!(target = session.target_id, "applicant sent to the bank");
                Ok((start.url, return_state))
            } else {
                Err(WidgetError::new(WidgetErrorCode::SessionExpired, locale))
            }
        }
        Err(e) => {
            let error = bank_error(e, locale);
            let _ = signin_sessions::end_at_bank(&state.db, id, SigninState::Failed, error.code.as_str()).await;
            Err(error)
        }
    }
}

/// The applicant is back from the bank with `state`: the bank says how the consent ended; an approved one is
/// authorised and its import queued, as after a password. Unknown and reused `state`s are refused.
pub async fn finish_redirect(state: &AppState, return_state: &str) -> Result<SigninSession, WidgetError> {
    let unknown = || {
        WidgetError::new(WidgetErrorCode::InvalidOptions, Locale::En)
            .with_detail("this return link is unknown, expired or was used already")
    };
    let id = signin_sessions::take_returned(&state.db, return_state)
        .await
        .map_err(db_failed(Locale::En))?
        .ok_or_else(unknown)?;
    let session = signin_sessions::get(&state.db, &id).await.map_err(db_failed(Locale::En))?.ok_or_else(unknown)?;
    let connector = state.catalog.get(&session.target_id).ok_or_else(internal)?;
    let handle = session.challenge_token.clone().unwrap_or_default();
    let outcome = connector.finish_redirect(&handle).await;
    let ended = match outcome {
        Ok(bank_session) => after_auth_step(state, &session, AuthStep::Authorised(bank_session)).await.map(|_| ()),
        Err(BankError::UserCancelled) => {
            signin_sessions::end_at_bank(
                &state.db,
                &id,
                SigninState::Cancelled,
                WidgetErrorCode::UserCancelled.as_str(),
            )
            .await
            .map_err(db_failed(session.locale))?;
            Ok(())
        }
        Err(e) if e.is_transient() => {
            // The bank did not answer this time: the applicant may reload this page to ask again.
            let _ =
                signin_sessions::transition(&state.db, &id, &[SigninState::Verifying], SigninState::Redirected).await;
            return Err(bank_error(e, session.locale));
        }
        Err(e) => {
            let error = bank_error(e, session.locale);
            signin_sessions::end_at_bank(&state.db, &id, SigninState::Failed, error.code.as_str())
                .await
                .map_err(db_failed(session.locale))?;
            Ok(())
        }
    };
    if let Err(e) = ended {
        // Over quota or a fault while authorising: the session has ended; the widget shows this code.
        let _ = signin_sessions::end_at_bank(&state.db, &id, SigninState::Failed, e.code.as_str()).await;
        let _ = signin_sessions::note_error(&state.db, &id, e.code.as_str()).await;
    }
    tracing::info!(target = session.target_id, "applicant back from the bank");
    Ok(session)
}

/// What `onSuccess` receives for an authorised session (SPEC §3).
async fn success_payload(
    state: &AppState,
    session: &SigninSession,
    import_id: Option<ImportId>,
) -> Result<SuccessPayload, WidgetError> {
    let (client_id, secret) = organisations::client_id_and_secret(&state.db, session.organisation_id)
        .await
        .map_err(db_failed(session.locale))?;
    let claims = signature::ResultClaims {
        session_id: session.id.clone(),
        import_id: import_id.map(ImportId::get),
        owner_external_id: session.owner_external_id.clone(),
        applicant_name: session.applicant_name.clone(),
        client_id,
        target: session.target_id.clone(),
        iat: chrono::Utc::now().timestamp(),
    };
    Ok(SuccessPayload {
        session_id: session.id.clone(),
        session_id_signature: signature::sign_session_id(&secret, &session.id),
        result_token: signature::result_token(&secret, &claims),
        target: session.target_id.clone(),
        target_name: state.catalog.display_name(&session.target_id),
        import_id,
        owner_external_id: session.owner_external_id.clone(),
    })
}

/// Everything a server-rendered step of a session shows.
pub struct SessionView {
    pub session: SigninSession,
    pub organisation: OrganisationRow,
    pub bank_name: String,
    /// The bank authorises at its own page (PSD2).
    pub redirect_bank: bool,
    /// For an authorised session: what `onSuccess` receives.
    pub success: Option<SuccessPayload>,
    /// The session sat idle too long: it is over.
    pub expired: bool,
}

/// Reads a session for its page; an idle session is ended on the way, exactly as a step would end it.
pub async fn session_view(state: &AppState, id: &str) -> Result<SessionView, WidgetError> {
    let expired_error = || WidgetError::new(WidgetErrorCode::SessionExpired, Locale::En);
    let session =
        signin_sessions::get(&state.db, id).await.map_err(db_failed(Locale::En))?.ok_or_else(expired_error)?;
    // `Verifying` too: a request that died with its process (a crash while with the bank) must not leave the
    // widget waiting for ever.
    let open = [
        SigninState::BankSelected,
        SigninState::Consented,
        SigninState::OneTimeCodeRequired,
        SigninState::Redirected,
        SigninState::Verifying,
    ];
    let expired = open.contains(&session.state) && now_ms() - session.updated_at > SESSION_IDLE_MS;
    if expired {
        let _ = signin_sessions::transition(&state.db, id, &open, SigninState::Failed).await;
    }
    let organisation = organisations::find(&state.db, session.organisation_id)
        .await
        .map_err(db_failed(session.locale))?
        .ok_or_else(expired_error)?;
    let success = match session.state {
        SigninState::Authorised => Some(success_payload(state, &session, session.import_id).await?),
        _ => None,
    };
    Ok(SessionView {
        bank_name: state.catalog.display_name(&session.target_id),
        redirect_bank: is_redirect_bank(state, &session.target_id),
        organisation,
        success,
        expired,
        session,
    })
}

pub async fn cancel(state: &AppState, id: &str) -> Result<(), WidgetError> {
    let open = [
        SigninState::BankSelected,
        SigninState::Consented,
        SigninState::OneTimeCodeRequired,
        SigninState::Verifying,
        SigninState::Redirected,
    ];
    signin_sessions::transition(&state.db, id, &open, SigninState::Cancelled).await.map_err(db_failed(Locale::En))?;
    Ok(())
}

pub async fn progress(state: &AppState, id: &str) -> Result<Option<ImportProgress>, WidgetError> {
    let session = signin_sessions::get(&state.db, id)
        .await
        .map_err(db_failed(Locale::En))?
        .ok_or_else(|| WidgetError::new(WidgetErrorCode::SessionExpired, Locale::En))?;
    let Some(import_id) = session.import_id else { return Ok(None) };
    reads::progress(&state.db, session.organisation_id, import_id).await.map_err(db_failed(session.locale))
}
