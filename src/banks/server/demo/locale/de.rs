//! German personal banking (EUR, cents).

use super::{Bill, Kinds, Locale, Merchant, Risky, Subscription};

const fn shop(title: &'static str, min: i64, max: i64, weight: u32) -> Merchant {
    Merchant { title, party: title, min, max, weight, online_city: None }
}

const fn online(title: &'static str, city: &'static str, min: i64, max: i64, weight: u32) -> Merchant {
    Merchant { title, party: title, min, max, weight, online_city: Some(city) }
}

fn card_title(m: &Merchant, store: u32, city: &str) -> String {
    match m.online_city {
        Some(seat) => format!("{}//{seat}", m.title),
        None => format!("{} {store}//{city}/DE", m.title),
    }
}

pub(in super::super) static DE: Locale = Locale {
    country: "DE",
    kinds: Kinds {
        incoming: "Gutschrift",
        outgoing: "Überweisung",
        card: "Kartenzahlung",
        atm: "Bargeldauszahlung",
        fee: "Entgelt",
        standing_order: "Dauerauftrag",
        salary: "Gehalt",
        interest: "Zinsgutschrift",
        interest_tax: "Kapitalertragsteuer",
        direct_debit: "Lastschrift",
    },
    own_bank: "99990000",
    party_banks: &["10070000", "10010010", "12030000", "20040000", "50010517", "70150000", "10050000", "37040044"],
    home_city: "Berlin",
    cities: &["Hamburg", "Muenchen", "Koeln", "Leipzig", "Potsdam"],
    merchants: &[
        shop("REWE", 5_00, 110_00, 10),
        shop("EDEKA", 5_00, 100_00, 8),
        shop("LIDL", 5_00, 85_00, 8),
        shop("ALDI SUED", 5_00, 75_00, 7),
        shop("dm-drogerie markt", 4_00, 55_00, 5),
        shop("ROSSMANN", 4_00, 45_00, 3),
        online("DB Vertrieb GmbH", "Frankfurt", 15_00, 130_00, 3),
        shop("ARAL Tankstelle", 40_00, 90_00, 3),
        shop("Shell", 40_00, 90_00, 2),
        online("AMAZON EU S.A R.L.", "Luxembourg", 10_00, 150_00, 5),
        shop("MediaMarkt", 20_00, 380_00, 1),
        shop("IKEA", 20_00, 330_00, 1),
        online("Lieferando.de", "Berlin", 15_00, 45_00, 3),
        shop("BackWerk", 3_00, 12_00, 4),
        shop("BVG Automat", 3_00, 9_00, 3),
    ],
    bills: &[
        Bill {
            party: "Vattenfall Europe Sales GmbH",
            title: "Abschlag Strom Vertragskonto",
            day: 15,
            min: 78_00,
            max: 78_00,
            every_months: 1,
            seasonal: false,
            direct_debit: true,
        },
        Bill {
            party: "Telekom Deutschland GmbH",
            title: "Festnetz/Internet Rechnung",
            day: 20,
            min: 44_95,
            max: 44_95,
            every_months: 1,
            seasonal: false,
            direct_debit: true,
        },
        Bill {
            party: "Vodafone GmbH",
            title: "Mobilfunk Rechnung",
            day: 23,
            min: 29_99,
            max: 29_99,
            every_months: 1,
            seasonal: false,
            direct_debit: true,
        },
        Bill {
            party: "Rundfunk ARD, ZDF, DRadio",
            title: "Rundfunkbeitrag Beitragsnummer",
            day: 15,
            min: 55_08,
            max: 55_08,
            every_months: 3,
            seasonal: false,
            direct_debit: true,
        },
    ],
    subscriptions: &[
        Subscription { title: "NETFLIX.COM", party: "Netflix", day: 7, amount: 13_99 },
        Subscription { title: "Spotify AB", party: "Spotify", day: 16, amount: 11_99 },
    ],
    employer: "Nordlicht Software GmbH",
    salary_title: "Gehalt",
    salary: (3_550_00, 3_950_00),
    landlord: "Hausverwaltung Schneider GmbH",
    rent_title: "Miete",
    rent: (880_00, 1_000_00),
    friends: &["Lukas Müller", "Anna Schmidt", "Felix Schneider", "Lea Fischer", "Jonas Weber", "Marie Becker"],
    friend_transfer: (10_00, 150_00),
    transfer_in_titles: &["Danke fürs Essen", "Konzertkarten zurück", "Anteil Geschenk", "Geld zurück", "Tankkosten"],
    transfer_out_titles: &["Kinokarten", "Anteil Urlaub", "Geschenk Sammlung", "Pizza", "Rückzahlung"],
    atm_title: "GA Berliner Sparkasse",
    atm: (20_00, 40_00, 200_00),
    fee_title: "Kontoführungsentgelt",
    fee: 4_95,
    savings_in_title: "Übertrag vom Tagesgeld",
    savings_out_title: "Übertrag auf Tagesgeld",
    sweep_target: 100_00,
    interest_title: "Zinsen",
    interest: (15_00, 40_00),
    interest_tax_title: "Kapitalertragsteuer",
    // Covered by an exemption order (Freistellungsauftrag), so nothing is withheld.
    interest_tax_percent: 0,
    risky: Risky {
        bookmaker: "Tipico Co. Ltd",
        bet_title: "Einzahlung Wettkonto",
        winnings_title: "Auszahlung Gewinn",
        lender: "Vexcash AG",
        loan_title: "Auszahlung Kredit",
        repayment_title: "Rückzahlung Kredit",
        collector: "EOS Deutscher Inkasso-Dienst GmbH",
        collection_title: "Forderung Aktenzeichen",
        returned_title: "Rücklastschrift mangels Deckung",
        large_atm: 1_200_00,
    },
    current_name: "Girokonto",
    current_friendly: "Mein Girokonto",
    savings_name: "Tagesgeldkonto",
    savings_friendly: "Tagesgeld",
    balances: ((5_000_00, 8_000_00), (9_000_00, 18_000_00)),
    owner_address: "Kastanienallee 12, 10435 Berlin",
    phone_prefix: "+49 15",
    card_title,
};
