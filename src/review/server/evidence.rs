//! The transactions behind a figure of the analysis: the same conditions the analysis sums over, so the rows
//! listed add up to the figure the reviewer clicked.

use super::analysis::{CASH_KINDS, OWN_TRANSFER};
use crate::imports::model::Transaction;
use crate::imports::server::reads::{self, OwnedImport, TRANSACTION_COLUMNS};
use crate::platform::db::query::Binds;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::review::model::evidence::{EvidenceFilter, EvidencePage, EvidenceRow, Flow, EVIDENCE_ROWS};
use crate::review::model::labels::LARGE_CASH_MINOR;
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    transaction: Transaction,
    import_account_id: i64,
    import_transaction_id: i64,
}

pub async fn evidence(db: &Db, import: &OwnedImport, f: &EvidenceFilter) -> ServerResult<EvidencePage> {
    let mut b = Binds::default();
    // `$1` is the import: OWN_TRANSFER names it so.
    let import_id = b.push_int(import.id().get());
    let mut conditions =
        format!("t.import_account_id IN (SELECT import_account_id FROM import_account WHERE import_id = {import_id})");
    if let Some(month) = &f.month {
        conditions += &format!(" AND SUBSTR(t.transaction_on, 1, 7) = {}", b.push_text(month.clone()));
    }
    if let Some(from) = &f.from {
        conditions += &format!(" AND t.transaction_on >= {}", b.push_text(from.clone()));
    }
    if let Some(to) = &f.to {
        conditions += &format!(" AND t.transaction_on <= {}", b.push_text(to.clone()));
    }
    match f.flow {
        Some(Flow::In) => conditions += &format!(" AND t.amount_minor > 0 AND NOT {OWN_TRANSFER}"),
        Some(Flow::Out) => conditions += &format!(" AND t.amount_minor < 0 AND NOT {OWN_TRANSFER}"),
        None => {}
    }
    if let Some(party) = &f.party {
        conditions += &format!(" AND t.party = {}", b.push_text(party.clone()));
    }
    if let Some(kind) = &f.kind {
        conditions += &format!(" AND t.kind = {}", b.push_text(kind.clone()));
    }
    if f.cash {
        conditions += &format!(" AND t.amount_minor < 0 AND {CASH_KINDS}");
        if f.large {
            conditions += &format!(" AND t.amount_minor <= -{LARGE_CASH_MINOR}");
        }
    }
    if f.negative {
        conditions += " AND t.amount_minor < 0 AND t.balance_after_minor < 0";
    }
    if f.own {
        conditions += &format!(" AND {OWN_TRANSFER}");
    }
    let totals = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(t.amount_minor), 0) AS BIGINT) FROM import_transaction t WHERE {conditions}"
    );
    let (count, total_minor): (i64, i64) = b.apply_as(sqlx::query_as(&totals)).fetch_one(&db.pool).await?;
    // Keyset paging, newest first: the totals above count every row, the list shows one page.
    let mut page_conditions = conditions;
    if let Some((date, id)) = &f.after {
        let (date, id) = (b.push_text(date.clone()), b.push_int(*id));
        page_conditions += &format!(" AND (t.transaction_on, t.import_transaction_id) < ({date}, {id})");
    }
    let listed = format!(
        "SELECT {TRANSACTION_COLUMNS}, t.import_account_id, t.import_transaction_id FROM import_transaction t
         WHERE {page_conditions} ORDER BY t.transaction_on DESC, t.import_transaction_id DESC LIMIT {}",
        EVIDENCE_ROWS + 1
    );
    let mut rows: Vec<Row> = b.apply_as(sqlx::query_as(&listed)).fetch_all(&db.pool).await?;
    let more = rows.len() as i64 > EVIDENCE_ROWS;
    rows.truncate(EVIDENCE_ROWS as usize);
    let next_query = rows.last().filter(|_| more).map(|last| {
        let after = Some((last.transaction.transaction_on.clone(), last.import_transaction_id));
        EvidenceFilter { after, ..f.clone() }.to_query()
    });
    let accounts = reads::accounts(db, import).await?;
    let currency = accounts.first().map(|a| a.currency.clone()).unwrap_or_default();
    let own = super::search::own_accounts_of(&accounts, &reads::owners(db, import).await?);
    let ibans: HashMap<i64, String> = accounts.into_iter().map(|a| (a.account_id.get(), a.iban)).collect();
    let rows = rows
        .into_iter()
        .map(|r| EvidenceRow {
            account_iban: ibans.get(&r.import_account_id).cloned().unwrap_or_default(),
            transaction: super::search::with_labels(r.transaction, &own),
        })
        .collect();
    let query = EvidenceFilter { after: None, ..f.clone() }.to_query();
    Ok(EvidencePage { description: f.describe(), query, currency, count, total_minor, rows, next_query })
}
