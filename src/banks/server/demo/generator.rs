//! Day-by-day transaction generation. A day's transactions depend only on (account, date, as-of
//! date), so any page can be produced without generating the rest of the history.
//!
//! Generation has two stages: `plan_day` here decides what happens and the amounts (cheap: no
//! strings); `render::render` turns one planned item into a `BankTransaction` with its own small
//! random stream. Balances only need the plan, so skipping over days costs little.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rand::Rng;

use super::locale::BUSINESS;
use super::profile::{AccountData, Flavour, Profile};
use super::seed::{rng_for, skewed_amount, sub_seed, weighted_index, DemoRng};

/// Transactions of the `test-large` account over the whole history (SPEC §4).
pub(super) const LARGE_TOTAL: i64 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Event {
    Salary,
    Rent,
    Bill(u8),
    Subscription(u8),
    ToSavings,
    FromSavings,
    Fee,
    Card(u8),
    Atm,
    TransferIn,
    TransferOut,
    SavingsDeposit,
    SavingsWithdrawal,
    Interest,
    InterestTax,
    Invoice,
    Supplier,
    Payroll(u8),
    SocialSecurity,
    Vat,
    Pit,
    OfficeRent,
    Bet,
    Winnings,
    PaydayLoan,
    PaydayRepayment,
    DebtCollection,
    ReturnedDebit,
    LargeAtm,
}

/// One planned transaction: what, how much (signed minor units) and the seed of its texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Draft {
    pub event: Event,
    pub amount: i64,
    pub seed: u64,
}

/// Amounts fixed for a calendar month and shared by both accounts of a profile.
struct MonthValues {
    salary: i64,
    /// What the current account should gain over the month; the month-end sweep to or from
    /// savings makes it so, which keeps the current balance from wandering off.
    sweep_target: i64,
    interest: i64,
    bills: Vec<i64>,
    social_security: i64,
    vat: i64,
    pit: i64,
}

fn month_values(p: &Profile, date: NaiveDate) -> MonthValues {
    let mut rng = rng_for(&format!("month|{}|{}-{:02}", p.key, date.year(), date.month()));
    let (interest, target) = if p.target.is_business() {
        (BUSINESS.interest, BUSINESS.sweep_target)
    } else {
        (p.locale.interest, p.locale.sweep_target)
    };
    let wiggle = p.salary_base / 60;
    let winter = matches!(date.month(), 11 | 12 | 1 | 2);
    let summer = matches!(date.month(), 6..=8);
    MonthValues {
        salary: p.salary_base + rng.gen_range(-wiggle..=wiggle),
        sweep_target: rng.gen_range(-target..=target) / 100 * 100,
        interest: rng.gen_range(interest.0..=interest.1),
        bills: p
            .locale
            .bills
            .iter()
            .map(|b| {
                let base = rng.gen_range(b.min..=b.max);
                match (b.seasonal, winter, summer) {
                    (true, true, _) => base * 13 / 10,
                    (true, _, true) => base * 8 / 10,
                    _ => base,
                }
            })
            .collect(),
        social_security: rng.gen_range(BUSINESS.social_security_amount.0..=BUSINESS.social_security_amount.1),
        vat: rng.gen_range(BUSINESS.vat.0..=BUSINESS.vat.1),
        pit: rng.gen_range(BUSINESS.pit.0..=BUSINESS.pit.1),
    }
}

/// A round amount: `(step, min, max)`.
fn stepped(rng: &mut DemoRng, (step, min, max): (i64, i64, i64)) -> i64 {
    rng.gen_range(min / step..=max / step) * step
}

fn last_day_of_month(date: NaiveDate) -> bool {
    date.succ_opt().is_none_or(|next| next.month() != date.month())
}

/// `day` of the date's month, moved back to Friday when it falls on a weekend (payments due
/// on a weekend are made on the last working day before).
fn working_day(date: NaiveDate, day: u32) -> Option<NaiveDate> {
    let d = date.with_day(day)?;
    Some(match d.weekday() {
        Weekday::Sat => d - Days::new(1),
        Weekday::Sun => d - Days::new(2),
        _ => d,
    })
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Everything that happens on the account on `date`, in the account's (chronological) order.
pub(super) fn plan_day(p: &Profile, acc: &AccountData, date: NaiveDate) -> Vec<Draft> {
    plan_day_with(p, acc, date, true)
}

fn plan_day_with(p: &Profile, acc: &AccountData, date: NaiveDate, with_sweep: bool) -> Vec<Draft> {
    if date < p.history_start || date > p.as_of {
        return Vec::new();
    }
    let mut plan = Plan { drafts: Vec::new(), rng: None, key: &acc.key, date };
    match acc.flavour {
        Flavour::Personal => personal_day(p, date, &mut plan),
        Flavour::Business => business_day(p, date, &mut plan),
        Flavour::Large => large_day(p, date, &mut plan),
        Flavour::Savings => savings_day(p, date, &mut plan),
    }
    if with_sweep && acc.flavour != Flavour::Savings && p.savings.is_some() && last_day_of_month(date) {
        let amount = sweep(p, date);
        if amount < 0 {
            plan.push(Event::ToSavings, amount);
        } else if amount > 0 {
            plan.push(Event::FromSavings, amount);
        }
    }
    plan.drafts
}

/// The month-end transfer between the current account and savings (positive: into the current
/// account) that makes the current account's month net equal the month's target. Costs one
/// plan per day of the month, and only on the last day of a month.
fn sweep(p: &Profile, month_end: NaiveDate) -> i64 {
    let target = month_values(p, month_end).sweep_target;
    let mut others = 0;
    let mut d = month_end.with_day(1).unwrap_or(month_end);
    while d <= month_end {
        others += plan_day_with(p, &p.current, d, false).iter().map(|x| x.amount).sum::<i64>();
        d = d + Days::new(1);
    }
    target - others
}

/// Collects drafts; the day's random stream is created on first use, so quiet days of a
/// savings account cost no hashing.
struct Plan<'a> {
    drafts: Vec<Draft>,
    rng: Option<DemoRng>,
    key: &'a str,
    date: NaiveDate,
}

impl Plan<'_> {
    fn rng(&mut self) -> &mut DemoRng {
        let (key, date) = (self.key, self.date);
        self.rng.get_or_insert_with(|| rng_for(&format!("plan|{key}|{date}")))
    }

    fn push(&mut self, event: Event, amount: i64) {
        let seed = sub_seed(self.rng());
        self.drafts.push(Draft { event, amount, seed });
    }
}

fn personal_day(p: &Profile, date: NaiveDate, plan: &mut Plan) {
    let l = p.locale;
    let m = month_values(p, date);
    let dom = date.day();
    let month_index = date.year() * 12 + date.month0() as i32;
    if working_day(date, 10) == Some(date) {
        plan.push(Event::Salary, m.salary);
    }
    if dom == p.rent_day {
        plan.push(Event::Rent, -p.rent);
    }
    for (i, bill) in l.bills.iter().enumerate() {
        if dom == bill.day && month_index % bill.every_months as i32 == 0 {
            plan.push(Event::Bill(i as u8), -m.bills[i]);
        }
    }
    for (i, sub) in l.subscriptions.iter().enumerate() {
        if dom == sub.day {
            plan.push(Event::Subscription(i as u8), -sub.amount);
        }
    }
    let cards = if is_weekend(date) { plan.rng().gen_range(1..=4) } else { plan.rng().gen_range(1..=3) };
    for _ in 0..cards {
        card_payment(l, plan);
    }
    if plan.rng().gen_bool(2.0 / 30.0) {
        let amount = stepped(plan.rng(), l.atm);
        plan.push(Event::Atm, -amount);
    }
    if plan.rng().gen_bool(2.0 / 30.0) {
        let amount = skewed_amount(plan.rng(), l.friend_transfer.0, l.friend_transfer.1);
        plan.push(Event::TransferIn, amount);
    }
    if plan.rng().gen_bool(3.0 / 30.0) {
        let amount = skewed_amount(plan.rng(), l.friend_transfer.0, l.friend_transfer.1);
        plan.push(Event::TransferOut, -amount);
    }
    if last_day_of_month(date) {
        plan.push(Event::Fee, -l.fee);
    }
    if p.scenario == super::scenario::Scenario::Risky {
        risky_day(p, date, plan);
    }
}

/// What `test-risky` adds to a personal account: bets (and the odd win), a payday loan every other month
/// repaid in instalments, a debt collector every month, a large cash withdrawal after payday, and a phone bill
/// the bank returns unpaid once a quarter.
fn risky_day(p: &Profile, date: NaiveDate, plan: &mut Plan) {
    let r = &p.locale.risky;
    let dom = date.day();
    let month_index = date.year() * 12 + date.month0() as i32;
    if plan.rng().gen_bool(4.0 / 30.0) {
        let amount = plan.rng().gen_range(20..=300) * 100;
        plan.push(Event::Bet, -amount);
    }
    if plan.rng().gen_bool(1.0 / 30.0) {
        let amount = plan.rng().gen_range(50..=900) * 100;
        plan.push(Event::Winnings, amount);
    }
    if dom == 12 && month_index % 2 == 0 {
        plan.push(Event::PaydayLoan, 2_000 * 100);
    }
    if dom == 26 {
        plan.push(Event::PaydayRepayment, -650 * 100);
    }
    if dom == 21 {
        plan.push(Event::DebtCollection, -300 * 100);
    }
    if working_day(date, 11) == Some(date) {
        plan.push(Event::LargeAtm, -r.large_atm);
    }
    if let Some(bill) = p.locale.bills.iter().position(|b| b.direct_debit) {
        if dom == p.locale.bills[bill].day + 2 && month_index % 3 == 0 {
            plan.push(Event::ReturnedDebit, month_values(p, date).bills[bill]);
        }
    }
}

fn card_payment(l: &super::locale::Locale, plan: &mut Plan) {
    let i = weighted_index(plan.rng(), l.merchants.iter().map(|m| m.weight));
    let m = &l.merchants[i];
    let amount = skewed_amount(plan.rng(), m.min, m.max);
    plan.push(Event::Card(i as u8), -amount);
}

fn business_day(p: &Profile, date: NaiveDate, plan: &mut Plan) {
    let b = &BUSINESS;
    let m = month_values(p, date);
    let dom = date.day();
    if working_day(date, 10) == Some(date) {
        for (i, pay) in p.business.payroll.iter().enumerate() {
            plan.push(Event::Payroll(i as u8), -pay);
        }
    }
    if dom == 5 {
        plan.push(Event::OfficeRent, -b.office_rent);
    }
    if working_day(date, 15) == Some(date) {
        plan.push(Event::SocialSecurity, -m.social_security);
    }
    if working_day(date, 20) == Some(date) {
        plan.push(Event::Pit, -m.pit);
    }
    if working_day(date, 25) == Some(date) {
        plan.push(Event::Vat, -m.vat);
    }
    // One client invoice paid and one supplier paid every working day: a steady trade keeps
    // the month's totals (and so the balances) from swinging wildly.
    if !is_weekend(date) {
        let amount = skewed_amount(plan.rng(), b.invoice.0, b.invoice.1);
        plan.push(Event::Invoice, amount);
        let amount = skewed_amount(plan.rng(), b.supplier_payment.0, b.supplier_payment.1);
        plan.push(Event::Supplier, -amount);
    }
    let cards = if is_weekend(date) { 0..=1 } else { 0..=2 };
    for _ in 0..plan.rng().gen_range(cards) {
        card_payment(p.locale, plan);
    }
    if last_day_of_month(date) {
        plan.push(Event::Fee, -b.fee);
    }
}

/// `LARGE_TOTAL` transactions spread exactly over the history: day `i` of `d` days gets
/// `floor((i+1)·N/d) − floor(i·N/d)`. Money in and out are drawn from one distribution, so the
/// balance wanders without drifting.
fn large_day(p: &Profile, date: NaiveDate, plan: &mut Plan) {
    let l = p.locale;
    let days = (p.as_of - p.history_start).num_days() + 1;
    let i = (date - p.history_start).num_days();
    let count = (i + 1) * LARGE_TOTAL / days - i * LARGE_TOTAL / days;
    for _ in 0..count {
        let (event, amount) = if plan.rng().gen_bool(0.7) {
            let m = weighted_index(plan.rng(), l.merchants.iter().map(|m| m.weight));
            let merchant = &l.merchants[m];
            (Event::Card(m as u8), skewed_amount(plan.rng(), merchant.min, merchant.max))
        } else {
            let (min, max) = l.friend_transfer;
            (Event::TransferOut, skewed_amount(plan.rng(), min, max))
        };
        if plan.rng().gen_bool(0.5) {
            plan.push(Event::TransferIn, amount);
        } else {
            plan.push(event, -amount);
        }
    }
}

fn savings_day(p: &Profile, date: NaiveDate, plan: &mut Plan) {
    if !last_day_of_month(date) {
        return;
    }
    // The other side of the current account's sweep, then the month's interest.
    let amount = -sweep(p, date);
    if amount > 0 {
        plan.push(Event::SavingsDeposit, amount);
    } else if amount < 0 {
        plan.push(Event::SavingsWithdrawal, amount);
    }
    let interest = month_values(p, date).interest;
    plan.push(Event::Interest, interest);
    let percent = if p.target.is_business() { 19 } else { p.locale.interest_tax_percent };
    if percent > 0 {
        // Tax is rounded to the nearest minor unit.
        plan.push(Event::InterestTax, -((interest * percent + 50) / 100));
    }
}

/// Net change of the account on `date`.
pub(super) fn day_net(p: &Profile, acc: &AccountData, date: NaiveDate) -> i64 {
    plan_day(p, acc, date).iter().map(|d| d.amount).sum()
}
