//! Messages from the widget iframe to the embedding page. Always addressed to that page's exact origin,
//! never `*`, so no other page can read them.

use serde::Serialize;

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    source: &'static str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    data: T,
}

pub fn envelope<T: Serialize>(kind: &str, name: Option<&str>, data: T) -> String {
    serde_json::to_string(&Envelope { source: "insight-signin", kind, name, data }).unwrap_or_default()
}

#[cfg(feature = "hydrate")]
pub fn post_to_parent(origin: &str, message: String) {
    use wasm_bindgen::JsValue;
    if origin.is_empty() {
        return;
    }
    if let Some(window) = web_sys::window() {
        if let Ok(Some(parent)) = window.parent() {
            let _ = parent.post_message(&JsValue::from_str(&message), origin);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
pub fn post_to_parent(_origin: &str, _message: String) {
    // Rendering on the server: there is no parent window.
}
