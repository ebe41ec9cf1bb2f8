//! Instants are unix milliseconds inside Insight (portable across both databases) and RFC 3339 text on the wire.

/// Serde for unix milliseconds as RFC 3339 text (`"2026-01-31T12:00:00.123+00:00"`).
pub mod as_rfc3339 {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn to_text(ms: i64) -> String {
        chrono::DateTime::from_timestamp_millis(ms).map(|d| d.to_rfc3339()).unwrap_or_default()
    }

    pub fn from_text(text: &str) -> Option<i64> {
        chrono::DateTime::parse_from_rfc3339(text).ok().map(|d| d.timestamp_millis())
    }

    pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&to_text(*ms))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        from_text(&text).ok_or_else(|| D::Error::custom(format!("{text:?} is not an RFC 3339 instant")))
    }

    /// The same for an optional instant (`null` when absent).
    pub mod option {
        crate::shared::serde_text::optional_i64!();
    }
}

#[cfg(test)]
mod tests {
    use super::as_rfc3339::{from_text, to_text};

    #[test]
    fn instants_round_trip_to_the_millisecond() {
        let ms = 1_764_614_076_123;
        assert_eq!(to_text(ms), "2025-12-01T18:34:36.123+00:00");
        assert_eq!(from_text(&to_text(ms)), Some(ms));
        assert_eq!(from_text("yesterday"), None);
    }
}
