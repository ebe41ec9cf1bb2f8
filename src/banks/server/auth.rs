//! Secrets the end user types (credentials, one-time codes) and what the bank hands back.
//! The secret types have hand-written `Debug`, no `Display`, `Clone` or `Serialize`, so they
//! cannot leak into logs, error messages or the database by accident (SPEC §3).

use serde::{Deserialize, Serialize};

/// Login and password for the bank. Only the connector reads them.
pub struct Credentials {
    login: String,
    password: String,
}

impl Credentials {
    pub fn new(login: impl Into<String>, password: impl Into<String>) -> Self {
        Self { login: login.into(), password: password.into() }
    }

    pub fn login(&self) -> &str {
        &self.login
    }

    pub fn password(&self) -> &str {
        &self.password
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials { login: \"***\", password: \"***\" }")
    }
}

/// A one-time code (SCA) typed by the user.
pub struct OneTimeCode(String);

impl OneTimeCode {
    pub fn new(code: impl Into<String>) -> Self {
        Self(code.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OneTimeCode(***)")
    }
}

/// Opaque token a connector issues after successful authorisation. It holds no password or
/// code, so the app may persist it for the duration of an import.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BankSession(String);

impl BankSession {
    pub fn from_token(token: String) -> Self {
        Self(token)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The bank wants a one-time code. `token` is opaque and holds no secrets; the app keeps the
/// challenge between requests and increments `failed_attempts` after each `InvalidOneTimeCode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChallenge {
    pub token: String,
    pub failed_attempts: u32,
}

/// The outcome of one authorisation step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthStep {
    Authorised(BankSession),
    OneTimeCodeRequired(PendingChallenge),
}

/// What a redirect bank (PSD2) needs to start a consent: where the bank sends the applicant back, and the
/// applicant's address (the bank is told the applicant is present, `PSU-IP-Address`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectRequest {
    /// Insight's return URL, carrying the sign-in session's unguessable `state`.
    pub return_url: String,
    pub psu_ip: std::net::IpAddr,
}

/// A consent created at the bank: send the applicant to `url`; keep `handle` (opaque, no secrets) to ask the
/// bank for the outcome when they come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectStart {
    pub url: String,
    pub handle: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_secrets_never_shows_them() {
        let c = Credentials::new("test", "S3cret-xyz");
        assert_eq!(format!("{c:?}"), "Credentials { login: \"***\", password: \"***\" }");
        assert_eq!(format!("{:?}", OneTimeCode::new("654321")), "OneTimeCode(***)");
        assert_eq!(c.login(), "test");
        assert_eq!(c.password(), "S3cret-xyz");
    }
}
