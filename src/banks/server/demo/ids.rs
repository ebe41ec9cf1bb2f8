//! Polish identifiers with their official check digits: PESEL (person), NIP (tax id),
//! REGON (business register, 9 or 14 digits) and the ID-card number (3 letters, 6 digits).

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use super::seed::{digits, DemoRng};

const PESEL_WEIGHTS: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
const NIP_WEIGHTS: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];
const REGON9_WEIGHTS: [u32; 8] = [8, 9, 2, 3, 4, 5, 6, 7];
const REGON14_WEIGHTS: [u32; 13] = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8];
const ID_CARD_WEIGHTS: [u32; 9] = [7, 3, 1, 9, 7, 3, 1, 7, 3];

fn digit_values(s: &str) -> Option<Vec<u32>> {
    s.chars().map(|c| c.to_digit(10)).collect()
}

fn weighted_sum(values: &[u32], weights: &[u32]) -> u32 {
    values.iter().zip(weights).map(|(v, w)| v * w).sum()
}

/// PESEL for someone born on `birth` (years 1800..=2299), `serial` in 0..=999, and sex
/// (odd 10th digit for men, even for women).
pub(super) fn pesel(birth: NaiveDate, serial: u32, female: bool, sex_pick: u32) -> String {
    let month_offset = match birth.year() {
        1800..=1899 => 80,
        1900..=1999 => 0,
        2000..=2099 => 20,
        2100..=2199 => 40,
        _ => 60,
    };
    let sex_digit = (sex_pick % 5) * 2 + u32::from(!female);
    let body = format!(
        "{:02}{:02}{:02}{:03}{}",
        birth.year() % 100,
        birth.month() + month_offset,
        birth.day(),
        serial % 1000,
        sex_digit
    );
    let values = digit_values(&body).expect("formatted from digits");
    let check = (10 - weighted_sum(&values, &PESEL_WEIGHTS) % 10) % 10;
    format!("{body}{check}")
}

/// The birth date a PESEL encodes, if it is well-formed.
pub fn pesel_birth_date(pesel: &str) -> Option<NaiveDate> {
    let v = digit_values(pesel).filter(|v| v.len() == 11)?;
    let (yy, mm, dd) = (v[0] * 10 + v[1], v[2] * 10 + v[3], v[4] * 10 + v[5]);
    let (century, month) = match mm {
        81..=92 => (1800, mm - 80),
        1..=12 => (1900, mm),
        21..=32 => (2000, mm - 20),
        41..=52 => (2100, mm - 40),
        61..=72 => (2200, mm - 60),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(century + yy as i32, month, dd)
}

/// Whether `pesel` has 11 digits, a real birth date and a correct check digit.
pub fn is_valid_pesel(pesel: &str) -> bool {
    let Some(v) = digit_values(pesel).filter(|v| v.len() == 11) else {
        return false;
    };
    pesel_birth_date(pesel).is_some() && (weighted_sum(&v, &PESEL_WEIGHTS) + v[10]).is_multiple_of(10)
}

/// A NIP for tax office `office` (3 digits); redraws the rare bodies whose check would be 10.
pub(super) fn nip(rng: &mut DemoRng, office: &str) -> String {
    loop {
        let body = format!("{office}{}", digits(rng, 6));
        let values = digit_values(&body).expect("formatted from digits");
        let check = weighted_sum(&values, &NIP_WEIGHTS) % 11;
        if check < 10 {
            return format!("{body}{check}");
        }
    }
}

pub fn is_valid_nip(nip: &str) -> bool {
    match digit_values(nip) {
        Some(v) if v.len() == 10 => {
            let check = weighted_sum(&v, &NIP_WEIGHTS) % 11;
            check < 10 && check == v[9]
        }
        _ => false,
    }
}

/// A 9-digit REGON; the first two digits are a voivodeship code (even, 02..=32).
pub(super) fn regon(rng: &mut DemoRng) -> String {
    let body = format!("{:02}{}", rng.gen_range(1..=16u32) * 2, digits(rng, 6));
    let values = digit_values(&body).expect("formatted from digits");
    let check = weighted_sum(&values, &REGON9_WEIGHTS) % 11 % 10;
    format!("{body}{check}")
}

/// Whether `regon` is a valid 9- or 14-digit REGON.
pub fn is_valid_regon(regon: &str) -> bool {
    let weights: &[u32] = match regon.len() {
        9 => &REGON9_WEIGHTS,
        14 => &REGON14_WEIGHTS,
        _ => return false,
    };
    match digit_values(regon) {
        Some(v) => weighted_sum(&v, weights) % 11 % 10 == v[v.len() - 1],
        None => false,
    }
}

/// A Polish ID-card number such as `ABA300000`: the 4th character is the check digit.
pub(super) fn id_card_number(rng: &mut DemoRng) -> String {
    let letters: String = (0..3).map(|_| char::from(b'A' + rng.gen_range(0..26u8))).collect();
    let tail = digits(rng, 5);
    let values: Vec<u32> =
        letters.chars().chain("0".chars()).chain(tail.chars()).map(|c| c.to_digit(36).expect("alphanumeric")).collect();
    // Weight 9 of the check digit is -1 mod 10, so the check equals the others' sum mod 10.
    let check = weighted_sum(&values, &ID_CARD_WEIGHTS) % 10;
    format!("{letters}{check}{tail}")
}

pub fn is_valid_id_card_number(number: &str) -> bool {
    let ok_shape = number.len() == 9
        && number[..3].bytes().all(|b| b.is_ascii_uppercase())
        && number[3..].bytes().all(|b| b.is_ascii_digit());
    if !ok_shape {
        return false;
    }
    let values: Vec<u32> = number.chars().filter_map(|c| c.to_digit(36)).collect();
    weighted_sum(&values, &ID_CARD_WEIGHTS).is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::super::seed::rng_for;
    use super::*;

    #[test]
    fn known_identifiers_validate() {
        assert!(is_valid_pesel("44051401359"));
        assert!(!is_valid_pesel("44051401358"));
        assert!(is_valid_nip("5260250274"));
        assert!(!is_valid_nip("5260250275"));
        assert!(is_valid_regon("123456785"));
        assert!(!is_valid_regon("123456786"));
        assert!(is_valid_id_card_number("ABA300000"));
        assert!(!is_valid_id_card_number("ABA400000"));
    }

    #[test]
    fn generated_pesels_encode_birth_date_and_sex() {
        for (y, female) in [(1985, false), (1899, true), (2003, true), (2150, false)] {
            let birth = NaiveDate::from_ymd_opt(y, 11, 30).unwrap();
            for serial in [0, 123, 999] {
                let p = pesel(birth, serial, female, serial);
                assert!(is_valid_pesel(&p), "{p}");
                assert_eq!(pesel_birth_date(&p), Some(birth));
                let sex = p.as_bytes()[9] - b'0';
                assert_eq!(sex.is_multiple_of(2), female, "{p}");
            }
        }
    }

    #[test]
    fn generated_company_ids_and_id_cards_are_valid() {
        let mut r = rng_for("ids");
        for _ in 0..300 {
            assert!(is_valid_nip(&nip(&mut r, "525")));
            assert!(is_valid_regon(&regon(&mut r)));
            let card = id_card_number(&mut r);
            assert!(is_valid_id_card_number(&card), "{card}");
        }
    }
}
