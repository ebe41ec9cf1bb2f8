use super::text_enum::text_enum;

text_enum! {
    /// What a portal user may do inside their organisation.
    pub enum Role {
        Admin = "admin",
        Technician = "technician",
        Reviewer = "reviewer",
        Viewer = "viewer",
    }
}

impl Role {
    /// A role chosen in a form, with the message a person sees when it is not one of ours.
    pub fn from_form(raw: &str) -> Result<Self, String> {
        Self::parse(raw.trim()).map_err(|_| "Choose one of: admin, technician, reviewer, viewer.".to_string())
    }

    /// Applications, their bank data, analysis and exports: everyone but the technician, whose job is the
    /// widget and the integrations (SPEC §1).
    pub fn can_read_applications(self) -> bool {
        self != Role::Technician
    }

    /// An API key reads applicants' data through `/v1`, so making one needs both the integration role and
    /// the right to read that data: admins.
    pub fn can_create_api_keys(self) -> bool {
        self.can_configure_widget() && self.can_read_applications()
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

    #[test]
    fn technicians_do_not_read_applications() {
        assert!(!Role::Technician.can_read_applications());
        assert!([Role::Admin, Role::Reviewer, Role::Viewer].iter().all(|r| r.can_read_applications()));
    }
}
