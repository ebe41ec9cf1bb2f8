//! Value types several areas use, parsed once at the edge and trusted inside. Compiles to wasm.

pub mod client_id;
pub mod company_name;
pub mod email;
pub mod error_code;
pub mod ids;
pub mod instant;
pub mod locale;
pub mod money;
pub mod password;
pub mod query;
pub mod role;
pub mod secret;
pub mod serde_text;
pub mod text_enum;

pub use client_id::ClientId;
pub use company_name::CompanyName;
pub use email::EmailAddress;
pub use error_code::WidgetErrorCode;
pub use ids::{AccountId, ApiKeyId, ImportId, OrganisationId, UserId};
pub use locale::Locale;
pub use password::Password;
pub use role::Role;
pub use secret::Secret;

/// A yes/no column: both engines store it as an integer 0/1, so rows read it through this (`try_from = "i64"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(value_type = bool))]
pub struct StoredFlag(pub bool);

impl From<i64> for StoredFlag {
    fn from(v: i64) -> Self {
        Self(v != 0)
    }
}

/// True for characters a person cannot see or that break layouts and logs.
pub(crate) fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}
