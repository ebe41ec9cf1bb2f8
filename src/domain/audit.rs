use serde::{Deserialize, Serialize};

/// What an audit entry records. Stored as text; the list is append-only like the trail itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    LogIn,
    WidgetConfigChanged,
    DecisionMade,
    ExportDownloaded,
    InviteCreated,
    InviteAccepted,
    RoleChanged,
    MemberRemoved,
    DataErased,
}

impl AuditAction {
    pub const ALL: [AuditAction; 9] = [
        Self::LogIn,
        Self::WidgetConfigChanged,
        Self::DecisionMade,
        Self::ExportDownloaded,
        Self::InviteCreated,
        Self::InviteAccepted,
        Self::RoleChanged,
        Self::MemberRemoved,
        Self::DataErased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LogIn => "login",
            Self::WidgetConfigChanged => "widget_config_changed",
            Self::DecisionMade => "decision",
            Self::ExportDownloaded => "export",
            Self::InviteCreated => "invite_created",
            Self::InviteAccepted => "invite_accepted",
            Self::RoleChanged => "role_changed",
            Self::MemberRemoved => "member_removed",
            Self::DataErased => "data_erased",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::LogIn => "Log-in",
            Self::WidgetConfigChanged => "Widget configuration changed",
            Self::DecisionMade => "Decision",
            Self::ExportDownloaded => "Export downloaded",
            Self::InviteCreated => "Invitation created",
            Self::InviteAccepted => "Invitation accepted",
            Self::RoleChanged => "Role changed",
            Self::MemberRemoved => "Member removed",
            Self::DataErased => "Imported data erased",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub action: AuditAction,
    pub actor_email: Option<String>,
    pub subject: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
    pub created_at: i64,
}
