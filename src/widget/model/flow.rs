//! What the widget's steps exchange with the server: its first screen, each step's outcome, and `onSuccess`.

use crate::shared::{ImportId, Locale};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetBank {
    pub id: String,
    pub name: String,
    pub country: String,
    /// A test bank (documented logins, made-up data).
    pub sandbox: bool,
}

/// What the widget needs to draw its first step, after the server checked the embed options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetContext {
    pub organisation_name: String,
    pub locale: Locale,
    pub months: u32,
    pub banks: Vec<WidgetBank>,
    pub preselected: Option<String>,
}

/// The payload of `onSuccess` (SPEC §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuccessPayload {
    pub session_id: String,
    pub session_id_signature: String,
    /// A JWT (HS256, the signing secret) over the session, import, reference, Client ID and target: the
    /// back-end verifies what the browser reports (README, *Integrating your back-end*).
    pub result_token: String,
    pub target: String,
    pub target_name: String,
    pub import_id: Option<ImportId>,
    pub owner_external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SigninStep {
    OneTimeCodeRequired,
    Success(SuccessPayload),
}
