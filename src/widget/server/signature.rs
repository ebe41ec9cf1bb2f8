use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Lowercase hex HMAC-SHA256 of the session id under the organisation's signing secret (SPEC §3), so the
/// business's back-end can check offline that a session id is real and theirs.
pub fn sign_session_id(signing_secret: &str, session_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(signing_secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(session_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// What `resultToken` asserts (JWT claims; `iat` in unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultClaims {
    pub session_id: String,
    pub import_id: Option<i64>,
    pub owner_external_id: Option<String>,
    /// `applicantName` as the page passed it, so the business's server sees what the owners were checked
    /// against (the applicant's browser could have changed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_name: Option<String>,
    pub client_id: String,
    pub target: String,
    pub iat: i64,
}

/// `onSuccess`'s `resultToken`: a JWT (RFC 7519) signed HS256 with the signing secret, so any JWT library
/// verifies it; the claims are serialised once, in this order, and the signature covers the exact bytes.
pub fn result_token(signing_secret: &str, claims: &ResultClaims) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let signing_input = format!("{header}.{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(signing_secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::{result_token, ResultClaims};

    /// The README's test vector; the expected token was computed with Python's `hmac` and `base64`.
    pub(crate) fn vector_claims() -> ResultClaims {
        ResultClaims {
            session_id: "3f1c2a9e8b7d4c6a".into(),
            import_id: Some(42),
            owner_external_id: Some("applicant-7".into()),
            applicant_name: None,
            client_id: "ins_0123456789abcdefghijkl".into(),
            target: "demo-pl".into(),
            iat: 1_767_225_600,
        }
    }

    #[test]
    fn result_token_matches_the_documented_test_vector() {
        assert_eq!(
            result_token("test signing secret", &vector_claims()),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXNzaW9uSWQiOiIzZjFjMmE5ZThiN2Q0YzZhIiwiaW1wb3J0SWQiOjQyLCJvd25lckV4dGVybmFsSWQiOiJhcHBsaWNhbnQtNyIsImNsaWVudElkIjoiaW5zXzAxMjM0NTY3ODlhYmNkZWZnaGlqa2wiLCJ0YXJnZXQiOiJkZW1vLXBsIiwiaWF0IjoxNzY3MjI1NjAwfQ.lNMCDQMJxABh0jBP42VrvMSm1A5XLpjqqpMJ7700HG4"
        );
    }

    /// An independent JWT library accepts the token, and refuses it when any claim or the secret changes.
    #[test]
    fn result_token_verifies_with_a_jwt_library_and_fails_when_anything_changes() {
        use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
        let mut validation = Validation::new(Algorithm::HS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let key = DecodingKey::from_secret(b"test signing secret");
        let token = result_token("test signing secret", &vector_claims());
        let read = decode::<ResultClaims>(&token, &key, &validation).expect("a valid token");
        assert_eq!(read.claims, vector_claims());
        assert!(decode::<ResultClaims>(&token, &DecodingKey::from_secret(b"another secret"), &validation).is_err());

        // Swap in the payload of a token with one field changed: the signature no longer matches.
        let changes: [fn(&mut ResultClaims); 6] = [
            |c| c.session_id.push('0'),
            |c| c.import_id = Some(43),
            |c| c.owner_external_id = Some("applicant-8".into()),
            |c| c.client_id = "ins_0123456789abcdefghijkm".into(),
            |c| c.target = "demo-de".into(),
            |c| c.iat += 1,
        ];
        let parts: Vec<&str> = token.split('.').collect();
        for change in changes {
            let mut claims = vector_claims();
            change(&mut claims);
            let other = result_token("some other secret", &claims);
            let forged = format!("{}.{}.{}", parts[0], other.split('.').nth(1).unwrap(), parts[2]);
            assert!(decode::<ResultClaims>(&forged, &key, &validation).is_err(), "a changed claim must not verify");
        }
    }

    #[test]
    fn matches_the_rfc_4231_test_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            super::sign_session_id("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
