use crate::domain::application::{AccountView, ImportSummary, OwnerView, TransactionView};
use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const TRANSACTIONS_PER_PAGE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    pub summary: ImportSummary,
    pub owners: Vec<OwnerView>,
    pub accounts: Vec<AccountView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionPage {
    pub rows: Vec<TransactionView>,
    pub page: i64,
    pub has_next: bool,
}

#[server(prefix = "/api", endpoint = "applications/latest")]
pub async fn list_latest_imports() -> AppResult<Vec<ImportSummary>> {
    use crate::server::{auth, db::imports, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    Ok(imports::latest(&state.db, user.organisation_id, 20, &|id| state.catalog.display_name(id)).await?)
}

#[server(prefix = "/api", endpoint = "applications/get")]
pub async fn get_application(import_id: i64) -> AppResult<ApplicationDetail> {
    use crate::error::AppError;
    use crate::server::{auth, db::imports, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    let summary = imports::find(&state.db, user.organisation_id, import_id, &|id| state.catalog.display_name(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let owners = imports::owners(&state.db, import_id).await?;
    let accounts = imports::accounts(&state.db, import_id).await?;
    Ok(ApplicationDetail { summary, owners, accounts })
}

#[server(prefix = "/api", endpoint = "applications/transactions")]
pub async fn list_transactions(import_id: i64, account_id: i64, page: i64) -> AppResult<TransactionPage> {
    use crate::error::AppError;
    use crate::server::{auth, db::imports, state::AppState};
    let user = auth::require_user().await?;
    let state = AppState::from_context()?;
    // The account must belong to an import of the caller's organisation.
    let accounts = match imports::find(&state.db, user.organisation_id, import_id, &|id| id.to_string()).await? {
        Some(_) => imports::accounts(&state.db, import_id).await?,
        None => return Err(AppError::NotFound),
    };
    if !accounts.iter().any(|a| a.account_id == account_id) {
        return Err(AppError::NotFound);
    }
    let page = page.clamp(0, 1_000_000);
    let mut rows =
        imports::transactions(&state.db, account_id, TRANSACTIONS_PER_PAGE + 1, page * TRANSACTIONS_PER_PAGE).await?;
    let has_next = rows.len() as i64 > TRANSACTIONS_PER_PAGE;
    rows.truncate(TRANSACTIONS_PER_PAGE as usize);
    Ok(TransactionPage { rows, page, has_next })
}
