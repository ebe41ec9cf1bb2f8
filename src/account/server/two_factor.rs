//! Two-factor sign-in with time-based one-time codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step
//! of clock drift either way), computed by `totp-rs`. A member turns it on by proving a code from the new
//! secret; log-in then needs a code whose time step is newer than the last one used (no replay), or one of ten
//! single-use recovery codes.

use super::audit::{self, NewAuditEvent};
use super::password::token_hash;
use super::users::CurrentUser;
use crate::account::model::{AuditAction, TotpSetup};
use crate::platform::crypto::SecretBox;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::shared::{OrganisationId, UserId};
use rand::RngCore;
use totp_rs::{Algorithm, TOTP};

pub const ISSUER: &str = "Insight";
const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
pub const RECOVERY_CODES: usize = 10;

fn totp(secret: Vec<u8>, account: &str, digits: usize) -> TOTP {
    // Skew 0: the steps either side are tried one by one below, so we know which step a code belonged to.
    TOTP::new_unchecked(Algorithm::SHA1, digits, 0, STEP_SECS, secret, Some(ISSUER.into()), account.into())
}

/// The time step a code belongs to, among the current one and one either side.
fn matching_step(totp: &TOTP, code: &str, now_secs: u64) -> Option<u64> {
    let current = now_secs / STEP_SECS;
    [current.saturating_sub(1), current, current + 1].into_iter().find(|step| totp.check(code, step * STEP_SECS))
}

/// What the sealed secret is bound to: its member, so a secret copied to another row does not open.
fn binding(user_id: UserId) -> Vec<u8> {
    format!("totp:{}", user_id.get()).into_bytes()
}

fn is_totp_code(code: &str) -> bool {
    code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

/// Recovery codes as typed: case, spaces and dashes do not matter.
fn normalise_recovery(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

fn new_recovery_code() -> String {
    let mut bytes = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex = hex::encode(bytes);
    format!("{}-{}-{}", &hex[0..4], &hex[4..8], &hex[8..12])
}

/// Starts set-up: a new secret, kept sealed as *pending* until a code from it is confirmed.
pub async fn begin(db: &Db, secrets: &SecretBox, user: &CurrentUser) -> ServerResult<TotpSetup> {
    let mut secret = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    sqlx::query("UPDATE app_user SET totp_pending = $1 WHERE app_user_id = $2")
        .bind(secrets.seal(&secret, &binding(user.user_id)))
        .bind(user.user_id)
        .execute(&db.pool)
        .await?;
    let totp = totp(secret, &user.email, DIGITS);
    let url = totp.get_url();
    let qr = qrcode::QrCode::new(url.as_bytes()).map_err(anyhow::Error::from)?;
    let svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(TotpSetup { secret: totp.get_secret_base32(), otpauth_url: url, qr_svg: svg })
}

pub enum Confirmed {
    /// On; the recovery codes to show once.
    Enabled(Vec<String>),
    WrongCode,
    NothingPending,
}

/// Turns two-factor on if `code` comes from the pending secret; stores ten hashed recovery codes.
pub async fn confirm(
    db: &Db,
    secrets: &SecretBox,
    user: &CurrentUser,
    code: &str,
    ip: Option<String>,
) -> ServerResult<Confirmed> {
    let (pending,): (Option<String>,) = sqlx::query_as("SELECT totp_pending FROM app_user WHERE app_user_id = $1")
        .bind(user.user_id)
        .fetch_one(&db.pool)
        .await?;
    let Some(secret) = pending.and_then(|p| secrets.open(&p, &binding(user.user_id))) else {
        return Ok(Confirmed::NothingPending);
    };
    let now_secs = (now_ms() / 1000) as u64;
    let Some(step) = matching_step(&totp(secret, &user.email, DIGITS), code.trim(), now_secs) else {
        return Ok(Confirmed::WrongCode);
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let mut tx = db.begin().await?;
    let moved = sqlx::query(
        "UPDATE app_user SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1
         WHERE app_user_id = $2 AND totp_pending IS NOT NULL",
    )
    .bind(step as i64)
    .bind(user.user_id)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(Confirmed::NothingPending);
    }
    replace_recovery_codes(&mut tx, user.user_id, &codes).await?;
    let event = NewAuditEvent::by(user, AuditAction::TwoFactorEnabled, None, "two-factor sign-in turned on".into(), ip);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(Confirmed::Enabled(codes))
}

async fn replace_recovery_codes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: UserId,
    codes: &[String],
) -> ServerResult<()> {
    sqlx::query("DELETE FROM recovery_code WHERE app_user_id = $1").bind(user_id).execute(&mut **tx).await?;
    for code in codes {
        sqlx::query("INSERT INTO recovery_code (app_user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(token_hash(&normalise_recovery(code)))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    /// A recovery code, now used up.
    RecoveryUsed,
    /// Wrong, from a time step already used, or a recovery code used before.
    Refused,
}

/// Checks a log-in code of a member with two-factor on. A time step is taken at most once, atomically, so
/// the same code sent twice (even at once) works once.
pub async fn check_login_code(db: &Db, secrets: &SecretBox, user_id: UserId, code: &str) -> ServerResult<CodeCheck> {
    let row: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT totp_secret, email FROM app_user WHERE app_user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    let Some((Some(sealed), email)) = row else { return Ok(CodeCheck::Refused) };
    let code = code.trim();
    if is_totp_code(code) {
        let Some(secret) = secrets.open(&sealed, &binding(user_id)) else {
            tracing::error!(user_id = user_id.get(), "a TOTP secret does not open with this instance's key");
            return Ok(CodeCheck::Refused);
        };
        let Some(step) = matching_step(&totp(secret, &email, DIGITS), code, (now_ms() / 1000) as u64) else {
            return Ok(CodeCheck::Refused);
        };
        let taken =
            sqlx::query("UPDATE app_user SET totp_last_step = $1 WHERE app_user_id = $2 AND totp_last_step < $1")
                .bind(step as i64)
                .bind(user_id)
                .execute(&db.pool)
                .await?;
        return Ok(if taken.rows_affected() == 1 { CodeCheck::Accepted } else { CodeCheck::Refused });
    }
    let used = sqlx::query(
        "UPDATE recovery_code SET used_at = $1 WHERE app_user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now_ms())
    .bind(user_id)
    .bind(token_hash(&normalise_recovery(code)))
    .execute(&db.pool)
    .await?;
    Ok(if used.rows_affected() == 1 { CodeCheck::RecoveryUsed } else { CodeCheck::Refused })
}

/// Turns two-factor off (the member proved a current code first) and forgets secret and recovery codes.
pub async fn disable(db: &Db, user: &CurrentUser, ip: Option<String>) -> ServerResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE app_user SET totp_secret = NULL, totp_pending = NULL WHERE app_user_id = $1")
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM recovery_code WHERE app_user_id = $1").bind(user.user_id).execute(&mut *tx).await?;
    let event =
        NewAuditEvent::by(user, AuditAction::TwoFactorDisabled, None, "two-factor sign-in turned off".into(), ip);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Recovery codes not used yet.
pub async fn recovery_codes_left(db: &Db, user_id: UserId) -> ServerResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM recovery_code WHERE app_user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// The organisation's **Require two-factor for all members**.
pub async fn set_required(db: &Db, admin: &CurrentUser, required: bool, ip: Option<String>) -> ServerResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE organisation SET require_two_factor = $1 WHERE organisation_id = $2")
        .bind(i64::from(required))
        .bind(admin.organisation_id)
        .execute(&mut *tx)
        .await?;
    let detail = format!("two-factor {} for all members", if required { "required" } else { "no longer required" });
    let event = NewAuditEvent::by(admin, AuditAction::TwoFactorPolicyChanged, None, detail, ip);
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a member's organisation requires two-factor (for set-up prompts outside a signed-in request).
pub async fn required_in(db: &Db, organisation_id: OrganisationId) -> ServerResult<bool> {
    let (required,): (i64,) = sqlx::query_as("SELECT require_two_factor FROM organisation WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(required != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890" and its 8-digit codes.
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let rfc = totp(b"12345678901234567890".to_vec(), "rfc", 8);
        for (time, code) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(rfc.generate(time), code, "T = {time}");
            assert_eq!(matching_step(&rfc, code, time), Some(time / 30));
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let t = totp(vec![42; 20], "member@example.com", DIGITS);
        let now = 1_700_000_000;
        let code = t.generate(now);
        assert_eq!(matching_step(&t, &code, now + 30), Some(now / 30), "a slow phone");
        assert_eq!(matching_step(&t, &code, now - 30), Some(now / 30), "a fast phone");
        assert_eq!(matching_step(&t, &code, now + 90), None);
        assert!(t.get_url().starts_with("otpauth://totp/Insight:member%40example.com?secret="));
    }

    #[test]
    fn recovery_codes_are_read_as_typed() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 14);
        assert_eq!(normalise_recovery(&code.to_uppercase().replace('-', " ")), normalise_recovery(&code));
        assert!(!is_totp_code(&code) && is_totp_code("123456") && !is_totp_code("12345a"));
    }
}
