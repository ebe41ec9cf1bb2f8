//! Secrets Insight must read back (TOTP seeds) are sealed with ChaCha20-Poly1305 under the instance's key:
//! `APP_SECRET_KEY` (64 hex digits; every instance sharing a database needs the same one) or, when unset, a
//! key generated once into the data folder. Each value is bound to what it belongs to (the AAD), so a sealed
//! value copied to another row does not open.

use anyhow::Context;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use std::path::Path;

const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

impl SecretBox {
    pub fn new(key: [u8; 32]) -> Self {
        Self { cipher: ChaCha20Poly1305::new(Key::from_slice(&key)) }
    }

    /// The key from `APP_SECRET_KEY`, else from `key_file`, created with a fresh random key on first run.
    pub fn load(configured: Option<&str>, key_file: &Path) -> anyhow::Result<Self> {
        if let Some(hex_key) = configured {
            return Ok(Self::new(parse_key(hex_key).context("APP_SECRET_KEY must be 64 hex digits (32 bytes)")?));
        }
        if key_file.exists() {
            let text = std::fs::read_to_string(key_file)
                .with_context(|| format!("cannot read the secret key file {}", key_file.display()))?;
            return Ok(Self::new(
                parse_key(text.trim()).with_context(|| format!("{} is not a 64-hex-digit key", key_file.display()))?,
            ));
        }
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        if let Some(dir) = key_file.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        write_private(key_file, &hex::encode(key))
            .with_context(|| format!("cannot write the secret key file {}", key_file.display()))?;
        tracing::warn!(path = %key_file.display(), "generated a new secret key; back it up, and set APP_SECRET_KEY on every instance sharing this database");
        Ok(Self::new(key))
    }

    /// `nonce ‖ ciphertext` in base64.
    pub fn seal(&self, plaintext: &[u8], bound_to: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: bound_to })
            .expect("ChaCha20-Poly1305 encrypts any length we use");
        base64::engine::general_purpose::STANDARD.encode([nonce.as_slice(), &sealed].concat())
    }

    /// The plaintext, or `None` if the value was altered, belongs elsewhere or was sealed with another key.
    pub fn open(&self, sealed: &str, bound_to: &[u8]) -> Option<Vec<u8>> {
        let raw = base64::engine::general_purpose::STANDARD.decode(sealed).ok()?;
        if raw.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        self.cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: bound_to }).ok()
    }
}

fn parse_key(hex_key: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(hex_key.trim())?;
    bytes.try_into().map_err(|_| anyhow::anyhow!("wrong length"))
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_its_binding() {
        let sealed_box = SecretBox::new([7; 32]);
        let sealed = sealed_box.seal(b"seed", b"user:1");
        assert_eq!(sealed_box.open(&sealed, b"user:1").as_deref(), Some(&b"seed"[..]));
        assert_eq!(sealed_box.open(&sealed, b"user:2"), None, "bound to its row");
        assert_eq!(SecretBox::new([8; 32]).open(&sealed, b"user:1"), None, "another key");
        assert_ne!(sealed_box.seal(b"seed", b"user:1"), sealed, "a fresh nonce each time");
        assert_eq!(sealed_box.open("not base64!", b"user:1"), None);
    }

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/secret.key");
        let first = SecretBox::load(None, &path).unwrap();
        let sealed = first.seal(b"x", b"");
        let again = SecretBox::load(None, &path).unwrap();
        assert_eq!(again.open(&sealed, b"").as_deref(), Some(&b"x"[..]));
        assert!(SecretBox::load(Some("abc"), &path).is_err());
    }
}
