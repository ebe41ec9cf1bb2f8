use crate::imports::model::{Environment, ImportStatus};
use leptos::prelude::*;

/// The import status as its plain word, coloured by outcome.
#[component]
pub fn StatusBadge(status: ImportStatus) -> impl IntoView {
    view! { <span class=format!("badge {}", status.as_str())>{status.as_str()}</span> }
}

/// A **Sandbox** badge for an import of a test bank's data; nothing for a live bank.
#[component]
pub fn SandboxBadge(environment: Environment) -> impl IntoView {
    (environment == Environment::Sandbox).then(|| {
        view! { " " <span class="badge sandbox" data-testid="sandbox-badge" title="Test data from a sandbox bank">"Sandbox"</span> }
    })
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM` UTC.
pub fn format_instant(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}
