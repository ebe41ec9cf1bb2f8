//! The organisation's widget settings, as saved on `/widget`.

use crate::platform::db::Db;
use crate::platform::error::{ServerError, ServerResult};
use crate::platform::now_ms;
use crate::shared::{Locale, OrganisationId};
use crate::widget::model::embed::{CountryCode, Months};
use crate::widget::model::settings::{AllowedOrigin, WidgetSettings};

#[derive(sqlx::FromRow)]
struct StoredSettings {
    auto_import: i64,
    months: i64,
    locale: String,
    country: Option<String>,
    /// One normalised origin per line.
    allowed_origins: String,
    sandbox_banks: i64,
}

/// The organisation's widget settings; the defaults until it saves its own.
pub async fn get(db: &Db, organisation_id: OrganisationId) -> ServerResult<WidgetSettings> {
    let row: Option<StoredSettings> = sqlx::query_as(
        "SELECT auto_import, months, locale, country, allowed_origins, sandbox_banks FROM widget_config
         WHERE organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(WidgetSettings::default()) };
    let corrupt = |e: String| ServerError::Other(anyhow::anyhow!("stored widget config invalid: {e}"));
    Ok(WidgetSettings {
        auto_import: row.auto_import != 0,
        sandbox_banks: row.sandbox_banks != 0,
        months: Months::new(row.months).map_err(corrupt)?,
        locale: Locale::parse(&row.locale).map_err(corrupt)?,
        country: row.country.map(|c| CountryCode::parse(&c)).transpose().map_err(corrupt)?,
        allowed_origins: row
            .allowed_origins
            .lines()
            .map(AllowedOrigin::parse)
            .collect::<Result<_, _>>()
            .map_err(corrupt)?,
    })
}

pub async fn save(db: &Db, organisation_id: OrganisationId, settings: &WidgetSettings) -> ServerResult<()> {
    let origins: Vec<&str> = settings.allowed_origins.iter().map(AllowedOrigin::as_str).collect();
    sqlx::query(
        "INSERT INTO widget_config (organisation_id, auto_import, months, locale, country, allowed_origins, updated_at,
            sandbox_banks)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (organisation_id) DO UPDATE SET auto_import = excluded.auto_import, months = excluded.months,
            locale = excluded.locale, country = excluded.country, allowed_origins = excluded.allowed_origins,
            updated_at = excluded.updated_at, sandbox_banks = excluded.sandbox_banks",
    )
    .bind(organisation_id)
    .bind(i64::from(settings.auto_import))
    .bind(i64::from(settings.months.get()))
    .bind(settings.locale.as_str())
    .bind(settings.country.as_ref().map(|c| c.as_str().to_string()))
    .bind(origins.join("\n"))
    .bind(now_ms())
    .bind(i64::from(settings.sandbox_banks))
    .execute(&db.pool)
    .await?;
    Ok(())
}
