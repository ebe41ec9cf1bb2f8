//! What a business configures for its widget (SPEC §2 step 2): the server treats it as authoritative.

use super::embed::{CountryCode, Months};
use crate::error::FieldErrors;
use crate::shared::Locale;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A web origin allowed to embed the widget: scheme, host and optional port, no path. `https` is required
/// except for `localhost`/`127.0.0.1`, where `*` stands for any port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AllowedOrigin(String);

impl AllowedOrigin {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let (scheme, rest) = raw.split_once("://").ok_or("An origin looks like https://shop.example.")?;
        let scheme = scheme.to_ascii_lowercase();
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
            return Err("An origin has no path, query or user name: just https://host or https://host:port.".into());
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h, Some(p)),
            _ => (rest, None),
        };
        let host = host.to_ascii_lowercase();
        // Plain http only where traffic never leaves the machine or the test network (RFC 6761 names).
        let local =
            host == "localhost" || host == "127.0.0.1" || host.ends_with(".localhost") || host.ends_with(".test");
        match scheme.as_str() {
            "https" => {}
            "http" if local => {}
            "http" => return Err("Use https:// (plain http:// is allowed only for localhost and .test names).".into()),
            _ => return Err("An origin starts with https:// or http://.".into()),
        }
        let host_ok = !host.is_empty()
            && host.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if !host_ok {
            return Err(format!("\"{host}\" is not a valid host name."));
        }
        let port = match port {
            None => None,
            Some("*") if local => Some("*".to_string()),
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => Some(n.to_string()),
                _ => return Err(format!("\"{p}\" is not a valid port.")),
            },
        };
        let default_port = if scheme == "https" { "443" } else { "80" };
        Ok(Self(match port {
            Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
            _ => format!("{scheme}://{host}"),
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a page origin (as a browser reports it) is covered by this entry.
    pub fn matches(&self, page_origin: &str) -> bool {
        match self.0.strip_suffix(":*") {
            Some(prefix) => {
                page_origin == prefix
                    || page_origin.strip_prefix(prefix).is_some_and(|r| {
                        r.strip_prefix(':').is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    })
            }
            None => self.0 == page_origin,
        }
    }

    /// The defaults every organisation starts with, for trying the widget on a developer machine.
    pub fn defaults() -> Vec<AllowedOrigin> {
        vec![Self("http://localhost:*".into()), Self("http://127.0.0.1:*".into())]
    }
}

impl fmt::Display for AllowedOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod origin_tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        assert_eq!(AllowedOrigin::parse("HTTPS://Shop.Example/").unwrap().as_str(), "https://shop.example");
        assert_eq!(AllowedOrigin::parse("https://shop.example:443").unwrap().as_str(), "https://shop.example");
        assert_eq!(AllowedOrigin::parse("https://shop.example:8443").unwrap().as_str(), "https://shop.example:8443");
        assert_eq!(AllowedOrigin::parse("http://localhost:3000").unwrap().as_str(), "http://localhost:3000");
        assert_eq!(AllowedOrigin::parse("http://shop.test:3100").unwrap().as_str(), "http://shop.test:3100");
    }

    #[test]
    fn bad_origins_are_rejected_with_a_reason() {
        for bad in [
            "shop.example",
            "http://shop.example",
            "ftp://shop.example",
            "https://shop.example/path",
            "https://shop.example?x=1",
            "https://user@shop.example",
            "https://",
            "https://shop..example",
            "https://shop.example:99999",
            "https://shop.example:*",
            "javascript:alert(1)",
        ] {
            assert!(AllowedOrigin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wildcard_ports_match_only_local_origins_with_a_port() {
        let any = &AllowedOrigin::defaults()[1];
        assert!(any.matches("http://127.0.0.1:3100"));
        assert!(any.matches("http://127.0.0.1"));
        assert!(!any.matches("http://127.0.0.1.evil.example"));
        assert!(!any.matches("http://127.0.0.1:3100x"));
        let exact = AllowedOrigin::parse("https://shop.example").unwrap();
        assert!(exact.matches("https://shop.example"));
        assert!(!exact.matches("https://shop.example:444"));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfigView {
    pub settings: WidgetSettings,
    pub can_edit: bool,
    pub client_id: String,
    pub countries: Vec<String>,
    /// Where the widget is served from, for the snippet and the preview.
    pub insight_origin: String,
}

/// What a business configured for its widget (SPEC §2 step 2). The server treats it as authoritative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSettings {
    pub auto_import: bool,
    pub months: Months,
    pub locale: Locale,
    /// `None` shows banks of every country.
    pub country: Option<CountryCode>,
    pub allowed_origins: Vec<AllowedOrigin>,
    /// Whether the widget offers sandbox banks (the Demo Bank). On for a new organisation, so its first
    /// sign-in works at once; a business in production turns it off so nobody can fill it with test data.
    pub sandbox_banks: bool,
}

impl Default for WidgetSettings {
    fn default() -> Self {
        Self {
            auto_import: true,
            months: Months::DEFAULT,
            locale: Locale::En,
            country: None,
            allowed_origins: AllowedOrigin::defaults(),
            sandbox_banks: true,
        }
    }
}

impl WidgetSettings {
    pub fn allows_origin(&self, page_origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o.matches(page_origin))
    }
}

/// At most this many allowed origins per organisation.
pub const MAX_ALLOWED_ORIGINS: usize = 50;

impl WidgetSettings {
    /// Parses the configuration form. Every problem is reported against its field (each bad origin line by
    /// number); `countries` are the ones the catalog offers.
    #[allow(clippy::too_many_arguments)]
    pub fn parse_form(
        auto_import: bool,
        sandbox_banks: bool,
        months: &str,
        locale: &str,
        country: &str,
        allowed_origins: &str,
        countries: &[String],
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let months = Months::parse(months).map_err(|m| errors.add("months", m)).ok();
        let locale = Locale::from_user(locale).map_err(|_| errors.add("locale", "Choose English or Polish.")).ok();
        let country = match country.trim() {
            "" => Some(None),
            c => match CountryCode::parse(c) {
                Ok(code) if countries.iter().any(|k| k == code.as_str()) => Some(Some(code)),
                _ => {
                    errors.add("country", "Choose a country from the list.");
                    None
                }
            },
        };
        let mut origins: Vec<AllowedOrigin> = Vec::new();
        let mut bad = Vec::new();
        for (n, line) in allowed_origins.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match AllowedOrigin::parse(line) {
                Ok(o) if !origins.contains(&o) => origins.push(o),
                Ok(_) => {}
                Err(m) => {
                    bad.push(format!("Line {}: \"{}\": {m}", n + 1, line.trim().chars().take(80).collect::<String>()))
                }
            }
        }
        if !bad.is_empty() {
            errors.add("allowed_origins", bad.join("\n"));
        } else if origins.len() > MAX_ALLOWED_ORIGINS {
            errors.add("allowed_origins", format!("At most {MAX_ALLOWED_ORIGINS} origins."));
        }
        match (months, locale, country, errors.is_empty()) {
            (Some(months), Some(locale), Some(country), true) => {
                Ok(Self { auto_import, months, locale, country, allowed_origins: origins, sandbox_banks })
            }
            _ => Err(errors),
        }
    }

    /// What changed, for the audit trail: `months: 12 → 3; origins added: https://shop.example`.
    pub fn describe_changes(&self, new: &Self) -> String {
        let mut changes = Vec::new();
        if self.auto_import != new.auto_import {
            changes.push(format!("auto import: {} → {}", on_off(self.auto_import), on_off(new.auto_import)));
        }
        if self.sandbox_banks != new.sandbox_banks {
            changes.push(format!("sandbox banks: {} → {}", on_off(self.sandbox_banks), on_off(new.sandbox_banks)));
        }
        if self.months != new.months {
            changes.push(format!("months: {} → {}", self.months.get(), new.months.get()));
        }
        if self.locale != new.locale {
            changes.push(format!("language: {} → {}", self.locale.as_str(), new.locale.as_str()));
        }
        if self.country != new.country {
            let show = |c: &Option<CountryCode>| c.as_ref().map_or("all".to_string(), |c| c.as_str().to_string());
            changes.push(format!("country: {} → {}", show(&self.country), show(&new.country)));
        }
        let added: Vec<&str> = new
            .allowed_origins
            .iter()
            .filter(|o| !self.allowed_origins.contains(o))
            .map(AllowedOrigin::as_str)
            .collect();
        let removed: Vec<&str> = self
            .allowed_origins
            .iter()
            .filter(|o| !new.allowed_origins.contains(o))
            .map(AllowedOrigin::as_str)
            .collect();
        if !added.is_empty() {
            changes.push(format!("origins added: {}", added.join(", ")));
        }
        if !removed.is_empty() {
            changes.push(format!("origins removed: {}", removed.join(", ")));
        }
        if changes.is_empty() {
            "no changes".into()
        } else {
            changes.join("; ")
        }
    }

    /// The embed snippet of SPEC §3 for this configuration.
    pub fn embed_snippet(&self, insight_origin: &str, client_id: &str) -> String {
        let mut options = vec![
            format!("    clientId: \"{client_id}\","),
            "    container: \"insight-signin\",".to_string(),
            format!("    locale: \"{}\",", self.locale.as_str()),
        ];
        if let Some(country) = &self.country {
            options.push(format!("    country: \"{}\",", country.as_str()));
        }
        if self.auto_import {
            options.push(format!("    autoImport: {{ months: {} }},", self.months.get()));
        }
        options.push(
            "    onSuccess: function (result) {\n      // Send result.sessionId and result.sessionIdSignature to your server, then move on.\n    },"
                .to_string(),
        );
        options
            .push("    onError: function (error) {\n      console.warn(error.code, error.message);\n    }".to_string());
        format!(
            "<div id=\"insight-signin\"></div>\n<script src=\"{insight_origin}/signin-widget.js\"></script>\n<script>\n  InsightSignIn.embed({{\n{}\n  }});\n</script>",
            options.join("\n")
        )
    }
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

#[cfg(test)]
mod settings_form_tests {
    use super::*;

    fn countries() -> Vec<String> {
        vec!["DE".into(), "PL".into()]
    }

    #[test]
    fn a_valid_form_is_parsed_and_origins_normalised_and_deduplicated() {
        let s = WidgetSettings::parse_form(
            true,
            true,
            "3",
            "pl",
            "PL",
            "https://Shop.example/\n\nhttps://shop.example\nhttp://localhost:3000",
            &countries(),
        )
        .unwrap();
        assert_eq!(s.months.get(), 3);
        assert_eq!(s.locale, Locale::Pl);
        assert_eq!(s.country.unwrap().as_str(), "PL");
        let origins: Vec<&str> = s.allowed_origins.iter().map(AllowedOrigin::as_str).collect();
        assert_eq!(origins, ["https://shop.example", "http://localhost:3000"]);
    }

    #[test]
    fn every_bad_field_and_origin_line_is_reported() {
        let err = WidgetSettings::parse_form(
            true,
            true,
            "25",
            "de",
            "FR",
            "https://ok.example\nhttp://shop.example\nnot an origin",
            &countries(),
        )
        .unwrap_err();
        assert!(err.get("months").is_some() && err.get("locale").is_some() && err.get("country").is_some());
        let origins = err.get("allowed_origins").unwrap();
        assert!(origins.contains("Line 2") && origins.contains("Line 3") && !origins.contains("Line 1"), "{origins}");
    }

    #[test]
    fn the_snippet_carries_the_client_id_and_months() {
        let s = WidgetSettings { months: Months::new(3).unwrap(), ..WidgetSettings::default() };
        let snippet = s.embed_snippet("https://insight.example", "ins_abc");
        assert!(snippet.contains("clientId: \"ins_abc\""));
        assert!(snippet.contains("autoImport: { months: 3 }"));
        assert!(snippet.contains("src=\"https://insight.example/signin-widget.js\""));
    }

    #[test]
    fn changes_are_described_for_the_audit_trail() {
        let old = WidgetSettings::default();
        let mut new = old.clone();
        new.months = Months::new(3).unwrap();
        new.allowed_origins.push(AllowedOrigin::parse("https://shop.example").unwrap());
        assert_eq!(old.describe_changes(&new), "months: 12 → 3; origins added: https://shop.example");
        assert_eq!(old.describe_changes(&old), "no changes");
    }
}
