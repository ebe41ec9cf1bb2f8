//! The embed options of the SignIn Widget (SPEC §3) and the values parsed from them. Nothing the loader sends
//! is trusted: `widget::server::flow::resolve_embed` checks every option against the saved configuration.

use serde::{Deserialize, Serialize};

/// The seven embed options exactly as the loader passes them: the iframe's query string, and the same names
/// as form fields of the widget's steps (`#[server(flatten)]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedOptions {
    pub client_id: String,
    /// The origin of the embedding page.
    pub origin: String,
    /// `ownerExternalId`.
    pub owner: Option<String>,
    pub locale: Option<String>,
    pub country: Option<String>,
    /// A preselected bank.
    pub target: Option<String>,
    /// `autoImport.months`.
    pub months: Option<String>,
    /// `applicantName`: who the business says is applying, compared with the account owners' names.
    pub applicant: Option<String>,
}

impl EmbedOptions {
    /// The option names as they appear in the iframe's URL and the step forms.
    pub const FIELDS: [&'static str; 8] =
        ["client_id", "origin", "owner", "locale", "country", "target", "months", "applicant"];

    /// Reads the options with `get` (a query string lookup).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            client_id: get("client_id").unwrap_or_default(),
            origin: get("origin").unwrap_or_default(),
            owner: get("owner"),
            locale: get("locale"),
            country: get("country"),
            target: get("target"),
            months: get("months"),
            applicant: get("applicant"),
        }
    }

    /// The options of a decoded query string, or `None` when one is given twice: the page and the server
    /// could then read different values.
    pub fn from_pairs(pairs: &[(String, String)]) -> Option<Self> {
        if Self::FIELDS.iter().any(|f| pairs.iter().filter(|(k, _)| k == f).count() > 1) {
            return None;
        }
        Some(Self::from_lookup(|f| pairs.iter().find(|(k, _)| k == f).map(|(_, v)| v.clone())))
    }

    /// The query string of `/embed/signin` for these options.
    pub fn to_query(&self) -> String {
        let values = [
            Some(&self.client_id),
            Some(&self.origin),
            self.owner.as_ref(),
            self.locale.as_ref(),
            self.country.as_ref(),
            self.target.as_ref(),
            self.months.as_ref(),
            self.applicant.as_ref(),
        ];
        Self::FIELDS
            .iter()
            .zip(values)
            .filter_map(|(k, v)| v.map(|v| format!("{k}={}", crate::shared::query::encode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Where messages to the page may go: its origin if well-formed, else nowhere.
    pub fn page_origin(&self) -> Option<PageOrigin> {
        PageOrigin::parse(&self.origin).ok()
    }
}

/// The applicant's id in the business's own system: ≤128 of `[A-Za-z0-9._:-]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerExternalId(String);

impl OwnerExternalId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() || raw.len() > 128 {
            return Err("ownerExternalId must have 1 to 128 characters.".into());
        }
        if !raw.bytes().all(|b| b.is_ascii_alphanumeric() || b".:_-".contains(&b)) {
            return Err("ownerExternalId may contain only letters, digits and . _ : -".into());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The applicant's name as the business knows it (`applicantName`): 1 to 200 characters, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantName(String);

impl ApplicantName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err("applicantName must be 1 to 200 characters of text.".into());
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Months of history to import: 1 to 24.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Months(u32);

impl Months {
    pub const DEFAULT: Months = Months(12);

    pub fn new(months: i64) -> Result<Self, String> {
        if (1..=24).contains(&months) {
            Ok(Self(months as u32))
        } else {
            Err("Months of history must be between 1 and 24.".into())
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.trim()
            .parse::<i64>()
            .map_err(|_| "Months of history must be a whole number.".to_string())
            .and_then(Self::new)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<i64> for Months {
    type Error = String;
    fn try_from(months: i64) -> Result<Self, String> {
        Self::new(months)
    }
}
/// ISO 3166-1 alpha-2 country code, upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let v = raw.trim().to_ascii_uppercase();
        if v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(v))
        } else {
            Err("country must be a two-letter code such as PL.".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The origin of the page that embeds the widget, as the loader reports it: `scheme://host[:port]` and
/// nothing else, so it is safe to put in a policy header or a script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageOrigin(String);

impl PageOrigin {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || "The page origin is not valid.".to_string();
        let (scheme, rest) = raw.split_once("://").ok_or_else(bad)?;
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let (host, port) = rest.rsplit_once(':').map_or((rest, None), |(h, p)| (h, Some(p)));
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
        if host_ok && port_ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_external_ids_follow_the_contract() {
        assert!(OwnerExternalId::parse("application-42").is_ok());
        assert!(OwnerExternalId::parse("a.b:c_d-9").is_ok());
        assert!(OwnerExternalId::parse(&"x".repeat(128)).is_ok());
        for bad in ["", "has space", "ą", "<x>", "a/b"] {
            assert!(OwnerExternalId::parse(bad).is_err(), "{bad}");
        }
        assert!(OwnerExternalId::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn months_are_bounded_to_one_to_twenty_four() {
        assert!(Months::new(0).is_err() && Months::new(25).is_err() && Months::new(-3).is_err());
        assert_eq!(Months::new(24).unwrap().get(), 24);
        assert_eq!(Months::parse(" 3 ").unwrap().get(), 3);
        assert!(Months::parse("three").is_err());
    }
}

#[cfg(test)]
mod page_origin_tests {
    use super::PageOrigin;

    #[test]
    fn only_plain_origins_are_accepted() {
        assert!(PageOrigin::parse("http://localhost:3100").is_ok());
        assert!(PageOrigin::parse("https://shop.example").is_ok());
        for bad in
            ["", "null", "https://shop.example/x", "https://a b", "javascript://x", "https://x:1'2", "https://\"x"]
        {
            assert!(PageOrigin::parse(bad).is_err(), "{bad}");
        }
    }
}
