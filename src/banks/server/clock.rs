//! "Today" as the connectors see it; injectable so tests (and demos) can pin the date.

use std::sync::Arc;

use chrono::NaiveDate;

pub type Clock = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Today's date in UTC.
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().date_naive())
}

/// Always the same date.
pub fn fixed_clock(today: NaiveDate) -> Clock {
    Arc::new(move || today)
}
