use serde::{Deserialize, Serialize};
use std::fmt;

/// What a portal user may do inside their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Technician,
    Reviewer,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Technician, Role::Reviewer, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Technician => "technician",
            Role::Reviewer => "reviewer",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| "Choose one of: admin, technician, reviewer, viewer.".to_string())
    }

    pub fn can_decide(self) -> bool {
        matches!(self, Role::Admin | Role::Reviewer)
    }

    pub fn can_configure_widget(self) -> bool {
        matches!(self, Role::Admin | Role::Technician)
    }

    pub fn can_manage_team(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert!(Role::parse("owner").is_err());
    }

    #[test]
    fn only_admins_and_reviewers_decide() {
        assert!(Role::Admin.can_decide() && Role::Reviewer.can_decide());
        assert!(!Role::Viewer.can_decide() && !Role::Technician.can_decide());
    }
}
