use crate::domain::audit::AuditEntry;
use crate::error::AppResult;
use leptos::prelude::*;

pub const AUDIT_PER_PAGE: i64 = 100;

#[server(prefix = "/api", endpoint = "audit")]
pub async fn list_audit(page: i64) -> AppResult<Vec<AuditEntry>> {
    use crate::domain::Role;
    use crate::server::{auth, db::audit, state::AppState};
    let admin = auth::require_role(Role::can_manage_team).await?;
    let state = AppState::from_context()?;
    let page = page.clamp(0, 100_000);
    Ok(audit::list(&state.db, admin.organisation_id, AUDIT_PER_PAGE, page * AUDIT_PER_PAGE).await?)
}
