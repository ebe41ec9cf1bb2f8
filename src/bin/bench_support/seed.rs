//! Seeding for the benchmarks: many imports of one organisation, written in bulk (the import_count
//! triggers keep the dashboard's counters as they would for imports that arrived one by one), and the
//! positions the benchmarks read from.

use insight::platform::db::{Backend, Db};
use insight::shared::OrganisationId;

/// `count` finished imports (a multiple of 1,000) with varied owners, statuses, decisions and banks, one a
/// minute up to now.
pub async fn imports(db: &Db, org: OrganisationId, count: usize, suffix: &str) -> anyhow::Result<()> {
    const COLS: usize = 14;
    const ROWS: usize = 1000;
    let first = ["Jan", "Anna", "Piotr", "Maria", "Tomasz", "Ewa", "Paweł", "Katarzyna"];
    let last = ["Kowalski", "Nowak", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zielińska", "Szymański"];
    let statuses = ["succeeded", "succeeded", "succeeded", "partial", "failed"];
    let decisions = ["pending", "pending", "approved", "rejected"];
    let now = chrono::Utc::now().timestamp_millis();
    for chunk in 0..count / ROWS {
        let mut sql = String::from(
            "INSERT INTO import (organisation_id, signin_session_id, target_id, owner_external_id, months_requested,
                status, progress, step, run_after, owner_names, accounts_count, transactions_count, decision, created_at,
                updated_at) VALUES ",
        );
        for r in 0..ROWS {
            sql.push_str(if r == 0 { "(" } else { ",(" });
            for c in 0..=COLS {
                if c > 0 {
                    sql.push(',');
                }
                match db.backend {
                    Backend::Sqlite => sql.push('?'),
                    Backend::Postgres => sql.push_str(&format!("${}", r * (COLS + 1) + c + 1)),
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for r in 0..ROWS {
            let n = chunk * ROWS + r;
            let created = now - (count - n) as i64 * 60_000;
            q = q
                .bind(org)
                .bind(format!("seed-{suffix}-{n}"))
                .bind(if n.is_multiple_of(3) { "demo-de" } else { "demo-pl" })
                .bind(format!("ref-{n:06}"))
                .bind(12i64)
                .bind(statuses[n % statuses.len()])
                .bind(100i64)
                .bind(statuses[n % statuses.len()])
                .bind(created)
                .bind(format!("{} {}", first[n % first.len()], last[(n / 8) % last.len()]))
                .bind(2i64)
                .bind(1500i64)
                .bind(decisions[n % decisions.len()])
                .bind(created)
                .bind(created);
        }
        q.execute(&db.pool).await?;
    }
    Ok(())
}

/// Where transaction page 1,000 of an account starts (row 50,000, newest first): the date and id of the
/// keyset cursor the page's "Older" button follows.
pub async fn page_1000_position(db: &Db, account: i64) -> anyhow::Result<(String, i64)> {
    Ok(sqlx::query_as(
        "SELECT transaction_on, import_transaction_id FROM import_transaction WHERE import_account_id = $1
         ORDER BY transaction_on DESC, import_transaction_id DESC LIMIT 1 OFFSET 49999",
    )
    .bind(account)
    .fetch_one(&db.pool)
    .await?)
}
