//! What the API keys page shows.

use crate::shared::ApiKeyId;
use serde::{Deserialize, Serialize};

/// One API key in the list: never the key itself, which is shown once when it is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ApiKeyListing {
    pub api_key_id: ApiKeyId,
    pub name: String,
    /// The key's first characters (`ins_sk_1a2b3c`), to tell keys apart.
    pub prefix: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "created_by_email"))]
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// Longest name of a key, in characters.
pub const NAME_MAX_CHARS: usize = 80;

/// A key's name: trimmed, 1–80 visible characters.
pub fn parse_key_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Give the key a name, e.g. the system that will use it.".into());
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(format!("Use at most {NAME_MAX_CHARS} characters."));
    }
    if name.chars().any(crate::shared::is_forbidden_char) {
        return Err("Use letters, digits, spaces and punctuation only.".into());
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_are_trimmed_and_bounded() {
        assert_eq!(parse_key_name("  Loan back-end ").unwrap(), "Loan back-end");
        assert!(parse_key_name("   ").is_err());
        assert!(parse_key_name(&"x".repeat(81)).is_err());
        assert!(parse_key_name("a\u{200B}b").is_err());
    }
}
