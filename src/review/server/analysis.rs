//! The analysis panel's aggregates over an import's transactions: tallied while the worker stores the pages
//! (no second pass over 100,000 rows), or grouped in SQL over the stored rows (a resumed import, an import
//! stored before the analysis existed, figures of an import still running).

use crate::banks::model::Owner;
use crate::banks::server::{BankAccount, BankTransaction};
use crate::imports::server::reads::{self, OwnedImport};
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::state::{AppState, ImportSummaries, ImportSummary};
use crate::review::model::analysis::{Analysis, IncomeSource, KindTotal, MonthFlow};
use crate::review::model::income::{confirm_income, month_key, month_text, IncomeConfirmation, PayerHistory};
use crate::review::model::labels::{OwnAccounts, LARGE_CASH_MINOR};
use crate::review::model::obligations::{assess, Assessment, OwnerCheck};
use crate::shared::{ImportId, OrganisationId};
use futures::future::BoxFuture;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Which of the bank's `kind` texts mean cash withdrawals (Polish and German demo banks, common English).
pub(super) const CASH_KINDS: &str =
    "(LOWER(kind) LIKE '%bankomat%' OR LOWER(kind) LIKE '%bargeld%' OR LOWER(kind) LIKE '%atm%')";

/// SQL for "this row is a transfer between the applicant's own accounts": the same test as
/// [`OwnAccounts::is_own`] (IBANs compared without spaces, upper case; names trimmed of spaces, exact).
pub(super) const OWN_TRANSFER: &str = "((party_iban IS NOT NULL AND REPLACE(UPPER(party_iban), ' ', '') IN
        (SELECT REPLACE(UPPER(iban), ' ', '') FROM import_account WHERE import_id = $1))
    OR (party IS NOT NULL AND TRIM(party) IN (SELECT TRIM(name) FROM import_owner WHERE import_id = $1)))";

/// The applicant's own accounts and names (the labels' test): a transfer between them is neither income nor
/// spending.
fn own_accounts(owners: &[Owner], accounts: &[BankAccount]) -> OwnAccounts {
    OwnAccounts::new(accounts.iter().map(|a| a.iban.as_str()), owners.iter().map(|o| o.name.as_str()))
}

/// A payment to or from a counterparty, as the income confirmation and the obligations read it from the
/// stored rows.
#[derive(sqlx::FromRow)]
struct CounterpartyRow {
    transaction_on: String,
    amount_minor: i64,
    import_account_id: i64,
    party: String,
    party_iban: Option<String>,
    kind: String,
    title: String,
}

pub async fn analyse(db: &Db, import: &OwnedImport) -> ServerResult<Analysis> {
    let import_id = import.id();
    let accounts = "SELECT import_account_id FROM import_account WHERE import_id = $1";
    let flows: Vec<MonthFlow> = sqlx::query_as(&format!(
        "SELECT SUBSTR(transaction_on, 1, 7) AS month,
                CAST(COALESCE(SUM(CASE WHEN amount_minor > 0 AND NOT {OWN_TRANSFER} THEN amount_minor ELSE 0 END), 0) AS BIGINT) AS inflow_minor,
                CAST(COALESCE(SUM(CASE WHEN amount_minor < 0 AND NOT {OWN_TRANSFER} THEN amount_minor ELSE 0 END), 0) AS BIGINT) AS outflow_minor,
                COUNT(*) AS transactions
         FROM import_transaction WHERE import_account_id IN ({accounts})
         GROUP BY SUBSTR(transaction_on, 1, 7) ORDER BY month"
    ))
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    // Rows are stored newest first per account, so the smallest id of a month is its last transaction.
    let balances: Vec<(String, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT SUBSTR(t.transaction_on, 1, 7), t.balance_after_minor FROM import_transaction t
         WHERE t.import_transaction_id IN (
             SELECT MIN(import_transaction_id) FROM import_transaction
             WHERE import_account_id IN ({accounts})
             GROUP BY import_account_id, SUBSTR(transaction_on, 1, 7))"
    ))
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    let mut end_balance: BTreeMap<String, i64> = BTreeMap::new();
    for (month, balance) in balances {
        if let Some(b) = balance {
            *end_balance.entry(month).or_default() += b;
        }
    }
    let kinds: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT kind, COUNT(*), CAST(SUM(amount_minor) AS BIGINT) FROM import_transaction
         WHERE import_account_id IN ({accounts}) GROUP BY kind"
    ))
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    let (cash,): (i64,) = sqlx::query_as(&format!(
        "SELECT CAST(COALESCE(SUM(-amount_minor), 0) AS BIGINT) FROM import_transaction
         WHERE import_account_id IN ({accounts}) AND amount_minor < 0 AND {CASH_KINDS}"
    ))
    .bind(import_id)
    .fetch_one(&db.pool)
    .await?;
    let (own_transfers,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM import_transaction WHERE import_account_id IN ({accounts}) AND {OWN_TRANSFER}"
    ))
    .bind(import_id)
    .fetch_one(&db.pool)
    .await?;
    // Each counterparty's payments in and out (own transfers left out), for the income confirmation and the
    // obligations.
    let counterparty_rows: Vec<CounterpartyRow> = sqlx::query_as(&format!(
        "SELECT transaction_on, amount_minor, import_account_id, party, party_iban, kind, title FROM import_transaction
         WHERE import_account_id IN ({accounts}) AND amount_minor <> 0 AND party IS NOT NULL AND NOT {OWN_TRANSFER}
         ORDER BY import_account_id"
    ))
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?;
    let accounts_read = reads::accounts(db, import).await?;
    let currencies: HashMap<i64, &str> =
        accounts_read.iter().map(|a| (a.account_id.get(), a.currency.as_str())).collect();
    let (mut incoming, mut outgoing): (HashMap<String, PayerHistory>, HashMap<String, PayerHistory>) =
        (HashMap::new(), HashMap::new());
    for row in counterparty_rows {
        let Ok(on) = chrono::NaiveDate::parse_from_str(&row.transaction_on, "%Y-%m-%d") else { continue };
        let currency = currencies.get(&row.import_account_id).copied().unwrap_or_default();
        let iban = row.party_iban.as_deref();
        if row.amount_minor > 0 {
            entry(&mut incoming, &row.party, || PayerHistory::new(&row.party, currency)).add(
                on,
                row.amount_minor,
                &row.kind,
                &row.title,
                iban,
            );
        } else {
            entry(&mut outgoing, &row.party, || PayerHistory::new(&row.party, currency)).add_payment(
                on,
                -row.amount_minor,
                &row.kind,
                &row.title,
                iban,
            );
        }
    }
    // The last transaction of each account's day (the smallest id: rows are stored newest first).
    let (negative_balance_days,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(DISTINCT t.transaction_on) FROM import_transaction t
         WHERE t.balance_after_minor < 0 AND t.import_transaction_id IN (
             SELECT MIN(import_transaction_id) FROM import_transaction
             WHERE import_account_id IN ({accounts}) GROUP BY import_account_id, transaction_on)"
    ))
    .bind(import_id)
    .fetch_one(&db.pool)
    .await?;
    let (negative_balance_transactions,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM import_transaction
         WHERE import_account_id IN ({accounts}) AND amount_minor < 0 AND balance_after_minor < 0"
    ))
    .bind(import_id)
    .fetch_one(&db.pool)
    .await?;
    let large_cash: (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(-amount_minor), 0) AS BIGINT) FROM import_transaction
         WHERE import_account_id IN ({accounts}) AND amount_minor <= -{LARGE_CASH_MINOR} AND {CASH_KINDS}"
    ))
    .bind(import_id)
    .fetch_one(&db.pool)
    .await?;
    let lowest: HashMap<String, i64> = sqlx::query_as::<_, (String, Option<i64>)>(&format!(
        "SELECT SUBSTR(transaction_on, 1, 7), MIN(balance_after_minor) FROM import_transaction
         WHERE import_account_id IN ({accounts}) GROUP BY SUBSTR(transaction_on, 1, 7)"
    ))
    .bind(import_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .filter_map(|(month, low)| Some((month, low?)))
    .collect();
    let as_of = chrono::DateTime::from_timestamp_millis(import.summary().created_at).unwrap_or_default().date_naive();
    // Accounts come in position order: the first one's currency is the analysis's.
    let currency = accounts_read.first().map(|a| a.currency.clone()).unwrap_or_default();
    let partial = accounts_read.iter().any(|a| a.partial_due_to_timeout.0);
    let income = regular_income(&incoming);
    let (income_confirmation, assessment) = confirm_and_assess(incoming, outgoing, &currency, as_of);
    let mut analysis = Analysis {
        currency,
        months: flows
            .into_iter()
            .map(|m| MonthFlow {
                end_balance_minor: end_balance.get(&m.month).copied(),
                lowest_balance_minor: lowest.get(&m.month).copied(),
                ..m
            })
            .collect(),
        income,
        kinds: top_kinds(kinds.into_iter()),
        cash_withdrawn_minor: cash,
        own_transfers,
        flags: Vec::new(),
        income_confirmation,
        assessment,
        negative_balance_days,
        negative_balance_transactions,
        large_cash_withdrawals: large_cash.0,
        large_cash_withdrawn_minor: large_cash.1,
        owner_check: None,
    };
    analysis.derive_flags(partial);
    Ok(analysis)
}

/// The income confirmation and the obligations from each counterparty's payments in and out.
fn confirm_and_assess(
    incoming: HashMap<String, PayerHistory>,
    outgoing: HashMap<String, PayerHistory>,
    currency: &str,
    as_of: chrono::NaiveDate,
) -> (IncomeConfirmation, Assessment) {
    let incoming: Vec<PayerHistory> = incoming.into_values().collect();
    let outgoing: Vec<PayerHistory> = outgoing.into_values().collect();
    let confirmation = confirm_income(incoming.iter().cloned(), as_of);
    let assessment = assess(&incoming, &outgoing, &confirmation, currency, as_of);
    (confirmation, assessment)
}

/// A payer is regular income when they paid in at least this many distinct months.
const INCOME_MONTHS: i64 = 3;

/// The five most regular payers (in at least `INCOME_MONTHS` distinct months) of the counterparties' incoming
/// payments: most months first, then the larger average, then by name.
fn regular_income(incoming: &HashMap<String, PayerHistory>) -> Vec<IncomeSource> {
    let mut income: Vec<IncomeSource> = incoming
        .values()
        .filter_map(|p| {
            let months = p.payments.iter().map(|(on, _)| month_key(*on)).collect::<BTreeSet<_>>().len() as i64;
            let total_minor: i64 = p.payments.iter().map(|(_, amount)| amount).sum();
            let payments = p.payments.len() as i64;
            (months >= INCOME_MONTHS).then(|| IncomeSource {
                party: p.party.clone(),
                months,
                average_minor: total_minor / payments.max(1),
                payments,
                total_minor,
            })
        })
        .collect();
    income.sort_by(|a, b| {
        b.months.cmp(&a.months).then(b.average_minor.cmp(&a.average_minor)).then(a.party.cmp(&b.party))
    });
    income.truncate(5);
    income
}

/// The twelve most frequent kinds of transaction, then by name.
fn top_kinds(kinds: impl Iterator<Item = (String, i64, i64)>) -> Vec<KindTotal> {
    let mut kinds: Vec<KindTotal> =
        kinds.map(|(kind, count, total_minor)| KindTotal { kind, count, total_minor }).collect();
    kinds.sort_by(|a, b| b.count.cmp(&a.count).then(a.kind.cmp(&b.kind)));
    kinds.truncate(12);
    kinds
}

/// Whether a bank's `kind` text means a cash withdrawal: the same test as `CASH_KINDS` (ASCII case-folding,
/// as SQLite's `LOWER`).
fn is_cash(kind: &str) -> bool {
    let kind = kind.to_ascii_lowercase();
    ["bankomat", "bargeld", "atm"].iter().any(|k| kind.contains(k))
}

#[derive(Default)]
struct MonthTally {
    inflow_minor: i64,
    outflow_minor: i64,
    transactions: i64,
    lowest_balance_minor: Option<i64>,
}

/// The tally of a key, inserting an owned copy only the first time it is seen.
fn entry<'m, T>(map: &'m mut HashMap<String, T>, key: &str, new: impl FnOnce() -> T) -> &'m mut T {
    if !map.contains_key(key) {
        map.insert(key.to_owned(), new());
    }
    map.get_mut(key).expect("inserted above")
}

struct KindTally {
    count: i64,
    total_minor: i64,
    cash: bool,
}

/// The analysis of an import computed while its pages are stored (the same figures `analyse` reads from
/// the stored rows, which a test checks for every Demo Bank login).
struct Tally {
    currency: String,
    months: BTreeMap<i32, MonthTally>,
    /// Each account's balance after its last transaction of a month: the first row seen (pages come newest
    /// first), as `analyse` takes the smallest row id.
    end_balance: HashMap<(usize, i32), i64>,
    kinds: HashMap<String, KindTally>,
    cash_withdrawn_minor: i64,
    own: OwnAccounts,
    own_transfers: i64,
    /// Each account's currency, by position.
    currencies: Vec<String>,
    /// Incoming and outgoing payments by counterparty, for the income confirmation and the obligations.
    incoming: HashMap<String, PayerHistory>,
    outgoing: HashMap<String, PayerHistory>,
    /// Each account's balance at the end of each day (the first row seen of a day, pages newest first).
    day_end: HashMap<(usize, chrono::NaiveDate), i64>,
    negative_balance_transactions: i64,
    large_cash: (i64, i64),
    as_of: chrono::NaiveDate,
}

impl ImportSummary for Tally {
    fn page(&mut self, account_position: usize, transactions: &[BankTransaction]) {
        for t in transactions {
            let month = month_key(t.transaction_on);
            let flow = self.months.entry(month).or_default();
            flow.transactions += 1;
            let own = self.own.is_own(t.party.as_deref(), t.party_iban.as_deref());
            flow.lowest_balance_minor =
                Some(flow.lowest_balance_minor.map_or(t.balance_after_minor, |l| l.min(t.balance_after_minor)));
            let currency = self.currencies.get(account_position).map(String::as_str).unwrap_or_default();
            self.own_transfers += i64::from(own);
            if own {
                // Money moved between the applicant's own accounts: neither income nor spending.
            } else if t.amount_minor > 0 {
                flow.inflow_minor += t.amount_minor;
                if let Some(party) = &t.party {
                    entry(&mut self.incoming, party, || PayerHistory::new(party, currency)).add(
                        t.transaction_on,
                        t.amount_minor,
                        &t.kind,
                        &t.title,
                        t.party_iban.as_deref(),
                    );
                }
            } else {
                flow.outflow_minor += t.amount_minor;
                if let Some(party) = t.party.as_ref().filter(|_| t.amount_minor < 0) {
                    entry(&mut self.outgoing, party, || PayerHistory::new(party, currency)).add_payment(
                        t.transaction_on,
                        -t.amount_minor,
                        &t.kind,
                        &t.title,
                        t.party_iban.as_deref(),
                    );
                }
            }
            if t.amount_minor < 0 && t.balance_after_minor < 0 {
                self.negative_balance_transactions += 1;
            }
            self.day_end.entry((account_position, t.transaction_on)).or_insert(t.balance_after_minor);
            let kind =
                entry(&mut self.kinds, &t.kind, || KindTally { count: 0, total_minor: 0, cash: is_cash(&t.kind) });
            kind.count += 1;
            kind.total_minor += t.amount_minor;
            if t.amount_minor < 0 && kind.cash {
                self.cash_withdrawn_minor -= t.amount_minor;
                if -t.amount_minor >= LARGE_CASH_MINOR {
                    self.large_cash.0 += 1;
                    self.large_cash.1 -= t.amount_minor;
                }
            }
            self.end_balance.entry((account_position, month)).or_insert(t.balance_after_minor);
        }
    }

    fn finish(self: Box<Self>, partial: bool) -> ServerResult<String> {
        let mut end_balance: BTreeMap<i32, i64> = BTreeMap::new();
        for ((_, month), balance) in self.end_balance {
            *end_balance.entry(month).or_default() += balance;
        }
        let months = self
            .months
            .into_iter()
            .map(|(month, m)| MonthFlow {
                end_balance_minor: end_balance.get(&month).copied(),
                month: month_text(month),
                inflow_minor: m.inflow_minor,
                outflow_minor: m.outflow_minor,
                transactions: m.transactions,
                lowest_balance_minor: m.lowest_balance_minor,
            })
            .collect();
        let negative_balance_days = self
            .day_end
            .iter()
            .filter(|(_, balance)| **balance < 0)
            .map(|((_, day), _)| *day)
            .collect::<std::collections::BTreeSet<_>>()
            .len() as i64;
        let income = regular_income(&self.incoming);
        let (income_confirmation, assessment) =
            confirm_and_assess(self.incoming, self.outgoing, &self.currency, self.as_of);
        let mut analysis = Analysis {
            currency: self.currency,
            months,
            income,
            kinds: top_kinds(self.kinds.into_iter().map(|(kind, k)| (kind, k.count, k.total_minor))),
            cash_withdrawn_minor: self.cash_withdrawn_minor,
            own_transfers: self.own_transfers,
            flags: Vec::new(),
            income_confirmation,
            assessment,
            negative_balance_days,
            negative_balance_transactions: self.negative_balance_transactions,
            large_cash_withdrawals: self.large_cash.0,
            large_cash_withdrawn_minor: self.large_cash.1,
            owner_check: None,
        };
        analysis.derive_flags(partial);
        Ok(serde_json::to_string(&analysis).map_err(anyhow::Error::from)?)
    }
}

/// The import pipeline's summaries (`AppState::import_summary`): the analysis, tallied as the pages are
/// stored, or read from the stored rows for a run that resumed part-way.
pub const SUMMARIES: ImportSummaries = ImportSummaries { fresh: tally_for, from_stored: analyse_stored };

fn tally_for(owners: &[Owner], accounts: &[BankAccount], as_of: chrono::NaiveDate) -> Box<dyn ImportSummary> {
    Box::new(Tally {
        currency: accounts.first().map(|a| a.currency.clone()).unwrap_or_default(),
        months: BTreeMap::new(),
        end_balance: HashMap::new(),
        kinds: HashMap::new(),
        cash_withdrawn_minor: 0,
        own: own_accounts(owners, accounts),
        own_transfers: 0,
        currencies: accounts.iter().map(|a| a.currency.clone()).collect(),
        incoming: HashMap::new(),
        outgoing: HashMap::new(),
        day_end: HashMap::new(),
        negative_balance_transactions: 0,
        large_cash: (0, 0),
        as_of,
    })
}

fn analyse_stored(
    state: &AppState,
    organisation_id: OrganisationId,
    import_id: ImportId,
) -> BoxFuture<'_, ServerResult<String>> {
    Box::pin(async move {
        let import = reads::find_in(&state.db, organisation_id, import_id).await?.ok_or_else(|| {
            anyhow::anyhow!("import {import_id} of organisation {organisation_id} vanished while it ran")
        })?;
        let analysis = analyse(&state.db, &import).await?;
        Ok(serde_json::to_string(&analysis).map_err(anyhow::Error::from)?)
    })
}

/// The figures kept with an import and the name the business stated for the applicant.
#[derive(sqlx::FromRow)]
struct StoredFigures {
    analysis_json: Option<String>,
    applicant_name: Option<String>,
}

/// The stored analysis of a finished import (computing and storing it first if it is missing; data still
/// arriving is analysed without keeping the result), with the check of the business's `applicantName` against
/// the owners.
pub async fn stored_or_analyse(db: &Db, import: &OwnedImport, owners: &[Owner]) -> ServerResult<Analysis> {
    let stored: StoredFigures = sqlx::query_as("SELECT analysis_json, applicant_name FROM import WHERE import_id = $1")
        .bind(import.id())
        .fetch_one(&db.pool)
        .await?;
    let analysis = match stored.analysis_json.and_then(|json| serde_json::from_str(&json).ok()) {
        Some(analysis) => analysis,
        // Data still arriving: show the figures so far, but keep only those of a finished import.
        None if !import.status().is_finished() => analyse(db, import).await?,
        None => store(db, import).await?,
    };
    let Some(applicant) = stored.applicant_name else { return Ok(analysis) };
    let names = owners.iter().map(|o| o.name.clone()).collect();
    Ok(analysis.with_owner_check(OwnerCheck::new(&applicant, names)))
}

/// Computes the analysis of an import whose data is complete and keeps it with the import.
pub async fn store(db: &Db, import: &OwnedImport) -> ServerResult<Analysis> {
    let analysis = analyse(db, import).await?;
    sqlx::query("UPDATE import SET analysis_json = $1 WHERE import_id = $2")
        .bind(serde_json::to_string(&analysis).map_err(anyhow::Error::from)?)
        .bind(import.id())
        .execute(&db.pool)
        .await?;
    Ok(analysis)
}
