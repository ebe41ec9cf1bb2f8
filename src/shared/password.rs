use std::fmt;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A password as typed. Never serialised and never printed: `Debug` shows only a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks only the length rules for a new password.
    pub fn parse_new(raw: String) -> Result<Self, String> {
        let count = raw.chars().count();
        if count == 0 {
            return Err("Please choose a password.".into());
        }
        if count < MIN_PASSWORD_CHARS {
            return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters."));
        }
        if count > MAX_PASSWORD_CHARS {
            return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
        }
        if raw.trim().is_empty() {
            return Err("A password cannot be only spaces.".into());
        }
        Ok(Self(raw))
    }

    /// A password offered at log-in: any length up to the maximum, so old rules never lock anyone out.
    pub fn parse_attempt(raw: String) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("Please enter your password.".into());
        }
        if raw.chars().count() > MAX_PASSWORD_CHARS {
            return Err("Invalid email or password.".into());
        }
        Ok(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_must_have_between_12_and_128_characters() {
        assert!(Password::parse_new("short".into()).is_err());
        assert!(Password::parse_new(String::new()).is_err());
        assert!(Password::parse_new("a".repeat(11)).is_err());
        assert!(Password::parse_new("a".repeat(12)).is_ok());
        assert!(Password::parse_new("ż".repeat(12)).is_ok());
        assert!(Password::parse_new("a".repeat(129)).is_err());
        assert!(Password::parse_new(" ".repeat(20)).is_err());
    }

    #[test]
    fn debug_output_never_contains_the_password() {
        let p = Password::parse_new("correct horse battery".into()).unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }
}
