//! Pure domain types shared by server and browser: parsed once at the edge, trusted inside.

pub mod analysis;
pub mod application;
pub mod audit;
pub mod client_id;
pub mod company_name;
pub mod email;
pub mod import;
pub mod labels;
pub mod money;
pub mod password;
pub mod review;
pub mod role;
pub mod widget;
pub mod widget_error;
pub mod widget_text;

pub use client_id::ClientId;
pub use company_name::CompanyName;
pub use email::EmailAddress;
pub use password::Password;
pub use role::Role;

/// True for characters a person cannot see or that break layouts and logs.
pub(crate) fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}
