use super::Db;
use crate::domain::widget::{AllowedOrigin, CountryCode, Locale, Months, WidgetSettings};
use crate::server::error::{ServerError, ServerResult};
use crate::server::now_ms;

type Row = (i64, i64, String, Option<String>, String);

/// The organisation's widget settings; the defaults until it saves its own.
pub async fn get(db: &Db, organisation_id: i64) -> ServerResult<WidgetSettings> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT auto_import, months, locale, country, allowed_origins FROM widget_config WHERE organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((auto_import, months, locale, country, origins)) = row else { return Ok(WidgetSettings::default()) };
    let corrupt = |e: String| ServerError::Other(anyhow::anyhow!("stored widget config invalid: {e}"));
    Ok(WidgetSettings {
        auto_import: auto_import != 0,
        months: Months::new(months).map_err(corrupt)?,
        locale: Locale::parse(&locale).map_err(corrupt)?,
        country: country.map(|c| CountryCode::parse(&c)).transpose().map_err(corrupt)?,
        allowed_origins: origins.lines().map(AllowedOrigin::parse).collect::<Result<_, _>>().map_err(corrupt)?,
    })
}

pub async fn save(db: &Db, organisation_id: i64, settings: &WidgetSettings) -> ServerResult<()> {
    let origins: Vec<&str> = settings.allowed_origins.iter().map(AllowedOrigin::as_str).collect();
    sqlx::query(
        "INSERT INTO widget_config (organisation_id, auto_import, months, locale, country, allowed_origins, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (organisation_id) DO UPDATE SET auto_import = excluded.auto_import, months = excluded.months,
            locale = excluded.locale, country = excluded.country, allowed_origins = excluded.allowed_origins,
            updated_at = excluded.updated_at",
    )
    .bind(organisation_id)
    .bind(i64::from(settings.auto_import))
    .bind(i64::from(settings.months.get()))
    .bind(settings.locale.as_str())
    .bind(settings.country.as_ref().map(|c| c.as_str().to_string()))
    .bind(origins.join("\n"))
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}
