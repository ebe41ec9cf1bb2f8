//! Sends signed-out visitors of portal pages to the log-in page with a real HTTP redirect, before any HTML
//! is streamed. Server functions check roles themselves; this is only about page navigation. The user it
//! found rides along in the request, so the page's server functions do not look them up again. Applicants'
//! pages (`/applications…`, exports included) answer 403 to a role that may not read them.

use super::current_user::RequestUser;
use super::{session::TypedSession, users};
use crate::platform::db::Db;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tower_sessions::Session;

const PROTECTED: [&str; 4] = ["/dashboard", "/applications", "/settings", "/widget"];

pub fn is_protected(path: &str) -> bool {
    PROTECTED.iter().any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

fn is_applicants_data(path: &str) -> bool {
    path == "/applications" || path.starts_with("/applications/")
}

const FORBIDDEN_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not available — Insight</title></head>\
<body><main><h1>Not available for your role</h1><p>Your role does not include applicants' data. \
Ask an admin of your organisation if you need it.</p><p><a href=\"/dashboard\">Back to the dashboard</a></p></main></body></html>";

pub async fn require_login_for_pages(State(db): State<Db>, session: Session, mut req: Request, next: Next) -> Response {
    if req.method() != Method::GET || !is_protected(req.uri().path()) {
        return next.run(req).await;
    }
    let session = TypedSession::new(session);
    let user = match session.user_id().await {
        Ok(Some(id)) => users::find_current(&db, id).await.ok().flatten(),
        _ => None,
    };
    match user {
        // The organisation requires two-factor: a member without it sees only the page that sets it up.
        Some(user) if user.must_set_up_two_factor() && req.uri().path() != "/settings/security" => {
            Redirect::to(crate::account::api::auth::SET_UP_TWO_FACTOR).into_response()
        }
        Some(user) if is_applicants_data(req.uri().path()) && !user.role.can_read_applications() => {
            (StatusCode::FORBIDDEN, Html(FORBIDDEN_PAGE)).into_response()
        }
        Some(user) => {
            req.extensions_mut().insert(RequestUser(user));
            next.run(req).await
        }
        None => Redirect::to("/login").into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn portal_pages_are_protected_and_public_ones_are_not() {
        assert!(super::is_protected("/dashboard"));
        assert!(super::is_protected("/applications/12"));
        assert!(super::is_protected("/settings"));
        assert!(!super::is_protected("/dashboards"));
        assert!(!super::is_protected("/"));
        assert!(!super::is_protected("/login"));
        assert!(!super::is_protected("/banks"));
    }
}
