//! Who the test user is and which accounts they hold: everything about a (target, scenario)
//! that does not change from day to day. Cheap to build (a few dozen hashes), so it is rebuilt
//! per call instead of cached.

use chrono::{Days, NaiveDate};
use rand::{Rng, RngCore};

use super::super::types::{BankAccount, DateRange};
use super::iban::{german_iban, polish_iban};
use super::ids::{id_card_number, nip, pesel, regon};
use super::locale::{Locale, BUSINESS};
use super::scenario::Scenario;
use super::seed::{digits, rng_for, DemoRng};
use super::target::DemoTarget;
use crate::banks::model::{AccountOwner, Owner, OwnerKind};

/// How long the generated history is.
pub(super) const HISTORY_MONTHS: u32 = 24;

/// What kind of transactions an account sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavour {
    Personal,
    Business,
    /// `test-large`: a fixed number of mixed transactions, evenly over the history.
    Large,
    Savings,
}

#[derive(Debug, Clone)]
pub(super) struct AccountData {
    pub provider_id: String,
    pub iban: String,
    pub balance: i64,
    pub opened: NaiveDate,
    pub flavour: Flavour,
    /// Seed key of the account's daily plans.
    pub key: String,
}

/// Counterparties of the business flavour, with their IBANs (index-aligned with `BUSINESS`).
#[derive(Debug, Clone, Default)]
pub(super) struct BusinessParties {
    pub clients: Vec<String>,
    pub suppliers: Vec<String>,
    pub employees: Vec<String>,
    /// Monthly net pay of each employee.
    pub payroll: Vec<i64>,
    pub social_security: String,
    pub tax_office: String,
    pub office_landlord: String,
}

#[derive(Clone)]
pub(super) struct Profile {
    pub target: DemoTarget,
    pub scenario: Scenario,
    pub locale: &'static Locale,
    pub as_of: NaiveDate,
    /// First day with transactions: `as_of` minus 24 months, plus one day.
    pub history_start: NaiveDate,
    /// Seed key shared by the accounts, so a transfer between them has one amount on both sides.
    pub key: String,
    /// Name on the user's own accounts (party of transfers between them).
    pub holder: String,
    pub current: AccountData,
    pub savings: Option<AccountData>,
    pub salary_base: i64,
    pub rent: i64,
    pub rent_day: u32,
    pub employer_iban: String,
    pub landlord_iban: String,
    pub friend_ibans: Vec<String>,
    pub bill_ibans: Vec<String>,
    pub business: BusinessParties,
}

impl Profile {
    pub fn new(target: DemoTarget, scenario: Scenario, as_of: NaiveDate) -> Self {
        let locale = target.locale();
        let key = format!("{}|{}", target.id(), scenario.as_str());
        let mut rng = rng_for(&format!("profile|{key}"));
        let history_start = DateRange::last_months(as_of, HISTORY_MONTHS).from;
        let ((cur_min, cur_max), (sav_min, sav_max)) =
            if target.is_business() { BUSINESS.balances } else { locale.balances };
        let current_flavour = match (scenario, target.is_business()) {
            (Scenario::Large, _) => Flavour::Large,
            (_, true) => Flavour::Business,
            (_, false) => Flavour::Personal,
        };
        // A random walk of 100,000 steps wanders far; start it high enough to stay plausible.
        let current_balance = match (current_flavour, scenario) {
            (Flavour::Large, _) => rng.gen_range(cur_max * 15..cur_max * 20),
            // Living from payday to payday: overdrawn today, and on the days before each payday.
            (_, Scenario::Risky) => rng.gen_range(-cur_min / 10..=-cur_min / 100),
            _ => rng.gen_range(cur_min..=cur_max),
        };
        let account = |prefix: &str, balance: i64, flavour: Flavour, rng: &mut DemoRng| {
            let opened = NaiveDate::from_ymd_opt(2012, 1, 1)
                .expect("valid date")
                .checked_add_days(Days::new(rng.gen_range(0..2900)))
                .expect("within chrono's range");
            AccountData {
                provider_id: format!("{prefix}-{:08x}", rng.next_u32()),
                iban: own_iban(locale, rng),
                balance,
                opened,
                flavour,
                key: format!("{key}|{prefix}"),
            }
        };
        let current = account("cur", current_balance, current_flavour, &mut rng);
        let savings = (!matches!(scenario, Scenario::Large | Scenario::Risky)).then(|| {
            let balance = rng.gen_range(sav_min..=sav_max);
            account("sav", balance, Flavour::Savings, &mut rng)
        });
        let holder = if target.is_business() { BUSINESS.company_name.to_owned() } else { JAN.name.to_owned() };
        let salary_base = rng.gen_range(locale.salary.0..=locale.salary.1);
        // The risky applicant earns less than they spend.
        let salary_base = if scenario == Scenario::Risky { salary_base * 6 / 10 } else { salary_base };
        let rent = rng.gen_range(locale.rent.0..=locale.rent.1) / 100 * 100;
        let rent_day = rng.gen_range(1..=5);
        let business =
            if target.is_business() { business_parties(locale, &mut rng) } else { BusinessParties::default() };
        Self {
            target,
            scenario,
            locale,
            as_of,
            history_start,
            holder,
            salary_base,
            rent,
            rent_day,
            employer_iban: party_iban(locale, locale.employer),
            landlord_iban: party_iban(locale, locale.landlord),
            friend_ibans: locale.friends.iter().map(|f| party_iban(locale, f)).collect(),
            bill_ibans: locale.bills.iter().map(|b| party_iban(locale, b.party)).collect(),
            business,
            current,
            savings,
            key,
        }
    }

    /// The account with the bank's id `provider_id`.
    pub fn account(&self, provider_id: &str) -> Option<&AccountData> {
        std::iter::once(&self.current).chain(self.savings.as_ref()).find(|a| a.provider_id == provider_id)
    }

    /// The user's own account on the other side of a transfer between their accounts.
    pub fn sibling_iban(&self, account: &AccountData) -> &str {
        match (&self.savings, account.flavour) {
            (Some(savings), f) if f != Flavour::Savings => &savings.iban,
            _ => &self.current.iban,
        }
    }

    pub fn owners(&self) -> Vec<Owner> {
        let mut owners = vec![if self.target.is_business() { company() } else { person(&JAN, self.locale) }];
        if self.scenario == Scenario::Joint {
            owners.push(person(&ANNA, self.locale));
        }
        owners
    }

    pub fn accounts(&self) -> Vec<BankAccount> {
        let (current_names, savings_names) = if self.target.is_business() {
            ((BUSINESS.current_name, BUSINESS.current_friendly), (BUSINESS.savings_name, BUSINESS.savings_friendly))
        } else {
            (
                (self.locale.current_name, self.locale.current_friendly),
                (self.locale.savings_name, self.locale.savings_friendly),
            )
        };
        let main_owner = AccountOwner {
            name: self.holder.clone(),
            kind: if self.target.is_business() { OwnerKind::Company } else { OwnerKind::Owner },
        };
        let mut current_owners = vec![main_owner.clone()];
        if self.scenario == Scenario::Joint {
            current_owners.push(AccountOwner { name: ANNA.name.to_owned(), kind: OwnerKind::CoOwner });
        }
        let view = |a: &AccountData, (name, friendly): (&str, &str), owners: Vec<AccountOwner>| BankAccount {
            provider_id: a.provider_id.clone(),
            name: name.to_owned(),
            friendly_name: (a.flavour != Flavour::Large).then(|| friendly.to_owned()),
            iban: a.iban.clone(),
            currency: self.target.currency().to_owned(),
            balance_minor: a.balance,
            funds_available_minor: a.balance,
            active_since_at_least: a.opened.min(self.history_start),
            owners,
        };
        let mut accounts = vec![view(&self.current, current_names, current_owners)];
        if let Some(s) = &self.savings {
            accounts.push(view(s, savings_names, vec![main_owner]));
        }
        accounts
    }
}

/// An IBAN at the demo bank itself.
fn own_iban(locale: &Locale, rng: &mut DemoRng) -> String {
    if locale.country == "DE" {
        german_iban(rng, locale.own_bank)
    } else {
        polish_iban(rng, locale.own_bank)
    }
}

/// The IBAN of a named counterparty: the same name has the same IBAN in every scenario.
pub(super) fn party_iban(locale: &Locale, name: &str) -> String {
    let mut rng = rng_for(&format!("party|{}|{name}", locale.country));
    let bank = locale.party_banks[rng.gen_range(0..locale.party_banks.len())];
    if locale.country == "DE" {
        german_iban(&mut rng, bank)
    } else {
        polish_iban(&mut rng, bank)
    }
}

fn business_parties(locale: &Locale, rng: &mut DemoRng) -> BusinessParties {
    let ibans =
        |names: &mut dyn Iterator<Item = &str>| -> Vec<String> { names.map(|n| party_iban(locale, n)).collect() };
    let special = |name: &str, bank: &str| polish_iban(&mut rng_for(&format!("party|PL|{name}")), bank);
    BusinessParties {
        clients: ibans(&mut BUSINESS.clients.iter().copied()),
        suppliers: ibans(&mut BUSINESS.suppliers.iter().map(|s| s.0)),
        employees: ibans(&mut BUSINESS.employees.iter().copied()),
        payroll: BUSINESS
            .employees
            .iter()
            .map(|_| rng.gen_range(BUSINESS.payroll.0..=BUSINESS.payroll.1) / 100 * 100)
            .collect(),
        // ZUS and the tax office are paid at the central bank (NBP, code 101).
        social_security: special(BUSINESS.social_security, "101"),
        tax_office: special(BUSINESS.tax_office, "101"),
        office_landlord: party_iban(locale, BUSINESS.office_landlord),
    }
}

struct Person {
    name: &'static str,
    kind: OwnerKind,
    female: bool,
    birth: (i32, u32, u32),
    email: &'static str,
}

const JAN: Person = Person {
    name: "Jan Kowalski",
    kind: OwnerKind::Owner,
    female: false,
    birth: (1984, 7, 23),
    email: "jan.kowalski@example.com",
};

const ANNA: Person = Person {
    name: "Anna Kowalska",
    kind: OwnerKind::CoOwner,
    female: true,
    birth: (1987, 2, 11),
    email: "anna.kowalska@example.com",
};

/// The same person (same PESEL, ID card) on every target; only the address follows the locale.
fn person(p: &Person, locale: &Locale) -> Owner {
    let mut rng = rng_for(&format!("owner|{}", p.name));
    let birth = NaiveDate::from_ymd_opt(p.birth.0, p.birth.1, p.birth.2).expect("valid date");
    let serial = rng.gen_range(0..1000);
    let sex_pick = rng.gen_range(0..5);
    let phone_tail = digits(&mut rng, 8);
    Owner {
        name: p.name.to_owned(),
        kind: p.kind,
        address: Some(locale.owner_address.to_owned()),
        polish_pesel: Some(pesel(birth, serial, p.female, sex_pick)),
        polish_nip: None,
        polish_regon: None,
        email: Some(p.email.to_owned()),
        phone: Some(format!("{}{} {} {}", locale.phone_prefix, &phone_tail[..2], &phone_tail[2..5], &phone_tail[5..])),
        citizenship: Some("PL".to_owned()),
        personal_document_type: Some("ID_CARD".to_owned()),
        personal_document_number: Some(id_card_number(&mut rng)),
        birth_date: Some(birth.to_string()),
    }
}

fn company() -> Owner {
    let mut rng = rng_for(&format!("owner|{}", BUSINESS.company_name));
    let phone_tail = digits(&mut rng, 7);
    Owner {
        name: BUSINESS.company_name.to_owned(),
        kind: OwnerKind::Company,
        address: Some(BUSINESS.company_address.to_owned()),
        polish_pesel: None,
        // 525: a Warsaw tax office prefix.
        polish_nip: Some(nip(&mut rng, "525")),
        polish_regon: Some(regon(&mut rng)),
        email: Some(BUSINESS.company_email.to_owned()),
        phone: Some(format!("+48 22 {} {}", &phone_tail[..3], &phone_tail[3..])),
        citizenship: None,
        personal_document_type: None,
        personal_document_number: None,
        birth_date: None,
    }
}
