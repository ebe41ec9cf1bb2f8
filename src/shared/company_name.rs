use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_COMPANY_NAME_CHARS: usize = 120;

/// The business's display name. Any script is welcome; invisible and control characters are not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CompanyName(String);

impl CompanyName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Err("Please enter your company name.".into());
        }
        if value.chars().count() < 2 {
            return Err("A company name needs at least 2 characters.".into());
        }
        if value.chars().count() > MAX_COMPANY_NAME_CHARS {
            return Err(format!("A company name can be at most {MAX_COMPANY_NAME_CHARS} characters."));
        }
        if value.chars().any(super::is_forbidden_char) {
            return Err("The company name contains characters that cannot be shown.".into());
        }
        if !value.chars().any(char::is_alphanumeric) {
            return Err("A company name needs at least one letter or digit.".into());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CompanyName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CompanyName> for String {
    fn from(value: CompanyName) -> Self {
        value.0
    }
}

impl fmt::Display for CompanyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_inner_whitespace_collapsed() {
        assert_eq!(CompanyName::parse("  Acme   Lending  ").unwrap().as_str(), "Acme Lending");
    }

    #[test]
    fn non_ascii_and_markup_characters_are_kept_as_text() {
        assert_eq!(CompanyName::parse("Zażółć Gęślą sp. z o.o.").unwrap().as_str(), "Zażółć Gęślą sp. z o.o.");
        assert!(CompanyName::parse("<b>O'Brien & Sons</b>; DROP TABLE x").is_ok());
    }

    #[test]
    fn empty_short_long_and_invisible_names_are_rejected() {
        assert!(CompanyName::parse("").is_err());
        assert!(CompanyName::parse("   ").is_err());
        assert!(CompanyName::parse("A").is_err());
        assert!(CompanyName::parse("---").is_err());
        assert!(CompanyName::parse(&"x".repeat(10_000)).is_err());
        assert!(CompanyName::parse("Bad\u{0}Name").is_err());
        assert!(CompanyName::parse("Zero\u{200B}Width").is_err());
    }
}
