//! Every `/v1` exchange of the sandbox bank: `X-Request-ID` echoed on each answer (the specification requires
//! it), and, when `APP_XS2A_RECORD` names a file, the request and the response appended to it as one JSON line
//! for the conformance check against the official OpenAPI file (`scripts/xs2a-conformance.py`).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Value};

use super::{SandboxState, PREFIX};

pub struct Recorder {
    file: Mutex<std::fs::File>,
}

impl Recorder {
    pub fn new(path: PathBuf) -> Self {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("APP_XS2A_RECORD {}: {e}", path.display()));
        Self { file: Mutex::new(file) }
    }

    fn write(&self, line: &Value) {
        // One write per line: several test servers append to the same file at once (O_APPEND).
        let mut text = line.to_string();
        text.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = file.write_all(text.as_bytes());
    }
}

fn headers_json(headers: &HeaderMap) -> Value {
    let map: serde_json::Map<String, Value> = headers
        .iter()
        .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), Value::String(v.to_string()))))
        .collect();
    Value::Object(map)
}

const MAX_BODY: usize = 16 * 1024 * 1024;

pub async fn exchange(State(state): State<SandboxState>, req: Request, next: Next) -> Response {
    // Echoed when it is a UUID; a request without a valid one (refused) still gets one, as every answer must
    // carry a UUID.
    let request_id = req
        .headers()
        .get("x-request-id")
        .filter(|v| v.to_str().ok().is_some_and(|v| uuid::Uuid::parse_str(v.trim()).is_ok()))
        .cloned()
        .or_else(|| uuid::Uuid::new_v4().to_string().parse().ok());
    if !state.0.latency.is_zero() {
        tokio::time::sleep(state.0.latency).await;
    }
    // Only the API (`/v1/…`) is the specification's; the SCA page and unknown paths are not recorded.
    // (Inside the nested router the prefix is already gone.)
    let path = req.uri().path();
    let api = path.strip_prefix(PREFIX).unwrap_or(path).starts_with("/v1/");
    let Some(recorder) = state.0.recorder.as_ref().filter(|_| api) else {
        let mut response = next.run(req).await;
        if let Some(id) = request_id {
            response.headers_mut().insert("x-request-id", id);
        }
        return response;
    };
    let (parts, body) = req.into_parts();
    let request_body = axum::body::to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let path = parts.uri.path().strip_prefix(PREFIX).unwrap_or(parts.uri.path()).to_string();
    let request_json = json!({
        "method": parts.method.as_str(),
        "path": path,
        "query": parts.uri.query().unwrap_or_default(),
        "headers": headers_json(&parts.headers),
        "body": String::from_utf8_lossy(&request_body),
    });
    let mut response = next.run(Request::from_parts(parts, Body::from(request_body))).await;
    if let Some(id) = request_id {
        response.headers_mut().insert("x-request-id", id);
    }
    let (parts, body) = response.into_parts();
    let response_body = axum::body::to_bytes(body, MAX_BODY).await.unwrap_or_default();
    recorder.write(&json!({
        "request": request_json,
        "response": {
            "status": parts.status.as_u16(),
            "headers": headers_json(&parts.headers),
            "body": String::from_utf8_lossy(&response_body),
        },
    }));
    Response::from_parts(parts, Body::from(response_body))
}
