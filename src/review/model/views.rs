//! What the review pages receive: the queue page, an application's detail, pages of transactions, counts,
//! and the decisions with their history.

use crate::imports::model::{Account, Decision, ImportSummary, Owner, Transaction};
use crate::shared::instant::as_rfc3339;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};

pub const TRANSACTIONS_PER_PAGE: i64 = 50;

/// One change of an application's decision (SPEC §5 "Application decision"), newest first in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DecisionEntry {
    #[serde(rename = "reviewer")]
    pub reviewer_email: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "from_decision", try_from = "String"))]
    pub from: Decision,
    #[cfg_attr(feature = "ssr", sqlx(rename = "to_decision", try_from = "String"))]
    pub to: Decision,
    pub note: String,
    /// Under the four-eyes policy, the reviewer whose approval this one confirmed (`reviewer` is the second).
    #[cfg_attr(feature = "ssr", sqlx(rename = "first_approver_email"))]
    pub first_approver: Option<String>,
    #[serde(rename = "decidedAt", with = "as_rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    pub summary: ImportSummary,
    pub owners: Vec<Owner>,
    pub accounts: Vec<Account>,
    pub dates_covered: Option<(String, String)>,
    pub decisions: Vec<DecisionEntry>,
    pub can_decide: bool,
    pub can_erase: bool,
    /// The newest transactions of each account (same order as `accounts`), so the page renders them at once.
    pub first_pages: Vec<TransactionPage>,
    /// The analysis of a finished import whose data was not erased (the page shows it only then), read in
    /// the same request so the page needs no second call.
    pub analysis: Option<crate::review::model::analysis::Analysis>,
    /// The member on the case (their e-mail), the team's notes (oldest first), and who may be put on it (for
    /// members who may decide; empty for the others).
    pub assignee: Option<String>,
    pub notes: Vec<CaseNote>,
    pub assignable: Vec<Assignee>,
    /// **Next application**: the oldest finished one nobody is on and nobody has decided.
    pub next_unassigned: Option<crate::shared::ImportId>,
    /// The organisation requires a second reviewer's confirmation of every approval.
    pub second_approval_required: bool,
    /// An approval waiting for a second reviewer, if there is one.
    pub approval_request: Option<ApprovalRequest>,
    /// Where the server keeps the analysis panel's HTML while it keeps the import's data (never sent).
    #[serde(skip)]
    pub analysis_html: RenderedOnce,
}

/// HTML that a page part writes once and every later view of the same unchanging data reuses: the server
/// hands one out with each memoised import's data (`review::server::application::data`), so it lives and goes
/// with that data. Empty (the default, and always in the browser), the part is written on each view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderedOnce(Option<Arc<OnceLock<String>>>);

impl RenderedOnce {
    /// A place that keeps what is written into it.
    pub fn kept() -> Self {
        Self(Some(Arc::new(OnceLock::new())))
    }

    /// The HTML written before, else `write`'s (kept for next time when this is a kept place).
    pub fn get_or_write(&self, write: impl FnOnce() -> String) -> String {
        match &self.0 {
            Some(kept) => kept.get_or_init(write).clone(),
            None => write(),
        }
    }
}

/// An approval that waits for a different reviewer to confirm it or send it back (four eyes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    pub approver_email: String,
    pub note: String,
    pub requested_at: i64,
    /// The member looking is the one who approved, so may not confirm.
    pub by_viewer: bool,
}

/// One note of an application's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CaseNote {
    pub author_email: String,
    pub body: String,
    pub created_at: i64,
}

/// A member who may be put on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub user_id: crate::shared::UserId,
    pub email: String,
}

/// A page of an account's transactions, with the cursors of its neighbours (`None` at either end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionPage {
    pub rows: Vec<Transaction>,
    /// Further in the sort order.
    pub next: Option<String>,
    /// Back towards the first page.
    pub previous: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationsPage {
    pub rows: Vec<ImportSummary>,
    pub next_query: Option<String>,
    pub previous_query: Option<String>,
    pub banks: Vec<(String, String)>,
    /// The member looking may assign cases (the queue's **Assign to me** and its `a` key).
    pub can_assign: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub by_status: Vec<(String, i64)>,
    pub by_decision: Vec<(String, i64)>,
    /// How many of the imports came from sandbox banks.
    pub sandbox: i64,
}

#[cfg(test)]
mod tests {
    use super::RenderedOnce;

    #[test]
    fn a_kept_place_writes_once_for_all_its_copies_and_an_empty_one_every_time() {
        let kept = RenderedOnce::kept();
        let copy = kept.clone();
        let mut writes = 0;
        assert_eq!(
            kept.get_or_write(|| {
                writes += 1;
                "<p>1</p>".into()
            }),
            "<p>1</p>"
        );
        assert_eq!(
            copy.get_or_write(|| {
                writes += 1;
                "<p>2</p>".into()
            }),
            "<p>1</p>"
        );
        assert_eq!(writes, 1);
        let empty = RenderedOnce::default();
        assert_eq!(empty.get_or_write(|| "<p>a</p>".into()), "<p>a</p>");
        assert_eq!(empty.get_or_write(|| "<p>b</p>".into()), "<p>b</p>");
    }
}
