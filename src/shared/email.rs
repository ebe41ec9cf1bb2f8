use serde::{Deserialize, Serialize};
use std::fmt;

/// An e-mail address, trimmed and lower-cased so that uniqueness is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

pub const MAX_EMAIL_LEN: usize = 254;

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err("Please enter your email address.".into());
        }
        if value.chars().count() > MAX_EMAIL_LEN {
            return Err(format!("An email address can be at most {MAX_EMAIL_LEN} characters."));
        }
        let invalid = || "Please enter a valid email address, like name@company.com.".to_string();
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let bad_char = |c: char| c.is_whitespace() || super::is_forbidden_char(c) || "<>()[]\\,;:\"@".contains(c);
        if local.is_empty()
            || local.len() > 64
            || local.chars().any(bad_char)
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
        {
            return Err(invalid());
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_are_normalised_to_lower_case() {
        assert_eq!(EmailAddress::parse("  Anna.Nowak@Example.COM ").unwrap().as_str(), "anna.nowak@example.com");
        assert!(EmailAddress::parse("a+tag@sub.example.pl").is_ok());
        assert!(EmailAddress::parse("zażółć@przykład.pl").is_ok());
    }

    #[test]
    fn invalid_addresses_are_rejected_with_a_message() {
        for bad in [
            "",
            "   ",
            "plain",
            "@example.com",
            "a@",
            "a@localhost",
            "a b@example.com",
            "a@exa mple.com",
            "a@@example.com",
            "<script>@x.com",
            "a@example..com",
            "'; DROP TABLE app_user;--@x.com",
            "a@-x.com",
            ".a@x.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn over_long_addresses_are_rejected() {
        let long = format!("{}@example.com", "a".repeat(10_000));
        assert!(EmailAddress::parse(&long).unwrap_err().contains("at most"));
    }
}
