use serde::{Deserialize, Serialize};
use std::fmt;

const PREFIX: &str = "ins_";
const RANDOM_LEN: usize = 22;
const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The public identifier a business puts in its embed snippet: a fixed prefix and 22 random base62
/// characters (about 131 bits), URL-safe, generated on the server and never changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClientId(String);

impl ClientId {
    /// Builds an id from random bytes (one byte per character, reduced into the alphabet).
    pub fn from_random_bytes(bytes: [u8; RANDOM_LEN]) -> Self {
        let body: String = bytes
            .iter()
            // 62 * 4 = 248, so rejecting nothing and taking modulo gives a tiny, harmless bias.
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        Self(format!("{PREFIX}{body}"))
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let body = raw.strip_prefix(PREFIX).ok_or("Unknown Client ID.")?;
        if body.len() != RANDOM_LEN || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err("Unknown Client ID.".into());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClientId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ClientId> for String {
    fn from(value: ClientId) -> Self {
        value.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_url_safe_and_parse_back() {
        let id = ClientId::from_random_bytes([200; RANDOM_LEN]);
        assert!(id.as_str().starts_with("ins_"));
        assert_eq!(id.as_str().len(), 4 + RANDOM_LEN);
        assert!(id.as_str().chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        assert_eq!(ClientId::parse(id.as_str()).unwrap(), id);
    }

    #[test]
    fn different_bytes_give_different_ids() {
        let a = ClientId::from_random_bytes([1; RANDOM_LEN]);
        let mut bytes = [1; RANDOM_LEN];
        bytes[5] = 2;
        assert_ne!(a, ClientId::from_random_bytes(bytes));
    }

    #[test]
    fn malformed_ids_are_rejected() {
        for bad in ["", "ins_", "abc", "ins_short", "ins_!!!!!!!!!!!!!!!!!!!!!!", "xyz_0123456789012345678901"] {
            assert!(ClientId::parse(bad).is_err(), "{bad}");
        }
    }
}
