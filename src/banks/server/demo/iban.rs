//! IBANs (ISO 13616, mod-97 check digits) for Poland (28 chars) and Germany (22 chars).

use rand::Rng;

use super::seed::{digits, DemoRng};

/// Whether `iban` (no spaces) has a known length for its country and a valid mod-97 checksum.
pub fn is_valid_iban(iban: &str) -> bool {
    let expected_len = match iban.get(..2) {
        Some("PL") => 28,
        Some("DE") => 22,
        Some(_) => iban.len().clamp(15, 34),
        None => return false,
    };
    iban.len() == expected_len
        && iban.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && iban[2..4].bytes().all(|b| b.is_ascii_digit())
        && mod97(&format!("{}{}", &iban[4..], &iban[..4])) == Some(1)
}

/// The IBAN for `country` and national account number `bban`.
pub(super) fn iban(country: &str, bban: &str) -> String {
    let rem = mod97(&format!("{bban}{country}00")).expect("bban and country are alphanumeric");
    format!("{country}{:02}{bban}", 98 - rem)
}

/// A Polish IBAN at the bank with 3-digit code `bank`: 8-digit sort code (bank, branch, check
/// digit with weights 3,9,7,1,3,9,7) followed by a 16-digit account number.
pub(super) fn polish_iban(rng: &mut DemoRng, bank: &str) -> String {
    let sort7 = format!("{bank}{}", digits(rng, 4));
    let weights = [3u32, 9, 7, 1, 3, 9, 7];
    let sum: u32 = sort7.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = (10 - sum % 10) % 10;
    iban("PL", &format!("{sort7}{check}{}", digits(rng, 16)))
}

/// A German IBAN at the bank with 8-digit Bankleitzahl `blz`, account number of 10 digits.
pub(super) fn german_iban(rng: &mut DemoRng, blz: &str) -> String {
    let account = format!("{:010}", rng.gen_range(10_000_000u64..10_000_000_000));
    iban("DE", &format!("{blz}{account}"))
}

/// Remainder mod 97 of the number formed by `s` with letters as 10..=35; `None` if `s` has
/// other characters.
fn mod97(s: &str) -> Option<u32> {
    let mut rem = 0u32;
    for c in s.chars() {
        let v = c.to_digit(36)?;
        rem = if v < 10 { (rem * 10 + v) % 97 } else { (rem * 100 + v) % 97 };
    }
    Some(rem)
}

#[cfg(test)]
mod tests {
    use super::super::seed::rng_for;
    use super::*;

    #[test]
    fn known_good_ibans_validate_and_a_typo_does_not() {
        assert!(is_valid_iban("DE89370400440532013000"));
        assert!(is_valid_iban("PL61109010140000071219812874"));
        assert!(!is_valid_iban("PL61109010140000071219812875"));
        assert!(!is_valid_iban("DE8937040044053201300"));
    }

    #[test]
    fn generated_ibans_have_the_right_length_and_checksum() {
        let mut r = rng_for("iban-test");
        for _ in 0..200 {
            let pl = polish_iban(&mut r, "102");
            assert_eq!(pl.len(), 28);
            assert!(is_valid_iban(&pl), "{pl}");
            let de = german_iban(&mut r, "10070000");
            assert_eq!(de.len(), 22);
            assert!(is_valid_iban(&de), "{de}");
        }
    }
}
