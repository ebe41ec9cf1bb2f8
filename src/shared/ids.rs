//! Typed ids of the stored records, so an import id can never be passed where an account id is meant.
//! They travel as plain numbers (serde and sqlx see the `i64`), so URLs, forms and columns are unchanged.

macro_rules! id_type {
    ($( $(#[$meta:meta])* $name:ident ),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <i64 as utoipa::PartialSchema>::schema()
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                raw.parse().map(Self)
            }
        }
    )+};
}

id_type! {
    /// A business using Insight.
    OrganisationId,
    /// One import of an applicant's bank data (the application reviewers decide).
    ImportId,
    /// A portal user (member of one organisation).
    UserId,
    /// One bank account stored with an import.
    AccountId,
    /// A key the business's back-end calls `/v1` with.
    ApiKeyId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_travel_as_plain_numbers() {
        assert_eq!(serde_json::to_string(&ImportId(42)).unwrap(), "42");
        assert_eq!(serde_json::from_str::<AccountId>("7").unwrap(), AccountId(7));
        assert_eq!("12".parse::<UserId>().unwrap(), UserId(12));
        assert!("x".parse::<OrganisationId>().is_err());
        assert_eq!(ImportId(3).to_string(), "3");
    }
}
