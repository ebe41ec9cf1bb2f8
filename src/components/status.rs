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

/// Unix milliseconds as `YYYY-MM-DD HH:MM` UTC. Written field by field: a queue page formats a few hundred
/// instants, and `format("%Y-…")` parses its pattern again for each one.
pub fn format_instant(ms: i64) -> String {
    use chrono::{Datelike, Timelike};
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", d.year(), d.month(), d.day(), d.hour(), d.minute()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::format_instant;

    #[test]
    fn instants_read_as_chrono_formats_them() {
        let chrono_says =
            |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap().format("%Y-%m-%d %H:%M UTC").to_string();
        // Across epochs, leap days, the turn of years and the last minute of a day.
        for ms in [0, 951_782_400_000, 1_709_251_199_999, 1_767_225_599_000, 1_796_000_000_123, -86_400_000] {
            assert_eq!(format_instant(ms), chrono_says(ms), "{ms}");
        }
        assert_eq!(format_instant(1_767_225_599_000), "2025-12-31 23:59 UTC");
        assert_eq!(format_instant(i64::MAX), "", "out of chrono's range: nothing rather than a panic");
    }
}
