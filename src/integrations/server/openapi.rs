//! The OpenAPI 3.1 document of `/v1`, generated from the handlers (`utoipa`), and a readable reference page
//! rendered from the same document, so the two cannot drift apart.

use super::problem::ProblemDetails;
use super::v1;
use crate::components::stylesheet::SiteStylesheet;
use crate::platform::state::AppState;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Insight API",
        version = "1",
        description = "Your organisation's imports, their bank data and decisions, for your back-end. Authenticate \
                       with an API key from /settings/api-keys: `Authorization: Bearer ins_sk_…`. Errors are RFC 9457 \
                       problem details. Pages are cursors: pass `next` back unchanged until it is absent."
    ),
    paths(v1::list_imports, v1::get_import, v1::list_transactions, v1::get_signin_session, v1::erase_data),
    components(schemas(ProblemDetails)),
    modifiers(&ApiKeyAuth)
)]
pub struct ApiDoc;

struct ApiKeyAuth;

impl Modify for ApiKeyAuth {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key of your organisation (`ins_sk_…`)"))
                    .build(),
            ),
        );
    }
}

fn openapi() -> &'static Document {
    static DOC: std::sync::OnceLock<Document> = std::sync::OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

/// The public document and reference page, beside the authenticated `/v1` routes.
pub fn routes(state: &AppState) -> axum::Router<AppState> {
    axum::Router::new()
        .route("/v1/openapi.json", axum::routing::get(document))
        .route("/docs/api", axum::routing::get(reference_page))
        .merge(v1::routes(state))
}

/// `GET /v1/openapi.json`: public, so tools can read it before they have a key.
pub async fn document() -> Response {
    axum::Json(openapi()).into_response()
}

/// One operation of the reference page.
struct Entry {
    method: &'static str,
    path: String,
    operation: Operation,
}

fn entries() -> Vec<Entry> {
    let mut out = Vec::new();
    for (path, item) in &openapi().paths.paths {
        let ops = [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put), ("DELETE", &item.delete)];
        for (method, op) in ops {
            if let Some(op) = op {
                out.push(Entry { method, path: path.clone(), operation: op.clone() });
            }
        }
    }
    out
}

fn location(p: &ParameterIn) -> &'static str {
    match p {
        ParameterIn::Path => "path",
        ParameterIn::Query => "query",
        ParameterIn::Header => "header",
        ParameterIn::Cookie => "cookie",
    }
}

/// `GET /docs/api`: every endpoint with its parameters and answers, from the document above.
pub async fn reference_page(State(state): State<AppState>) -> Html<String> {
    let options = state.leptos_options.clone();
    let doc = openapi();
    let intro = doc.info.description.clone().unwrap_or_default();
    let html = Owner::new().with(move || {
        view! {
            <!DOCTYPE html>
            <html lang="en">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <title>"API reference — Insight"</title>
                    <SiteStylesheet options/>
                </head>
                <body>
                    <main class="container api-docs">
                        <h1>"Insight API reference"</h1>
                        <p>{intro}</p>
                        <p>"Machine-readable: "<a href="/v1/openapi.json">"/v1/openapi.json"</a>" (OpenAPI 3.1)."</p>
                        {entries().into_iter().map(|e| {
                            let params = e.operation.parameters.clone().unwrap_or_default();
                            let responses: Vec<(String, String)> = e.operation.responses.responses.iter().map(|(code, r)| {
                                let text = match r { RefOr::T(r) => r.description.clone(), RefOr::Ref(r) => r.ref_location.clone() };
                                (code.clone(), text)
                            }).collect();
                            view! {
                                <section class="card">
                                    <h2><code>{format!("{} {}", e.method, e.path)}</code></h2>
                                    <p>{e.operation.summary.clone().unwrap_or_default()}</p>
                                    {e.operation.description.clone().map(|d| view! { <p>{d}</p> })}
                                    {(!params.is_empty()).then(|| view! {
                                        <table>
                                            <thead><tr><th>"Parameter"</th><th>"In"</th><th>"Required"</th><th>"Meaning"</th></tr></thead>
                                            <tbody>
                                                {params.into_iter().map(|p| view! {
                                                    <tr>
                                                        <td><code>{p.name.clone()}</code></td>
                                                        <td>{location(&p.parameter_in)}</td>
                                                        <td>{if matches!(p.required, utoipa::openapi::Required::True) { "yes" } else { "no" }}</td>
                                                        <td>{p.description.clone().unwrap_or_default()}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    })}
                                    <ul>
                                        {responses.into_iter().map(|(code, text)| view! { <li><strong>{code}</strong>" "{text}</li> }).collect_view()}
                                    </ul>
                                </section>
                            }
                        }).collect_view()}
                    </main>
                </body>
            </html>
        }
        .to_html()
    });
    Html(html)
}
