use crate::account::model::{AuditEntry, ChainStatus};
use crate::error::AppResult;
use leptos::prelude::*;

pub const AUDIT_PER_PAGE: i64 = 100;

#[server(prefix = "/api", endpoint = "audit")]
pub async fn list_audit(page: i64) -> AppResult<Vec<AuditEntry>> {
    use crate::account::server::{audit, current_user};
    use crate::platform::state::AppState;
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    let state = AppState::from_context()?;
    let page = page.clamp(0, 100_000);
    Ok(audit::list(&state.db, admin.organisation_id, AUDIT_PER_PAGE, page * AUDIT_PER_PAGE).await?)
}

/// Recomputes the organisation's audit hash chain: verified, or the first entry that was changed or removed.
#[server(prefix = "/api", endpoint = "audit/verify")]
pub async fn verify_audit_chain() -> AppResult<ChainStatus> {
    use crate::account::server::{audit, current_user};
    use crate::platform::state::AppState;
    use crate::shared::Role;
    let admin = current_user::require_role(Role::can_manage_team).await?;
    let state = AppState::from_context()?;
    Ok(audit::verify(&state.db, admin.organisation_id).await?)
}
