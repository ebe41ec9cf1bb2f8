//! The languages Insight speaks to end users (the widget) and stores with their sessions.

use super::text_enum::text_enum;

text_enum! {
    #[derive(Default)]
    pub enum Locale {
        #[default]
        En = "en",
        Pl = "pl",
    }
}

impl Locale {
    /// A locale as a person or a page typed it: case and surrounding spaces do not matter.
    pub fn from_user(raw: &str) -> Result<Self, String> {
        Self::parse(&raw.trim().to_ascii_lowercase()).map_err(|_| "locale must be \"en\" or \"pl\".".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::Locale;

    #[test]
    fn typed_locales_are_forgiving_stored_ones_exact() {
        assert_eq!(Locale::from_user(" PL "), Ok(Locale::Pl));
        assert!(Locale::from_user("de").is_err());
        assert!(Locale::parse("PL").is_err());
        assert_eq!(Locale::default(), Locale::En);
    }
}
