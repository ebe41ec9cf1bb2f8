//! The test logins of SPEC §4 and the opaque tokens the Demo Bank issues.
//! Tokens carry the target, the scenario and the as-of date (so an import that runs past
//! midnight or after a restart still sees the same data), never a password or code.

use crate::shared::text_enum::text_enum;
use chrono::NaiveDate;

/// The password every working test login uses.
pub const TEST_PASSWORD: &str = "Test123";
/// The one-time code `test-sca` accepts.
pub const TEST_ONE_TIME_CODE: &str = "123456";
/// Wrong codes allowed before the bank blocks access temporarily.
pub const MAX_CODE_ATTEMPTS: u32 = 3;

text_enum! {
    /// What a working test login behaves like once authorised.
    pub enum Scenario {
        Standard = "standard",
        Sca = "sca",
        Joint = "joint",
        Large = "large",
        Slow = "slow",
        Flaky = "flaky",
        Timeout = "timeout",
        Risky = "risky",
    }
}

impl Scenario {
    /// The test login that selects this scenario.
    pub fn login(self) -> &'static str {
        match self {
            Self::Standard => "test",
            Self::Sca => "test-sca",
            Self::Joint => "test-joint",
            Self::Large => "test-large",
            Self::Slow => "test-slow",
            Self::Flaky => "test-flaky",
            Self::Timeout => "test-timeout",
            Self::Risky => "test-risky",
        }
    }
}

/// What a login attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LoginOutcome {
    Authorised(Scenario),
    CodeRequired(Scenario),
    Blocked,
    Down,
    Invalid,
}

/// Logins are case-sensitive; surrounding whitespace of the login (not the password) is ignored.
pub(super) fn evaluate_login(login: &str, password: &str) -> LoginOutcome {
    match login.trim() {
        "test-blocked" => LoginOutcome::Blocked,
        "test-down" => LoginOutcome::Down,
        login => match Scenario::ALL.into_iter().find(|s| s.login() == login) {
            Some(s) if password == TEST_PASSWORD && s == Scenario::Sca => LoginOutcome::CodeRequired(s),
            Some(s) if password == TEST_PASSWORD => LoginOutcome::Authorised(s),
            _ => LoginOutcome::Invalid,
        },
    }
}

/// The parts of a session or challenge token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub scenario: Scenario,
    pub as_of: NaiveDate,
}

pub(super) const SESSION_PREFIX: &str = "demo";
pub(super) const CHALLENGE_PREFIX: &str = "demo-otp";

/// `<prefix>:<target>:<scenario>:<yyyymmdd>:<16 hex nonce>`
pub(super) fn encode_token(prefix: &str, target: &str, token: &Token, nonce: u64) -> String {
    format!("{prefix}:{target}:{}:{}:{nonce:016x}", token.scenario.as_str(), token.as_of.format("%Y%m%d"))
}

/// `None` for anything this target did not issue.
pub(super) fn decode_token(prefix: &str, target: &str, text: &str) -> Option<Token> {
    let mut parts = text.split(':');
    let (p, t, s, d, n) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let nonce_ok = n.len() == 16 && n.bytes().all(|b| b.is_ascii_hexdigit());
    if parts.next().is_some() || p != prefix || t != target || !nonce_ok || d.len() != 8 {
        return None;
    }
    Some(Token { scenario: Scenario::parse(s).ok()?, as_of: NaiveDate::parse_from_str(d, "%Y%m%d").ok()? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_other_targets_and_garbage() {
        let tok = Token { scenario: Scenario::Joint, as_of: NaiveDate::from_ymd_opt(2025, 6, 15).unwrap() };
        let text = encode_token(SESSION_PREFIX, "demo-pl", &tok, 0xabc);
        assert_eq!(text, "demo:demo-pl:joint:20250615:0000000000000abc");
        assert_eq!(decode_token(SESSION_PREFIX, "demo-pl", &text), Some(tok));
        assert_eq!(decode_token(SESSION_PREFIX, "demo-de", &text), None);
        assert_eq!(decode_token(CHALLENGE_PREFIX, "demo-pl", &text), None);
        for bad in [
            "",
            "demo",
            "demo:demo-pl:joint:20250615",
            "demo:demo-pl:nope:20250615:0000000000000abc",
            "demo:demo-pl:joint:20251315:0000000000000abc",
            "demo:demo-pl:joint:20250615:0000000000000abc:x",
        ] {
            assert_eq!(decode_token(SESSION_PREFIX, "demo-pl", bad), None, "{bad}");
        }
    }

    #[test]
    fn logins_are_trimmed_but_passwords_are_not() {
        assert_eq!(evaluate_login("  test ", "Test123"), LoginOutcome::Authorised(Scenario::Standard));
        assert_eq!(evaluate_login("test", " Test123"), LoginOutcome::Invalid);
        assert_eq!(evaluate_login("TEST", "Test123"), LoginOutcome::Invalid);
        assert_eq!(evaluate_login("test-sca", "Test123"), LoginOutcome::CodeRequired(Scenario::Sca));
        assert_eq!(evaluate_login("test-blocked", ""), LoginOutcome::Blocked);
    }
}
