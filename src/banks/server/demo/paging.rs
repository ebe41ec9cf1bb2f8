//! Newest-first pages over generated days. The cursor names the next transaction (day and
//! index within the day) and the balance after it, so a page costs O(page size + one day) and
//! nothing is kept between calls. (A month's last day also plans that month once, for the
//! sweep to savings; still bounded, never the whole history.)

use chrono::{Days, NaiveDate};

use super::super::error::BankError;
use super::super::types::{DateRange, PageCursor, TransactionPage};
use super::generator::{day_net, plan_day, Draft};
use super::profile::{AccountData, Profile};
use super::render::render;

/// Largest page the Demo Bank returns.
pub const PAGE_SIZE: usize = 1000;

/// Where the next page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Position {
    day: NaiveDate,
    /// Index (in the day's chronological order) of the next transaction to return.
    index: usize,
    /// Balance after that transaction.
    balance: i64,
}

fn encode(acc: &AccountData, range: DateRange, pos: Position) -> PageCursor {
    PageCursor::from_token(format!(
        "v1:{}:{}:{}:{}:{}:{}",
        acc.provider_id,
        range.from.format("%Y%m%d"),
        range.to.format("%Y%m%d"),
        pos.day.format("%Y%m%d"),
        pos.index,
        pos.balance
    ))
}

fn decode(acc: &AccountData, range: DateRange, cursor: &PageCursor) -> Option<Position> {
    let parts: Vec<&str> = cursor.as_str().split(':').collect();
    let [version, account, from, to, day, index, balance] = parts.as_slice() else {
        return None;
    };
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    let same_request =
        *version == "v1" && *account == acc.provider_id && date(from)? == range.from && date(to)? == range.to;
    same_request.then_some(())?;
    Some(Position { day: date(day)?, index: index.parse().ok()?, balance: balance.parse().ok()? })
}

/// The newest transaction position at or before `day` and not before `lo`, with the balance
/// after it (`balance` is the balance at the end of `day`) and that day's plan. Skipping a quiet
/// day costs only its plan.
fn first_position_from(
    p: &Profile,
    acc: &AccountData,
    mut day: NaiveDate,
    lo: NaiveDate,
    balance: i64,
) -> Option<(Position, Vec<Draft>)> {
    while day >= lo {
        let drafts = plan_day(p, acc, day);
        if let Some(index) = drafts.len().checked_sub(1) {
            return Some((Position { day, index, balance }, drafts));
        }
        day = day.pred_opt()?;
    }
    None
}

/// One page of `acc`'s transactions within `range`, newest first.
pub(super) fn page(
    p: &Profile,
    acc: &AccountData,
    range: DateRange,
    cursor: Option<&PageCursor>,
    page_size: usize,
) -> Result<TransactionPage, BankError> {
    let lo = range.from.max(p.history_start);
    let hi = range.to.min(p.as_of);
    let start = match cursor {
        Some(c) => {
            let pos = decode(acc, range, c)
                .filter(|pos| lo <= pos.day && pos.day <= hi)
                .ok_or_else(|| bad_cursor("does not match this request"))?;
            let drafts = plan_day(p, acc, pos.day);
            if pos.index >= drafts.len() {
                return Err(bad_cursor("points past the end of its day"));
            }
            Some((pos, drafts))
        }
        None if lo > hi => None,
        None => {
            // The balance at the end of `hi`: today's balance minus everything after `hi`.
            // Imports end today, so this loop is usually empty.
            let mut balance = acc.balance;
            let mut d = p.as_of;
            while d > hi {
                balance -= day_net(p, acc, d);
                d = d - Days::new(1);
            }
            first_position_from(p, acc, hi, lo, balance)
        }
    };
    let Some((mut pos, mut drafts)) = start else {
        return Ok(TransactionPage { transactions: Vec::new(), next: None });
    };
    let page_size = page_size.max(1);
    let mut out = Vec::with_capacity(page_size.min(PAGE_SIZE));
    loop {
        // Walk the day backwards from `pos.index`; each balance is the one after the
        // transaction, so the older neighbour's is this one minus this amount.
        let mut remaining = pos.index + 1;
        while remaining > 0 && out.len() < page_size {
            let i = remaining - 1;
            let mut tx = render(p, acc, pos.day, i, &drafts[i]);
            tx.balance_after_minor = pos.balance;
            pos.balance -= drafts[i].amount;
            out.push(tx);
            remaining -= 1;
        }
        let next = if remaining > 0 {
            // The page is full mid-day; the drafts are not needed, only the cursor.
            let same_day = Position { index: remaining - 1, ..pos };
            Some((same_day, Vec::new()))
        } else {
            pos.day.pred_opt().and_then(|d| first_position_from(p, acc, d, lo, pos.balance))
        };
        match next {
            Some((n, next_drafts)) if out.len() < page_size => {
                pos = n;
                drafts = next_drafts;
            }
            next => {
                return Ok(TransactionPage { transactions: out, next: next.map(|(n, _)| encode(acc, range, n)) });
            }
        }
    }
}

fn bad_cursor(why: &str) -> BankError {
    BankError::Internal(format!("page cursor {why}"))
}
