//! Texts of a planned transaction: titles, parties and their IBANs, kinds and booking status,
//! in the target's language.

use chrono::{Datelike, Days, NaiveDate};
use rand::Rng;

use super::super::types::BankTransaction;
use super::generator::{Draft, Event};
use super::locale::BUSINESS;
use super::profile::{AccountData, Profile};
use super::seed::{digits, rng_from_u64, DemoRng};
use crate::banks::model::TxStatus;

/// "MM/YYYY" of the month `back` months before `date`'s.
fn period(date: NaiveDate, back: u32) -> String {
    let d = date.with_day(1).and_then(|d| d.checked_sub_months(chrono::Months::new(back))).unwrap_or(date);
    format!("{:02}/{}", d.month(), d.year())
}

fn pick<'a>(rng: &mut DemoRng, items: &'a [&'a str]) -> (usize, &'a str) {
    let i = rng.gen_range(0..items.len());
    (i, items[i])
}

/// The full transaction for one planned item; `index` is its position within the day.
/// `balance_after_minor` is left 0 for the pager to fill in.
pub(super) fn render(p: &Profile, acc: &AccountData, date: NaiveDate, index: usize, d: &Draft) -> BankTransaction {
    let l = p.locale;
    let k = &l.kinds;
    let b = &BUSINESS;
    let mut rng = rng_from_u64(d.seed);
    let own = || Some(p.holder.clone());
    let mut card_like = false;
    let (kind, title, party, party_iban): (&str, String, Option<String>, Option<String>) = match d.event {
        Event::Salary => (
            k.salary,
            format!("{} {}", l.salary_title, period(date, 1)),
            Some(l.employer.into()),
            Some(p.employer_iban.clone()),
        ),
        Event::Rent => (
            k.standing_order,
            format!("{} {}", l.rent_title, period(date, 0)),
            Some(l.landlord.into()),
            Some(p.landlord_iban.clone()),
        ),
        Event::Bill(i) => {
            let bill = &l.bills[usize::from(i)];
            let kind = if bill.direct_debit { k.direct_debit } else { k.outgoing };
            let number = format!("{}/{}", date.format("%y%m"), digits(&mut rng, 6));
            (
                kind,
                format!("{} {number}", bill.title),
                Some(bill.party.into()),
                p.bill_ibans.get(usize::from(i)).cloned(),
            )
        }
        Event::Subscription(i) => {
            let sub = &l.subscriptions[usize::from(i)];
            card_like = true;
            (k.card, sub.title.into(), Some(sub.party.into()), None)
        }
        Event::ToSavings => (k.outgoing, l.savings_out_title.into(), own(), Some(p.sibling_iban(acc).to_owned())),
        Event::FromSavings => (k.incoming, l.savings_in_title.into(), own(), Some(p.sibling_iban(acc).to_owned())),
        Event::SavingsDeposit => (k.incoming, l.savings_out_title.into(), own(), Some(p.sibling_iban(acc).to_owned())),
        Event::SavingsWithdrawal => {
            (k.outgoing, l.savings_in_title.into(), own(), Some(p.sibling_iban(acc).to_owned()))
        }
        Event::Fee => {
            let title = if p.target.is_business() { b.fee_title } else { l.fee_title };
            (k.fee, title.into(), None, None)
        }
        Event::Card(i) => {
            let m = &l.merchants[usize::from(i)];
            let city = if rng.gen_bool(0.85) { l.home_city } else { pick(&mut rng, l.cities).1 };
            let store = rng.gen_range(1000..10_000);
            card_like = true;
            (k.card, (l.card_title)(m, store, city), Some(m.party.into()), None)
        }
        Event::Atm => {
            let city = l.home_city;
            let title = format!("{} {} {city}", l.atm_title, digits(&mut rng, 4));
            (k.atm, title, None, None)
        }
        Event::TransferIn | Event::TransferOut => {
            let (i, friend) = pick(&mut rng, l.friends);
            let titles = if d.event == Event::TransferIn { l.transfer_in_titles } else { l.transfer_out_titles };
            let kind = if d.event == Event::TransferIn { k.incoming } else { k.outgoing };
            (kind, pick(&mut rng, titles).1.into(), Some(friend.into()), p.friend_ibans.get(i).cloned())
        }
        Event::Interest => (k.interest, l.interest_title.into(), None, None),
        Event::InterestTax => (k.interest_tax, l.interest_tax_title.into(), None, None),
        Event::Invoice => {
            let (i, client) = pick(&mut rng, b.clients);
            let n = rng.gen_range(1..200);
            (
                k.incoming,
                format!("{} {n}/{}", b.invoice_title, period(date, 1)),
                Some(client.into()),
                p.business.clients.get(i).cloned(),
            )
        }
        Event::Supplier => {
            let i = rng.gen_range(0..b.suppliers.len());
            let (supplier, prefix) = b.suppliers[i];
            let n = rng.gen_range(1..2000);
            (
                k.outgoing,
                format!("{prefix}/{n}/{}", date.year()),
                Some(supplier.into()),
                p.business.suppliers.get(i).cloned(),
            )
        }
        Event::Payroll(i) => (
            k.outgoing,
            format!("{} {}", b.payroll_title, period(date, 1)),
            Some(b.employees[usize::from(i)].into()),
            p.business.employees.get(usize::from(i)).cloned(),
        ),
        Event::SocialSecurity => (
            k.outgoing,
            format!("{} {}", b.social_security_title, period(date, 1)),
            Some(b.social_security.into()),
            Some(p.business.social_security.clone()),
        ),
        Event::Vat => (
            k.outgoing,
            format!("{} {}", b.vat_title, period(date, 1)),
            Some(b.tax_office.into()),
            Some(p.business.tax_office.clone()),
        ),
        Event::Pit => (
            k.outgoing,
            format!("{} {}", b.pit_title, period(date, 1)),
            Some(b.tax_office.into()),
            Some(p.business.tax_office.clone()),
        ),
        Event::Bet => {
            let r = &l.risky;
            (k.outgoing, r.bet_title.into(), Some(r.bookmaker.into()), Some(super::profile::party_iban(l, r.bookmaker)))
        }
        Event::Winnings => {
            let r = &l.risky;
            (
                k.incoming,
                r.winnings_title.into(),
                Some(r.bookmaker.into()),
                Some(super::profile::party_iban(l, r.bookmaker)),
            )
        }
        Event::PaydayLoan => {
            let r = &l.risky;
            (k.incoming, r.loan_title.into(), Some(r.lender.into()), Some(super::profile::party_iban(l, r.lender)))
        }
        Event::PaydayRepayment => {
            let r = &l.risky;
            (k.outgoing, r.repayment_title.into(), Some(r.lender.into()), Some(super::profile::party_iban(l, r.lender)))
        }
        Event::DebtCollection => {
            let r = &l.risky;
            let title = format!("{} {}", r.collection_title, digits(&mut rng, 8));
            (k.outgoing, title, Some(r.collector.into()), Some(super::profile::party_iban(l, r.collector)))
        }
        Event::ReturnedDebit => {
            let i = l.bills.iter().position(|b| b.direct_debit).unwrap_or(0);
            let bill = &l.bills[i];
            (k.incoming, l.risky.returned_title.into(), Some(bill.party.into()), p.bill_ibans.get(i).cloned())
        }
        Event::LargeAtm => {
            let title = format!("{} {} {}", l.atm_title, digits(&mut rng, 4), l.home_city);
            (k.atm, title, None, None)
        }
        Event::OfficeRent => (
            k.standing_order,
            format!("{} {}", b.office_rent_title, period(date, 0)),
            Some(b.office_landlord.into()),
            Some(p.business.office_landlord.clone()),
        ),
    };
    // Card payments settle one or two days later; until then they are pending.
    let booked_on = if card_like {
        date.checked_add_days(Days::new(rng.gen_range(1..=2))).filter(|b| *b <= p.as_of)
    } else {
        Some(date)
    };
    BankTransaction {
        provider_id: format!("{:04}{:02}{:02}-{}", date.year(), date.month(), date.day(), index + 1),
        transaction_on: date,
        booked_on,
        amount_minor: d.amount,
        balance_after_minor: 0,
        title,
        party,
        party_iban,
        kind: kind.to_owned(),
        status: if booked_on.is_some() { TxStatus::Done } else { TxStatus::Pending },
        replaces: None,
    }
}
