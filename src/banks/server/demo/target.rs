//! The three Demo Bank targets of SPEC §4.

use super::super::types::{AuthKind, DataScope, Health, TargetId, TargetInfo};
use super::locale::{self, Locale};
use crate::banks::model::Environment;
use crate::shared::text_enum::text_enum;

text_enum! {
    /// In catalog order; the text is the target id.
    pub enum DemoTarget {
        Pl = "demo-pl",
        De = "demo-de",
        Business = "demo-business",
    }
}

impl DemoTarget {
    pub fn id(self) -> &'static str {
        self.as_str()
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Pl => "Insight Demo Bank",
            Self::De => "Insight Demo Bank DE",
            Self::Business => "Insight Demo Business Bank",
        }
    }

    pub fn country(self) -> &'static str {
        match self {
            Self::Pl | Self::Business => "PL",
            Self::De => "DE",
        }
    }

    pub fn currency(self) -> &'static str {
        match self {
            Self::Pl | Self::Business => "PLN",
            Self::De => "EUR",
        }
    }

    pub fn is_business(self) -> bool {
        self == Self::Business
    }

    pub(super) fn locale(self) -> &'static Locale {
        match self {
            Self::Pl | Self::Business => &locale::PL,
            Self::De => &locale::DE,
        }
    }

    pub fn info(self) -> TargetInfo {
        TargetInfo {
            id: TargetId::parse(self.id()).expect("demo target ids are valid"),
            name: self.name().to_owned(),
            country: self.country().to_owned(),
            currency: self.currency().to_owned(),
            scope: DataScope { owners: true, accounts: true, transactions: true, cards: false },
            auth: AuthKind::CredentialsAndOneTimeCode,
            health: Health::Up,
            environment: Environment::Sandbox,
        }
    }
}
