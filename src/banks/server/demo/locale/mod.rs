//! Country-specific texts and amount ranges for generated data. Amounts are minor units of
//! the target's currency. Names are fictional except well-known merchants and utilities.

// Amounts are written `units_cents` (e.g. `12_000_00` is 12,000.00), on purpose.
#![allow(clippy::inconsistent_digit_grouping)]

mod business;
mod de;
mod pl;

pub(super) use business::BUSINESS;
pub(super) use de::DE;
pub(super) use pl::PL;

/// The bank's transaction-type texts, in the bank's language.
pub(super) struct Kinds {
    pub incoming: &'static str,
    pub outgoing: &'static str,
    pub card: &'static str,
    pub atm: &'static str,
    pub fee: &'static str,
    pub standing_order: &'static str,
    pub salary: &'static str,
    pub interest: &'static str,
    pub interest_tax: &'static str,
    pub direct_debit: &'static str,
}

/// A shop or service paid by card.
pub(super) struct Merchant {
    /// As printed on the statement.
    pub title: &'static str,
    /// Human name shown as the party.
    pub party: &'static str,
    pub min: i64,
    pub max: i64,
    pub weight: u32,
    /// Online shops print their seat instead of a store number and the user's city.
    pub online_city: Option<&'static str>,
}

/// A bill paid every `every_months` months on `day` of the month.
pub(super) struct Bill {
    pub party: &'static str,
    pub title: &'static str,
    pub day: u32,
    pub min: i64,
    pub max: i64,
    pub every_months: u32,
    /// Higher in winter (heating, light).
    pub seasonal: bool,
    pub direct_debit: bool,
}

/// A card subscription charged on a fixed day (streaming and the like).
pub(super) struct Subscription {
    pub title: &'static str,
    pub party: &'static str,
    pub day: u32,
    pub amount: i64,
}

/// The risky applicant's counterparties: a betting operator, a payday lender, a debt collector, and the
/// title of a direct debit the bank returned unpaid.
pub(super) struct Risky {
    pub bookmaker: &'static str,
    pub bet_title: &'static str,
    pub winnings_title: &'static str,
    pub lender: &'static str,
    pub loan_title: &'static str,
    pub repayment_title: &'static str,
    pub collector: &'static str,
    pub collection_title: &'static str,
    pub returned_title: &'static str,
    /// A large cash withdrawal (round).
    pub large_atm: i64,
}

pub(super) struct Locale {
    pub country: &'static str,
    pub kinds: Kinds,
    /// Bank code of the demo bank itself (PL: 3 digits, DE: 8-digit BLZ).
    pub own_bank: &'static str,
    pub party_banks: &'static [&'static str],
    pub home_city: &'static str,
    pub cities: &'static [&'static str],
    pub merchants: &'static [Merchant],
    pub bills: &'static [Bill],
    pub subscriptions: &'static [Subscription],
    pub employer: &'static str,
    pub salary_title: &'static str,
    pub salary: (i64, i64),
    pub landlord: &'static str,
    pub rent_title: &'static str,
    pub rent: (i64, i64),
    pub friends: &'static [&'static str],
    /// Range of transfers between friends.
    pub friend_transfer: (i64, i64),
    pub transfer_in_titles: &'static [&'static str],
    pub transfer_out_titles: &'static [&'static str],
    pub atm_title: &'static str,
    /// (step, min, max): withdrawals are round amounts.
    pub atm: (i64, i64, i64),
    pub fee_title: &'static str,
    pub fee: i64,
    pub savings_in_title: &'static str,
    pub savings_out_title: &'static str,
    /// Bound of the monthly net the current account keeps; the rest is swept to savings.
    pub sweep_target: i64,
    pub interest_title: &'static str,
    pub interest: (i64, i64),
    pub interest_tax_title: &'static str,
    /// Percent withheld from interest (Poland's 19 %); 0 for none.
    pub interest_tax_percent: i64,
    /// Counterparties of the `test-risky` login: what a credit reviewer must see.
    pub risky: Risky,
    pub current_name: &'static str,
    pub current_friendly: &'static str,
    pub savings_name: &'static str,
    pub savings_friendly: &'static str,
    /// Opening balance ranges: (current, savings).
    pub balances: ((i64, i64), (i64, i64)),
    pub owner_address: &'static str,
    pub phone_prefix: &'static str,
    /// Formats a card-payment title from (merchant title, store number, city).
    pub card_title: fn(&Merchant, u32, &str) -> String,
}

/// Texts and ranges of a small Polish trading company (the `demo-business` target).
pub(super) struct Business {
    pub clients: &'static [&'static str],
    pub invoice_title: &'static str,
    pub invoice: (i64, i64),
    /// (party, title prefix)
    pub suppliers: &'static [(&'static str, &'static str)],
    pub supplier_payment: (i64, i64),
    pub employees: &'static [&'static str],
    pub payroll_title: &'static str,
    pub payroll: (i64, i64),
    pub social_security: &'static str,
    pub social_security_title: &'static str,
    pub social_security_amount: (i64, i64),
    pub tax_office: &'static str,
    pub vat_title: &'static str,
    pub vat: (i64, i64),
    pub pit_title: &'static str,
    pub pit: (i64, i64),
    pub office_landlord: &'static str,
    pub office_rent_title: &'static str,
    pub office_rent: i64,
    pub fee_title: &'static str,
    pub fee: i64,
    pub sweep_target: i64,
    pub interest: (i64, i64),
    pub current_name: &'static str,
    pub current_friendly: &'static str,
    pub savings_name: &'static str,
    pub savings_friendly: &'static str,
    pub balances: ((i64, i64), (i64, i64)),
    pub company_name: &'static str,
    pub company_address: &'static str,
    pub company_email: &'static str,
}
