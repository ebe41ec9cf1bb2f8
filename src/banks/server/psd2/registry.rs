//! The bank registry file (`APP_BANKS_FILE`, TOML): each `[[bank]]` entry becomes a PSD2 catalog target. A bad
//! file stops start-up with a message that names the line.
//!
//! ```toml
//! [[bank]]
//! id = "musterbank-de"
//! name = "Musterbank"
//! country = "DE"
//! currency = "EUR"
//! environment = "live"                                # or "sandbox"
//! base_url = "https://xs2a.musterbank.example/psd2"   # the part before /v1/…
//! client_certificate = "/etc/insight/qwac.pem"        # optional: mutual TLS (PEM)
//! client_key = "/etc/insight/qwac.key"
//! ca_certificate = "/etc/insight/bank-ca.pem"         # optional: trust a private CA as well
//! timeout_secs = 30
//! connect_timeout_secs = 10
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::banks::model::Environment;
use crate::banks::server::types::{AuthKind, DataScope, Health, TargetId, TargetInfo};

/// One bank of the registry, checked and with its certificates read.
#[derive(Clone)]
pub struct BankEntry {
    pub info: TargetInfo,
    pub base_url: Url,
    /// Certificate chain and private key, PEM, for mutual TLS.
    pub client_identity_pem: Option<Vec<u8>>,
    pub ca_certificates_pem: Vec<Vec<u8>>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl std::fmt::Debug for BankEntry {
    // Never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankEntry")
            .field("id", &self.info.id)
            .field("base_url", &self.base_url.as_str())
            .field("mutual_tls", &self.client_identity_pem.is_some())
            .finish()
    }
}

impl BankEntry {
    /// A bank reached without certificates (the built-in sandbox bank, tests).
    pub fn plain(info: TargetInfo, base_url: Url) -> Self {
        Self {
            info,
            base_url,
            client_identity_pem: None,
            ca_certificates_pem: vec![],
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bank registry {file}: {message}")]
pub struct RegistryError {
    pub file: String,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    bank: Vec<Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: Spanned<String>,
    name: Spanned<String>,
    country: Spanned<String>,
    currency: Spanned<String>,
    environment: Spanned<String>,
    base_url: Spanned<String>,
    client_certificate: Option<Spanned<String>>,
    client_key: Option<Spanned<String>>,
    ca_certificate: Option<Spanned<String>>,
    timeout_secs: Option<Spanned<u64>>,
    connect_timeout_secs: Option<Spanned<u64>>,
}

pub struct Registry;

impl Registry {
    pub fn load(path: &Path) -> Result<Vec<BankEntry>, RegistryError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| RegistryError { file: path.display().to_string(), message: format!("cannot read it: {e}") })?;
        Self::parse(&text, path)
    }

    /// Parses a registry; relative certificate paths are read from beside the file.
    pub fn parse(text: &str, path: &Path) -> Result<Vec<BankEntry>, RegistryError> {
        let file_name = path.display().to_string();
        let fail = |span: std::ops::Range<usize>, message: String| RegistryError {
            file: file_name.clone(),
            message: format!("line {}: {message}", line_of(text, span.start)),
        };
        let parsed: File = toml::from_str(text).map_err(|e| match e.span() {
            Some(span) => fail(span, e.message().to_string()),
            None => RegistryError { file: file_name.clone(), message: e.message().to_string() },
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut entries: Vec<BankEntry> = Vec::new();
        for bank in parsed.bank {
            let bank = bank.into_inner();
            let id = TargetId::parse(bank.id.get_ref())
                .map_err(|_| fail(bank.id.span(), "id must be 1 to 64 of a-z, 0-9 and -".into()))?;
            // Built-in targets keep their ids: the Demo Bank's and the PSD2 sandbox's.
            let reserved = id.as_str().starts_with("demo-") || id.as_str() == crate::psd2_sandbox::model::TARGET_ID;
            if entries.iter().any(|e| e.info.id == id) || reserved {
                return Err(fail(bank.id.span(), format!("id {id} is already taken")));
            }
            let name = bank.name.get_ref().trim();
            if name.is_empty() || name.chars().count() > 80 {
                return Err(fail(bank.name.span(), "name must be 1 to 80 characters".into()));
            }
            let upper = |s: &Spanned<String>, len: usize, what: &str| {
                let v = s.get_ref();
                if v.len() == len && v.bytes().all(|b| b.is_ascii_uppercase()) {
                    Ok(v.clone())
                } else {
                    Err(fail(s.span(), format!("{what} must be {len} capital letters")))
                }
            };
            let country = upper(&bank.country, 2, "country (ISO 3166-1)")?;
            let currency = upper(&bank.currency, 3, "currency (ISO 4217)")?;
            let environment = Environment::parse(bank.environment.get_ref())
                .map_err(|_| fail(bank.environment.span(), "environment must be \"live\" or \"sandbox\"".into()))?;
            let base_url = Url::parse(bank.base_url.get_ref())
                .ok()
                .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some() && u.query().is_none())
                .ok_or_else(|| {
                    fail(bank.base_url.span(), "base_url must be an http(s) address without a query".into())
                })?;
            if base_url.scheme() == "http" && environment == Environment::Live {
                return Err(fail(bank.base_url.span(), "a live bank must be reached over https".into()));
            }
            let read = |p: &Spanned<String>| {
                let full: PathBuf = dir.join(p.get_ref());
                std::fs::read(&full).map_err(|e| fail(p.span(), format!("cannot read {}: {e}", full.display())))
            };
            let client_identity_pem = match (&bank.client_certificate, &bank.client_key) {
                (Some(cert), Some(key)) => {
                    let mut pem = read(cert)?;
                    pem.push(b'\n');
                    pem.extend(read(key)?);
                    reqwest::Identity::from_pem(&pem)
                        .map_err(|e| fail(cert.span(), format!("client_certificate and client_key: {e}")))?;
                    Some(pem)
                }
                (None, None) => None,
                (Some(one), None) | (None, Some(one)) => {
                    return Err(fail(one.span(), "client_certificate and client_key go together".into()))
                }
            };
            let ca_certificates_pem = match &bank.ca_certificate {
                Some(ca) => {
                    let pem = read(ca)?;
                    reqwest::Certificate::from_pem(&pem)
                        .map_err(|e| fail(ca.span(), format!("ca_certificate: {e}")))?;
                    vec![pem]
                }
                None => vec![],
            };
            let seconds = |v: &Option<Spanned<u64>>, default: u64| match v {
                Some(s) if (1..=300).contains(s.get_ref()) => Ok(Duration::from_secs(*s.get_ref())),
                Some(s) => Err(fail(s.span(), "timeouts are 1 to 300 seconds".into())),
                None => Ok(Duration::from_secs(default)),
            };
            entries.push(BankEntry {
                info: TargetInfo {
                    id,
                    name: name.to_string(),
                    country,
                    currency,
                    scope: DataScope { owners: true, accounts: true, transactions: true, cards: false },
                    auth: AuthKind::Redirect,
                    health: Health::Up,
                    environment,
                },
                base_url,
                client_identity_pem,
                ca_certificates_pem,
                timeout: seconds(&bank.timeout_secs, 30)?,
                connect_timeout: seconds(&bank.connect_timeout_secs, 10)?,
            });
        }
        Ok(entries)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[bank]]
id = "musterbank-de"
name = "Musterbank"
country = "DE"
currency = "EUR"
environment = "live"
base_url = "https://xs2a.musterbank.example/psd2"
timeout_secs = 20
"#;

    fn parse(text: &str) -> Result<Vec<BankEntry>, RegistryError> {
        Registry::parse(text, Path::new("/etc/insight/banks.toml"))
    }

    #[test]
    fn a_good_file_gives_redirect_targets() {
        let banks = parse(GOOD).unwrap();
        assert_eq!(banks.len(), 1);
        let b = &banks[0];
        assert_eq!(b.info.id.as_str(), "musterbank-de");
        assert_eq!(b.info.auth, AuthKind::Redirect);
        assert_eq!(b.info.environment, Environment::Live);
        assert_eq!(b.timeout, Duration::from_secs(20));
        assert_eq!(b.connect_timeout, Duration::from_secs(10));
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn a_bad_file_is_refused_with_its_line() {
        let cases = [
            (GOOD.replace("\"DE\"", "\"de\""), "line 5: country"),
            (GOOD.replace("environment = \"live\"", "environment = \"prod\""), "line 7: environment"),
            (GOOD.replace("https://xs2a", "http://xs2a"), "line 8: a live bank must be reached over https"),
            (GOOD.replace("musterbank-de", "Muster Bank"), "line 3: id"),
            (GOOD.replace("timeout_secs = 20", "timeout_secs = 0"), "line 9: timeouts"),
            (GOOD.replace("timeout_secs = 20", "timeuot_secs = 20"), "line 9:"),
            (GOOD.replace("name = \"Musterbank\"", "name = Musterbank"), "line 4:"),
            (format!("{GOOD}{GOOD}"), "line 12: id musterbank-de is already taken"),
            (GOOD.replace("timeout_secs = 20", "client_key = \"k.pem\""), "line 9: client_certificate and client_key"),
            (
                GOOD.replace("timeout_secs = 20", "ca_certificate = \"missing.pem\""),
                "line 9: cannot read /etc/insight/missing.pem",
            ),
        ];
        for (text, expected) in cases {
            let error = parse(&text).err().unwrap_or_else(|| panic!("accepted: {text}"));
            assert!(error.to_string().contains(expected), "{error} should contain {expected:?}");
            assert!(error.to_string().starts_with("bank registry /etc/insight/banks.toml: "), "{error}");
        }
    }
}
