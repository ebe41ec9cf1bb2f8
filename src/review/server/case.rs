//! The case around an application: who is assigned to it and the team's notes, each change with its audit entry.

use crate::account::model::AuditAction;
use crate::account::server::audit::{self, NewAuditEvent};
use crate::account::server::users::CurrentUser;
use crate::imports::server::reads::OwnedImport;
use crate::platform::db::Db;
use crate::platform::error::ServerResult;
use crate::platform::now_ms;
use crate::review::model::views::{Assignee, CaseNote};
use crate::shared::{ImportId, UserId};

pub async fn notes(db: &Db, import: &OwnedImport) -> ServerResult<Vec<CaseNote>> {
    Ok(sqlx::query_as(
        "SELECT author_email, body, created_at FROM application_note
         WHERE import_id = $1 ORDER BY created_at, note_id",
    )
    .bind(import.id())
    .fetch_all(&db.pool)
    .await?)
}

/// Members who may be put on a case: those who may decide.
pub async fn assignable(db: &Db, reviewer: &CurrentUser) -> ServerResult<Vec<Assignee>> {
    let members = crate::account::server::team::members(db, reviewer.organisation_id).await?;
    Ok(members
        .into_iter()
        .filter(|m| m.role.can_decide())
        .map(|m| Assignee { user_id: m.user_id, email: m.email })
        .collect())
}

pub enum CaseOutcome {
    Done,
    NotFound,
    /// The chosen member is not one who may decide in this organisation.
    NotAssignable,
}

/// Adds a note to the application's thread (and the audit trail) in one transaction.
pub async fn add_note(
    db: &Db,
    author: &CurrentUser,
    import_id: ImportId,
    body: &str,
    ip: Option<String>,
) -> ServerResult<CaseOutcome> {
    let mut tx = db.begin().await?;
    let found: Option<(ImportId,)> =
        sqlx::query_as("SELECT import_id FROM import WHERE import_id = $1 AND organisation_id = $2")
            .bind(import_id)
            .bind(author.organisation_id)
            .fetch_optional(&mut *tx)
            .await?;
    if found.is_none() {
        return Ok(CaseOutcome::NotFound);
    }
    insert_note(&mut tx, author, import_id, body).await?;
    let event = NewAuditEvent::by(
        author,
        AuditAction::NoteAdded,
        Some(format!("application #{import_id}")),
        body.to_string(),
        ip,
    );
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(CaseOutcome::Done)
}

/// Appends a note to the thread inside the caller's transaction (its audit entry is the caller's).
pub async fn insert_note(
    conn: &mut sqlx::AnyConnection,
    author: &CurrentUser,
    import_id: ImportId,
    body: &str,
) -> ServerResult<()> {
    sqlx::query(
        "INSERT INTO application_note (import_id, organisation_id, author_user_id, author_email, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(import_id)
    .bind(author.organisation_id)
    .bind(author.user_id)
    .bind(&author.email)
    .bind(body)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Puts `assignee` on the case (or nobody), with its audit entry.
pub async fn assign(
    db: &Db,
    reviewer: &CurrentUser,
    import_id: ImportId,
    assignee: Option<UserId>,
    ip: Option<String>,
) -> ServerResult<CaseOutcome> {
    let email = match assignee {
        Some(id) => match assignable(db, reviewer).await?.into_iter().find(|a| a.user_id == id) {
            Some(a) => Some(a.email),
            None => return Ok(CaseOutcome::NotAssignable),
        },
        None => None,
    };
    let mut tx = db.begin().await?;
    let updated = sqlx::query(
        "UPDATE import SET assignee_user_id = $1, assignee_email = $2 WHERE import_id = $3 AND organisation_id = $4",
    )
    .bind(assignee)
    .bind(email.clone())
    .bind(import_id)
    .bind(reviewer.organisation_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(CaseOutcome::NotFound);
    }
    let detail = match &email {
        Some(email) => format!("assigned to {email}"),
        None => "unassigned".to_string(),
    };
    let event = NewAuditEvent::by(
        reviewer,
        AuditAction::ApplicationAssigned,
        Some(format!("application #{import_id}")),
        detail,
        ip,
    );
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(CaseOutcome::Done)
}
