//! Serde for values that travel as text (amounts, instants): the `option` half of their `with` modules.

/// Expands, inside `<with module>::option`, to `serialize`/`deserialize` for `Option<i64>` through the
/// parent module (`null` when absent).
macro_rules! optional_i64 {
    () => {
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(value: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => super::serialize(v, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
            #[derive(Deserialize)]
            struct Text(#[serde(with = "super")] i64);
            Ok(Option::<Text>::deserialize(d)?.map(|t| t.0))
        }
    };
}

pub(crate) use optional_i64;
