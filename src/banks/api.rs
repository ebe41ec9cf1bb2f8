use super::model::BankInfo;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "banks")]
pub async fn list_banks() -> Result<Vec<BankInfo>, AppError> {
    let state = crate::platform::state::AppState::from_context()?;
    Ok(state
        .catalog
        .list()
        .into_iter()
        .map(|t| {
            let scope = [
                (t.scope.owners, "owners"),
                (t.scope.accounts, "accounts"),
                (t.scope.transactions, "transactions"),
                (t.scope.cards, "cards"),
            ];
            BankInfo {
                id: t.id.as_str().to_string(),
                name: t.name,
                country: t.country,
                currency: t.currency,
                data: scope.iter().filter(|(on, _)| *on).map(|(_, n)| n.to_string()).collect(),
                authentication: t.auth.label().to_string(),
                status: t.health.as_str().to_string(),
                environment: t.environment,
            }
        })
        .collect())
}
