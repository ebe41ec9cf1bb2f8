//! What the account pages show: who is signed in, the organisation's settings, its team and its audit trail.

use crate::shared::text_enum::text_enum;
use crate::shared::{ClientId, Role, UserId};
use serde::{Deserialize, Serialize};

/// Who is signed in, for the navigation bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub organisation_name: String,
    pub role: Role,
}

/// The head of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub organisation_name: String,
    pub client_id: ClientId,
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationSettings {
    pub organisation_name: String,
    pub client_id: String,
    /// Shown to admins only.
    pub signing_secret: Option<String>,
    /// Days imported bank data is kept before the retention job erases it.
    pub retention_days: i64,
    /// Four eyes: an approval counts only once a different reviewer confirms it.
    pub require_second_approval: bool,
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: UserId,
    pub email: String,
    pub role: Role,
    pub is_me: bool,
}

/// An invite that can still be accepted, as `/settings/team` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInviteView {
    pub invite_id: i64,
    pub email: String,
    pub role: Role,
    pub created_by: Option<String>,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteView {
    pub organisation_name: String,
    pub email: String,
    pub role: Role,
}

text_enum! {
    /// What an audit entry records. Stored as text; the list is append-only like the trail itself.
    pub enum AuditAction {
        LogIn = "login",
        LogInFailed = "login_failed",
        LogInLocked = "login_locked",
        WidgetConfigChanged = "widget_config_changed",
        DecisionMade = "decision",
        ExportDownloaded = "export",
        InviteCreated = "invite_created",
        InviteAccepted = "invite_accepted",
        RoleChanged = "role_changed",
        MemberRemoved = "member_removed",
        DataErased = "data_erased",
        ApiKeyCreated = "api_key_created",
        ApiKeyRevoked = "api_key_revoked",
        WebhookAdded = "webhook_added",
        WebhookRemoved = "webhook_removed",
        InviteRevoked = "invite_revoked",
        RetentionChanged = "retention_changed",
        RetentionErased = "retention_erased",
        TwoFactorEnabled = "two_factor_enabled",
        TwoFactorDisabled = "two_factor_disabled",
        TwoFactorPolicyChanged = "two_factor_policy_changed",
        RecoveryCodeUsed = "recovery_code_used",
        NoteAdded = "note_added",
        ApplicationAssigned = "application_assigned",
        ApprovalRequested = "approval_requested",
        ApprovalSentBack = "approval_sent_back",
        SecondApprovalPolicyChanged = "second_approval_policy_changed",
    }
}

impl AuditAction {
    pub fn label(self) -> &'static str {
        match self {
            Self::LogIn => "Log-in",
            Self::LogInFailed => "Failed log-in",
            Self::LogInLocked => "Log-in locked after failures",
            Self::WidgetConfigChanged => "Widget configuration changed",
            Self::DecisionMade => "Decision",
            Self::ExportDownloaded => "Export downloaded",
            Self::InviteCreated => "Invitation created",
            Self::InviteAccepted => "Invitation accepted",
            Self::RoleChanged => "Role changed",
            Self::MemberRemoved => "Member removed",
            Self::DataErased => "Imported data erased",
            Self::ApiKeyCreated => "API key created",
            Self::ApiKeyRevoked => "API key revoked",
            Self::WebhookAdded => "Webhook endpoint added",
            Self::WebhookRemoved => "Webhook endpoint removed",
            Self::InviteRevoked => "Invitation revoked",
            Self::RetentionChanged => "Retention period changed",
            Self::RetentionErased => "Data erased (retention)",
            Self::TwoFactorEnabled => "Two-factor turned on",
            Self::TwoFactorDisabled => "Two-factor turned off",
            Self::TwoFactorPolicyChanged => "Two-factor requirement changed",
            Self::RecoveryCodeUsed => "Recovery code used",
            Self::NoteAdded => "Note added to an application",
            Self::ApplicationAssigned => "Application assigned",
            Self::ApprovalRequested => "Approved, awaiting a second approval",
            Self::ApprovalSentBack => "Approval sent back",
            Self::SecondApprovalPolicyChanged => "Second-approval requirement changed",
        }
    }
}

/// What `/settings/security` shows a member about their own sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityView {
    pub email: String,
    pub two_factor: bool,
    pub recovery_codes_left: i64,
    /// The organisation requires two-factor of every member.
    pub required: bool,
    /// Admins set the requirement.
    pub can_require: bool,
}

/// A new TOTP secret to scan (QR code, SVG drawn on the server) or type in, before it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// Base32, as authenticator apps take it by hand.
    pub secret: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

/// The result of recomputing an organisation's audit hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainStatus {
    Verified {
        entries: i64,
    },
    /// The first entry that does not follow from the ones before it (changed, inserted or unchained), or —
    /// without a time and action — the last entry the chain's head remembers, when newer entries were removed.
    Broken {
        audit_event_id: i64,
        created_at: Option<i64>,
        action: Option<AuditAction>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditEntry {
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub action: AuditAction,
    pub actor_email: Option<String>,
    pub subject: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
    pub created_at: i64,
}
