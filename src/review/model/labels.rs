//! Categories of a transaction, read from the bank's own `kind` text (Polish, German and English wording) and
//! the amount's sign. They are the `labels` of the export and help a reviewer scan a table.

/// The labels of one transaction, most specific first, then its direction.
pub fn labels_for(kind: &str, amount_minor: i64) -> Vec<&'static str> {
    let kind = kind.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| kind.contains(w));
    let category = if has(&["podatek", "kapitalertragsteuer", "tax"]) {
        Some("tax")
    } else if has(&["wynagrodzenie", "gehalt", "salary"]) {
        Some("salary")
    } else if has(&["odsetek", "zins", "interest"]) {
        Some("interest")
    } else if has(&["kart", "card"]) {
        Some("card")
    } else if has(&["bankomat", "bargeld", "atm", "cash"]) {
        Some("cash")
    } else if has(&["opłata", "entgelt", "fee"]) {
        Some("fee")
    } else if has(&["zlecenie stałe", "dauerauftrag", "standing order"]) {
        Some("standing-order")
    } else if has(&["polecenie zapłaty", "lastschrift", "direct debit"]) {
        Some("direct-debit")
    } else if has(&["przelew", "überweisung", "gutschrift", "transfer"]) {
        Some("transfer")
    } else {
        None
    };
    let direction = if amount_minor >= 0 { "inflow" } else { "outflow" };
    category.into_iter().chain(std::iter::once(direction)).collect()
}

#[cfg(test)]
mod tests {
    use super::labels_for;

    #[test]
    fn bank_kinds_in_both_languages_get_categories() {
        assert_eq!(labels_for("WYNAGRODZENIE", 850_000), ["salary", "inflow"]);
        assert_eq!(labels_for("Gehalt", 420_000), ["salary", "inflow"]);
        assert_eq!(labels_for("PŁATNOŚĆ KARTĄ", -2_599), ["card", "outflow"]);
        assert_eq!(labels_for("WYPŁATA Z BANKOMATU", -20_000), ["cash", "outflow"]);
        assert_eq!(labels_for("Bargeldauszahlung", -5_000), ["cash", "outflow"]);
        assert_eq!(labels_for("OPŁATA", -900), ["fee", "outflow"]);
        assert_eq!(labels_for("POLECENIE ZAPŁATY", -12_000), ["direct-debit", "outflow"]);
        assert_eq!(labels_for("PODATEK OD ODSETEK", -19), ["tax", "outflow"]);
        assert_eq!(labels_for("KAPITALIZACJA ODSETEK", 100), ["interest", "inflow"]);
        assert_eq!(labels_for("Zinsgutschrift", 100), ["interest", "inflow"]);
        assert_eq!(labels_for("PRZELEW PRZYCHODZĄCY", 5_000), ["transfer", "inflow"]);
        assert_eq!(labels_for("Something new", -1), ["outflow"]);
    }
}
